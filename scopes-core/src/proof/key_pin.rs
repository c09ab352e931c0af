//! A row pinned by its key and an EXISTS that proves the same key in scope:
//! `WHERE o.id = $1 AND EXISTS (SELECT 1 FROM orders o2 WHERE o2.id = $1 AND o2.org_id = :org)`.
//! When the EXISTS is true, a row of `orders` in scope has the key `$1`; the key is certainly
//! unique, so `o` is that row.
//!
//! Strict on purpose: both conjuncts at the top level of the WHERE (not under OR or NOT), a full
//! certain unique key equated with the same numbered arguments on both sides (`$1` and `$1`, or
//! SQLite's `?1`; a bare `?` is a new argument each time and never matches), and an EXISTS over
//! that one table alone: uncorrelated, no join, no nested subquery, no aggregate, GROUP BY,
//! HAVING, LIMIT or OFFSET (`EXISTS (SELECT count(*) ...)` is always true), itself proven.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, Query, SetExpr, TableFactor, Value, Visit, Visitor,
};

use super::expr::{atom, conjuncts, strip, Atom};
use super::facts::Term;
use super::names::{resolve, Namespace};
use super::relation::{last_name, OccKind, Walk};
use super::{Analyzer, Env, LevelView};
use crate::analysis::ProofKind;

/// A proof found for one occurrence on one dimension: (occurrence, dimension, detail).
pub(crate) type KeyPin = (usize, String, String);

impl Analyzer<'_> {
    /// Every occurrence of the level pinned by its key to arguments that a top-level EXISTS of
    /// the WHERE proves in scope.
    pub(crate) fn key_pins(
        &mut self,
        selection: Option<&Expr>,
        walk: &Walk<'_>,
        ns: &Namespace,
        outer: &[&LevelView],
        env: &Env<'_>,
    ) -> Vec<KeyPin> {
        let Some(selection) = selection else {
            return Vec::new();
        };
        let top = conjuncts(selection);
        let exists: Vec<&Query> = top
            .iter()
            .filter_map(|c| match strip(c) {
                Expr::Exists {
                    subquery,
                    negated: false,
                } => Some(&**subquery),
                _ => None,
            })
            .collect();
        if exists.is_empty() {
            return Vec::new();
        }
        // Per occurrence: its columns equated with a numbered argument.
        let mut args: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
        for c in &top {
            let Some((column, arg)) = arg_equality(c) else {
                continue;
            };
            if let Some(Term::Local(i, col)) = resolve(&column, ns, outer.iter().map(|v| &v.ns)) {
                args.entry(i).or_default().insert(col.to_string(), arg);
            }
        }
        let mut out = Vec::new();
        for q in exists {
            let Some((table, pinned)) = self.exists_pin(q, env) else {
                continue;
            };
            let Some((keys, dims)) = pinned else { continue };
            for (i, cols) in &args {
                let Some(OccKind::Table { table: t, .. }) = walk.occs.get(*i).map(|o| &o.kind)
                else {
                    continue;
                };
                if **t != *table {
                    continue;
                }
                let hit = keys
                    .iter()
                    .find(|k| k.iter().all(|(c, a)| cols.get(c) == Some(a)));
                if let Some(k) = hit {
                    let name = walk.occs.get(*i).map_or("", |o| o.name.as_str());
                    let eqs: Vec<String> =
                        k.iter().map(|(c, a)| format!("{name}.{c} = {a}")).collect();
                    for d in &dims {
                        out.push((
                            *i,
                            d.clone(),
                            format!(
                                "{} and an EXISTS proves the {table} row with that key in scope",
                                eqs.join(" AND ")
                            ),
                        ));
                    }
                }
            }
        }
        out
    }

    /// The table of an EXISTS of the accepted shape, its certain unique keys each pinned to
    /// arguments in it, and the dimensions its proof covers (`None` when it is not proven).
    #[allow(clippy::type_complexity)]
    fn exists_pin(
        &mut self,
        q: &Query,
        env: &Env<'_>,
    ) -> Option<(String, Option<(Vec<Vec<(String, String)>>, Vec<String>)>)> {
        if q.with.is_some()
            || q.limit_clause.is_some()
            || q.fetch.is_some()
            || !q.locks.is_empty()
            || q.order_by.is_some()
        {
            return None;
        }
        let SetExpr::Select(s) = &*q.body else {
            return None;
        };
        let [from] = s.from.as_slice() else {
            return None;
        };
        let TableFactor::Table {
            name, alias, args, ..
        } = &from.relation
        else {
            return None;
        };
        if !from.joins.is_empty()
            || args.is_some()
            || s.having.is_some()
            || !matches!(&s.group_by, GroupByExpr::Expressions(g, m) if g.is_empty() && m.is_empty())
        {
            return None;
        }
        let table = last_name(name);
        if name.0.len() == 1 && env.cte(&table).is_some() {
            return None;
        }
        let columns: BTreeSet<String> = self.schema_columns(&table)?.iter().cloned().collect();
        let own = super::relation::name_of(alias).unwrap_or_else(|| table.clone());
        // Uncorrelated and flat: every name is a column of the table, no nested query, no call.
        let mut check = Flat {
            own: &own,
            columns: &columns,
            queries: 0,
            ok: true,
        };
        let _ = q.visit(&mut check);
        if !check.ok {
            return None;
        }
        let mut pins: BTreeMap<String, String> = BTreeMap::new();
        for c in s.selection.iter().flat_map(|w| conjuncts(w)) {
            if let Some((parts, arg)) = arg_equality(c) {
                let qualified_ok = parts.len() == 1 || parts.first().is_some_and(|p| *p == own);
                if let (true, Some(col)) = (qualified_ok, parts.last()) {
                    pins.insert(col.clone(), arg);
                }
            }
        }
        let def = self.config.schema.as_ref()?.table(&table)?;
        let keys: Vec<Vec<(String, String)>> = def
            .certain_unique_keys()
            .filter_map(|k| {
                k.iter()
                    .map(|c| pins.get(c).map(|a| (c.clone(), a.clone())))
                    .collect::<Option<Vec<_>>>()
            })
            .collect();
        if keys.is_empty() {
            return None;
        }
        let r = self.query(q, env, &[]);
        if !r.diags.is_empty() {
            return Some((table, None));
        }
        let dims: Vec<String> = r
            .occurrences
            .iter()
            .filter(|o| o.table == table)
            .flat_map(|o| o.proofs.iter())
            .filter(|p| !matches!(p.kind, ProofKind::Exempt | ProofKind::UnusedOuterJoin))
            .map(|p| p.dimension.clone())
            .collect();
        Some((table, Some((keys, dims))))
    }
}

/// `column = $N` (either side): the column's lowercase name parts and the argument.
fn arg_equality(e: &Expr) -> Option<(Vec<String>, String)> {
    let Expr::BinaryOp {
        left,
        op: BinaryOperator::Eq,
        right,
    } = strip(e)
    else {
        return None;
    };
    let side = |a: &Expr, b: &Expr| match (atom(a), numbered_arg(b)) {
        (Atom::Column(parts), Some(arg)) => {
            Some((parts.iter().map(|p| p.to_string()).collect(), arg))
        }
        _ => None,
    };
    side(left, right).or_else(|| side(right, left))
}

/// A numbered positional argument (`$1`, SQLite's `?1`): the same text is the same value. A bare
/// `?` is a new argument each time.
fn numbered_arg(e: &Expr) -> Option<String> {
    let Expr::Value(v) = strip(e) else {
        return None;
    };
    let Value::Placeholder(p) = &v.value else {
        return None;
    };
    let digits = p.strip_prefix('$').or_else(|| p.strip_prefix('?'))?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| p.clone())
}

/// Checks that a query names only its own table's columns, calls nothing and nests nothing.
struct Flat<'a> {
    own: &'a str,
    columns: &'a BTreeSet<String>,
    queries: usize,
    ok: bool,
}

impl Visitor for Flat<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
        self.queries += 1;
        self.ok &= self.queries == 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        let lower = crate::schema::lower;
        match expr {
            Expr::Identifier(id) => self.ok &= self.columns.contains(&lower(&id.value)),
            Expr::CompoundIdentifier(parts) => {
                self.ok &= matches!(parts.as_slice(), [q, c]
                    if lower(&q.value) == self.own && self.columns.contains(&lower(&c.value)));
            }
            Expr::Function(_)
            | Expr::Subquery(_)
            | Expr::Exists { .. }
            | Expr::QualifiedWildcard(..)
            | Expr::MatchAgainst { .. } => self.ok = false,
            _ => {}
        }
        ControlFlow::Continue(())
    }
}
