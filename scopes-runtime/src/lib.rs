//! The runtime of sqlx-scopes: the `Scope` token, `ScopeError`, and running scoped queries.
//!
//! Depends on sqlx only (never on the analyzer), so applications do not link the SQL parser.
#![forbid(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod bind;
mod error;
mod plan;
mod private;
mod query;
mod rls;
mod scope;
mod typed;

pub use error::{Error, ScopeError};
pub use query::{Run, RunExecute, Scoped};
pub use scope::{IntoValue, Mode, Scope, Value};
pub use typed::{index, Append, Dimension, Dims, Dynamic, Has, Typed};

/// Support for the code the macros generate. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::bind::{many_json, Args, ScopeType, Uuid};
    pub use crate::plan::{dim_array, dim_json, rows, rows_as, scalar, Binder, Plan, UserArgs};
    pub use crate::private::{
        as_scope, checked_plan, checked_row, empty_scope, needs_one, require, scope_and_dims,
        AsScope, CheckedRow, DimsOf, Fallback, FallbackDone, Key,
    };
    pub use crate::query::{audit, build, fixed, scoped, Choice};
    pub use crate::scope::Selection;
    pub use crate::typed::{dimension_id, Id};
    pub use sqlx;
}
