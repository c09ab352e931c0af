//! The `scoped_query!` family: `macro_rules!` wrappers that pass `$crate` to the proc macro, so
//! the generated code finds this crate under any name.

/// A scoped query returning rows: `scoped_query!(scope, "SQL", args...)`.
///
/// The first argument is a [`Scope`](crate::Scope) expression, or `unscoped` /
/// `unscoped(dimension, ...)` (optionally followed by a scope) to opt out explicitly.
/// Without the `checked` feature it returns database rows (`sqlx::query` semantics); with it,
/// sqlx's anonymous records.
#[macro_export]
macro_rules! scoped_query {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; rows; text; $($input)*) };
}

/// A scoped query mapping rows to `T`: `scoped_query_as!(T, scope, "SQL", args...)`.
///
/// Without the `checked` feature `T` needs `sqlx::FromRow`; with it, sqlx's `query_as!`
/// checks the columns against the database.
#[macro_export]
macro_rules! scoped_query_as {
    ($out:ty, $($input:tt)*) => { $crate::__private::expand_query!($crate; as $out; text; $($input)*) };
}

/// A scoped query returning one column per row: `scoped_query_scalar!(scope, "SQL", args...)`.
#[macro_export]
macro_rules! scoped_query_scalar {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; scalar; text; $($input)*) };
}

/// [`scoped_query!`] with the SQL read from a file (path relative to the crate root).
#[macro_export]
macro_rules! scoped_query_file {
    ($($input:tt)*) => { $crate::__private::expand_query!($crate; rows; file; $($input)*) };
}

/// [`scoped_query_as!`] with the SQL read from a file (path relative to the crate root).
#[macro_export]
macro_rules! scoped_query_file_as {
    ($out:ty, $($input:tt)*) => { $crate::__private::expand_query!($crate; as $out; file; $($input)*) };
}

/// [`scoped_query_scalar!`] with the SQL read from a file (path relative to the crate root).
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
