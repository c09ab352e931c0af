//! Writes: UPDATE and DELETE targets are proven like reads; SET may not move a row out of the
//! scope; INSERT takes every scope column from the placeholder or a proven source; upserts and
//! REPLACE may not hit another tenant's row.

use std::collections::BTreeMap;

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, Expr, FromTable, Insert, ObjectName, OnConflictAction,
    OnInsert, Query, SetExpr, Spanned, SqliteOnConflict, TableObject, Update, UpdateTableFromKind,
};

use super::expr::placeholder_name;
use super::facts::{Fact, Facts, Name, Term};
use super::level::{obligation, LevelCtx, LevelInput, Node};
use super::names::Cols;
use super::relation::{last_name, Occ, OccKind};
use super::{Analyzer, Env, OutCol, QueryOut};
use crate::analysis::{Occurrence, Proof, ProofKind};
use crate::config::{ScopeRule, TableScope};
use crate::diagnostic::{Code, Diagnostic};

mod references;

type Scalars = [(*const Query, OutCol)];

impl<'c> Analyzer<'c> {
    pub(crate) fn update<'q>(&mut self, u: &'q Update, env: &'q Env<'q>) -> QueryOut {
        let mut problems = Vec::new();
        if u.output.is_some() || u.on_cluster.is_some() {
            problems.push(self.unsupported("this UPDATE clause", u.update_token.0.span));
        }
        let mut from = vec![&u.table];
        if let Some(UpdateTableFromKind::BeforeSet(f) | UpdateTableFromKind::AfterSet(f)) = &u.from
        {
            from.extend(f.iter());
        }
        let mut nodes: Vec<Node<'q>> = u.assignments.iter().map(Node::Assign).collect();
        nodes.extend(u.returning.iter().flatten().map(Node::Item));
        nodes.extend(u.order_by.iter().map(Node::Order));
        nodes.extend(u.limit.iter().map(Node::Expr));
        let input = LevelInput {
            from,
            selection: u.selection.as_ref(),
            nodes,
            access: vec![(0, "update")],
            verb: "updated",
            ..LevelInput::default()
        };
        let replace = matches!(
            u.or,
            Some(SqliteOnConflict::Replace | SqliteOnConflict::Ignore)
        );
        let what = match u.or {
            Some(SqliteOnConflict::Ignore) => "UPDATE OR IGNORE",
            _ => "UPDATE OR REPLACE",
        };
        let span = u.update_token.0.span;
        let mut out = self.level(input, env, &[], &mut |an, ctx, scalars| {
            let mut d = an.check_assignments(ctx, &u.assignments, scalars, Some(0));
            if replace {
                if let Some(occ) = ctx.occs.first() {
                    if let (
                        OccKind::Table {
                            table,
                            scope: Some(scope),
                            ..
                        },
                        false,
                    ) = (&occ.kind, an.all_exempt())
                    {
                        if let Some(p) = an.replace_problem(table, scope, what, span, None) {
                            d.push(p);
                        }
                    }
                }
            }
            d
        });
        out.diags.extend(problems);
        out
    }

    pub(crate) fn delete<'q>(&mut self, d: &'q Delete, env: &'q Env<'q>) -> QueryOut {
        let mut problems = Vec::new();
        if d.output.is_some() || d.on_cluster.is_some() {
            problems.push(self.unsupported("this DELETE clause", d.delete_token.0.span));
        }
        let mut from: Vec<_> = match &d.from {
            FromTable::WithFromKeyword(v) | FromTable::WithoutKeyword(v) => v.iter().collect(),
        };
        from.extend(d.using.iter().flatten());
        let mut nodes: Vec<Node<'q>> = d.returning.iter().flatten().map(Node::Item).collect();
        nodes.extend(d.order_by.iter().map(Node::Order));
        nodes.extend(d.limit.iter().map(Node::Expr));
        let targets: Vec<String> = d.tables.iter().map(last_name).collect();
        for t in &d.tables {
            self.saw_relation(t);
        }
        let input = LevelInput {
            from,
            selection: d.selection.as_ref(),
            nodes,
            access: if targets.is_empty() {
                vec![(0, "delete")]
            } else {
                Vec::new()
            },
            verb: "deleted",
            ..LevelInput::default()
        };
        let mut out = self.level(input, env, &[], &mut |_, _, _| Vec::new());
        if !targets.is_empty() {
            for occ in out.occurrences.iter_mut() {
                let name = occ.alias.clone().unwrap_or_else(|| occ.table.clone());
                if targets.contains(&name) {
                    occ.access = "delete";
                }
            }
        }
        out.diags.extend(problems);
        out
    }

    /// SET clauses: scope columns only to the placeholder (or a proven parent), never a key
    /// that foreign-key scope rules point at.
    pub(crate) fn check_assignments(
        &self,
        ctx: &LevelCtx<'_, '_>,
        assignments: &[Assignment],
        scalars: &Scalars,
        default_occ: Option<usize>,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        if self.all_exempt() {
            return diags;
        }
        // The key columns each assignment writes: (occurrence, column, value, assignment).
        let mut written: Vec<(Option<usize>, String, references::Written, &Assignment)> =
            Vec::new();
        for a in assignments {
            let targets: Vec<&ObjectName> = match &a.target {
                AssignmentTarget::ColumnName(n) => vec![n],
                AssignmentTarget::Tuple(ns) => ns.iter().collect(),
            };
            let tuple = targets.len() > 1;
            for target in targets {
                let parts: Vec<String> = target
                    .0
                    .iter()
                    .filter_map(|p| p.as_ident())
                    .map(|i| crate::schema::lower(&i.value))
                    .collect();
                let Some(column) = parts.last().cloned() else {
                    continue;
                };
                let occ_index = if parts.len() == 1 {
                    default_occ
                } else {
                    match ctx.resolve(&parts) {
                        Some(super::facts::Term::Local(i, _)) => Some(i),
                        _ => None,
                    }
                };
                let Some(occ) = occ_index.and_then(|i| ctx.occs.get(i)) else {
                    continue;
                };
                let OccKind::Table { table, scope, .. } = &occ.kind else {
                    continue;
                };
                let (facts, maybe_null) = if tuple {
                    (Facts::new(), true)
                } else {
                    ctx.expr_facts(&a.value, scalars)
                };
                let not_null = self.not_null(table, &column);
                if let Some(scope) = scope {
                    for (dim, rule) in &scope.rules {
                        if !self.checks(dim) {
                            continue;
                        }
                        let (rule_col, fact) = obligation(rule, dim);
                        if rule_col != column {
                            continue;
                        }
                        let proven = facts.contains(&fact) && (!maybe_null || not_null);
                        if !proven {
                            diags.push(self.scope_write(occ, table, &column, dim, rule, a));
                        }
                    }
                }
                written.push((
                    occ_index,
                    column.clone(),
                    references::Written {
                        facts,
                        maybe_null,
                        null_literal: !tuple && is_null(&a.value),
                    },
                    a,
                ));
                if let Some((child, dim)) = self.key_of_rule(table, &column) {
                    diags.push(
                        Diagnostic::new(
                            Code::ScopeKeyWrite,
                            format!("`{}.{column}` is the key `{child}` rows use to belong to a `{table}` row (dimension `{dim}`); changing it can adopt another tenant's `{child}` rows", occ.name),
                            self.range(a.span()),
                        )
                        .label("key of a scope rule")
                        .help(format!("do not update `{table}.{column}`; insert a new row instead")),
                    );
                }
            }
        }
        diags.extend(self.check_written_references(ctx, &written));
        diags
    }

    /// Foreign keys into scoped tables that an UPDATE's SET list writes: the new reference must
    /// be in scope. Columns of a key that the SET list leaves keep the row's current value.
    fn check_written_references(
        &self,
        ctx: &LevelCtx<'_, '_>,
        written: &[(Option<usize>, String, references::Written, &Assignment)],
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut targets: Vec<Option<usize>> = written.iter().map(|w| w.0).collect();
        targets.sort();
        targets.dedup();
        for target in targets {
            let Some(occ) = target.and_then(|i| ctx.occs.get(i)) else {
                continue;
            };
            let OccKind::Table { table, .. } = &occ.kind else {
                continue;
            };
            let mine: Vec<_> = written.iter().filter(|w| w.0 == target).collect();
            for r in self.references(table) {
                let Some(first) = mine.iter().find(|w| r.columns.contains(&w.1)) else {
                    continue;
                };
                let values: Vec<Option<references::Written>> = r
                    .columns
                    .iter()
                    .map(|c| {
                        Some(match mine.iter().rev().find(|w| w.1 == *c) {
                            Some(w) => w.2.clone(),
                            None => {
                                // Kept: the facts of the row's current value. A fact on a
                                // column of a row the UPDATE reaches comes from the proof or
                                // from an equality the row satisfies: not NULL there.
                                let (facts, _) = target
                                    .map(|i| {
                                        ctx.term_facts(&Term::Local(i, Name::from(c.as_str())))
                                    })
                                    .unwrap_or_default();
                                references::Written {
                                    maybe_null: facts.is_empty(),
                                    facts,
                                    null_literal: false,
                                }
                            }
                        })
                    })
                    .collect();
                let unproven = r.unproven(&values);
                if !unproven.is_empty() {
                    diags.push(self.reference_diag(
                        table,
                        &r,
                        &unproven,
                        self.range(first.3.span()),
                    ));
                }
            }
        }
        diags
    }

    fn scope_write(
        &self,
        occ: &Occ<'_>,
        table: &str,
        column: &str,
        dim: &str,
        rule: &ScopeRule,
        a: &Assignment,
    ) -> Diagnostic {
        let (msg, help) = match rule {
            ScopeRule::Column(_) => (
                format!("`{}.{column}` is set to a value not proven to be the scope value of dimension `{dim}`: the row could move to another tenant", occ.name),
                format!("set it to `:{dim}`, or leave `{column}` out of the SET list"),
            ),
            ScopeRule::ForeignKey { parent, parent_column, .. } => (
                format!("`{}.{column}` is set to a value not proven to be a `{parent}.{parent_column}` in scope for dimension `{dim}`: the row could move to another tenant", occ.name),
                format!("take the value from a scoped `{parent}` row (`UPDATE ... FROM {parent} p WHERE p.{parent_column} = $1 AND <p's scope>`), or from a scalar subquery on a NOT NULL column"),
            ),
        };
        let _ = table;
        Diagnostic::new(Code::ScopeColumnWrite, msg, self.range(a.span()))
            .label("moves the row")
            .help(help)
    }

    /// The child table and dimension of a foreign-key scope rule that points at `table.column`.
    fn key_of_rule(&self, table: &str, column: &str) -> Option<(String, String)> {
        self.config.tables.values().find_map(|t| {
            t.rules.iter().find_map(|(dim, r)| match r {
                ScopeRule::ForeignKey {
                    parent,
                    parent_column,
                    ..
                } if parent == table && parent_column == column && self.checks(dim) => {
                    Some((t.table.clone(), dim.clone()))
                }
                _ => None,
            })
        })
    }

    fn not_null(&self, table: &str, column: &str) -> bool {
        self.config
            .schema
            .as_ref()
            .and_then(|s| s.table(table))
            .and_then(|t| t.columns.iter().find(|c| c.name == column))
            .is_some_and(|c| c.not_null)
    }

    /// INSERT OR REPLACE / REPLACE / ON DUPLICATE KEY UPDATE / OR IGNORE / DO NOTHING act on a
    /// conflict with any unique key, silently: safe only when no unique key can conflict with
    /// another tenant's row. A key is safe when it contains the scope columns, or when it is a
    /// one-column primary key the statement does not supply (the database generates it).
    /// `supplied`: the columns the INSERT writes (`None` for an UPDATE: it may write any).
    fn replace_problem(
        &self,
        table: &str,
        scope: &TableScope,
        what: &str,
        span: sqlparser::tokenizer::Span,
        supplied: Option<&[String]>,
    ) -> Option<Diagnostic> {
        let cols: Vec<String> = scope
            .rules
            .iter()
            .filter(|(d, _)| self.checks(d))
            .map(|(_, r)| rule_column(r))
            .collect();
        if cols.is_empty() {
            return None;
        }
        let def = self.config.schema.as_ref().and_then(|s| s.table(table));
        // Every key a conflict can arise on restricts, partial ones and uncertain ones included.
        let safe = def.is_some_and(|t| {
            let generated = |k: &[String]| {
                k == t.primary_key.as_slice()
                    && k.len() == 1
                    && supplied.is_some_and(|s| !s.contains(&k[0]))
            };
            t.conflict_keys()
                .all(|k| cols.iter().all(|c| k.contains(c)) || generated(k))
        });
        if safe {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::UnsafeUpsert,
                format!("{what} on `{table}` resolves conflicts on any unique key, and some unique key of `{table}` does not contain {}: it can replace or update another tenant's row", cols.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
                self.range(span),
            )
            .label("can hit another tenant's row")
            .help("use ON CONFLICT (<columns including the scope column>), or a scoped UPDATE; a silent skip or replace on a global key reveals or changes another tenant's row"),
        )
    }

    pub(crate) fn insert<'q>(&mut self, ins: &'q Insert, env: &'q Env<'q>) -> QueryOut {
        let mut out = QueryOut::default();
        let TableObject::TableName(name) = &ins.table else {
            out.diags
                .push(self.unsupported("INSERT into a table function", ins.insert_token.0.span));
            return out;
        };
        self.saw_relation(name);
        if ins.overwrite
            || ins.partitioned.is_some()
            || !ins.after_columns.is_empty()
            || ins.output.is_some()
            || ins.settings.is_some()
            || ins.format_clause.is_some()
        {
            out.diags
                .push(self.unsupported("this INSERT clause", ins.insert_token.0.span));
        }
        let table = last_name(name);
        let target_span = name.span();
        let scope = self.config.table_scope_shared(&table).cloned();
        if scope.is_none() {
            if let Some(s) = &self.config.schema {
                if s.table(&table).is_none() && !self.all_exempt() {
                    let what = if s.view(&table).is_some() {
                        "a view"
                    } else {
                        "not a table of the schema (migrations)"
                    };
                    out.diags.push(
                        Diagnostic::new(Code::UnknownTable, format!("`{table}` is {what}, so the rows this INSERT creates cannot be proven scoped"), self.range(target_span))
                            .label("unknown table")
                            .help("insert into the underlying table, declared in a migration"),
                    );
                }
            }
        }

        // Columns written, in order.
        let mut columns: Option<Vec<String>> = if ins.columns.is_empty() {
            self.config
                .schema
                .as_ref()
                .and_then(|s| s.table(&table))
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        } else {
            Some(ins.columns.iter().map(last_name).collect())
        };
        // Per written column: facts of the values (intersection over rows), and may-be-NULL.
        // (facts, may be NULL, only NULL literals)
        let mut values: Vec<(Facts, bool, bool)> = Vec::new();
        match (&ins.source, ins.assignments.is_empty()) {
            (Some(src), _) => match (&*src.body, &src.with, &src.order_by, &src.limit_clause) {
                (SetExpr::Values(v), None, None, None) => {
                    let width = columns.as_ref().map(Vec::len).unwrap_or(0);
                    // A NULL literal references nothing: it takes no part in the intersection
                    // but makes the column maybe-NULL.
                    let mut acc: Vec<(Option<Facts>, bool)> = vec![(None, false); width];
                    for row in &v.rows {
                        let nodes: Vec<Node<'q>> = row.content.iter().map(Node::Expr).collect();
                        let scalars = self.scan_nodes(&nodes, env, &mut out);
                        for (k, e) in row.content.iter().enumerate() {
                            let Some(slot) = acc.get_mut(k) else { continue };
                            if is_null(e) {
                                slot.1 = true;
                                continue;
                            }
                            let f = self.value_facts(e, &scalars);
                            slot.0 = Some(match slot.0.take() {
                                None => f.0,
                                Some(prev) => prev.intersection(&f.0).cloned().collect(),
                            });
                            slot.1 |= f.1;
                        }
                        if row.content.len() != width {
                            columns = None;
                        }
                    }
                    values = acc
                        .into_iter()
                        .map(|(f, n)| match f {
                            Some(f) => (f, n, false),
                            None => (Facts::new(), true, true),
                        })
                        .collect();
                }
                _ => {
                    let r = self.query(src, env, &[]);
                    if r.cols_unknown || columns.as_ref().is_some_and(|c| c.len() != r.cols.len()) {
                        columns = None;
                    }
                    values = r
                        .cols
                        .iter()
                        .map(|c| (c.facts.clone(), c.maybe_null, false))
                        .collect();
                    out.absorb(r);
                }
            },
            (None, false) => {
                // MySQL `INSERT ... SET a = 1`: one row.
                let nodes: Vec<Node<'q>> = ins.assignments.iter().map(Node::Assign).collect();
                let scalars = self.scan_nodes(&nodes, env, &mut out);
                let mut cols = Vec::new();
                for a in &ins.assignments {
                    if let AssignmentTarget::ColumnName(n) = &a.target {
                        cols.push(last_name(n));
                        let (f, n) = self.value_facts(&a.value, &scalars);
                        values.push((f, n, is_null(&a.value)));
                    }
                }
                columns = Some(cols);
            }
            (None, true) => columns = Some(Vec::new()), // DEFAULT VALUES
        }

        let mut proofs = Vec::new();
        if let Some(scope) = &scope {
            for (dim, rule) in &scope.rules {
                if !self.checks(dim) {
                    proofs.push(Proof {
                        dimension: dim.clone(),
                        kind: ProofKind::Exempt,
                        detail: "marked unscoped".into(),
                    });
                    continue;
                }
                let (col, fact) = obligation(rule, dim);
                let Some(cols) = &columns else {
                    out.diags.push(
                        Diagnostic::new(Code::InsertScopeColumn, format!("the columns this INSERT into `{table}` writes cannot be matched to its values, so `{col}` (dimension `{dim}`) cannot be proven"), self.range(target_span))
                            .label("columns unknown")
                            .help(format!("list the columns explicitly: INSERT INTO {table} ({col}, ...) ...")),
                    );
                    continue;
                };
                let ok = cols
                    .iter()
                    .position(|c| *c == col)
                    .and_then(|k| values.get(k))
                    .is_some_and(|(f, maybe_null, _)| {
                        f.contains(&fact) && (!maybe_null || self.not_null(&table, &col))
                    });
                if ok {
                    proofs.push(Proof {
                        dimension: dim.clone(),
                        kind: ProofKind::InsertedValues,
                        detail: format!("{table}.{col} from a proven value"),
                    });
                    continue;
                }
                let missing = !cols.contains(&col);
                out.diags.push(match rule {
                    ScopeRule::Column(_) => Diagnostic::new(
                        Code::InsertScopeColumn,
                        if missing {
                            format!("`{table}` is inserted without a value for `{col}` (dimension `{dim}`)")
                        } else {
                            format!("`{table}` is inserted with `{col}` not set from `:{dim}`: the row could belong to another tenant")
                        },
                        self.range(target_span),
                    )
                    .label(format!("needs `{col}` = :{dim}"))
                    .help(format!("insert `:{dim}` into `{col}` in every row")),
                    ScopeRule::ForeignKey { parent, parent_column, .. } => Diagnostic::new(
                        Code::InsertParentNotProven,
                        format!("`{table}` is inserted with `{col}` not proven to reference a `{parent}` row in scope for dimension `{dim}`: the row could attach to another tenant's `{parent}`"),
                        self.range(target_span),
                    )
                    .label(format!("needs a `{parent}` in scope"))
                    .help(format!("insert from a scoped parent: INSERT INTO {table} ({col}, ...) SELECT {p}.{parent_column}, ... FROM {parent} {p} WHERE {p}.{parent_column} = $1 AND <{p}'s scope filter>", p = parent.chars().next().unwrap_or('p'))),
                });
            }
        }

        // Other foreign keys into scoped tables: a new row may only reference rows in scope.
        if !self.all_exempt() {
            for r in self.references(&table) {
                let Some(cols) = &columns else {
                    let all = r.dims.clone();
                    out.diags
                        .push(self.reference_diag(&table, &r, &all, self.range(target_span)));
                    continue;
                };
                // A key none of whose columns is written takes the columns' defaults.
                if !r.columns.iter().any(|c| cols.contains(c)) {
                    continue;
                }
                let values: Vec<Option<references::Written>> = r
                    .columns
                    .iter()
                    .map(|c| {
                        let k = cols.iter().position(|x| x == c)?;
                        let (facts, maybe_null, null_literal) = values.get(k)?;
                        Some(references::Written {
                            facts: facts.clone(),
                            maybe_null: *maybe_null && !self.not_null(&table, c),
                            null_literal: *null_literal,
                        })
                    })
                    .collect();
                let unproven = r.unproven(&values);
                if !unproven.is_empty() {
                    out.diags.push(self.reference_diag(
                        &table,
                        &r,
                        &unproven,
                        self.range(target_span),
                    ));
                }
            }
        }

        // Conflict handling.
        let silent = if ins.replace_into {
            Some("REPLACE")
        } else {
            match (&ins.or, ins.ignore, &ins.on) {
                (Some(SqliteOnConflict::Replace), ..) => Some("INSERT OR REPLACE"),
                (Some(SqliteOnConflict::Ignore), ..) => Some("INSERT OR IGNORE"),
                (_, true, _) => Some("INSERT IGNORE"),
                (_, _, Some(OnInsert::OnConflict(oc)))
                    if matches!(oc.action, OnConflictAction::DoNothing) =>
                {
                    match &oc.conflict_target {
                        None => Some("ON CONFLICT DO NOTHING"),
                        // With a target, only that key arbitrates; others raise errors.
                        Some(sqlparser::ast::ConflictTarget::Columns { columns, .. }) => {
                            let t: Vec<String> = columns
                                .iter()
                                .map(|c| crate::schema::lower(&c.value))
                                .collect();
                            let covered = scope.as_ref().is_some_and(|s| {
                                s.rules
                                    .iter()
                                    .filter(|(d, _)| self.checks(d))
                                    .all(|(_, r)| t.contains(&rule_column(r)))
                            });
                            (!covered).then_some(
                                "ON CONFLICT (...) DO NOTHING on a key without the scope column",
                            )
                        }
                        Some(_) => Some("ON CONFLICT ON CONSTRAINT ... DO NOTHING"),
                    }
                }
                _ => None,
            }
        };
        if let (Some(scope), false, Some(what)) = (&scope, self.all_exempt(), silent) {
            let forced =
                what.ends_with("without the scope column") || what.contains("ON CONSTRAINT");
            let problem = if forced {
                Some(
                    Diagnostic::new(
                        Code::UnsafeUpsert,
                        format!("{what} on `{table}`: a conflict with another tenant's row is skipped silently, which reveals that row"),
                        self.range(ins.insert_token.0.span),
                    )
                    .label("can hit another tenant's row")
                    .help("name a conflict target that includes the scope column"),
                )
            } else {
                self.replace_problem(
                    &table,
                    scope,
                    what,
                    ins.insert_token.0.span,
                    columns.as_deref(),
                )
            };
            out.diags.extend(problem);
        }
        match &ins.on {
            Some(OnInsert::DuplicateKeyUpdate(assignments)) => {
                let nodes: Vec<Node<'q>> = assignments.iter().map(Node::Assign).collect();
                let scalars = self.scan_nodes(&nodes, env, &mut out);
                out.diags
                    .extend(self.duplicate_key_references(&table, assignments, &scalars));
                if let (Some(scope), false) = (&scope, self.all_exempt()) {
                    out.diags.extend(self.replace_problem(
                        &table,
                        scope,
                        "ON DUPLICATE KEY UPDATE",
                        ins.insert_token.0.span,
                        columns.as_deref(),
                    ));
                    for a in assignments {
                        if let AssignmentTarget::ColumnName(n) = &a.target {
                            let c = last_name(n);
                            let writes_scope = scope
                                .rules
                                .iter()
                                .any(|(d, r)| self.checks(d) && rule_column(r) == c);
                            let is_placeholder = placeholder_name(&a.value).is_some();
                            if writes_scope && !is_placeholder {
                                out.diags.push(Diagnostic::new(Code::ScopeColumnWrite, format!("`{table}.{c}` is a scope column updated by ON DUPLICATE KEY UPDATE"), self.range(a.span())).label("moves the row").help(format!("leave `{c}` out of the update list")));
                            }
                        }
                    }
                }
            }
            Some(OnInsert::OnConflict(oc)) => {
                if let OnConflictAction::DoUpdate(du) = &oc.action {
                    let target_cols: Option<Vec<String>> = match &oc.conflict_target {
                        Some(sqlparser::ast::ConflictTarget::Columns { columns, .. }) => Some(
                            columns
                                .iter()
                                .map(|c| crate::schema::lower(&c.value))
                                .collect(),
                        ),
                        _ => None,
                    };
                    let excluded: Vec<OutCol> = columns
                        .iter()
                        .flatten()
                        .zip(values.iter())
                        .map(|(c, (f, n, _))| OutCol {
                            name: Some(c.clone()),
                            facts: f.clone(),
                            maybe_null: *n,
                        })
                        .collect();
                    out.absorb(self.do_update(
                        &table,
                        scope.as_deref(),
                        ins,
                        du,
                        target_cols,
                        excluded,
                        env,
                    ));
                }
            }
            None => {}
            Some(_) => out
                .diags
                .push(self.unsupported("this ON clause", ins.insert_token.0.span)),
        }
        let nodes: Vec<Node<'q>> = ins.returning.iter().flatten().map(Node::Item).collect();
        let _ = self.scan_nodes(&nodes, env, &mut out);
        if scope.is_some() {
            out.occurrences.push(Occurrence {
                table: table.clone(),
                alias: ins
                    .table_alias
                    .as_ref()
                    .map(|a| crate::schema::lower(&a.alias.value)),
                span: self.range(target_span),
                access: "insert",
                proofs,
                pinned: Vec::new(),
            });
        }
        out
    }

    /// `ON DUPLICATE KEY UPDATE` writes foreign keys of the existing row like an UPDATE; the
    /// columns it leaves keep values the statement knows nothing about.
    fn duplicate_key_references(
        &self,
        table: &str,
        assignments: &[Assignment],
        scalars: &Scalars,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for r in self.references(table) {
            let mut first = None;
            let values: Vec<Option<references::Written>> = r
                .columns
                .iter()
                .map(|c| {
                    let a = assignments.iter().rev().find(|a| {
                        matches!(&a.target, AssignmentTarget::ColumnName(n) if last_name(n) == *c)
                    })?;
                    first = first.or(Some(a));
                    let (facts, maybe_null) = self.value_facts(&a.value, scalars);
                    Some(references::Written {
                        facts,
                        maybe_null,
                        null_literal: is_null(&a.value),
                    })
                })
                .collect();
            let Some(a) = first else { continue };
            let unproven = r.unproven(&values);
            if !unproven.is_empty() {
                diags.push(self.reference_diag(table, &r, &unproven, self.range(a.span())));
            }
        }
        diags
    }

    /// The dimensions the existing row of an upsert is in scope on through its conflict target:
    /// a conflict on columns that hold a scope rule's column is with a row holding the inserted
    /// value there, which the INSERT's own check proves (or reports).
    fn conflict_proven(
        &self,
        table: &str,
        scope: Option<&TableScope>,
        target: Option<&[String]>,
    ) -> BTreeMap<Name, Proof> {
        let (Some(scope), Some(target)) = (scope, target) else {
            return BTreeMap::new();
        };
        scope
            .rules
            .iter()
            .filter(|(d, r)| self.checks(d) && target.contains(&rule_column(r)))
            .map(|(d, r)| {
                let proof = Proof {
                    dimension: d.clone(),
                    kind: ProofKind::InsertedValues,
                    detail: format!(
                        "the conflict target holds {table}.{} of the inserted row",
                        rule_column(r)
                    ),
                };
                (Name::from(d.as_str()), proof)
            })
            .collect()
    }

    /// `ON CONFLICT ... DO UPDATE`: the existing row must be in scope through the conflict
    /// target (it contains the scope columns). A WHERE on the scope does not suffice: on another
    /// tenant's row it turns the update into a silent skip (issue 11).
    #[allow(clippy::too_many_arguments)]
    fn do_update<'q>(
        &mut self,
        table: &str,
        scope: Option<&TableScope>,
        ins: &'q Insert,
        du: &'q sqlparser::ast::DoUpdate,
        target_cols: Option<Vec<String>>,
        excluded: Vec<OutCol>,
        env: &'q Env<'q>,
    ) -> QueryOut {
        let name = ins
            .table_alias
            .as_ref()
            .map(|a| crate::schema::lower(&a.alias.value))
            .unwrap_or_else(|| table.to_string());
        let span = ins.insert_token.0.span;
        let existing = Occ {
            name,
            alias: None,
            span: match &ins.table {
                TableObject::TableName(n) => n.span(),
                _ => span,
            },
            nullable: false,
            kind: OccKind::Table {
                table: table.into(),
                scope: scope.and(self.config.table_scope_shared(table).cloned()),
                reach: self.reach(table),
            },
            cols: match self.config.schema.as_ref().and_then(|s| s.table(table)) {
                Some(t) => Cols::Known(t.columns.iter().map(|c| c.name.clone()).collect()),
                None => Cols::Partial(std::rc::Rc::from([])),
            },
            proven: self.conflict_proven(table, scope, target_cols.as_deref()),
            access: "update",
        };
        let ex_names: Vec<String> = excluded.iter().filter_map(|c| c.name.clone()).collect();
        let excluded_occ = Occ {
            name: "excluded".into(),
            alias: None,
            span,
            nullable: false,
            kind: OccKind::Given(excluded),
            cols: Cols::Partial(ex_names.into()),
            proven: BTreeMap::new(),
            access: "read",
        };
        let nodes: Vec<Node<'q>> = du.assignments.iter().map(Node::Assign).collect();
        let input = LevelInput {
            selection: du.selection.as_ref(),
            nodes,
            extra_occs: vec![existing, excluded_occ],
            verb: "updated by the upsert",
            ..LevelInput::default()
        };
        let mut out = self.level(input, env, &[], &mut |an, ctx, scalars| {
            an.check_assignments(ctx, &du.assignments, scalars, Some(0))
        });
        let Some(scope) = scope else { return out };
        // The conflict target keeps the existing row in the tenant when it includes every
        // scope column (the inserted values for them are proven above).
        let target_ok = target_cols.as_ref().is_some_and(|t| {
            scope
                .rules
                .iter()
                .filter(|(d, _)| self.checks(d))
                .all(|(_, r)| t.contains(&rule_column(r)))
        });
        let unproven_existing = out
            .diags
            .iter()
            .any(|d| matches!(d.code, Code::MissingScopeFilter | Code::MissingScopeLink));
        out.diags
            .retain(|d| !matches!(d.code, Code::MissingScopeFilter | Code::MissingScopeLink));
        if !target_ok {
            let cols: Vec<String> = scope
                .rules
                .iter()
                .filter(|(d, _)| self.checks(d))
                .map(|(_, r)| format!("`{}`", rule_column(r)))
                .collect();
            let what = match &target_cols {
                Some(t) => format!(
                    "the conflict target ({}) does not include {}",
                    t.join(", "),
                    cols.join(", ")
                ),
                None => "the conflict target is not a column list".to_string(),
            };
            // Without a proof of the existing row the update can hit another tenant's row.
            // With one (a WHERE on the scope), a conflict with another tenant's row is skipped
            // silently: neither inserted nor updated, which reveals that row, exactly like
            // DO NOTHING on that key.
            out.diags.push(if unproven_existing {
                Diagnostic::new(Code::UnsafeUpsert, format!("ON CONFLICT ... DO UPDATE on `{table}`: {what}, so the update can hit another tenant's row"), self.range(span))
                    .label("can hit another tenant's row")
                    .help("add the scope column to the conflict target (with a unique index on it); a WHERE on the scope in DO UPDATE would only turn the update into a silent skip")
            } else {
                Diagnostic::new(Code::UnsafeUpsert, format!("ON CONFLICT ... DO UPDATE ... WHERE on `{table}`: {what}; when another tenant's row holds the key, the WHERE skips it silently (no insert, no update), which reveals that row"), self.range(span))
                    .label("can skip on another tenant's row")
                    .help("name a conflict target that includes the scope column (with a unique index on it)")
            });
        }
        out.occurrences.clear();
        out
    }

    /// Facts of an inserted value: the placeholder, or a scalar subquery already analyzed.
    fn value_facts(&self, e: &Expr, scalars: &Scalars) -> (Facts, bool) {
        if let Some(d) = placeholder_name(e) {
            return (Facts::from([Fact::Scope(d.into())]), false);
        }
        match super::expr::atom(e) {
            super::expr::Atom::Subquery(q) => scalars
                .iter()
                .find(|(p, _)| std::ptr::eq(*p, q))
                .map(|(_, c)| (c.facts.clone(), true))
                .unwrap_or((Facts::new(), true)),
            _ => (Facts::new(), true),
        }
    }
}

/// Whether an expression is the NULL literal.
fn is_null(e: &Expr) -> bool {
    matches!(super::expr::strip(e), Expr::Value(v) if v.value == sqlparser::ast::Value::Null)
}

/// The column a rule keeps the scope in.
fn rule_column(rule: &ScopeRule) -> String {
    match rule {
        ScopeRule::Column(c) => c.clone(),
        ScopeRule::ForeignKey { column, .. } => column.clone(),
    }
}
