//! sqlx-scopes on a sharded PostgreSQL: see tests/sharded/main.rs (its own crate, so that its
//! scopes.toml describes the blog keyed for scale-out, with `dialect = "postgres"`).
