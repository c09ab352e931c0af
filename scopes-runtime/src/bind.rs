//! Binding scope values into sqlx arguments, for the code the macros generate. Not public API.

use sqlx::error::BoxDynError;
use sqlx::{Arguments, Database, Encode, Type};

use crate::error::ScopeError;
use crate::scope::{Scope, Value};

/// Arguments under construction; keeps the first encoding error for sqlx to report.
pub struct Args<DB: Database> {
    args: DB::Arguments,
    error: Option<BoxDynError>,
}

impl<DB: Database> Default for Args<DB> {
    fn default() -> Self {
        Args {
            args: Default::default(),
            error: None,
        }
    }
}

impl<DB: Database> Args<DB> {
    /// Encodes one argument now (sqlx 0.9 arguments own their bytes).
    #[inline]
    pub fn add<'t, T: Encode<'t, DB> + Type<DB>>(&mut self, value: T) {
        if self.error.is_none() {
            if let Err(e) = self.args.add(value) {
                self.error = Some(e);
            }
        }
    }

    /// The arguments, or the first encoding error.
    #[inline]
    pub fn finish(self) -> Result<DB::Arguments, crate::Error> {
        match self.error {
            None => Ok(self.args),
            Some(e) => Err(crate::Error::Database(sqlx::Error::Encode(e))),
        }
    }
}

/// A Rust type a dimension may be declared with in scopes.toml, and how its values bind.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scope key type of this build",
    note = "a dimension declared `uuid` in scopes.toml needs the `uuid` feature of sqlx-scopes (and sqlx's `uuid` feature)"
)]
pub trait ScopeType {
    /// The name in scopes.toml, for error messages.
    const NAME: &'static str;
    /// What one value binds as.
    type One<'a>;
    /// What several values bind as (PostgreSQL arrays).
    type Many<'a>;
    /// The single value of `dimension`, converted.
    fn one<'a>(scope: &'a Scope, dimension: &str) -> Result<Self::One<'a>, ScopeError>;
    /// The several values of `dimension`, converted.
    fn many<'a>(scope: &'a Scope, dimension: &str) -> Result<Self::Many<'a>, ScopeError>;
}

fn int<T: TryFrom<i64>>(
    value: &Value,
    dimension: &str,
    name: &'static str,
) -> Result<T, ScopeError> {
    match value {
        Value::Int(i) => T::try_from(*i).map_err(|_| ScopeError::OutOfRange {
            dimension: dimension.into(),
            expected: name,
            value: *i,
        }),
        other => Err(ScopeError::WrongType {
            dimension: dimension.into(),
            expected: name,
            found: other.kind(),
        }),
    }
}

macro_rules! int_scope_type {
    ($($t:ty),*) => {$(
        impl ScopeType for $t {
            const NAME: &'static str = stringify!($t);
            type One<'a> = $t;
            type Many<'a> = Vec<$t>;
            #[inline]
            fn one(scope: &Scope, dimension: &str) -> Result<$t, ScopeError> {
                int(scope.__one(dimension)?, dimension, Self::NAME)
            }
            fn many(scope: &Scope, dimension: &str) -> Result<Vec<$t>, ScopeError> {
                scope.__many(dimension)?.0.iter().map(|v| int(v, dimension, Self::NAME)).collect()
            }
        }
    )*};
}
int_scope_type!(i64, i32, i16);

fn text<'a>(value: &'a Value, dimension: &str) -> Result<&'a str, ScopeError> {
    match value {
        Value::Text(s) => Ok(s),
        other => Err(ScopeError::WrongType {
            dimension: dimension.into(),
            expected: "String",
            found: other.kind(),
        }),
    }
}

impl ScopeType for String {
    const NAME: &'static str = "String";
    type One<'a> = &'a str;
    // Owned: sqlx's checked macros take a `text[]` parameter as `&[String]`.
    type Many<'a> = Vec<String>;
    #[inline]
    fn one<'a>(scope: &'a Scope, dimension: &str) -> Result<&'a str, ScopeError> {
        text(scope.__one(dimension)?, dimension)
    }
    fn many(scope: &Scope, dimension: &str) -> Result<Vec<String>, ScopeError> {
        scope
            .__many(dimension)?
            .0
            .iter()
            .map(|v| text(v, dimension).map(String::from))
            .collect()
    }
}

/// The `Uuid` a dimension declared `uuid` binds as: sqlx's (feature `uuid`), or, without the
/// feature, a type that is no `ScopeType` (the compile error names the feature).
#[cfg(feature = "uuid")]
pub use sqlx::types::Uuid;

/// Stands in for `Uuid` without the `uuid` feature.
#[cfg(not(feature = "uuid"))]
pub enum Uuid {}

#[cfg(feature = "uuid")]
fn uuid(value: &Value, dimension: &str) -> Result<Uuid, ScopeError> {
    match value {
        Value::Uuid(b) => Ok(Uuid::from_bytes(*b)),
        other => Err(ScopeError::WrongType {
            dimension: dimension.into(),
            expected: "uuid",
            found: other.kind(),
        }),
    }
}

#[cfg(feature = "uuid")]
impl ScopeType for Uuid {
    const NAME: &'static str = "uuid";
    type One<'a> = Uuid;
    type Many<'a> = Vec<Uuid>;
    #[inline]
    fn one(scope: &Scope, dimension: &str) -> Result<Uuid, ScopeError> {
        uuid(scope.__one(dimension)?, dimension)
    }
    fn many(scope: &Scope, dimension: &str) -> Result<Vec<Uuid>, ScopeError> {
        scope
            .__many(dimension)?
            .0
            .iter()
            .map(|v| uuid(v, dimension))
            .collect()
    }
}

/// The several values of `dimension` as a JSON array (SQLite `json_each`, MySQL `JSON_TABLE`),
/// after checking each value's type.
pub fn many_json<'a, T: ScopeType>(
    scope: &'a Scope,
    dimension: &str,
) -> Result<&'a str, ScopeError> {
    T::many(scope, dimension)?;
    Ok(scope.__many(dimension)?.1)
}
