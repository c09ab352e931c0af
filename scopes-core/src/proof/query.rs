//! Queries: WITH (including RECURSIVE), set operations, VALUES, and each SELECT level.

use sqlparser::ast::{
    Distinct, Expr, GroupByExpr, LimitClause, Query, Select, SetExpr, SetOperator, Spanned,
};

use super::expr::Scan;
use super::facts::{Fact, Facts};
use super::level::{LevelInput, Node};
use super::{Analyzer, Cte, Env, OutCol, QueryOut};

/// How often a recursive CTE's invariant may shrink before the analyzer gives up on it.
const RECURSION_ROUNDS: usize = 8;

impl<'c> Analyzer<'c> {
    /// Analyzes a query. `assume` holds facts about its output columns from a filter applied
    /// where it is used (pushed inside only where sound).
    pub(crate) fn query<'q>(
        &mut self,
        q: &'q Query,
        env: &'q Env<'q>,
        assume: &[Facts],
    ) -> QueryOut {
        if !self.spend() {
            return QueryOut {
                cols_unknown: true,
                ..QueryOut::default()
            };
        }
        let mut out = QueryOut::default();
        if !q.pipe_operators.is_empty()
            || q.settings.is_some()
            || q.format_clause.is_some()
            || q.for_clause.is_some()
        {
            out.diags
                .push(self.unsupported("this query clause", q.span()));
        }
        let mut with_env = Env {
            parent: Some(env),
            view: None,
            ctes: Vec::new(),
        };
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                if cte.from.is_some() {
                    out.diags
                        .push(self.unsupported("`WITH ... FROM`", cte.alias.name.span));
                }
                with_env.ctes.push(Cte {
                    name: crate::schema::lower(&cte.alias.name.value),
                    query: &cte.query,
                    columns: cte
                        .alias
                        .columns
                        .iter()
                        .map(|c| crate::schema::lower(&c.name.value))
                        .collect(),
                    assumed: None,
                    recursive: with.recursive,
                    referenced: std::cell::Cell::new(false),
                    active: std::cell::Cell::new(false),
                });
            }
        }
        let env = &with_env;
        // LIMIT/OFFSET/FETCH pick rows before any outer filter: nothing may be pushed through.
        let push_allowed = q.limit_clause.is_none() && q.fetch.is_none();
        let mut nodes: Vec<Node<'q>> = Vec::new();
        if let Some(order) = &q.order_by {
            if let sqlparser::ast::OrderByKind::Expressions(exprs) = &order.kind {
                nodes.extend(exprs.iter().map(Node::Order));
            }
        }
        match &q.limit_clause {
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                nodes.extend(limit.iter().map(Node::Expr));
                nodes.extend(offset.iter().map(|o| Node::Expr(&o.value)));
                nodes.extend(limit_by.iter().map(Node::Expr));
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                nodes.push(Node::Expr(offset));
                nodes.push(Node::Expr(limit));
            }
            None => {}
        }
        if let Some(fetch) = &q.fetch {
            nodes.extend(fetch.quantity.iter().map(Node::Expr));
        }
        let body = self.set_expr(&q.body, env, assume, push_allowed, nodes);
        out.cols = body.cols.clone();
        out.cols_unknown = body.cols_unknown;
        out.outer_facts = body.outer_facts.clone();
        out.absorb(body);
        // CTEs never referenced are still checked on their own; data-modifying CTEs run even
        // when unreferenced.
        for cte in &env.ctes {
            let modifies = matches!(
                *cte.query.body,
                SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_)
            );
            if !cte.referenced.get() || modifies {
                let r = self.cte_body(cte, env, &[]);
                out.absorb(r);
            }
        }
        out
    }

    fn set_expr<'q>(
        &mut self,
        body: &'q SetExpr,
        env: &'q Env<'q>,
        assume: &[Facts],
        push_allowed: bool,
        nodes: Vec<Node<'q>>,
    ) -> QueryOut {
        match body {
            SetExpr::Select(select) => self.select(select, env, assume, push_allowed, nodes),
            SetExpr::Query(q) => {
                let mut out = self.query(q, env, if push_allowed { assume } else { &[] });
                let _ = self.scan_nodes(&nodes, env, &mut out);
                out
            }
            SetExpr::SetOperation {
                left, op, right, ..
            } => {
                let mut l = self.set_expr(left, env, assume, push_allowed, Vec::new());
                let r = self.set_expr(right, env, assume, push_allowed, Vec::new());
                let mut out = QueryOut {
                    cols_unknown: l.cols_unknown || r.cols_unknown || l.cols.len() != r.cols.len(),
                    ..QueryOut::default()
                };
                out.cols = l
                    .cols
                    .iter()
                    .zip(r.cols.iter())
                    .map(|(a, b)| OutCol {
                        name: a.name.clone(),
                        facts: a.facts.intersection(&b.facts).cloned().collect(),
                        maybe_null: a.maybe_null || b.maybe_null,
                    })
                    .collect();
                out.outer_facts = match op {
                    // EXCEPT returns rows of the left side only.
                    SetOperator::Except | SetOperator::Minus => std::mem::take(&mut l.outer_facts),
                    _ => l
                        .outer_facts
                        .iter()
                        .filter_map(|(o, c, f)| {
                            r.outer_facts
                                .iter()
                                .find(|(o2, c2, _)| o2 == o && c2 == c)
                                .map(|(_, _, f2)| {
                                    (
                                        *o,
                                        c.clone(),
                                        f.intersection(f2).cloned().collect::<Facts>(),
                                    )
                                })
                        })
                        .filter(|(_, _, f)| !f.is_empty())
                        .collect(),
                };
                out.absorb(l);
                out.absorb(r);
                let _ = self.scan_nodes(&nodes, env, &mut out);
                out
            }
            SetExpr::Values(values) => {
                let mut out = QueryOut::default();
                let width = values.rows.first().map(|r| r.content.len()).unwrap_or(0);
                let mut cols: Vec<Option<Facts>> = vec![None; width];
                for row in &values.rows {
                    if row.content.len() != width {
                        out.cols_unknown = true;
                    }
                    for (k, e) in row.content.iter().enumerate() {
                        let f: Facts = match super::expr::placeholder_name(e) {
                            Some(d) if self.config.dimensions.contains_key(d) => {
                                Facts::from([Fact::Scope(d.into())])
                            }
                            _ => Facts::new(),
                        };
                        if let Some(slot) = cols.get_mut(k) {
                            *slot = Some(match slot.take() {
                                None => f,
                                Some(prev) => prev.intersection(&f).cloned().collect(),
                            });
                        }
                    }
                    let row_nodes: Vec<Node<'q>> = row.content.iter().map(Node::Expr).collect();
                    let _ = self.scan_nodes(&row_nodes, env, &mut out);
                }
                out.cols = cols
                    .into_iter()
                    .map(|f| OutCol {
                        name: None,
                        facts: f.unwrap_or_default(),
                        maybe_null: false,
                    })
                    .collect();
                let _ = self.scan_nodes(&nodes, env, &mut out);
                out
            }
            SetExpr::Insert(stmt) | SetExpr::Update(stmt) | SetExpr::Delete(stmt) => {
                let mut out = self.dispatch(stmt, env);
                out.cols.clear();
                out.cols_unknown = true;
                let _ = self.scan_nodes(&nodes, env, &mut out);
                out
            }
            other => {
                let mut out = QueryOut {
                    cols_unknown: true,
                    ..QueryOut::default()
                };
                out.diags
                    .push(self.unsupported("this kind of query body", other.span()));
                out
            }
        }
    }

    /// Checks subqueries in clauses that belong to no SELECT level (ORDER BY of a UNION, ...).
    pub(crate) fn scan_nodes<'q>(
        &mut self,
        nodes: &[Node<'q>],
        env: &'q Env<'q>,
        out: &mut QueryOut,
    ) -> Vec<(*const Query, OutCol)> {
        let mut scalars = Vec::new();
        for node in nodes {
            let mut s = Scan::default();
            let mut results = Vec::new();
            let mut visit = |q: &sqlparser::ast::Query| {
                let r = self.query(q, env, &[]);
                if let Some(c) = r.cols.first() {
                    scalars.push((q as *const Query, c.clone()));
                }
                results.push(r);
            };
            node.scan(&mut s, &mut visit);
            for r in results {
                out.absorb(r);
            }
            for (name, span) in &s.functions {
                if let Some(d) = self.opaque_function(name, *span) {
                    out.diags.push(d);
                }
            }
        }
        scalars
    }

    fn select<'q>(
        &mut self,
        s: &'q Select,
        env: &'q Env<'q>,
        assume: &[Facts],
        mut push_allowed: bool,
        nodes: Vec<Node<'q>>,
    ) -> QueryOut {
        let mut problems = Vec::new();
        if s.into.is_some() {
            problems.push(self.unsupported("`SELECT ... INTO`", s.span()));
        }
        if !s.lateral_views.is_empty()
            || s.prewhere.is_some()
            || !s.connect_by.is_empty()
            || !s.cluster_by.is_empty()
            || !s.distribute_by.is_empty()
            || !s.sort_by.is_empty()
            || s.qualify.is_some()
            || s.value_table_mode.is_some()
            || s.flavor != sqlparser::ast::SelectFlavor::Standard
        {
            problems.push(self.unsupported("this SELECT clause", s.span()));
        }
        if s.top.is_some() {
            push_allowed = false;
        }
        let group_by: Vec<&'q Expr> = match &s.group_by {
            GroupByExpr::Expressions(exprs, modifiers) => {
                // ROLLUP/CUBE add rows that fold groups together: nothing may be pushed through.
                if !modifiers.is_empty() {
                    push_allowed = false;
                }
                exprs.iter().collect()
            }
            GroupByExpr::All(_) => {
                problems.push(self.unsupported("`GROUP BY ALL`", s.span()));
                Vec::new()
            }
        };
        if !s.named_window.is_empty() {
            // Named windows are not read for their PARTITION BY: keep them from pushdown.
            push_allowed = false;
        }
        let distinct_on = match &s.distinct {
            Some(Distinct::On(exprs)) => Some(exprs.as_slice()),
            _ => None,
        };
        let input = LevelInput {
            from: s.from.iter().collect(),
            selection: s.selection.as_ref(),
            having: s.having.as_ref(),
            group_by,
            projection: &s.projection,
            distinct_on,
            nodes,
            push_allowed,
            verb: "read",
            select: Some(s),
            ..LevelInput::default()
        };
        let mut out = self.level(input, env, assume, &mut |_, _, _| Vec::new());
        out.diags.extend(problems);
        out
    }

    /// Analyzes a CTE's body in its defining environment. A recursive CTE is analyzed with an
    /// invariant for its own rows: the facts of its non-recursive part, shrunk until the
    /// recursive part preserves them.
    pub(crate) fn cte_body<'q>(
        &mut self,
        cte: &'q Cte<'q>,
        env: &'q Env<'q>,
        assume: &[Facts],
    ) -> QueryOut {
        if cte.active.get() {
            // Reached through its own body without RECURSIVE: the name means the table.
            return QueryOut {
                cols_unknown: true,
                ..QueryOut::default()
            };
        }
        cte.active.set(true);
        let out = self.cte_body_inner(cte, env, assume);
        cte.active.set(false);
        out
    }

    fn cte_body_inner<'q>(
        &mut self,
        cte: &'q Cte<'q>,
        env: &'q Env<'q>,
        assume: &[Facts],
    ) -> QueryOut {
        let self_ref = cte.recursive && {
            let mut found = false;
            let _ = sqlparser::ast::visit_relations(cte.query, |n| {
                if n.0.len() == 1 && super::relation::last_name(n) == cte.name {
                    found = true;
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            found
        };
        if !self_ref {
            return self.query(cte.query, env, assume);
        }
        // Rows of the CTE itself, as seen from its recursive part.
        let own = |cols: Vec<OutCol>| Cte {
            assumed: Some(cols),
            referenced: std::cell::Cell::new(false),
            active: std::cell::Cell::new(false),
            ..cte.clone()
        };
        let base = match &*cte.query.body {
            SetExpr::SetOperation { left, .. } => {
                let child = Env {
                    parent: Some(env),
                    view: None,
                    ctes: vec![own(Vec::new())],
                };
                self.set_expr(left, &child, &[], false, Vec::new()).cols
            }
            _ => Vec::new(),
        };
        let mut current = base;
        for _ in 0..RECURSION_ROUNDS {
            let child = Env {
                parent: Some(env),
                view: None,
                ctes: vec![own(current.clone())],
            };
            let mut r = self.query(cte.query, &child, &[]);
            let next: Vec<OutCol> = current
                .iter()
                .zip(r.cols.iter())
                .map(|(a, b)| OutCol {
                    name: b.name.clone().or_else(|| a.name.clone()),
                    facts: a.facts.intersection(&b.facts).cloned().collect(),
                    maybe_null: a.maybe_null || b.maybe_null,
                })
                .collect();
            if next == current {
                r.cols = next;
                return r;
            }
            current = next;
        }
        // No invariant found: assume nothing about the CTE's own rows.
        current.iter_mut().for_each(|c| c.facts.clear());
        let child = Env {
            parent: Some(env),
            view: None,
            ctes: vec![own(current)],
        };
        let mut r = self.query(cte.query, &child, &[]);
        r.cols.iter_mut().for_each(|c| c.facts.clear());
        r
    }
}
