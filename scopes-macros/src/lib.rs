//! Proc macros of sqlx-scopes. Not intended to be used directly: use the `sqlx-scopes` crate.
