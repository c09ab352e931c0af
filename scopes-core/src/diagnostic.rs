//! The diagnostic value type and its codes. Rendering lives in `render.rs`.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// The one table of diagnostic codes: variant, kebab-case name, one-line description. The enum,
/// [`Code::ALL`], [`Code::as_str`], [`Code::description`] and `FromStr` are generated from it.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $description:literal;)*) => {
        /// What kind of problem a diagnostic reports. Displayed in kebab-case
        /// (`missing-scope-filter`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in a stable order (for documentation and SARIF rule lists).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name of the code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// A one-line description of what the code reports (SARIF's rule text, docs).
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)*
                }
            }
        }
    };
}

codes! {
    /// A scoped table is read or written without a filter on its scope column.
    MissingScopeFilter = "missing-scope-filter",
        "A scoped table is read or written without a filter on its scope column";
    /// A foreign-key-scoped table is not linked to a parent occurrence that is proven in scope.
    MissingScopeLink = "missing-scope-link",
        "A foreign-key-scoped table is not linked to a parent row proven in scope";
    /// An INSERT does not set a scope column from the scope placeholder.
    InsertScopeColumn = "insert-scope-column",
        "An INSERT does not set a scope column from the scope placeholder";
    /// An INSERT into a foreign-key-scoped table does not prove that the parent row is in scope.
    InsertParentNotProven = "insert-parent-not-proven",
        "An INSERT into a foreign-key-scoped table does not prove its parent row is in scope";
    /// An UPDATE (or upsert) sets a scope column to something other than the placeholder.
    ScopeColumnWrite = "scope-column-write",
        "A write sets a scope column to something other than the scope placeholder";
    /// An UPDATE changes a key that a foreign-key scope rule points at.
    ScopeKeyWrite = "scope-key-write",
        "An UPDATE changes a key that a foreign-key scope rule points at";
    /// An upsert or REPLACE whose conflict can hit another tenant's row.
    UnsafeUpsert = "unsafe-upsert",
        "An upsert or REPLACE whose conflict can hit another tenant's row";
    /// A write stores a foreign key to a scoped table without proving the referenced row is in
    /// scope: the row would reference another tenant's row.
    CrossTenantReference = "cross-tenant-reference",
        "A write stores a reference to a scoped row not proven in scope";
    /// A view over scoped tables that is not itself listed in `[tables]`.
    UnscopedView = "unscoped-view",
        "A view over scoped tables that scopes.toml does not list";
    /// A call to a function defined in the migrations: its body can read any table.
    OpaqueFunction = "opaque-function",
        "A call to a function defined in the migrations, whose body can read any table";
    /// A table the schema does not know.
    UnknownTable = "unknown-table",
        "A table the schema does not know";
    /// A placeholder names a dimension that scopes.toml does not declare.
    UnknownDimension = "unknown-dimension",
        "A placeholder names a dimension that scopes.toml does not declare";
    /// SQL that the analyzer does not understand well enough to prove; rejected, never skipped.
    UnsupportedSql = "unsupported-sql",
        "SQL the checker cannot prove scoped, rejected rather than skipped";
    /// SQL that does not parse.
    SyntaxError = "syntax-error",
        "SQL that does not parse";
    /// The statement is too deeply nested or too large to analyze in bounded time.
    TooComplex = "too-complex",
        "A statement too deeply nested or too large to analyze in bounded time";
    /// An `unscoped(...)` marker names a dimension that scopes.toml does not declare.
    InvalidMarker = "invalid-marker",
        "An unscoped(...) marker names a dimension that scopes.toml does not declare";
    /// With `--target citus`: a scoped statement that Citus cannot route to one shard.
    NotSingleShard = "not-single-shard",
        "A scoped statement that Citus cannot route to one shard";
}

impl Code {
    /// Whether the code means "the SQL could not be analyzed" (exit 2 in the CLI) rather than
    /// "the SQL is not scoped" (exit 1).
    pub fn is_analysis_failure(self) -> bool {
        matches!(self, Code::SyntaxError)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of `Code::from_str`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown diagnostic code `{}`", self.0)
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for Code {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_string()))
    }
}

/// A text edit that fixes a diagnostic: replace `span` of the SQL with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Byte range in the SQL text.
    pub span: Range<usize>,
    /// Text to put there.
    pub replacement: String,
}

/// One problem found in a SQL text. `span` is a byte range into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// What is wrong, naming the table, alias and dimension.
    pub message: String,
    /// Byte range of the smallest node at fault (the table factor, the predicate, ...).
    pub span: Range<usize>,
    /// A short label shown under the underlined text.
    pub label: String,
    /// What to change, in the imperative, one line.
    pub help: Option<String>,
    /// An edit that fixes it, when one is known.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A new diagnostic with no help and no fix.
    pub fn new(code: Code, message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: String::new(),
            help: None,
            fix: None,
        }
    }

    /// Sets the label shown under the underlined text.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the fix.
    pub fn fix(mut self, span: Range<usize>, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn code_round_trip_ok() {
        for code in Code::ALL {
            assert_eq!(code.as_str().parse::<Code>(), Ok(*code));
        }
    }

    #[test]
    fn code_table_ok() {
        let mut names = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(names.insert(code.as_str()), "{code} listed twice");
            assert!(!code.description().is_empty(), "{code} has no description");
            assert_eq!(code.to_string(), code.as_str());
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
        }
        assert_eq!(names.len(), 17);
    }

    #[test]
    fn code_from_str_err() {
        assert!("nope".parse::<Code>().is_err());
    }
}
