//! A workspace module that re-exports sqlx's functions; the calls through it are in other files.
pub use sqlx::{query, query_as};
