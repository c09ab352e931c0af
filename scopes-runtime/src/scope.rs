//! The `Scope` token: per dimension one value, several values, or an audited "all", and its
//! dynamic API (dimensions named by strings). Selecting the SQL variant for a query lives here
//! too; binding lives in `bind.rs`, the typed token's API (`Scope<Site>`) in `typed.rs`.

use std::fmt;
use std::sync::Arc;

use crate::error::ScopeError;
use crate::typed::{Dims, Dynamic};

/// One scope value: the key types tenant keys have (integers, strings, uuids).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Value {
    /// An integer key (`i16`, `i32`, `i64` in scopes.toml).
    Int(i64),
    /// A string key (`String` in scopes.toml).
    Text(Arc<str>),
    /// A uuid key (`uuid` in scopes.toml), its 16 bytes (feature `uuid` converts `Uuid`).
    Uuid([u8; 16]),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Uuid(b) => f.write_str(&hyphenated(b)),
        }
    }
}

/// `67e55044-10b1-426f-9247-bb680e5fe0c8`.
pub(crate) fn hyphenated(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl Value {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "an integer",
            Value::Text(_) => "a string",
            Value::Uuid(_) => "a uuid",
        }
    }
}

/// Types that can be a scope value.
pub trait IntoValue {
    /// Converts into a [`Value`].
    fn into_value(self) -> Value;
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl IntoValue for $t {
            fn into_value(self) -> Value { Value::Int(i64::from(self)) }
        }
    )*};
}
int_value!(i64, i32, i16, i8, u32, u16, u8);

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::Text(self.into())
    }
}
impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value::Text(self.into())
    }
}
impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}
impl IntoValue for Arc<str> {
    fn into_value(self) -> Value {
        Value::Text(self)
    }
}
#[cfg(feature = "uuid")]
impl IntoValue for sqlx::types::Uuid {
    fn into_value(self) -> Value {
        Value::Uuid(self.into_bytes())
    }
}

impl<T: IntoValue + Clone> IntoValue for &T {
    fn into_value(self) -> Value {
        self.clone().into_value()
    }
}

/// What a scope holds for one dimension.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// Exactly one value: the query filters `col = value`.
    One(Value),
    /// Several values (possibly none: an empty set matches no row).
    Many(Arc<[Value]>),
    /// Every tenant: the dimension's filters drop out. Always carries a reason, which is
    /// recorded with `tracing` whenever a query runs with it.
    All {
        /// Why this code may see every tenant (for the audit log).
        reason: Arc<str>,
    },
}

impl fmt::Debug for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mode::One(v) => write!(f, "{v:?}"),
            Mode::Many(vs) => f.debug_list().entries(vs.iter()).finish(),
            Mode::All { reason } => write!(f, "all({reason:?})"),
        }
    }
}

/// One dimension of a token (public only so that [`Dims::Repr`] can name the representation).
#[doc(hidden)]
#[derive(Clone)]
pub struct Entry {
    dimension: Box<str>,
    mode: Mode,
    /// The values as a JSON array, precomputed for dialects that bind sets as JSON.
    json: Option<Arc<str>>,
}

/// The tenant scope of a request: which rows its queries may see and change.
///
/// Build it per request from authenticated data and pass it to every scoped query. It has no
/// `Default` and no public fields: the only ways to get one are the constructors below, so a
/// query cannot run "unscoped by accident". Cloning is cheap (one `Arc`).
///
/// `Scope` (that is, `Scope<Dynamic>`) names its dimensions by strings and reports a missing
/// one at run time ([`ScopeError::Missing`]). A typed token, `Scope<Site>` or
/// `Scope<(Site, User)>`, names them in its type: a scoped query given one does not compile
/// unless the token holds every dimension the statement filters on (see [`Dimension`] and
/// `sqlx_scopes::dimensions!`). Both have the same representation; a typed token dereferences
/// to the dynamic one.
///
/// ```
/// use scopes_runtime::Scope;
/// let scope = Scope::one("site", 1);
/// let admin = scope.with_all("site", "monthly billing report");
/// assert_eq!(format!("{scope:?}"), "Scope { site: 1 }");
/// assert_eq!(format!("{admin:?}"), "Scope { site: all(\"monthly billing report\") }");
/// ```
///
/// [`Dimension`]: crate::Dimension
pub struct Scope<D: Dims = Dynamic>(pub(crate) D::Repr);

impl<D: Dims> Clone for Scope<D> {
    fn clone(&self) -> Self {
        Scope(self.0.clone())
    }
}

impl Scope {
    /// The token with no dimension (the `scope!` macro builds on it and checks every dimension
    /// it adds).
    pub(crate) fn empty() -> Scope {
        Scope(Arc::from([]) as Arc<[Entry]>)
    }

    /// A scope with one value for one dimension.
    ///
    /// ```
    /// use scopes_runtime::{Mode, Scope, Value};
    /// let scope = Scope::one("site", 7);
    /// assert_eq!(scope.get("site"), Some(&Mode::One(Value::Int(7))));
    /// assert_eq!(scope.get("user"), None);
    /// ```
    pub fn one(dimension: &str, value: impl IntoValue) -> Scope {
        Scope::empty().with(dimension, value)
    }

    /// A scope with several values for one dimension (an empty set matches no row).
    ///
    /// ```
    /// use scopes_runtime::Scope;
    /// let scope = Scope::many("site", [1, 2]);
    /// assert_eq!(format!("{scope:?}"), "Scope { site: [1, 2] }");
    /// let none = Scope::many::<i64>("site", []);
    /// assert_eq!(format!("{none:?}"), "Scope { site: [] }");
    /// ```
    pub fn many<V: IntoValue>(dimension: &str, values: impl IntoIterator<Item = V>) -> Scope {
        Scope::empty().with_many(dimension, values)
    }

    /// A scope that sees every tenant of one dimension, for a stated reason (recorded with
    /// `tracing` on every query that runs with it).
    ///
    /// ```
    /// use scopes_runtime::{Mode, Scope};
    /// let scope = Scope::all("site", "nightly export");
    /// assert!(matches!(scope.get("site"), Some(Mode::All { reason }) if &**reason == "nightly export"));
    /// ```
    pub fn all(dimension: &str, reason: impl Into<Arc<str>>) -> Scope {
        Scope::empty().with_all(dimension, reason)
    }

    /// A new token with `dimension` set to one value (added or overridden); `self` is unchanged.
    ///
    /// ```
    /// use scopes_runtime::Scope;
    /// let site = Scope::one("site", 1);
    /// let both = site.with("user", 7);
    /// let other_site = both.with("site", 2);
    /// assert_eq!(format!("{both:?}"), "Scope { site: 1, user: 7 }");
    /// assert_eq!(format!("{other_site:?}"), "Scope { site: 2, user: 7 }");
    /// assert_eq!(format!("{site:?}"), "Scope { site: 1 }");
    /// ```
    #[must_use]
    pub fn with(&self, dimension: &str, value: impl IntoValue) -> Scope {
        self.derive(dimension, Mode::One(value.into_value()))
    }

    /// A new token with `dimension` set to several values; `self` is unchanged.
    ///
    /// ```
    /// use scopes_runtime::Scope;
    /// let scope = Scope::one("site", 1).with_many("user", [3, 4]);
    /// assert_eq!(format!("{scope:?}"), "Scope { site: 1, user: [3, 4] }");
    /// ```
    #[must_use]
    pub fn with_many<V: IntoValue>(
        &self,
        dimension: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Scope {
        let values: Arc<[Value]> = values.into_iter().map(IntoValue::into_value).collect();
        self.derive(dimension, Mode::Many(values))
    }

    /// A new token that sees every tenant of `dimension`, for a stated reason; `self` is unchanged.
    ///
    /// ```
    /// use scopes_runtime::Scope;
    /// let scope = Scope::one("site", 1).with_all("user", "moderation queue");
    /// assert_eq!(format!("{scope:?}"), "Scope { site: 1, user: all(\"moderation queue\") }");
    /// ```
    #[must_use]
    pub fn with_all(&self, dimension: &str, reason: impl Into<Arc<str>>) -> Scope {
        self.derive(
            dimension,
            Mode::All {
                reason: reason.into(),
            },
        )
    }

    /// What the token holds for a dimension, if anything.
    ///
    /// ```
    /// use scopes_runtime::{Mode, Scope, Value};
    /// let scope = Scope::one("site", 1);
    /// assert_eq!(scope.get("site"), Some(&Mode::One(Value::Int(1))));
    /// assert_eq!(scope.get("user"), None);
    /// ```
    pub fn get(&self, dimension: &str) -> Option<&Mode> {
        self.entry(dimension).map(|e| &e.mode)
    }

    /// The dimensions the token holds, sorted by name.
    ///
    /// ```
    /// use scopes_runtime::Scope;
    /// let scope = Scope::one("user", 7).with("site", 1);
    /// assert_eq!(scope.dimensions().collect::<Vec<_>>(), ["site", "user"]);
    /// ```
    pub fn dimensions(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| &*e.dimension)
    }

    pub(crate) fn derive(&self, dimension: &str, mode: Mode) -> Scope {
        let json = match &mode {
            Mode::Many(values) => Some(to_json(values)),
            _ => None,
        };
        let entry = Entry {
            dimension: dimension.into(),
            mode,
            json,
        };
        let mut entries: Vec<Entry> = self
            .0
            .iter()
            .filter(|e| *e.dimension != *dimension)
            .cloned()
            .collect();
        entries.push(entry);
        entries.sort_by(|a, b| a.dimension.cmp(&b.dimension));
        Scope(entries.into())
    }

    fn entry(&self, dimension: &str) -> Option<&Entry> {
        // A handful of dimensions at most: a linear scan beats hashing.
        self.0.iter().find(|e| &*e.dimension == dimension)
    }

    /// Picks the SQL variant for a query over `dimensions` (sorted, as the macro emits them):
    /// the index is the base-3 number of the modes (One = 0, Many = 1, All = 2), first
    /// dimension least significant. Every missing dimension is named in the error.
    pub(crate) fn __select(&self, dimensions: &[&str]) -> Result<Selection, ScopeError> {
        let mut index = 0;
        let mut weight = 1;
        let mut audited = false;
        let mut missing = Vec::new();
        for dimension in dimensions {
            match self.entry(dimension).map(|e| &e.mode) {
                None => missing.push((*dimension).to_string()),
                Some(Mode::One(_)) => {}
                Some(Mode::Many(_)) => index += weight,
                Some(Mode::All { .. }) => {
                    index += 2 * weight;
                    audited = true;
                }
            }
            weight *= 3;
        }
        if missing.is_empty() {
            Ok(Selection { index, audited })
        } else {
            missing.sort();
            Err(ScopeError::Missing {
                dimensions: missing,
            })
        }
    }

    /// The single value of a dimension (the macro only asks after `__select` succeeded).
    pub(crate) fn __one(&self, dimension: &str) -> Result<&Value, ScopeError> {
        match self.entry(dimension).map(|e| &e.mode) {
            Some(Mode::One(v)) => Ok(v),
            Some(Mode::Many(_)) => Err(ScopeError::NeedsOneValue {
                dimension: dimension.into(),
                held: "several values",
            }),
            Some(Mode::All { .. }) => Err(ScopeError::NeedsOneValue {
                dimension: dimension.into(),
                held: "all",
            }),
            None => Err(ScopeError::Missing {
                dimensions: vec![dimension.into()],
            }),
        }
    }

    /// The several values of a dimension.
    pub(crate) fn __many(&self, dimension: &str) -> Result<(&[Value], &str), ScopeError> {
        match self.entry(dimension) {
            Some(Entry {
                mode: Mode::Many(vs),
                json: Some(json),
                ..
            }) => Ok((vs, json)),
            _ => Err(ScopeError::Missing {
                dimensions: vec![dimension.into()],
            }),
        }
    }

    /// `(dimension, reason)` of every "all" entry among `dimensions`, for the audit record.
    pub(crate) fn all_reasons<'a>(
        &'a self,
        dimensions: &'a [&'a str],
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        dimensions.iter().filter_map(move |d| match self.get(d) {
            Some(Mode::All { reason }) => Some((*d, &**reason)),
            _ => None,
        })
    }
}

/// The variant a scope picked for one query.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Index into the macro's variants.
    pub index: usize,
    /// Whether some dimension is "all" (the run is recorded).
    pub audited: bool,
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A typed token prints as the dynamic one it holds (its type says the rest).
        let mut s = f.debug_struct("Scope");
        for e in self.0.iter() {
            s.field(&e.dimension, &e.mode);
        }
        s.finish()
    }
}

fn to_json(values: &[Value]) -> Arc<str> {
    let mut out = String::from("[");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match v {
            Value::Int(n) => out.push_str(&n.to_string()),
            Value::Text(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            // 32 hex digits: SQLite's `unhex` and MySQL's `UNHEX` turn them into the 16
            // bytes sqlx binds a `Uuid` as there.
            Value::Uuid(b) => {
                out.push('"');
                for byte in b {
                    out.push_str(&format!("{byte:02x}"));
                }
                out.push('"');
            }
        }
    }
    out.push(']');
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_static<T: Send + Sync + 'static>() {}

    #[test]
    fn scope_is_send_sync_static_ok() {
        assert_send_sync_static::<Scope>();
    }

    #[test]
    fn derive_does_not_mutate_ok() {
        let outer = Scope::one("site", 1);
        let inner = outer.with("site", 2).with("user", 7);
        assert_eq!(outer.get("site"), Some(&Mode::One(Value::Int(1))));
        assert_eq!(outer.get("user"), None);
        assert_eq!(inner.get("site"), Some(&Mode::One(Value::Int(2))));
        assert_eq!(inner.dimensions().collect::<Vec<_>>(), ["site", "user"]);
    }

    #[test]
    fn select_ok() {
        let s = Scope::one("site", 1).with_many("user", [1, 2]);
        assert_eq!(
            s.__select(&["site", "user"]),
            Ok(Selection {
                index: 3,
                audited: false
            })
        );
        let s = s.with_all("site", "report");
        assert_eq!(
            s.__select(&["site", "user"]),
            Ok(Selection {
                index: 5,
                audited: true
            })
        );
        assert_eq!(
            s.__select(&[]),
            Ok(Selection {
                index: 0,
                audited: false
            })
        );
    }

    #[test]
    fn select_missing_err() {
        let s = Scope::one("org", 1);
        assert_eq!(
            s.__select(&["user", "site"]).unwrap_err().to_string(),
            "scopes on dimensions \"site\" and \"user\" need to be active for this query"
        );
    }

    #[test]
    fn one_err() {
        let s = Scope::many("site", [1, 2]);
        assert!(matches!(
            s.__one("site"),
            Err(ScopeError::NeedsOneValue { .. })
        ));
        assert!(matches!(
            Scope::all("site", "x").__one("site"),
            Err(ScopeError::NeedsOneValue { .. })
        ));
    }

    #[test]
    fn json_ok() {
        let s = Scope::many("site", [1, 2]).with_many("tag", ["a\"b", "c"]);
        assert_eq!(s.__many("site").unwrap().1, "[1,2]");
        assert_eq!(s.__many("tag").unwrap().1, r#"["a\"b","c"]"#);
        assert_eq!(
            Scope::many::<i64>("site", []).__many("site").unwrap().1,
            "[]"
        );
        let mut b = [0u8; 16];
        b[0] = 0xab;
        b[15] = 1;
        let s = Scope::one("org", 1).with_many("org", [Value::Uuid(b)]);
        assert_eq!(
            s.__many("org").unwrap().1,
            r#"["ab000000000000000000000000000001"]"#
        );
        assert_eq!(
            format!("{s:?}"),
            "Scope { org: [ab000000-0000-0000-0000-000000000001] }"
        );
    }
}
