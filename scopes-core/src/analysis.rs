//! What the analyzer returns: per statement, the table occurrences with their proofs, the scope
//! placeholders (for the rewrite), and the diagnostics.

use std::ops::Range;

use crate::diagnostic::Diagnostic;

/// How an occurrence was proven to stay inside the scope, for one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofKind {
    /// A top-level conjunct equates the scope column with the placeholder (maybe via a chain).
    Filter,
    /// A foreign-key link to a parent occurrence that is itself proven.
    ForeignKeyLink,
    /// A filter applied where a derived table or CTE is used, pushed inside.
    PushedFilter,
    /// Inserted values come from the placeholder or a proven source.
    InsertedValues,
    /// The statement carries an `unscoped` marker for this dimension.
    Exempt,
    /// A LEFT JOIN on a full unique key of the table, none of whose columns the statement uses:
    /// it neither adds nor removes rows, whatever other tenants hold.
    UnusedOuterJoin,
}

/// A proof for one dimension of one occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The dimension.
    pub dimension: String,
    /// How it was proven.
    pub kind: ProofKind,
    /// Human-readable evidence, e.g. `p.site_id = :site`.
    pub detail: String,
}

/// One occurrence of a scoped table in a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The table, lowercase.
    pub table: String,
    /// The alias, when one is given.
    pub alias: Option<String>,
    /// Byte range of the table factor in the SQL.
    pub span: Range<usize>,
    /// What the statement does with it: `read`, `update`, `delete`, `insert`.
    pub access: &'static str,
    /// One proof per dimension that was proven (unproven dimensions produce diagnostics).
    pub proofs: Vec<Proof>,
    /// The columns of this occurrence that equality conjuncts of its own query level tie to a
    /// scope placeholder (what a planner's equivalence classes derive, and what a sharded
    /// database routes on). Found for the dimensions the proof walk proved on a read, updated
    /// or deleted occurrence; empty for an INSERT target, whose values are in the statement.
    pub pinned: Vec<Pin>,
}

/// A column tied to a scope placeholder by equalities: `c.site_id = p.site_id AND p.site_id =
/// :site` pins `site_id` of both `c` and `p` to dimension `site`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pin {
    /// The column, lowercase.
    pub column: String,
    /// The dimension whose placeholder it equals.
    pub dimension: String,
}

/// Where a scope placeholder stands, so the rewrite can substitute it for each runtime mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceholderContext {
    /// `col = :dim` or `:dim = col` as a whole comparison at `predicate`.
    Equality {
        /// Byte range of the whole comparison.
        predicate: Range<usize>,
        /// Byte range of the column side.
        column: Range<usize>,
    },
    /// `col IN (:dim)` as a whole at `predicate`.
    InList {
        /// Byte range of the whole `IN` expression.
        predicate: Range<usize>,
        /// Byte range of the column side.
        column: Range<usize>,
    },
    /// Anywhere else (a VALUES item, a SET value, a select item): needs exactly one value.
    Value,
}

/// One `:dimension` placeholder in the SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderUse {
    /// The dimension it names.
    pub dimension: String,
    /// Byte range of `:dimension` itself.
    pub span: Range<usize>,
    /// Where it stands.
    pub context: PlaceholderContext,
}

/// The analysis of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementReport {
    /// Byte range of the statement in the SQL text.
    pub span: Range<usize>,
    /// Every occurrence of a scoped table.
    pub occurrences: Vec<Occurrence>,
    /// Every scope placeholder, in text order.
    pub placeholders: Vec<PlaceholderUse>,
    /// This statement's problems; empty when it is scoped.
    pub diagnostics: Vec<Diagnostic>,
}

/// The analysis of a SQL text (one or more statements).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// One entry per statement, in order.
    pub statements: Vec<StatementReport>,
    /// Problems not tied to one statement (a syntax error, a bad marker).
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Whether every statement is proven scoped.
    pub fn is_scoped(&self) -> bool {
        self.diagnostics.is_empty() && self.statements.iter().all(|s| s.diagnostics.is_empty())
    }

    /// Every diagnostic, in text order.
    pub fn all_diagnostics(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self
            .diagnostics
            .iter()
            .chain(self.statements.iter().flat_map(|s| s.diagnostics.iter()))
            .collect();
        all.sort_by_key(|d| (d.span.start, d.span.end));
        all
    }
}
