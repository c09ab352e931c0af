//! Whether a scoped statement runs on one shard under Citus's router rules, from the analyzer's
//! report (the occurrences and the columns each one has pinned to a placeholder) and, for the
//! clauses the report does not describe (INSERT values, SET lists), the statement itself.

use std::fmt;

use sqlparser::ast::{
    Assignment, AssignmentTarget, Expr, FromTable, Insert, OnConflictAction, OnInsert, SelectItem,
    SetExpr, Spanned, Statement, TableFactor, TableObject, Value,
};

use super::placement::{Distribution, Placement};
use crate::analysis::{Occurrence, Report, StatementReport};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::markers::Markers;
use crate::schema::normalize_name;
use crate::span::LineIndex;

/// How a statement runs on Citus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// Every distributed table is pinned to the tenant on its distribution column: with one
    /// value of the distribution dimension it runs on one shard (Citus's router planner); with
    /// several values or "all" it fans out.
    SingleShard,
    /// Exempt from the distribution dimension (`unscoped`): it reads or writes every shard.
    FanOut,
    /// It touches no distributed table: reference tables only (a read runs on one node, a write
    /// on every node).
    ReferenceOnly,
    /// Scoped, but Citus cannot route it to one shard: see the diagnostics.
    NotRoutable,
    /// Not proven scoped: the analyzer's diagnostics say why; routing is not judged.
    NotScoped,
}

impl RouteKind {
    /// The kebab-case name (JSON, tests).
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::SingleShard => "single-shard",
            RouteKind::FanOut => "fan-out",
            RouteKind::ReferenceOnly => "reference-only",
            RouteKind::NotRoutable => "not-routable",
            RouteKind::NotScoped => "not-scoped",
        }
    }
}

/// The routing of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The verdict.
    pub kind: RouteKind,
    /// The distribution dimension it was judged on.
    pub dimension: String,
    /// Why it is not routable, pointing into the SQL (`not-single-shard`).
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for Route {
    /// The line `scopes explain` prints for the statement.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dim = &self.dimension;
        match self.kind {
            RouteKind::SingleShard => write!(
                f,
                "one value of `{dim}`: single shard (router); several values or all: fan-out to every shard"
            ),
            RouteKind::FanOut => write!(f, "fan-out to every shard (unscoped on `{dim}`)"),
            RouteKind::ReferenceOnly => write!(f, "reference tables only (no distributed table)"),
            RouteKind::NotRoutable => write!(
                f,
                "not routable to one shard ({} on `{dim}`)",
                plural(self.diagnostics.len())
            ),
            RouteKind::NotScoped => write!(f, "not judged (not scoped)"),
        }
    }
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}

/// Routes every statement of `sql`, given the analyzer's `report` on it (same config and
/// markers). One [`Route`] per statement of the report, in order.
pub fn route(
    sql: &str,
    report: &Report,
    config: &Config,
    distribution: &Distribution,
    markers: &Markers,
) -> Vec<Route> {
    let statements = crate::on_deep_stack(sql, || {
        crate::parse::parse(sql, config.dialect).unwrap_or_default()
    });
    let lines = LineIndex::new(sql);
    let routes = report
        .statements
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let router = Router {
                lines: &lines,
                config,
                distribution,
                dim: &distribution.dimension,
                exempt: markers.exempts(&distribution.dimension),
                report: r,
            };
            router.route(statements.get(i))
        })
        .collect();
    crate::on_deep_stack(sql, move || drop(statements));
    routes
}

/// Routes one statement.
struct Router<'a> {
    lines: &'a LineIndex<'a>,
    config: &'a Config,
    distribution: &'a Distribution,
    dim: &'a str,
    exempt: bool,
    report: &'a StatementReport,
}

impl Router<'_> {
    fn route(&self, statement: Option<&Statement>) -> Route {
        let mut route = Route {
            kind: RouteKind::NotScoped,
            dimension: self.dim.to_string(),
            diagnostics: Vec::new(),
        };
        if !self.report.diagnostics.is_empty() {
            return route;
        }
        let mut distributed = 0;
        for occ in &self.report.occurrences {
            let Some(placement) = self.distribution.placement(&occ.table) else {
                continue;
            };
            if matches!(placement, Placement::Reference) {
                continue;
            }
            distributed += 1;
            if self.exempt {
                continue;
            }
            let problem = match placement {
                Placement::Distributed { column } | Placement::View { column } => {
                    if occ.access == "insert" {
                        statement.and_then(|s| self.insert_problem(s, occ, column))
                    } else if pinned(occ, column, self.dim) {
                        None
                    } else {
                        Some(self.unpinned(occ, column))
                    }
                }
                Placement::ForeignKeyScoped { .. } | Placement::OffDimension => {
                    Some(self.undistributable(occ, placement))
                }
                Placement::Reference => None,
            };
            route.diagnostics.extend(problem);
        }
        if let Some(statement) = statement {
            if !self.exempt {
                route
                    .diagnostics
                    .extend(self.write_problems(statement, distributed));
            }
        }
        route
            .diagnostics
            .sort_by_key(|d| (d.span.start, d.span.end));
        route.diagnostics.dedup();
        route.kind = if !route.diagnostics.is_empty() {
            RouteKind::NotRoutable
        } else if distributed == 0 {
            RouteKind::ReferenceOnly
        } else if self.exempt {
            RouteKind::FanOut
        } else {
            RouteKind::SingleShard
        };
        route
    }

    fn name(occ: &Occurrence) -> &str {
        occ.alias.as_deref().unwrap_or(&occ.table)
    }

    /// A read, updated or deleted occurrence whose distribution column is not pinned.
    fn unpinned(&self, occ: &Occurrence, column: &str) -> Diagnostic {
        let name = Self::name(occ);
        let dim = self.dim;
        let table = &occ.table;
        let alias = match &occ.alias {
            Some(a) => format!(" (as `{a}`)"),
            None => String::new(),
        };
        Diagnostic::new(
            Code::NotSingleShard,
            format!(
                "`{table}`{alias} is not pinned to one shard: its distribution column `{name}.{column}` is not equated with `:{dim}` in its own query level, so Citus would read every shard of `{table}`"
            ),
            occ.span.clone(),
        )
        .label(format!("needs `{name}.{column} = :{dim}`"))
        .help(format!(
            "add `AND {name}.{column} = :{dim}` (or an equality with a column pinned to it) next to `{table}`'s own filter, inside its subquery or CTE"
        ))
    }

    /// An occurrence of a scoped table Citus cannot distribute.
    fn undistributable(&self, occ: &Occurrence, placement: &Placement) -> Diagnostic {
        let table = &occ.table;
        let dim = self.dim;
        let (message, help) = match placement {
            Placement::ForeignKeyScoped {
                column,
                parent,
                parent_column,
            } => {
                let root = self
                    .distribution
                    .tables
                    .get(parent)
                    .and_then(Placement::distribution_column)
                    .unwrap_or("site_id")
                    .to_string();
                (
                    format!(
                        "`{table}` has no distribution column: it is scoped on `{dim}` through `{column} -> {parent}.{parent_column}`, and Citus needs the tenant in a column of its own to place its rows on the shard of their `{parent}`"
                    ),
                    format!(
                        "add the column to `{table}` with a composite foreign key (`ALTER TABLE {table} ADD COLUMN {root} ...; ALTER TABLE {table} ADD FOREIGN KEY ({root}, {column}) REFERENCES {parent} ({root}, {parent_column})`), scope `{table}` on it in scopes.toml (`{table} = {{ {dim} = \"{root}\" }}`), and filter `{name}.{root} = :{dim}`",
                        name = Self::name(occ)
                    ),
                )
            }
            _ => (
                format!(
                    "`{table}` is not scoped on `{dim}`, the distribution dimension, so Citus cannot co-locate it with the other tables"
                ),
                format!("scope `{table}` on `{dim}` in scopes.toml [tables]"),
            ),
        };
        Diagnostic::new(Code::NotSingleShard, message, occ.span.clone())
            .label("no distribution column")
            .help(help)
    }

    /// INSERT: the distribution column comes from the placeholder (VALUES), or from the
    /// placeholder or a pinned column of the source (INSERT ... SELECT).
    fn insert_problem(
        &self,
        statement: &Statement,
        occ: &Occurrence,
        column: &str,
    ) -> Option<Diagnostic> {
        let Statement::Insert(ins) = statement else {
            return None;
        };
        let table = &occ.table;
        let dim = self.dim;
        let problem = |message: String| {
            Some(
                Diagnostic::new(Code::NotSingleShard, message, occ.span.clone())
                    .label(format!("needs `{column}` = :{dim}"))
                    .help(format!(
                        "list `{column}` among the inserted columns and give it `:{dim}` in every row (or select it from a table pinned to `:{dim}`)"
                    )),
            )
        };
        let columns = self.insert_columns(ins, table);
        let Some(index) = columns.iter().position(|c| c == column) else {
            return problem(format!(
                "`{table}` is inserted without its distribution column `{column}`: Citus cannot route the row to a shard"
            ));
        };
        let Some(source) = &ins.source else {
            return problem(format!(
                "the rows inserted into `{table}` have no value for its distribution column `{column}`"
            ));
        };
        let ok = match &*source.body {
            SetExpr::Values(values) => values.rows.iter().all(|row| {
                row.content
                    .get(index)
                    .is_some_and(|e| is_placeholder(e, dim))
            }),
            SetExpr::Select(select) => {
                let item = select.projection.get(index).and_then(|item| match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        Some(e)
                    }
                    _ => None,
                });
                let span = self.range(source.span());
                item.is_some_and(|e| is_placeholder(e, dim) || self.pinned_column(e, span))
            }
            _ => false,
        };
        if ok {
            None
        } else {
            problem(format!(
                "`{table}` is inserted with its distribution column `{column}` not taken from `:{dim}`: Citus routes each row by its value, so the rows could go to other shards"
            ))
        }
    }

    /// The columns an INSERT writes, as listed or in the schema's order.
    fn insert_columns(&self, ins: &Insert, table: &str) -> Vec<String> {
        if ins.columns.is_empty() {
            self.config
                .schema
                .as_ref()
                .and_then(|s| s.table(table))
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default()
        } else {
            ins.columns
                .iter()
                .filter_map(|c| c.0.last().and_then(|p| p.as_ident()))
                .map(|i| normalize_name(&i.value))
                .collect()
        }
    }

    /// Whether `expr` is a column of an occurrence inside `within` that is pinned on that column
    /// (`p.site_id` of `... FROM posts p WHERE p.site_id = :site`). An unqualified column must
    /// belong to the only occurrence there.
    fn pinned_column(&self, expr: &Expr, within: std::ops::Range<usize>) -> bool {
        let inside: Vec<&Occurrence> = self
            .report
            .occurrences
            .iter()
            .filter(|o| o.span.start >= within.start && o.span.end <= within.end)
            .collect();
        let (qualifier, column) = match strip(expr) {
            Expr::Identifier(c) => (None, normalize_name(&c.value)),
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [.., q, c] => (Some(normalize_name(&q.value)), normalize_name(&c.value)),
                _ => return false,
            },
            _ => return false,
        };
        let candidates: Vec<&&Occurrence> = match &qualifier {
            Some(q) => inside.iter().filter(|o| Self::name(o) == q).collect(),
            None if inside.len() == 1 => inside.iter().collect(),
            None => Vec::new(),
        };
        candidates.len() == 1 && candidates.iter().all(|o| pinned(o, &column, self.dim))
    }

    /// SET lists that move a row to another shard, and writes to a reference table that read a
    /// distributed one.
    fn write_problems(&self, statement: &Statement, distributed: usize) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        match statement {
            Statement::Update(u) => {
                if let TableFactor::Table { name, alias, .. } = &u.table.relation {
                    let table = normalize_name(&name.to_string());
                    let qualifier = alias
                        .as_ref()
                        .map(|a| normalize_name(&a.name.value))
                        .unwrap_or_else(|| table.clone());
                    match self.distribution.placement(&table) {
                        Some(Placement::Distributed { column }) => out.extend(
                            self.moving_assignments(&u.assignments, &table, &qualifier, column),
                        ),
                        Some(Placement::Reference) | None if distributed > 0 => {
                            out.push(self.reference_write(&table, name.span()))
                        }
                        _ => {}
                    }
                }
            }
            Statement::Delete(d) if distributed > 0 => {
                let targets: Vec<&sqlparser::ast::ObjectName> = if d.tables.is_empty() {
                    match &d.from {
                        FromTable::WithFromKeyword(v) | FromTable::WithoutKeyword(v) => v
                            .iter()
                            .take(1)
                            .filter_map(|t| match &t.relation {
                                TableFactor::Table { name, .. } => Some(name),
                                _ => None,
                            })
                            .collect(),
                    }
                } else {
                    d.tables.iter().collect()
                };
                for name in targets {
                    let table = normalize_name(&name.to_string());
                    if matches!(
                        self.distribution.placement(&table),
                        Some(Placement::Reference) | None
                    ) && self.config.table_scope(&table).is_none()
                    {
                        out.push(self.reference_write(&table, name.span()));
                    }
                }
            }
            Statement::Insert(ins) => {
                if let (TableObject::TableName(name), Some(on)) = (&ins.table, &ins.on) {
                    let table = normalize_name(&name.to_string());
                    let qualifier = ins
                        .table_alias
                        .as_ref()
                        .map(|a| normalize_name(&a.alias.value))
                        .unwrap_or_else(|| table.clone());
                    if let Some(Placement::Distributed { column }) =
                        self.distribution.placement(&table)
                    {
                        let assignments: &[Assignment] = match on {
                            OnInsert::OnConflict(c) => match &c.action {
                                OnConflictAction::DoUpdate(u) => &u.assignments,
                                _ => &[],
                            },
                            OnInsert::DuplicateKeyUpdate(a) => a,
                            _ => &[],
                        };
                        out.extend(self.moving_assignments(
                            assignments,
                            &table,
                            &qualifier,
                            column,
                        ));
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// `SET <distribution column> = <anything but the placeholder or the column itself>`.
    fn moving_assignments(
        &self,
        assignments: &[Assignment],
        table: &str,
        qualifier: &str,
        column: &str,
    ) -> Vec<Diagnostic> {
        let dim = self.dim;
        assignments
            .iter()
            .filter(|a| match &a.target {
                AssignmentTarget::ColumnName(n) => n
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .is_some_and(|i| normalize_name(&i.value) == column),
                AssignmentTarget::Tuple(_) => false,
            })
            .filter(|a| {
                !is_placeholder(&a.value, dim) && !is_column(&a.value, qualifier, column)
            })
            .map(|a| {
                Diagnostic::new(
                    Code::NotSingleShard,
                    format!(
                        "the distribution column `{table}.{column}` is set to a value other than `:{dim}`: Citus refuses to move a row to another shard"
                    ),
                    self.range(a.span()),
                )
                .label("moves the row")
                .help(format!("set `{column}` only to `:{dim}`, or leave it out of the SET list"))
            })
            .collect()
    }

    /// UPDATE or DELETE of a reference table in a statement that reads a distributed table.
    fn reference_write(&self, table: &str, span: sqlparser::tokenizer::Span) -> Diagnostic {
        Diagnostic::new(
            Code::NotSingleShard,
            format!(
                "`{table}` is a reference table on Citus (global, copied to every node), and Citus cannot modify a reference table in a statement that reads a distributed table"
            ),
            self.range(span),
        )
        .label("reference table written")
        .help(format!(
            "read the tenant rows in a separate statement, or list `{table}` in scopes.toml [tables] so that it is distributed"
        ))
    }

    fn range(&self, span: sqlparser::tokenizer::Span) -> std::ops::Range<usize> {
        self.lines.range_or(span, self.report.span.clone())
    }
}

/// Whether the occurrence pins `column` to the dimension's placeholder.
fn pinned(occ: &Occurrence, column: &str, dim: &str) -> bool {
    occ.pinned
        .iter()
        .any(|p| p.column == column && p.dimension == dim)
}

/// Parentheses and casts removed: `(:site)::bigint` is `:site` to the planner once bound.
fn strip(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Nested(inner) => expr = inner,
            Expr::Cast { expr: inner, .. } => expr = inner,
            other => return other,
        }
    }
}

/// `:dim`, maybe in parentheses or cast.
fn is_placeholder(expr: &Expr, dim: &str) -> bool {
    match strip(expr) {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(p) => p.strip_prefix(':') == Some(dim),
            _ => false,
        },
        _ => false,
    }
}

/// `column` or `qualifier.column` (the column itself: `SET site_id = site_id` moves nothing).
/// Not through a cast: Citus takes only the bare column as unchanged.
fn is_column(expr: &Expr, qualifier: &str, column: &str) -> bool {
    let mut expr = expr;
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    match expr {
        Expr::Identifier(c) => normalize_name(&c.value) == column,
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [.., q, c] => {
                normalize_name(&q.value) == qualifier && normalize_name(&c.value) == column
            }
            _ => false,
        },
        _ => false,
    }
}
