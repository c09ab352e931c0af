//! sqlx-scopes: tenant isolation for sqlx, checked when the code compiles.
//!
//! Every query names its tenant filter with a `:dimension` placeholder (`:site`), the macros
//! prove at compile time that each scoped table of `scopes.toml` is filtered by it, and at run
//! time the value comes from an explicit [`Scope`] token, never from an argument.
//!
//! # Example
//!
//! ```no_run
//! use sqlx_scopes::{scoped_query_as, Scope};
//!
//! #[derive(sqlx::FromRow)]
//! struct Post {
//!     id: i64,
//!     title: String,
//! }
//!
//! # async fn run(pool: sqlx::SqlitePool) -> Result<(), sqlx_scopes::Error> {
//! let scope = Scope::one("site", 1);
//! let posts = scoped_query_as!(Post, scope,
//!     "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.published = ?", true)
//!     .fetch_all(&pool)
//!     .await?;
//! // One value is bound as a plain parameter: the SQL a person would write.
//! let q = scoped_query_as!(Post, scope, "SELECT id, title FROM posts WHERE site_id = :site");
//! assert_eq!(q.sql().unwrap(), "SELECT id, title FROM posts WHERE site_id = ?1");
//! # Ok(()) }
//! ```
//!
//! The README describes scopes.toml, the opt-outs (`unscoped`, `unscoped(dim)`), the `Scope`
//! modes (one, several, all with a reason) and the two build modes (no database; `checked`).
#![forbid(missing_docs)]

pub use scopes_runtime::{
    index, Append, Dimension, Dims, Dynamic, Error, Has, IntoValue, Mode, Run, RunExecute, Scope,
    ScopeError, Scoped, Typed, Value,
};

/// axum 0.8 integration: the `Scope` extractor and the resolving layer (feature `axum`).
#[cfg(feature = "axum")]
pub use scopes_runtime::axum;

mod macros;

/// Support for the code the macros generate. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use scopes_macros::{expand_dimensions, expand_query, expand_scope};
    pub use scopes_runtime::__private::*;
}
