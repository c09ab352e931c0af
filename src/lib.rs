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
//! # Typed tokens
//!
//! [`dimensions!`] makes one marker type per dimension of scopes.toml, so a signature can say
//! which dimensions its queries need. A scoped macro given a typed token checks at compile time
//! that it holds each dimension of the statement; the plain `Scope` stays the dynamic token.
//!
//! ```no_run
//! use sqlx_scopes::{scoped_query_scalar, Scope};
//! sqlx_scopes::dimensions!();
//!
//! async fn bookmarks(pool: &sqlx::SqlitePool, scope: &Scope<(Site, User)>)
//!     -> Result<Vec<i64>, sqlx_scopes::Error> {
//!     scoped_query_scalar!(scope, "SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id
//!                                  WHERE p.site_id = :site AND b.user_id = :user")
//!         .fetch_all(pool)
//!         .await
//! }
//! # async fn run(pool: sqlx::SqlitePool) -> Result<(), sqlx_scopes::Error> {
//! let site: Scope<Site> = Site::one(1);
//! let ids = bookmarks(&pool, &site.with::<User>(7)).await?;
//! // `bookmarks(&pool, &site)` does not compile: the token lacks `User`.
//! # Ok(()) }
//! ```
//!
//! The README describes scopes.toml, the opt-outs (`unscoped`, `unscoped(dim)`), the `Scope`
//! modes (one, several, all with a reason) and the two build modes (no database; `checked`).
//!
//! # Features
//!
//! - `axum`: the `Scope` extractor and the resolving layer (`sqlx_scopes::axum`).
//! - `postgres`: `Scope::begin`, binding a scope into a transaction for row-level security.
//! - `checked`: every scoped query is checked against the database at compile time, like sqlx's
//!   own macros (`DATABASE_URL` or sqlx's offline data). It changes what the macros expand to,
//!   not the API.
#![forbid(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use scopes_runtime::{
    index, Append, Dimension, Dims, Dynamic, Error, Has, IntoValue, Mode, Run, RunExecute, Scope,
    ScopeError, Scoped, Typed, Value,
};

/// axum 0.8 integration: the `Scope` extractor and the resolving layer (feature `axum`).
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use scopes_runtime::axum;

mod macros;

/// Support for the code the macros generate. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use scopes_macros::{expand_dimensions, expand_query, expand_scope};
    pub use scopes_runtime::__private::*;
}
