//! Differential execution testing of the sqlx-scopes analyzer: generate, check, execute, compare.
//!
//! For every generated statement the analyzer accepts, the oracle runs it on a database holding
//! three tenants and on a copy holding only the active tenant's rows (plus the global tables),
//! and reports any difference: that is a statement which is not scoped, accepted as scoped.

pub mod data;
pub mod db;
pub mod gen;
pub mod model;
pub mod oracle;
pub mod rng;
pub mod runner;
pub mod shrink;
