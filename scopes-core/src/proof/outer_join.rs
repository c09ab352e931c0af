//! A LEFT JOIN that can neither add nor drop rows: `invoices i LEFT JOIN customers c ON c.id =
//! i.customer_id` where the ON equates a full, certainly unique key of `customers` with values
//! from elsewhere, and no column of `c` is used anywhere else. Each `i` row matches at most one
//! `c` row (the key is unique) and is kept when it matches none (LEFT JOIN), so the statement's
//! result is the same whether other tenants' customers exist or not: `c` needs no scope filter.
//!
//! Proven this way, the occurrence gives no facts to the rest of the proof (its columns are not
//! known to be in scope: it is simply unused). Only SELECT levels qualify: an UPDATE or DELETE
//! can write the joined table, and a locking clause (`FOR UPDATE`) would lock another tenant's
//! row. Every way to name the occurrence counts as a use, conservatively: a qualified or bare
//! column of it anywhere in the level (its subqueries included), a bare name that is one of its
//! columns, its name as a whole-row value, `c.*`, `SELECT *`, USING or NATURAL joins of the
//! level, MATCH ... AGAINST.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, JoinConstraint,
    JoinOperator, ObjectName, Select, SelectItem, SelectItemQualifiedWildcardKind, Spanned,
    TableFactor, TableWithJoins, Visit, Visitor,
};

use super::expr::{atom, conjuncts, strip, Atom};
use super::facts::Term;
use super::level::{LevelInput, Node};
use super::names::{resolve, Namespace};
use super::relation::{Occ, OccKind};
use super::{Analyzer, LevelView};

impl Analyzer<'_> {
    /// When occurrence `i` is a LEFT JOINed scoped table on a full certain unique key and unused
    /// elsewhere: the evidence, for the proof's detail.
    pub(crate) fn unused_outer_join(
        &mut self,
        i: usize,
        occs: &[Occ<'_>],
        input: &LevelInput<'_>,
        ns: &Namespace,
        outer: &[&LevelView],
    ) -> Option<String> {
        let select = input.select?;
        let occ = occs.get(i)?;
        let OccKind::Table { table, .. } = &occ.kind else {
            return None;
        };
        if self.locks || !occ.nullable {
            return None;
        }
        let on = left_join_on(&select.from, occ)?;
        let columns: BTreeSet<String> = self.schema_columns(table)?.iter().cloned().collect();
        let uses = |node: &dyn Fn(&mut Uses<'_>)| {
            let mut u = Uses {
                name: &occ.name,
                table,
                columns: &columns,
                skip: on,
                skipping: false,
                used: false,
            };
            node(&mut u);
            u.used
        };
        // The ON: only `c.k = <value not from c>` conjuncts.
        let mut keyed: BTreeSet<String> = BTreeSet::new();
        for c in conjuncts(on) {
            let Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } = strip(c)
            else {
                return None;
            };
            let own = |e: &Expr| match atom(e) {
                Atom::Column(parts) => match resolve(&parts, ns, outer.iter().map(|v| &v.ns)) {
                    Some(Term::Local(o, col)) if o == i => Some(col.to_string()),
                    _ => None,
                },
                _ => None,
            };
            let (column, value) = match (own(left), own(right)) {
                (Some(c), None) => (c, right),
                (None, Some(c)) => (c, left),
                _ => return None,
            };
            if uses(&|u| {
                let _ = value.visit(u);
            }) {
                return None;
            }
            keyed.insert(column);
        }
        let def = self.config.schema.as_ref()?.table(table)?;
        let key = def
            .certain_unique_keys()
            .find(|k| k.iter().all(|c| keyed.contains(c)))?
            .to_vec();
        // Nowhere else: the whole SELECT (its own ON skipped), and the clauses of the query
        // around it (ORDER BY, LIMIT).
        let own_star = select
            .projection
            .iter()
            .any(|item| matches!(item, SelectItem::Wildcard(_)));
        let merged = joins_by_name(&select.from, &columns);
        let elsewhere = uses(&|u| {
            let _ = select.visit(u);
            for node in &input.nodes {
                match node {
                    Node::Expr(e) => {
                        let _ = e.visit(u);
                    }
                    Node::Order(o) => {
                        let _ = o.visit(u);
                    }
                    _ => u.used = true,
                }
            }
        });
        if own_star || merged || elsewhere {
            return None;
        }
        Some(format!(
            "{} is LEFT JOINed on its unique key ({}) and none of its columns is used: it neither adds nor removes rows",
            occ.name,
            key.join(", ")
        ))
    }
}

/// The ON of the LEFT JOIN whose right side is exactly this occurrence (a top-level join).
fn left_join_on<'q>(from: &'q [TableWithJoins], occ: &Occ<'_>) -> Option<&'q Expr> {
    from.iter().flat_map(|t| t.joins.iter()).find_map(|j| {
        let (JoinOperator::Left(JoinConstraint::On(on))
        | JoinOperator::LeftOuter(JoinConstraint::On(on))) = &j.join_operator
        else {
            return None;
        };
        match &j.relation {
            f @ TableFactor::Table { .. } if f.span() == occ.span => Some(on),
            _ => None,
        }
    })
}

/// Whether a join of the level matches columns by name (USING one of `columns`, or NATURAL):
/// the merged column may be the occurrence's.
fn joins_by_name(from: &[TableWithJoins], columns: &BTreeSet<String>) -> bool {
    fn factor(f: &TableFactor, columns: &BTreeSet<String>) -> bool {
        match f {
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => joins_by_name(std::slice::from_ref(table_with_joins), columns),
            _ => false,
        }
    }
    from.iter().any(|t| {
        factor(&t.relation, columns)
            || t.joins.iter().any(|j| {
                let constraint = match &j.join_operator {
                    JoinOperator::Join(c)
                    | JoinOperator::Inner(c)
                    | JoinOperator::Left(c)
                    | JoinOperator::LeftOuter(c)
                    | JoinOperator::Right(c)
                    | JoinOperator::RightOuter(c)
                    | JoinOperator::FullOuter(c)
                    | JoinOperator::CrossJoin(c)
                    | JoinOperator::StraightJoin(c) => Some(c),
                    _ => None,
                };
                factor(&j.relation, columns)
                    || match constraint {
                        Some(JoinConstraint::Natural) | None => true,
                        Some(JoinConstraint::Using(names)) => names
                            .iter()
                            .any(|n| columns.contains(&super::relation::last_name(n))),
                        Some(_) => false,
                    }
            })
    })
}

/// Finds any reference to one occurrence in the expressions it visits.
struct Uses<'a> {
    /// The occurrence's name (alias, or table).
    name: &'a str,
    /// Its table.
    table: &'a str,
    /// Its columns: a bare name among them may be one of its columns.
    columns: &'a BTreeSet<String>,
    /// The occurrence's own ON, not counted.
    skip: &'a Expr,
    skipping: bool,
    used: bool,
}

impl Uses<'_> {
    fn names_it(&self, name: &ObjectName) -> bool {
        let last = super::relation::last_name(name);
        last == self.name || last == self.table
    }
}

impl Visitor for Uses<'_> {
    type Break = ();

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        if !self.skipping {
            for item in &select.projection {
                if let SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(n),
                    _,
                ) = item
                {
                    self.used |= self.names_it(n);
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if std::ptr::eq(expr, self.skip) {
            self.skipping = true;
        }
        if self.skipping {
            return ControlFlow::Continue(());
        }
        let lower = |s: &str| crate::schema::lower(s);
        match expr {
            Expr::Identifier(id) => {
                let n = lower(&id.value);
                self.used |= n == self.name || self.columns.contains(&n);
            }
            Expr::CompoundIdentifier(parts) => {
                self.used |= parts.iter().take(parts.len().saturating_sub(1)).any(|p| {
                    let n = lower(&p.value);
                    n == self.name || n == self.table
                });
            }
            Expr::QualifiedWildcard(n, _) => self.used |= self.names_it(n),
            Expr::MatchAgainst { .. } => self.used = true,
            Expr::Function(f) => {
                if let FunctionArguments::List(list) = &f.args {
                    for arg in &list.args {
                        let (FunctionArg::Unnamed(a)
                        | FunctionArg::Named { arg: a, .. }
                        | FunctionArg::ExprNamed { arg: a, .. }) = arg;
                        if let FunctionArgExpr::QualifiedWildcard(n) = a {
                            self.used |= self.names_it(n);
                        }
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if std::ptr::eq(expr, self.skip) {
            self.skipping = false;
        }
        ControlFlow::Continue(())
    }
}
