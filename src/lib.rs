//! sqlx-scopes: tenant isolation for sqlx, checked when the code compiles.
#![forbid(missing_docs)]

pub use scopes_runtime::*;
