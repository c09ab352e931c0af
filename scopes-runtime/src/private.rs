//! Support for the code the macros generate: the scope-argument check (a `Scope` of any
//! dimension set, and for a typed token, that it holds each dimension the statement filters
//! on) and the fallback value emitted next to a compile error. Not public API.

use std::marker::PhantomData;

use futures_core::stream::BoxStream;

use crate::error::{Error, ScopeError};
use crate::query::{Run, Scoped};
use crate::scope::Scope;
use crate::typed::{Dims, Dynamic, Has, Typed};

/// What may be passed as the scope argument of a scoped macro. Sealed by being unnameable
/// outside this module's re-export.
#[diagnostic::on_unimplemented(
    message = "the scope argument must be a `sqlx_scopes::Scope`, not `{Self}`",
    label = "not a `Scope`",
    note = "build one with `Scope::one(\"site\", id)` (or `Scope::many`, `Scope::all`), or write `unscoped` to opt out explicitly"
)]
pub trait AsScope {
    /// The token's dimension set ([`Dynamic`] for the untyped token).
    type Dims: Dims;
    /// The token.
    fn as_scope(&self) -> &Scope;
}

impl AsScope for Scope {
    type Dims = Dynamic;
    #[inline]
    fn as_scope(&self) -> &Scope {
        self
    }
}

impl<D: Typed> AsScope for Scope<D> {
    type Dims = D;
    #[inline]
    fn as_scope(&self) -> &Scope {
        &self.0
    }
}

impl<T: AsScope + ?Sized> AsScope for &T {
    type Dims = T::Dims;
    #[inline]
    fn as_scope(&self) -> &Scope {
        (**self).as_scope()
    }
}

impl<T: AsScope + ?Sized> AsScope for std::sync::Arc<T> {
    type Dims = T::Dims;
    #[inline]
    fn as_scope(&self) -> &Scope {
        (**self).as_scope()
    }
}

/// The scope argument as a `&Scope` (the same data for typed and dynamic tokens).
#[inline]
pub fn as_scope<S: AsScope + ?Sized>(scope: &S) -> &Scope {
    scope.as_scope()
}

/// A dimension name as a type: the marker `dimensions!()` generates, or the key a scoped macro
/// declares for each dimension its statement filters on. Two keys are the same dimension when
/// their `Id`s are.
pub trait Key {
    /// `Id<{ dimension_id("name") }>`.
    type Id;
}

/// The dimension set of a scope argument, as a value the macros pass to [`require`].
pub struct DimsOf<D>(PhantomData<fn() -> D>);

impl<D> Clone for DimsOf<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D> Copy for DimsOf<D> {}

/// The scope argument as a `&Scope` and its dimension set, in one call: an argument that is not
/// a scope is then reported once.
#[inline(always)]
pub fn scope_and_dims<S: AsScope + ?Sized>(scope: &S) -> (&Scope, DimsOf<S::Dims>) {
    (scope.as_scope(), DimsOf(PhantomData))
}

/// The compile-time half of the scope check: the token's dimension set holds `K`. Always true
/// for the dynamic token (its check runs with the query); for a typed token, a missing
/// dimension is a compile error naming it ([`Has`]). Costs nothing at run time.
#[inline(always)]
pub fn require<K: Key, I: crate::index::Position, D: Has<K, I>>(_dims: DimsOf<D>) {}

/// The token with no dimension, for `scope!`.
pub fn empty_scope() -> Scope {
    Scope::empty()
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
    Error::Scope(needs_one("", "a compile error"))
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

/// The error of a statement variant that needs one value where the token holds several values
/// or "all" (`held`).
pub fn needs_one(dimension: &str, held: &'static str) -> ScopeError {
    ScopeError::NeedsOneValue {
        dimension: dimension.into(),
        held,
    }
}
