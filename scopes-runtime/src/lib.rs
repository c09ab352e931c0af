//! The runtime of sqlx-scopes: the `Scope` token, `ScopeError`, and running scoped queries.
//!
//! Depends on sqlx only (never on the analyzer), so applications do not link the SQL parser.
#![forbid(missing_docs)]

#[cfg(feature = "axum")]
pub mod axum;
mod bind;
mod error;
mod plan;
mod private;
mod query;
mod rls;
mod scope;

pub use error::{Error, ScopeError};
pub use query::{Run, RunExecute, Scoped};
pub use scope::{IntoValue, Mode, Scope, Value};

/// Support for the code the macros generate. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::bind::{many_json, Args, ScopeType, Uuid};
    pub use crate::plan::{dim_array, dim_json, rows, rows_as, scalar, Binder, Plan, UserArgs};
    pub use crate::private::{
        as_scope, checked_plan, checked_row, AsScope, CheckedRow, Fallback, FallbackDone,
    };
    pub use crate::query::Choice;
    pub use crate::scope::Selection;
    pub use sqlx;
}
