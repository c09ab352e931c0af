//! The diagnostic value type and its codes. Rendering lives in `render.rs`.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// What kind of problem a diagnostic reports. Displayed in kebab-case (`missing-scope-filter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Code {
    /// A scoped table is read or written without a filter on its scope column.
    MissingScopeFilter,
    /// A foreign-key-scoped table is not linked to a parent occurrence that is proven in scope.
    MissingScopeLink,
    /// An INSERT does not set a scope column from the scope placeholder.
    InsertScopeColumn,
    /// An INSERT into a foreign-key-scoped table does not prove that the parent row is in scope.
    InsertParentNotProven,
    /// An UPDATE (or upsert) sets a scope column to something other than the placeholder.
    ScopeColumnWrite,
    /// An UPDATE changes a key that a foreign-key scope rule points at.
    ScopeKeyWrite,
    /// An upsert or REPLACE whose conflict can hit another tenant's row.
    UnsafeUpsert,
    /// A write stores a foreign key to a scoped table without proving the referenced row is in
    /// scope: the row would reference another tenant's row.
    CrossTenantReference,
    /// A view over scoped tables that is not itself listed in `[tables]`.
    UnscopedView,
    /// A call to a function defined in the migrations: its body can read any table.
    OpaqueFunction,
    /// A table the schema does not know.
    UnknownTable,
    /// A column that cannot be resolved to exactly one table.
    AmbiguousColumn,
    /// A placeholder names a dimension that scopes.toml does not declare.
    UnknownDimension,
    /// SQL that the analyzer does not understand well enough to prove; rejected, never skipped.
    UnsupportedSql,
    /// SQL that does not parse.
    SyntaxError,
    /// The statement is too deeply nested or too large to analyze in bounded time.
    TooComplex,
    /// An `unscoped(...)` marker names a dimension that scopes.toml does not declare.
    InvalidMarker,
    /// With `--target citus`: a scoped statement that Citus cannot route to one shard.
    NotSingleShard,
}

impl Code {
    /// Every code, in a stable order (for documentation and SARIF rule lists).
    pub const ALL: &'static [Code] = &[
        Code::MissingScopeFilter,
        Code::MissingScopeLink,
        Code::InsertScopeColumn,
        Code::InsertParentNotProven,
        Code::ScopeColumnWrite,
        Code::ScopeKeyWrite,
        Code::UnsafeUpsert,
        Code::CrossTenantReference,
        Code::UnscopedView,
        Code::OpaqueFunction,
        Code::UnknownTable,
        Code::AmbiguousColumn,
        Code::UnknownDimension,
        Code::UnsupportedSql,
        Code::SyntaxError,
        Code::TooComplex,
        Code::InvalidMarker,
        Code::NotSingleShard,
    ];

    /// The kebab-case name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingScopeFilter => "missing-scope-filter",
            Code::MissingScopeLink => "missing-scope-link",
            Code::InsertScopeColumn => "insert-scope-column",
            Code::InsertParentNotProven => "insert-parent-not-proven",
            Code::ScopeColumnWrite => "scope-column-write",
            Code::ScopeKeyWrite => "scope-key-write",
            Code::UnsafeUpsert => "unsafe-upsert",
            Code::CrossTenantReference => "cross-tenant-reference",
            Code::UnscopedView => "unscoped-view",
            Code::OpaqueFunction => "opaque-function",
            Code::UnknownTable => "unknown-table",
            Code::AmbiguousColumn => "ambiguous-column",
            Code::UnknownDimension => "unknown-dimension",
            Code::UnsupportedSql => "unsupported-sql",
            Code::SyntaxError => "syntax-error",
            Code::TooComplex => "too-complex",
            Code::InvalidMarker => "invalid-marker",
            Code::NotSingleShard => "not-single-shard",
        }
    }

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
    fn code_from_str_err() {
        assert!("nope".parse::<Code>().is_err());
    }
}
