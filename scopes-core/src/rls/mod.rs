//! PostgreSQL row-level security derived from scopes.toml (the second line): the settings a
//! scope is bound with, the objects every scoped table needs, and the schema checks RLS cannot
//! do itself. Pure: no I/O; the `scopes rls` and `scopes audit` commands read and write files.
//!
//! Every scoped table gets RLS enabled and forced, one permissive base policy (`sqlx_scopes`,
//! `USING (true)`) and, per dimension, one restrictive policy (`sqlx_scopes_<dimension>`).
//! PostgreSQL ORs permissive policies and ANDs restrictive ones onto them, so a row is visible
//! only when every dimension's policy admits it. Each dimension's policy reads three
//! transaction-local settings, and a missing or empty setting admits no row:
//! `sqlx_scopes.<dim>` (one value), `sqlx_scopes.<dim>.many` (an array literal of several
//! values) and `sqlx_scopes.<dim>.all` (`on` for every tenant, set only from `Scope::all`).

pub mod keys;
mod migration;
mod policy;

pub use migration::{render, State, MARKER};
pub use policy::{ident, objects, sql_type, Object};

/// The prefix of every setting the policies read (`sqlx_scopes.site`).
pub const SETTINGS_PREFIX: &str = "sqlx_scopes";

/// The value of the "all" setting that admits every tenant of a dimension.
pub const ALL_ON: &str = "on";

/// The setting holding a dimension's one value: `sqlx_scopes.<dimension>`.
///
/// ```
/// assert_eq!(scopes_core::rls::setting("site"), "sqlx_scopes.site");
/// ```
pub fn setting(dimension: &str) -> String {
    format!("{SETTINGS_PREFIX}.{dimension}")
}

/// The setting holding several values as a PostgreSQL array literal (`{1,2}`).
///
/// ```
/// assert_eq!(scopes_core::rls::setting_many("site"), "sqlx_scopes.site.many");
/// ```
pub fn setting_many(dimension: &str) -> String {
    format!("{SETTINGS_PREFIX}.{dimension}.many")
}

/// The setting that admits every tenant of a dimension when it is [`ALL_ON`].
///
/// ```
/// assert_eq!(scopes_core::rls::setting_all("site"), "sqlx_scopes.site.all");
/// ```
pub fn setting_all(dimension: &str) -> String {
    format!("{SETTINGS_PREFIX}.{dimension}.all")
}

/// The name of the permissive base policy every scoped table gets.
pub const BASE_POLICY: &str = "sqlx_scopes";

/// The name of a dimension's restrictive policy: `sqlx_scopes_<dimension>`.
///
/// ```
/// assert_eq!(scopes_core::rls::policy_name("site"), "sqlx_scopes_site");
/// ```
pub fn policy_name(dimension: &str) -> String {
    format!("{BASE_POLICY}_{dimension}")
}
