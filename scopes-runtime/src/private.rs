//! Support for the code the macros generate: the scope-argument check and the fallback value
//! emitted next to a compile error. Not public API.

use std::marker::PhantomData;

use futures_core::stream::BoxStream;

use crate::error::{Error, ScopeError};
use crate::query::{Run, Scoped};
use crate::scope::Scope;

/// What may be passed as the scope argument of a scoped macro.
#[diagnostic::on_unimplemented(
    message = "the scope argument must be a `sqlx_scopes::Scope`, not `{Self}`",
    label = "not a `Scope`",
    note = "build one with `Scope::one(\"site\", id)` (or `Scope::many`, `Scope::all`), or write `unscoped` to opt out explicitly"
)]
pub trait AsScope {
    /// The token.
    fn as_scope(&self) -> &Scope;
}

impl AsScope for Scope {
    fn as_scope(&self) -> &Scope {
        self
    }
}

impl<T: AsScope + ?Sized> AsScope for &T {
    fn as_scope(&self) -> &Scope {
        (**self).as_scope()
    }
}

impl<T: AsScope + ?Sized> AsScope for std::sync::Arc<T> {
    fn as_scope(&self) -> &Scope {
        (**self).as_scope()
    }
}

/// The scope argument as a `&Scope`.
#[inline]
pub fn as_scope<S: AsScope + ?Sized>(scope: &S) -> &Scope {
    scope.as_scope()
}

/// In the `checked` build mode: `scoped`, the query the scope selects, tied to `check`, the
/// closure holding sqlx's checked macro for the one-value variant of the same SQL (type-checked,
/// never called). The bound makes the database and row type the checked macro's, so inference
/// takes `query_scalar_with`'s output type from it, even when the query is never fetched
/// (`.sql()` only).
#[inline]
pub fn checked_plan<C, X, Q>(_check: &C, scoped: Scoped<Q>) -> Scoped<Q>
where
    C: FnOnce() -> Result<X, Error>,
    X: Run,
    Q: Run<Db = X::Db, Output = X::Output>,
{
    scoped
}

/// `scoped_query_as!(T, ..)` in the `checked` build mode with a scope: every variant decodes
/// rows through `FromRow`.
#[diagnostic::on_unimplemented(
    message = "in the `checked` build mode, `scoped_query_as!({Self}, ..)` with a scope needs `{Self}: sqlx::FromRow`",
    label = "add `#[derive(sqlx::FromRow)]` to `{Self}`",
    note = "sqlx's `query_as!` checks the one-value variant at compile time; every variant decodes rows through `FromRow` when it runs"
)]
pub trait CheckedRow<DB: sqlx::Database> {}

impl<DB: sqlx::Database, T> CheckedRow<DB> for T where T: for<'r> sqlx::FromRow<'r, DB::Row> {}

/// Asserts `T: CheckedRow<DB>` at the macro's call site (for a readable error).
#[inline]
pub fn checked_row<DB: sqlx::Database, T: CheckedRow<DB>>() {}

/// Stands in for a query whose macro reported a compile error, with the same methods, so the
/// user sees that error alone. Never runs: the crate does not compile.
pub struct Fallback<O>(PhantomData<fn() -> O>);

/// The result of [`Fallback::execute`].
pub struct FallbackDone;

impl FallbackDone {
    /// Rows affected.
    pub fn rows_affected(&self) -> u64 {
        0
    }
}

fn never() -> Error {
    Error::Scope(ScopeError::__needs_one("", "a compile error"))
}

impl<O: Send + 'static> Fallback<O> {
    /// A new fallback.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Fallback(PhantomData)
    }
    /// See `Scoped::fetch_all`.
    pub async fn fetch_all<E>(self, _executor: E) -> Result<Vec<O>, Error> {
        Err(never())
    }
    /// See `Scoped::fetch_one`.
    pub async fn fetch_one<E>(self, _executor: E) -> Result<O, Error> {
        Err(never())
    }
    /// See `Scoped::fetch_optional`.
    pub async fn fetch_optional<E>(self, _executor: E) -> Result<Option<O>, Error> {
        Err(never())
    }
    /// See `Scoped::fetch`.
    pub fn fetch<'e, E>(self, _executor: E) -> BoxStream<'e, Result<O, Error>> {
        Box::pin(futures_util::stream::once(async { Err(never()) }))
    }
    /// See `Scoped::execute`.
    pub async fn execute<E>(self, _executor: E) -> Result<FallbackDone, Error> {
        Err(never())
    }
    /// See `Scoped::sql`.
    pub fn sql(&self) -> Result<&'static str, Error> {
        Err(never())
    }
}
