//! PostgreSQL suite of sqlx-scopes: see tests/scenarios.rs (its own crate so scopes.toml can say `dialect = "postgres"`).
