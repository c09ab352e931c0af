//! The runtime errors: `ScopeError` (the scope token cannot serve a query) and `Error` (scope or database).

/// Why a scoped query could not be built from the active [`Scope`](crate::Scope).
///
/// Returned (inside [`Error::Scope`]) before anything is sent to the database. Every missing
/// dimension is named, sorted:
///
/// ```
/// use scopes_runtime::{Error, ScopeError};
/// let e = ScopeError::Missing { dimensions: vec!["site".into(), "user".into()] };
/// assert_eq!(e.to_string(), "scopes on dimensions \"site\" and \"user\" need to be active for this query");
/// let e: Error = e.into();
/// assert!(matches!(e.as_scope_error(), Some(ScopeError::Missing { dimensions }) if dimensions.len() == 2));
/// // In functions that return `sqlx::Error`, `?` makes it `sqlx::Error::Encode`; find it again:
/// let sqlx_error = sqlx::Error::from(e);
/// assert!(matches!(sqlx_error, sqlx::Error::Encode(_)));
/// assert!(matches!(ScopeError::of(&sqlx_error), Some(ScopeError::Missing { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// The token has no entry for one or more dimensions the query needs (sorted by name).
    #[error("{}", missing_message(.dimensions))]
    Missing {
        /// The missing dimensions, sorted by name.
        dimensions: Vec<String>,
    },
    /// The query uses the scope value as a value (an INSERT, a SET, a select item), which
    /// only a single value can fill; the token holds several values or "all".
    #[error(
        "this query needs a single value for dimension \"{dimension}\", but the scope holds {held}"
    )]
    NeedsOneValue {
        /// The dimension.
        dimension: String,
        /// What the token holds instead: `several values` or `all`.
        held: &'static str,
    },
    /// A scope value has a different type than scopes.toml declares for the dimension.
    #[error("the scope value of dimension \"{dimension}\" is {found}, but scopes.toml declares {expected}")]
    WrongType {
        /// The dimension.
        dimension: String,
        /// The declared Rust type.
        expected: &'static str,
        /// What the token holds (`an integer`, `a string`).
        found: &'static str,
    },
    /// An integer scope value does not fit the declared type.
    #[error("the scope value {value} of dimension \"{dimension}\" does not fit in {expected}")]
    OutOfRange {
        /// The dimension.
        dimension: String,
        /// The declared Rust type.
        expected: &'static str,
        /// The value.
        value: i64,
    },
}

fn missing_message(dimensions: &[String]) -> String {
    let quoted: Vec<String> = dimensions.iter().map(|d| format!("\"{d}\"")).collect();
    match quoted.as_slice() {
        [one] => format!("a scope on dimension {one} needs to be active for this query"),
        [init @ .., last] => format!(
            "scopes on dimensions {} and {last} need to be active for this query",
            init.join(", ")
        ),
        [] => "a scope needs to be active for this query".to_string(),
    }
}

/// The error of a scoped query: the scope could not serve it, or the database failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scope token cannot serve this query; nothing was sent to the database.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// The database (or sqlx) returned an error.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Error {
    /// The scope error, if this is one.
    pub fn as_scope_error(&self) -> Option<&ScopeError> {
        match self {
            Error::Scope(e) => Some(e),
            Error::Database(_) => None,
        }
    }
}

/// So `?` works in functions that return `sqlx::Error`: a scope error becomes
/// `sqlx::Error::Encode(Box<ScopeError>)` (the scope value could not be put into the query;
/// nothing was sent), which [`ScopeError::of`] finds again. A database error stays itself.
///
/// ```
/// use scopes_runtime::{Error, ScopeError};
/// let e: sqlx::Error = Error::Scope(ScopeError::Missing { dimensions: vec!["site".into()] }).into();
/// assert!(matches!(e, sqlx::Error::Encode(_)));
/// assert!(ScopeError::of(&e).is_some());
/// assert!(ScopeError::of(&sqlx::Error::RowNotFound).is_none());
/// ```
impl From<Error> for sqlx::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Scope(s) => sqlx::Error::Encode(Box::new(s)),
            Error::Database(d) => d,
        }
    }
}

impl ScopeError {
    /// The scope error inside a `sqlx::Error` that `?` converted from [`Error`], if it is one
    /// (`sqlx::Error::Encode` holding a `ScopeError`), so error handling can answer "no scope"
    /// (403, say) apart from a database failure (500).
    pub fn of(error: &sqlx::Error) -> Option<&ScopeError> {
        match error {
            sqlx::Error::Encode(inner) => inner.downcast_ref::<ScopeError>(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_one_err() {
        let e = ScopeError::Missing {
            dimensions: vec!["site".into()],
        };
        assert_eq!(
            e.to_string(),
            "a scope on dimension \"site\" needs to be active for this query"
        );
    }

    #[test]
    fn missing_several_err() {
        let e = ScopeError::Missing {
            dimensions: vec!["site".into(), "user".into()],
        };
        assert_eq!(
            e.to_string(),
            "scopes on dimensions \"site\" and \"user\" need to be active for this query"
        );
        let e = ScopeError::Missing {
            dimensions: vec!["a".into(), "b".into(), "c".into()],
        };
        assert_eq!(
            e.to_string(),
            "scopes on dimensions \"a\", \"b\" and \"c\" need to be active for this query"
        );
    }

    #[test]
    fn into_sqlx_error_downcasts_ok() {
        let e: sqlx::Error = Error::Scope(ScopeError::Missing {
            dimensions: vec!["site".into()],
        })
        .into();
        assert!(matches!(e, sqlx::Error::Encode(_)));
        assert_eq!(
            ScopeError::of(&e),
            Some(&ScopeError::Missing {
                dimensions: vec!["site".into()]
            })
        );
        let db: sqlx::Error = Error::Database(sqlx::Error::RowNotFound).into();
        assert!(ScopeError::of(&db).is_none());
    }
}
