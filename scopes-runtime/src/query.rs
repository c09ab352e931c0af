//! `Scoped`, what every scoped macro returns: the query the scope selected (or why there is
//! none), with sqlx's execution methods. `Choice` unifies variants of different types.

use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use sqlx::{Database, Executor, FromRow};

use crate::error::Error;
use crate::scope::Scope;

mod sealed {
    /// Implemented for sqlx's query types and `Choice` only.
    pub trait Query {}
    impl<DB: sqlx::Database, O, A> Query for sqlx::query::QueryAs<'_, DB, O, A> {}
    impl<DB: sqlx::Database, O, A> Query for sqlx::query::QueryScalar<'_, DB, O, A> {}
    impl<DB: sqlx::Database, F, A> Query for sqlx::query::Map<'_, DB, F, A> {}
    impl<DB: sqlx::Database, A> Query for sqlx::query::Query<'_, DB, A> {}
    impl<X, Y> Query for super::Choice<X, Y> {}
}

/// A query whose rows can be fetched: sqlx's query types and [`Choice`] of them. Sealed.
pub trait Run: sealed::Query + Send + Sized {
    /// The database.
    type Db: Database;
    /// One row of the result.
    type Output: Send + Unpin;
    /// Rows as a stream.
    fn run_fetch<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxStream<'e, Result<Self::Output, sqlx::Error>>
    where
        Self: 'e,
        Self::Output: 'e,
        E: 'e + Executor<'c, Database = Self::Db>;
    /// Every row.
    fn run_fetch_all<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<Vec<Self::Output>, sqlx::Error>>
    where
        Self: 'e,
        Self::Output: 'e,
        E: 'e + Executor<'c, Database = Self::Db>;
    /// The first row, if any.
    fn run_fetch_optional<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<Option<Self::Output>, sqlx::Error>>
    where
        Self: 'e,
        Self::Output: 'e,
        E: 'e + Executor<'c, Database = Self::Db>;
}

/// A query that can be executed for its effect (INSERT, UPDATE, DELETE). Sealed.
pub trait RunExecute: sealed::Query + Send + Sized {
    /// The database.
    type Db: Database;
    /// Executes it.
    fn run_execute<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<<Self::Db as Database>::QueryResult, sqlx::Error>>
    where
        Self: 'e,
        E: 'e + Executor<'c, Database = Self::Db>;
}

/// One of two query variants with the same output (nest for more).
#[doc(hidden)]
pub enum Choice<A, B> {
    /// The first.
    A(A),
    /// The second.
    B(B),
}

/// The result of a scoped macro: run it like a sqlx query. A scope that cannot serve the
/// query gives [`Error::Scope`] here, before anything is sent.
#[must_use = "query must be executed to affect database"]
pub struct Scoped<Q> {
    query: Result<Q, Error>,
    sql: &'static str,
    audit: Option<(Scope, &'static [&'static str])>,
}

/// A query built (or the error that stands for it) with its SQL. For generated code.
#[doc(hidden)]
#[inline]
pub fn scoped<Q>(query: Result<Q, Error>, sql: &'static str) -> Scoped<Q> {
    Scoped {
        query,
        sql,
        audit: None,
    }
}

/// Selects the variant for `scope` over `dimensions` and builds it with `build(index)`.
/// For generated code (statements spelled out variant by variant).
#[doc(hidden)]
#[inline]
pub fn build<Q>(
    scope: &Scope,
    dimensions: &'static [&'static str],
    build: impl FnOnce(usize) -> Result<(&'static str, Q), Error>,
) -> Scoped<Q> {
    match scope.__select(dimensions) {
        Err(e) => scoped(Err(e.into()), ""),
        Ok(selection) => {
            let (sql, query) = match build(selection.index) {
                Ok((sql, q)) => (sql, Ok(q)),
                Err(e) => ("", Err(e)),
            };
            let audit = selection.audited.then(|| (scope.clone(), dimensions));
            Scoped { query, sql, audit }
        }
    }
}

/// A statement with no scope placeholders (`unscoped`, or only global tables).
#[doc(hidden)]
#[inline]
pub fn fixed<Q>(build: impl FnOnce(usize) -> Result<(&'static str, Q), Error>) -> Scoped<Q> {
    match build(0) {
        Ok((sql, q)) => scoped(Ok(q), sql),
        Err(e) => scoped(Err(e), ""),
    }
}

/// Records the scope's "all" reasons when the query runs.
#[doc(hidden)]
#[inline]
pub fn audit<Q>(
    mut query: Scoped<Q>,
    scope: &Scope,
    dimensions: &'static [&'static str],
) -> Scoped<Q> {
    query.audit = Some((scope.clone(), dimensions));
    query
}

impl<Q> Scoped<Q> {
    /// The SQL the scope selected, as sent to the database (or why there is none). Needs no
    /// database: the query is built, not run.
    ///
    /// ```
    /// # // `sqlx_scopes::scoped_query!` builds a `Scoped`; here by hand, as the macro would.
    /// # let q = scopes_runtime::__private::scoped::<()>(Ok(()), "SELECT id FROM posts WHERE site_id = ?1");
    /// // let q = scoped_query!(scope, "SELECT id FROM posts WHERE site_id = :site");
    /// assert_eq!(q.sql().unwrap(), "SELECT id FROM posts WHERE site_id = ?1");
    /// ```
    ///
    /// When the scope cannot serve the statement, the error a run would return:
    ///
    /// ```
    /// use scopes_runtime::{Error, ScopeError};
    /// # let q = scopes_runtime::__private::scoped::<()>(Err(ScopeError::Missing { dimensions: vec!["site".into()] }.into()), "");
    /// // let q = scoped_query!(Scope::one("user", 1), "SELECT id FROM posts WHERE site_id = :site");
    /// let err = q.sql().unwrap_err();
    /// assert_eq!(err.to_string(), "a scope on dimension \"site\" needs to be active for this query");
    /// assert!(matches!(err.as_scope_error(), Some(ScopeError::Missing { .. })));
    /// ```
    pub fn sql(&self) -> Result<&'static str, &Error> {
        match &self.query {
            Ok(_) => Ok(self.sql),
            Err(e) => Err(e),
        }
    }

    #[inline]
    fn start(self) -> Result<Q, Error> {
        if let Some((scope, dims)) = &self.audit {
            for (dimension, reason) in scope.all_reasons(dims) {
                tracing::info!(
                    target: "sqlx_scopes::audit",
                    dimension,
                    reason,
                    sql = self.sql,
                    "query runs across every tenant of a dimension"
                );
            }
        }
        self.query
    }
}

impl<Q: Run> Scoped<Q> {
    /// Every row.
    pub async fn fetch_all<'e, 'c: 'e, E>(self, executor: E) -> Result<Vec<Q::Output>, Error>
    where
        Q: 'e,
        Q::Output: 'e,
        E: 'e + Executor<'c, Database = Q::Db>,
    {
        Ok(self.start()?.run_fetch_all(executor).await?)
    }

    /// The first row, or `sqlx::Error::RowNotFound`.
    pub async fn fetch_one<'e, 'c: 'e, E>(self, executor: E) -> Result<Q::Output, Error>
    where
        Q: 'e,
        Q::Output: 'e,
        E: 'e + Executor<'c, Database = Q::Db>,
    {
        match self.start()?.run_fetch_optional(executor).await? {
            Some(row) => Ok(row),
            None => Err(Error::Database(sqlx::Error::RowNotFound)),
        }
    }

    /// The first row, if any.
    pub async fn fetch_optional<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> Result<Option<Q::Output>, Error>
    where
        Q: 'e,
        Q::Output: 'e,
        E: 'e + Executor<'c, Database = Q::Db>,
    {
        Ok(self.start()?.run_fetch_optional(executor).await?)
    }

    /// Rows as a stream.
    pub fn fetch<'e, 'c: 'e, E>(self, executor: E) -> BoxStream<'e, Result<Q::Output, Error>>
    where
        Q: 'e,
        Q::Output: 'e,
        E: 'e + Executor<'c, Database = Q::Db>,
    {
        match self.start() {
            Ok(q) => q.run_fetch(executor).map_err(Error::from).boxed(),
            Err(e) => futures_util::stream::once(async move { Err(e) }).boxed(),
        }
    }
}

impl<Q: RunExecute> Scoped<Q> {
    /// Executes the statement; the result says how many rows it affected.
    pub async fn execute<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> Result<<Q::Db as Database>::QueryResult, Error>
    where
        Q: 'e,
        E: 'e + Executor<'c, Database = Q::Db>,
    {
        Ok(self.start()?.run_execute(executor).await?)
    }
}

macro_rules! run_methods {
    () => {
        fn run_fetch<'e, 'c: 'e, E>(
            self,
            executor: E,
        ) -> BoxStream<'e, Result<Self::Output, sqlx::Error>>
        where
            Self: 'e,
            E: 'e + Executor<'c, Database = Self::Db>,
        {
            self.fetch(executor)
        }
        fn run_fetch_all<'e, 'c: 'e, E>(
            self,
            executor: E,
        ) -> BoxFuture<'e, Result<Vec<Self::Output>, sqlx::Error>>
        where
            Self: 'e,
            E: 'e + Executor<'c, Database = Self::Db>,
        {
            self.fetch_all(executor).boxed()
        }
        fn run_fetch_optional<'e, 'c: 'e, E>(
            self,
            executor: E,
        ) -> BoxFuture<'e, Result<Option<Self::Output>, sqlx::Error>>
        where
            Self: 'e,
            E: 'e + Executor<'c, Database = Self::Db>,
        {
            self.fetch_optional(executor).boxed()
        }
    };
}

impl<'q, DB, O, A> Run for sqlx::query::QueryAs<'q, DB, O, A>
where
    DB: Database,
    // 'static arguments (sqlx 0.9 encodes eagerly) keep the impl free of `'q`, so futures stay
    // provably Send inside `tokio::spawn`.
    A: 'static + Send + sqlx::IntoArguments<DB>,
    O: Send + Unpin + for<'r> FromRow<'r, DB::Row>,
{
    type Db = DB;
    type Output = O;
    run_methods!();
}

impl<'q, DB, O, A> Run for sqlx::query::QueryScalar<'q, DB, O, A>
where
    DB: Database,
    // 'static arguments (sqlx 0.9 encodes eagerly) keep the impl free of `'q`, so futures stay
    // provably Send inside `tokio::spawn`.
    A: 'static + Send + sqlx::IntoArguments<DB>,
    O: Send + Unpin,
    (O,): for<'r> FromRow<'r, DB::Row>,
{
    type Db = DB;
    type Output = O;
    run_methods!();
}

impl<'q, DB, F, O, A> Run for sqlx::query::Map<'q, DB, F, A>
where
    DB: Database,
    F: FnMut(DB::Row) -> Result<O, sqlx::Error> + Send,
    // `Map` does not name `O`, so `Map: 'e` cannot imply it; rows are owned anyway.
    O: Send + Unpin + 'static,
    // 'static arguments (sqlx 0.9 encodes eagerly) keep the impl free of `'q`, so futures stay
    // provably Send inside `tokio::spawn`.
    A: 'static + Send + sqlx::IntoArguments<DB>,
{
    type Db = DB;
    type Output = O;
    run_methods!();
}

impl<'q, DB, A> Run for sqlx::query::Query<'q, DB, A>
where
    DB: Database,
    // 'static arguments (sqlx 0.9 encodes eagerly) keep the impl free of `'q`, so futures stay
    // provably Send inside `tokio::spawn`.
    A: 'static + Send + sqlx::IntoArguments<DB>,
{
    type Db = DB;
    type Output = DB::Row;
    run_methods!();
}

impl<'q, DB, A> RunExecute for sqlx::query::Query<'q, DB, A>
where
    DB: Database,
    // 'static arguments (sqlx 0.9 encodes eagerly) keep the impl free of `'q`, so futures stay
    // provably Send inside `tokio::spawn`.
    A: 'static + Send + sqlx::IntoArguments<DB>,
{
    type Db = DB;
    fn run_execute<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<DB::QueryResult, sqlx::Error>>
    where
        Self: 'e,
        E: 'e + Executor<'c, Database = DB>,
    {
        self.execute(executor).boxed()
    }
}

impl<X, Y> Run for Choice<X, Y>
where
    X: Run,
    Y: Run<Db = X::Db, Output = X::Output>,
{
    type Db = X::Db;
    type Output = X::Output;

    fn run_fetch<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxStream<'e, Result<Self::Output, sqlx::Error>>
    where
        Self: 'e,
        Self::Output: 'e,
        E: 'e + Executor<'c, Database = Self::Db>,
    {
        match self {
            Choice::A(x) => x.run_fetch(executor),
            Choice::B(y) => y.run_fetch(executor),
        }
    }

    fn run_fetch_all<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<Vec<Self::Output>, sqlx::Error>>
    where
        Self: 'e,
        Self::Output: 'e,
        E: 'e + Executor<'c, Database = Self::Db>,
    {
        match self {
            Choice::A(x) => x.run_fetch_all(executor),
            Choice::B(y) => y.run_fetch_all(executor),
        }
    }

    fn run_fetch_optional<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<Option<Self::Output>, sqlx::Error>>
    where
        Self: 'e,
        Self::Output: 'e,
        E: 'e + Executor<'c, Database = Self::Db>,
    {
        match self {
            Choice::A(x) => x.run_fetch_optional(executor),
            Choice::B(y) => y.run_fetch_optional(executor),
        }
    }
}

impl<X, Y> RunExecute for Choice<X, Y>
where
    X: RunExecute,
    Y: RunExecute<Db = X::Db>,
{
    type Db = X::Db;
    fn run_execute<'e, 'c: 'e, E>(
        self,
        executor: E,
    ) -> BoxFuture<'e, Result<<Self::Db as Database>::QueryResult, sqlx::Error>>
    where
        Self: 'e,
        E: 'e + Executor<'c, Database = Self::Db>,
    {
        match self {
            Choice::A(x) => x.run_execute(executor),
            Choice::B(y) => y.run_execute(executor),
        }
    }
}
