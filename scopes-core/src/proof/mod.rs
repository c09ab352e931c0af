//! The scope proof: for every occurrence of a scoped table in a statement, prove that only rows
//! of the active scope can be read or written, or report why not.
//!
//! The walk is fail-closed: statements and clauses it does not understand are rejected with
//! `unsupported-sql`, and after the walk every relation the statement names must have been seen.

mod composite;
mod expr;
mod facts;
mod fixes;
mod key_pin;
mod level;
mod names;
mod notes;
mod outer_join;
mod placeholders;
mod query;
mod relation;
mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use sqlparser::ast::{Query, Spanned, Statement};
use sqlparser::tokenizer::Span;

use crate::analysis::{Occurrence, StatementReport};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::markers::Markers;
use crate::span::LineIndex;

use facts::Facts;
use names::Namespace;

/// How many query bodies one statement may cause to be analyzed (re-analysis included) before
/// the analyzer gives up with `too-complex`: bounds the time spent on adversarial input.
const BUDGET: usize = 4096;

/// One output column of a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OutCol {
    /// Its name, when it has one.
    pub name: Option<String>,
    /// What is known about its values (when not NULL).
    pub facts: Facts,
    /// Whether it can be NULL where its facts' source row is absent (outer join, scalar subquery).
    pub maybe_null: bool,
}

/// The analysis of a query (or of one level of it).
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryOut {
    /// Output columns, in order.
    pub cols: Vec<OutCol>,
    /// Whether `cols` may be incomplete (a `*` over a relation with unknown columns).
    pub cols_unknown: bool,
    /// Facts about outer columns that hold whenever the query returns a row (for EXISTS).
    pub outer_facts: Vec<(usize, facts::Name, Facts)>,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
    /// Occurrences of scoped tables, with their proofs.
    pub occurrences: Vec<Occurrence>,
}

impl QueryOut {
    fn absorb(&mut self, other: QueryOut) {
        self.diags.extend(other.diags);
        self.occurrences.extend(other.occurrences);
    }
}

/// What an enclosing level exposes to correlated subqueries: names and the facts of columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LevelView {
    pub ns: Namespace,
    /// Per occurrence: facts of its columns (for the rows where it is not NULL).
    pub facts: Vec<BTreeMap<facts::Name, Facts>>,
    /// Per occurrence: what gives every column of it facts.
    pub seeds: Vec<Seed>,
}

/// The part of an occurrence's state that gives facts to all its columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Seed {
    table: Option<ProvenTable>,
    given: Option<(Vec<OutCol>, names::Cols)>,
}

/// A scoped table occurrence proven on some dimensions: what gives facts to all its columns.
#[derive(Debug, Clone, PartialEq)]
struct ProvenTable {
    table: facts::Name,
    scope: std::sync::Arc<crate::config::TableScope>,
    reach: std::rc::Rc<[composite::Reach]>,
    proven: Vec<facts::Name>,
}

impl Seed {
    pub(crate) fn of(occ: &relation::Occ<'_>) -> Seed {
        match &occ.kind {
            relation::OccKind::Table {
                table,
                scope: Some(scope),
                reach,
            } if !occ.proven.is_empty() => Seed {
                table: Some(ProvenTable {
                    table: table.clone(),
                    scope: scope.clone(),
                    reach: reach.clone(),
                    proven: occ.proven.keys().cloned().collect(),
                }),
                given: None,
            },
            relation::OccKind::Derived { out: Some(q), .. } => Seed {
                table: None,
                given: Some((q.cols.clone(), occ.cols.clone())),
            },
            relation::OccKind::Given(cols) => Seed {
                table: None,
                given: Some((cols.clone(), occ.cols.clone())),
            },
            _ => Seed::default(),
        }
    }

    fn facts(&self, column: &str) -> Facts {
        let mut out = Facts::new();
        if let Some(t) = &self.table {
            out.extend(level::table_seed(
                &t.table,
                &t.scope,
                &t.reach,
                t.proven.iter(),
                &facts::Name::from(column),
            ));
        }
        if let Some((cols, names)) = &self.given {
            out.extend(level::given_seed(cols, names, column));
        }
        out
    }
}

impl LevelView {
    /// Facts of a column of an occurrence.
    pub(crate) fn col_facts(&self, occ: usize, column: &str) -> Facts {
        let mut out = self
            .facts
            .get(occ)
            .and_then(|m| m.get(column))
            .cloned()
            .unwrap_or_default();
        if let Some(seed) = self.seeds.get(occ) {
            out.extend(seed.facts(column));
        }
        out
    }
}

/// A CTE visible where a query is analyzed.
#[derive(Debug, Clone)]
pub(crate) struct Cte<'a> {
    pub name: String,
    pub query: &'a Query,
    /// Column names from `name(a, b)`.
    pub columns: Vec<String>,
    /// Inside a recursive CTE's own body: the assumed facts of its rows.
    pub assumed: Option<Vec<OutCol>>,
    /// Whether the CTE belongs to a `WITH RECURSIVE`.
    pub recursive: bool,
    /// Set when some FROM clause references it.
    pub referenced: std::cell::Cell<bool>,
    /// Set while its own body is analyzed: a non-recursive CTE cannot see itself.
    pub active: std::cell::Cell<bool>,
}

/// The context a query is analyzed in: enclosing levels (for correlation) and visible CTEs.
#[derive(Debug, Default)]
pub(crate) struct Env<'a> {
    pub parent: Option<&'a Env<'a>>,
    pub view: Option<&'a LevelView>,
    pub ctes: Vec<Cte<'a>>,
}

impl<'a> Env<'a> {
    /// The enclosing levels' views, nearest first.
    pub(crate) fn views(&self) -> Vec<&'a LevelView> {
        let mut out = Vec::new();
        let mut env = Some(self);
        while let Some(e) = env {
            if let Some(v) = e.view {
                out.push(v);
            }
            env = e.parent;
        }
        out
    }

    /// The nearest CTE of that name, and the environment it was defined in.
    pub(crate) fn cte(&'a self, name: &str) -> Option<(&'a Cte<'a>, &'a Env<'a>)> {
        let mut env = Some(self);
        while let Some(e) = env {
            if let Some(c) = e
                .ctes
                .iter()
                .rev()
                .find(|c| c.name == name && !c.active.get())
            {
                return Some((c, e));
            }
            env = e.parent;
        }
        None
    }
}

/// The analyzer of one SQL text.
pub(crate) struct Analyzer<'c> {
    pub config: &'c Config,
    pub markers: &'c Markers,
    pub lines: LineIndex<'c>,
    pub sql: &'c str,
    budget: usize,
    exhausted: bool,
    /// Start positions of every relation name the walk handled (for the fail-closed cross-check).
    pub seen_relations: BTreeSet<(u64, u64)>,
    /// The byte range of the statement being analyzed (fallback span).
    pub statement_span: Range<usize>,
    /// Column lists of schema tables and views, built once per check and then shared.
    columns_cache: BTreeMap<String, Option<std::rc::Rc<[String]>>>,
    /// What proven rows of a table guarantee through composite keys, per table.
    reach_cache: BTreeMap<String, std::rc::Rc<[composite::Reach]>>,
    /// Per occurrence (by byte range): its columns pinned to a placeholder (`Occurrence::pinned`).
    pub(crate) pins: BTreeMap<(usize, usize), Vec<crate::analysis::Pin>>,
    /// The statement may lock the rows it reads: a locking clause (`FOR UPDATE`, `FOR SHARE`)
    /// somewhere, or a write (InnoDB locks the rows an INSERT ... SELECT, UPDATE or DELETE
    /// reads). No table of it may then be left unfiltered, not even an unused one.
    pub(crate) locks: bool,
}

impl<'c> Analyzer<'c> {
    pub(crate) fn new(sql: &'c str, config: &'c Config, markers: &'c Markers) -> Self {
        Analyzer {
            config,
            markers,
            lines: LineIndex::new(sql),
            sql,
            budget: BUDGET,
            exhausted: false,
            seen_relations: BTreeSet::new(),
            columns_cache: BTreeMap::new(),
            reach_cache: BTreeMap::new(),
            statement_span: 0..sql.len(),
            pins: BTreeMap::new(),
            locks: false,
        }
    }

    /// The columns of a schema table or view, when the schema knows them.
    pub(crate) fn schema_columns(&mut self, table: &str) -> Option<std::rc::Rc<[String]>> {
        if let Some(cols) = self.columns_cache.get(table) {
            return cols.clone();
        }
        let cols: Option<std::rc::Rc<[String]>> = self.config.schema.as_ref().and_then(|s| {
            s.table(table)
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                .or_else(|| {
                    s.view(table)
                        .and_then(|v| v.columns.as_deref().map(Into::into))
                })
        });
        self.columns_cache.insert(table.to_string(), cols.clone());
        cols
    }

    /// What proven rows of a table guarantee through its composite tenant keys.
    pub(crate) fn reach(&mut self, table: &str) -> std::rc::Rc<[composite::Reach]> {
        if let Some(r) = self.reach_cache.get(table) {
            return r.clone();
        }
        let r = composite::reach(self.config, table);
        self.reach_cache.insert(table.to_string(), r.clone());
        r
    }

    /// Byte range of a sqlparser span, falling back to the statement.
    pub(crate) fn range(&self, span: Span) -> Range<usize> {
        self.lines.range_or(span, self.statement_span.clone())
    }

    /// Whether the dimension must be proven (declared and not exempted by a marker).
    pub(crate) fn checks(&self, dim: &str) -> bool {
        !self.markers.exempts(dim)
    }

    /// Whether every declared dimension is exempt (nothing to prove).
    pub(crate) fn all_exempt(&self) -> bool {
        self.config
            .dimensions
            .keys()
            .all(|d| self.markers.exempts(d))
    }

    /// Takes one unit of the analysis budget; `false` once it is used up.
    pub(crate) fn spend(&mut self) -> bool {
        if self.budget == 0 {
            self.exhausted = true;
            return false;
        }
        self.budget -= 1;
        true
    }

    /// A diagnostic for SQL the analyzer does not support.
    pub(crate) fn unsupported(&self, what: &str, span: Span) -> Diagnostic {
        Diagnostic::new(
            Code::UnsupportedSql,
            format!("{what} is not supported by the scope checker, so the statement cannot be proven scoped"),
            self.range(span),
        )
        .label("not supported")
        .help("rewrite the statement without it, or mark the query `unscoped` if it must touch every tenant")
    }

    /// Marks a relation name as handled by the walk.
    pub(crate) fn saw_relation(&mut self, name: &sqlparser::ast::ObjectName) {
        let s = name.span().start;
        self.seen_relations.insert((s.line, s.column));
    }

    /// Analyzes one statement.
    pub(crate) fn statement(&mut self, stmt: &Statement) -> StatementReport {
        let policy = expr::CastPolicy::new(self.config);
        expr::with_cast_policy(policy, || self.statement_with_casts(stmt))
    }

    fn statement_with_casts(&mut self, stmt: &Statement) -> StatementReport {
        let span = stmt.span();
        self.statement_span = self.lines.range_or(span, 0..self.sql.len());
        self.seen_relations.clear();
        self.pins.clear();
        self.locks = !matches!(stmt, Statement::Query(_)) || has_locks(stmt);
        self.budget = BUDGET;
        self.exhausted = false;
        let found = placeholders::collect(self, stmt);
        let mut out = QueryOut::default();
        out.diags.extend(found.diags);
        let env = Env::default();
        let result = self.dispatch(stmt, &env);
        out.absorb(result);
        if self.exhausted {
            out.diags.push(
                Diagnostic::new(
                    Code::TooComplex,
                    "the statement is too complex to prove scoped in bounded time",
                    self.statement_span.clone(),
                )
                .help("split it into simpler statements"),
            );
        }
        if !self.all_exempt() {
            self.cross_check(&found.relations, &mut out);
        }
        let mut diags = out.diags;
        // A misspelled placeholder (`:orgg`) also leaves its filter missing: report the cause
        // alone, not the consequences it would mislead with.
        if diags.iter().any(|d| d.code == Code::UnknownDimension) {
            diags.retain(|d| d.code == Code::UnknownDimension);
        }
        diags.sort_by(|a, b| {
            (a.span.start, a.span.end, a.code, &a.message).cmp(&(
                b.span.start,
                b.span.end,
                b.code,
                &b.message,
            ))
        });
        diags.dedup();
        let mut occurrences = out.occurrences;
        occurrences.sort_by_key(|o| (o.span.start, o.span.end));
        occurrences.dedup();
        StatementReport {
            span: self.statement_span.clone(),
            occurrences,
            placeholders: found.placeholders,
            diagnostics: diags,
        }
    }

    fn dispatch(&mut self, stmt: &Statement, env: &Env<'_>) -> QueryOut {
        match stmt {
            Statement::Query(q) => self.query(q, env, &[]),
            Statement::Insert(insert) => self.insert(insert, env),
            Statement::Update(update) => self.update(update, env),
            Statement::Delete(delete) => self.delete(delete, env),
            Statement::Explain { statement, .. } => self.dispatch(statement, env),
            Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Savepoint { .. }
            | Statement::ReleaseSavepoint { .. } => QueryOut::default(),
            other => {
                let mut out = QueryOut::default();
                if !self.all_exempt() {
                    let kind = statement_kind(other);
                    out.diags
                        .push(self.unsupported(&format!("a `{kind}` statement"), other.span()));
                }
                out
            }
        }
    }

    /// Fail closed: every relation named anywhere in the statement must have been handled.
    fn cross_check(&self, relations: &[Span], out: &mut QueryOut) {
        if !out.diags.is_empty() {
            return;
        }
        let missed = relations.iter().find(|s| {
            !self
                .seen_relations
                .contains(&(s.start.line, s.start.column))
        });
        if let Some(span) = missed {
            let range = self.range(*span);
            let name = self.sql.get(range.clone()).unwrap_or("a table");
            out.diags.push(
                Diagnostic::new(
                    Code::UnsupportedSql,
                    format!("`{name}` is used in a place the scope checker does not analyze, so the statement cannot be proven scoped"),
                    range,
                )
                .label("not analyzed")
                .help("rewrite the statement with this table in a FROM clause or subquery"),
            );
        }
    }
}

/// Whether any query of the statement has a locking clause.
fn has_locks(stmt: &Statement) -> bool {
    struct Locks(bool);
    impl sqlparser::ast::Visitor for Locks {
        type Break = ();
        fn pre_visit_query(&mut self, q: &Query) -> std::ops::ControlFlow<()> {
            self.0 |= !q.locks.is_empty();
            std::ops::ControlFlow::Continue(())
        }
    }
    let mut v = Locks(false);
    let _ = sqlparser::ast::Visit::visit(stmt, &mut v);
    v.0
}

/// The keyword of a statement, for messages.
fn statement_kind(stmt: &Statement) -> String {
    let text = stmt.to_string();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Checks every statement of a parsed SQL text.
pub(crate) fn verify(
    sql: &str,
    statements: &[Statement],
    config: &Config,
    markers: &Markers,
) -> Vec<StatementReport> {
    let mut analyzer = Analyzer::new(sql, config, markers);
    statements.iter().map(|s| analyzer.statement(s)).collect()
}
