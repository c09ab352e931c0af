//! The `scoped_query!` family: `macro_rules!` wrappers that pass `$crate` to the proc macro, so
//! the generated code finds this crate under any name.

/// A scoped query returning rows: `scoped_query!(scope, "SQL", args...)`.
///
/// The first argument is a [`Scope`](crate::Scope) expression, or `unscoped` /
/// `unscoped(dimension, ...)` (optionally followed by a scope) to opt out explicitly.
/// Without the `checked` feature it returns database rows (`sqlx::query` semantics); with it,
/// sqlx's anonymous records, which only the checked one-value query can produce: a statement
/// that returns rows and has other scope modes (several values, all) is refused there (use
/// [`scoped_query_as!`](crate::scoped_query_as) or [`scoped_query_scalar!`](crate::scoped_query_scalar)).
#[macro_export]
macro_rules! scoped_query {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; rows; text; $($input)*) };
}

/// A scoped query mapping rows to `T`: `scoped_query_as!(T, scope, "SQL", args...)`.
///
/// Without the `checked` feature `T` needs `sqlx::FromRow`. With it, sqlx's `query_as!` checks
/// the one-value variant (columns, types, arguments) against the database, and the other scope
/// modes (several values, all), which differ from it only in their scope predicates, decode rows
/// through `FromRow`: so a statement with scope placeholders still needs `T: sqlx::FromRow`, and
/// it must map the columns by their names as `query_as!` does (no `#[sqlx(rename)]`,
/// `flatten` or `default`). A statement with sqlx's column overrides in an alias
/// (`AS "id!"`, `AS "n: i64"`) checks every mode with `query_as!` instead, and needs no
/// `FromRow`; so does a statement without scope placeholders.
#[macro_export]
macro_rules! scoped_query_as {
    ($out:ty, $($input:tt)*) => { $crate::__private::expand_query!($crate; as $out; text; $($input)*) };
}

/// A scoped query returning one column per row: `scoped_query_scalar!(scope, "SQL", args...)`.
#[macro_export]
macro_rules! scoped_query_scalar {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; scalar; text; $($input)*) };
}

/// [`scoped_query!`](crate::scoped_query) with the SQL read from a file (path relative to the crate root).
#[macro_export]
macro_rules! scoped_query_file {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; rows; file; $($input)*) };
}

/// [`scoped_query_as!`](crate::scoped_query_as) with the SQL read from a file (path relative to the crate root).
#[macro_export]
macro_rules! scoped_query_file_as {
    ($out:ty, $($input:tt)*) => { $crate::__private::expand_query!($crate; as $out; file; $($input)*) };
}

/// [`scoped_query_scalar!`](crate::scoped_query_scalar) with the SQL read from a file (path relative to the crate root).
#[macro_export]
macro_rules! scoped_query_file_scalar {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; scalar; file; $($input)*) };
}

/// Builds a [`Scope`](crate::Scope) checked against scopes.toml at compile time: each dimension
/// must be declared, and each value must have the declared type.
///
/// `scope!(site = id)` (one value), `scope!(site in ids)` (several values),
/// `scope!(site = all("reason"))` (every tenant, audited), combined with commas.
#[macro_export]
macro_rules! scope {
    ($($input:tt)*) => { $crate::__private::expand_scope!($crate; $($input)*) };
}

/// One marker type per dimension of scopes.toml, for typed scope tokens: `site = "i64"` gives
/// `pub enum Site {}` with `Site::one(id: i64)`, `Site::many(ids)` and `Site::all(reason)`, each
/// returning a `Scope<Site>`. Dimension names become UpperCamelCase (`org_unit`: `OrgUnit`).
///
/// `dimensions!();` makes the markers `pub`; `dimensions!(pub(crate));` sets their visibility.
/// Call it once per crate, in the module the markers should live in.
///
/// ```
/// sqlx_scopes::dimensions!();
/// use sqlx_scopes::Scope;
///
/// let site: Scope<Site> = Site::one(1);
/// let both: Scope<(Site, User)> = site.with::<User>(7);
/// assert_eq!(format!("{both:?}"), "Scope { site: 1, user: 7 }");
/// ```
#[macro_export]
macro_rules! dimensions {
    ($($input:tt)*) => { $crate::__private::expand_dimensions!($crate; $($input)*); };
}
