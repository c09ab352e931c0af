//! The compact form of a scoped query, for the code the macros generate: every variant's SQL
//! and bind list as literals, run by the generic functions here. Not public API.
//!
//! Why: a query's variants (one value, several values, all, per dimension) differ only in
//! their SQL text and in which values they bind. Spelling each variant out as Rust code made
//! every macro call expand to a few hundred tokens, and rustc's handling of those tokens cost
//! more than the analysis itself; as data, a call expands to a few dozen, and the code that
//! builds the query exists once per database and row type instead of once per call.
//!
//! A bind list is a byte string, one byte per parameter in the order the SQL numbers them:
//! - `0..=63`: the caller's argument of that index;
//! - `64 + d`: dimension `d` (an index into the dimensions), its one value;
//! - `128 + d`: dimension `d`, its several values (an array on PostgreSQL, JSON elsewhere).
//!
//! A variant the statement cannot serve (several values where only one fits, such as an
//! INSERT's VALUES) has empty SQL and the bind list `[d, mode]`: dimension `d` holds several
//! values (`mode` 1) or all (`mode` 2).

use sqlx::{Database, Encode, Type};

use crate::bind::{many_json, Args, ScopeType};
use crate::error::{Error, ScopeError};
use crate::query::Scoped;
use crate::scope::Scope;

/// First bind byte of a dimension's one value.
pub const ONE: u8 = 64;
/// First bind byte of a dimension's several values.
pub const MANY: u8 = 128;

/// Binds dimension values of one declared type: `many` picks the several-values form.
pub type Binder<DB> = fn(&Scope, &str, bool, &mut Args<DB>) -> Result<(), ScopeError>;

/// The binder of a dimension declared with type `T`, where several values bind as one JSON
/// array (SQLite `json_each`, MySQL `JSON_TABLE`).
pub fn dim_json<DB: Database, T: ScopeType>(
    scope: &Scope,
    dimension: &str,
    many: bool,
    args: &mut Args<DB>,
) -> Result<(), ScopeError>
where
    for<'a> T::One<'a>: Encode<'a, DB> + Type<DB>,
    for<'a> &'a str: Encode<'a, DB> + Type<DB>,
{
    if many {
        args.add(many_json::<T>(scope, dimension)?);
    } else {
        args.add(T::one(scope, dimension)?);
    }
    Ok(())
}

/// The binder of a dimension declared with type `T`, where several values bind as one array
/// (PostgreSQL `= ANY($n)`).
pub fn dim_array<DB: Database, T: ScopeType>(
    scope: &Scope,
    dimension: &str,
    many: bool,
    args: &mut Args<DB>,
) -> Result<(), ScopeError>
where
    for<'a> T::One<'a>: Encode<'a, DB> + Type<DB>,
    for<'a> T::Many<'a>: Encode<'a, DB> + Type<DB>,
{
    if many {
        args.add(T::many(scope, dimension)?);
    } else {
        args.add(T::one(scope, dimension)?);
    }
    Ok(())
}

/// Adds the caller's argument of an index.
pub type UserArgs<'a, DB> = &'a mut dyn FnMut(&mut Args<DB>, usize);

/// A statement's variants: its dimensions, and per variant the SQL and the bind list.
#[derive(Clone, Copy)]
pub struct Plan {
    /// The dimensions the statement filters on, in the order of the variant index.
    pub dimensions: &'static [&'static str],
    /// Per variant, its SQL (empty: the variant cannot serve the scope).
    pub sql: &'static [&'static str],
    /// Per variant, its bind list.
    pub binds: &'static [&'static [u8]],
}

impl Plan {
    /// Selects the variant for `scope` (the only one when there is no scope) and builds its
    /// arguments; `make` turns the SQL and the arguments into sqlx's query.
    #[inline]
    fn build<DB: Database, Q>(
        self,
        scope: Option<&Scope>,
        dims: &[Binder<DB>],
        user: UserArgs<'_, DB>,
        make: impl FnOnce(&'static str, DB::Arguments) -> Q,
    ) -> Scoped<Q> {
        let (index, audited) = match scope {
            None => (0, false),
            Some(scope) => match scope.__select(self.dimensions) {
                Ok(selection) => (selection.index, selection.audited),
                Err(e) => return crate::query::scoped(Err(e.into()), ""),
            },
        };
        let (Some(&sql), Some(&binds)) = (self.sql.get(index), self.binds.get(index)) else {
            return crate::query::scoped(Err(unserved("", 0).into()), "");
        };
        let scoped = match self.args(sql, binds, scope, dims, user) {
            Ok(args) => crate::query::scoped(Ok(make(sql, args)), sql),
            Err(e) => crate::query::scoped(Err(e), ""),
        };
        match scope {
            Some(scope) if audited => crate::query::audit(scoped, scope, self.dimensions),
            _ => scoped,
        }
    }

    fn args<DB: Database>(
        self,
        sql: &'static str,
        binds: &[u8],
        scope: Option<&Scope>,
        dims: &[Binder<DB>],
        user: UserArgs<'_, DB>,
    ) -> Result<DB::Arguments, Error> {
        if sql.is_empty() {
            let (d, mode) = (binds.first(), binds.get(1));
            let dimension = d.and_then(|d| self.dimensions.get(usize::from(*d)));
            return Err(
                unserved(dimension.copied().unwrap_or(""), mode.copied().unwrap_or(0)).into(),
            );
        }
        let mut args = Args::<DB>::default();
        for &b in binds {
            if b < ONE {
                user(&mut args, usize::from(b));
                continue;
            }
            let d = usize::from(b & (ONE - 1));
            let (Some(scope), Some(dimension), Some(bind)) =
                (scope, self.dimensions.get(d), dims.get(d))
            else {
                return Err(unserved("", 0).into());
            };
            bind(scope, dimension, b >= MANY, &mut args)?;
        }
        args.finish()
    }
}

fn unserved(dimension: &str, mode: u8) -> ScopeError {
    let held = match mode {
        1 => "several values",
        2 => "all",
        _ => "an unknown mode",
    };
    crate::private::needs_one(dimension, held)
}

/// `scoped_query!`: rows as `DB::Row`.
#[inline]
pub fn rows<DB: Database>(
    plan: Plan,
    scope: Option<&Scope>,
    dims: &[Binder<DB>],
    user: UserArgs<'_, DB>,
) -> Scoped<sqlx::query::Query<'static, DB, DB::Arguments>>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    plan.build(scope, dims, user, |sql, args| sqlx::query_with(sql, args))
}

/// `scoped_query_as!(O, ..)`: rows through `FromRow`.
#[inline]
pub fn rows_as<DB: Database, O>(
    plan: Plan,
    scope: Option<&Scope>,
    dims: &[Binder<DB>],
    user: UserArgs<'_, DB>,
) -> Scoped<sqlx::query::QueryAs<'static, DB, O, DB::Arguments>>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
    O: for<'r> sqlx::FromRow<'r, DB::Row>,
{
    plan.build(scope, dims, user, |sql, args| {
        sqlx::query_as_with(sql, args)
    })
}

/// `scoped_query_scalar!`: the first column of each row.
#[inline]
pub fn scalar<DB: Database, O>(
    plan: Plan,
    scope: Option<&Scope>,
    dims: &[Binder<DB>],
    user: UserArgs<'_, DB>,
) -> Scoped<sqlx::query::QueryScalar<'static, DB, O, DB::Arguments>>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
    (O,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    plan.build(scope, dims, user, |sql, args| {
        sqlx::query_scalar_with(sql, args)
    })
}
