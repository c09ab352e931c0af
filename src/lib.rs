//! sqlx-scopes: tenant isolation for sqlx, checked when the code compiles.
#![forbid(missing_docs)]

pub use scopes_runtime::{
    Error, IntoValue, Mode, Run, RunExecute, Scope, ScopeError, Scoped, Value,
};

mod macros;

/// Support for the code the macros generate. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use scopes_macros::{expand_query, expand_scope};
    pub use scopes_runtime::__private::*;
}
