//! The runtime of sqlx-scopes: the `Scope` token and the binding of scope values.
#![forbid(missing_docs)]
