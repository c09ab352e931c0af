//! The sqlx-scopes analyzer. Not intended to be used directly: use the `sqlx-scopes` crate.
//!
//! Pure: takes SQL text and a [`Config`], returns a [`Report`]. The proc macros and the `scopes`
//! CLI call [`check`], so they always give the same verdict.
#![forbid(missing_docs)]

pub mod analysis;
pub mod citus;
pub mod config;
pub mod diagnostic;
pub mod markers;
pub mod parse;
mod proof;
pub mod render;
pub mod rewrite;
pub mod rls;
pub mod schema;
pub mod span;

pub use analysis::{
    Occurrence, Pin, PlaceholderContext, PlaceholderUse, Proof, ProofKind, Report, StatementReport,
};
pub use config::{Config, ConfigError, Dialect, DimensionType, KeyType, ScopeRule, TableScope};
pub use diagnostic::{Code, Diagnostic, Fix};
pub use markers::Markers;

/// Checks every statement of `sql` against the config. The one entry point shared by the
/// macros and the CLI.
///
/// ```
/// use std::collections::BTreeMap;
/// use scopes_core::{check, Config, Dialect, KeyType, Markers, ScopeRule, TableScope};
/// let config = Config::new(
///     Dialect::Sqlite,
///     BTreeMap::from([("site".to_string(), KeyType::I64.into())]),
///     BTreeMap::from([("posts".to_string(), TableScope {
///         table: "posts".into(),
///         rules: BTreeMap::from([("site".to_string(), ScopeRule::Column("site_id".into()))]),
///     })]),
///     None,
/// );
/// let ok = check("SELECT title FROM posts p WHERE p.site_id = :site", &config, &Markers::None);
/// assert!(ok.is_scoped());
/// let leak = check("SELECT title FROM posts p WHERE p.site_id = :site OR true", &config, &Markers::None);
/// assert_eq!(leak.all_diagnostics()[0].code.as_str(), "missing-scope-filter");
/// ```
pub fn check(sql: &str, config: &Config, markers: &Markers) -> Report {
    // The AST of a long expression chain is as deep as the chain, and sqlparser's visitors and
    // drops recurse over it: give the whole check a stack large enough for the longest text
    // `parse` accepts, so deep input ends in a diagnostic, never a stack overflow.
    // Typical statements need far less than the red zone and run on the caller's stack.
    on_deep_stack(sql, || check_on_stack(sql, config, markers))
}

/// Runs `f`, which parses, walks or drops the AST of `sql`, on a stack deep enough for it:
/// sqlparser grows the stack while it parses and visits, but dropping a deep AST and our own
/// recursion do not. Used by `check`, `rewrite` and the migrations loader.
pub(crate) fn on_deep_stack<R>(sql: &str, f: impl FnOnce() -> R) -> R {
    let red_zone = STACK_BASE + sql.len().saturating_mul(STACK_PER_BYTE);
    stacker::maybe_grow(red_zone, red_zone.max(ANALYSIS_STACK), f)
}

/// Stack for a long statement: virtual memory, committed only as far as the recursion goes.
const ANALYSIS_STACK: usize = 512 * 1024 * 1024;
/// Stack any check may need, and the most a byte of SQL can add (an AST as deep as the text).
const STACK_BASE: usize = 256 * 1024;
const STACK_PER_BYTE: usize = 1024;

fn check_on_stack(sql: &str, config: &Config, markers: &Markers) -> Report {
    let mut report = Report::default();
    if let Markers::Dimensions(dims) = markers {
        for d in dims {
            if !config.dimensions.contains_key(d) {
                report.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidMarker,
                        format!("`unscoped({d})` names no dimension declared in scopes.toml"),
                        0..0,
                    )
                    .help("name a dimension from scopes.toml [dimensions]"),
                );
            }
        }
    }
    match parse::parse(sql, config.dialect) {
        Ok(statements) => {
            if statements.is_empty() {
                report.diagnostics.push(
                    Diagnostic::new(
                        Code::SyntaxError,
                        "the SQL contains no statement",
                        0..sql.len(),
                    )
                    .help("write a SQL statement"),
                );
            }
            report.statements = proof::verify(sql, &statements, config, markers);
        }
        Err(d) => report.diagnostics.push(*d),
    }
    report
}
