//! Reading expressions: top-level conjuncts, the atoms an equality relates, and a visitor that
//! finds immediate subqueries, function calls and windows without descending into subqueries.

use std::borrow::Cow;
use std::ops::ControlFlow;

use smallvec::SmallVec;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, Function, InTarget, Query, Value, Visit, Visitor,
    WindowType,
};

/// Splits an expression into its top-level AND conjuncts (parentheses removed). Iterative, so a
/// very long AND chain cannot overflow the stack.
pub(crate) fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => {
                stack.push(right);
                stack.push(left);
            }
            Expr::Nested(inner) => stack.push(inner),
            other => out.push(other),
        }
    }
    out
}

/// Removes redundant parentheses.
pub(crate) fn strip(mut expr: &Expr) -> &Expr {
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    expr
}

/// One side of a comparison, as far as the proof cares.
#[derive(Debug, Clone)]
pub(crate) enum Atom<'q> {
    /// A column reference: lowercase name parts (`["p", "site_id"]`).
    Column(Parts<'q>),
    /// A `:dimension` placeholder (the name without the colon).
    Placeholder(&'q str),
    /// A parenthesized subquery used as a value.
    Subquery(&'q Query),
    /// Anything else.
    Other,
}

/// The name of a `:name` placeholder expression, also through casts that keep the scope value
/// unchanged for its dimension (see [`CastPolicy`]).
pub(crate) fn placeholder_name(expr: &Expr) -> Option<&str> {
    let (name, casts) = cast_chain(expr)?;
    if casts.is_empty() {
        return Some(name);
    }
    CAST_POLICY
        .with(|p| {
            p.borrow()
                .as_ref()
                .is_some_and(|p| casts.iter().all(|t| p.keeps(name, t)))
        })
        .then_some(name)
}

/// A `:name` placeholder under parentheses and casts (`CAST(:org AS uuid)`, `(:org)::uuid`):
/// its name and the cast types, innermost first. `None` for anything else, and for TRY_CAST,
/// SAFE_CAST or a FORMAT.
pub(crate) fn cast_chain(expr: &Expr) -> Option<(&str, Vec<&DataType>)> {
    let mut casts = Vec::new();
    let mut e = strip(expr);
    while let Expr::Cast {
        kind: CastKind::Cast | CastKind::DoubleColon,
        expr: inner,
        data_type,
        format: None,
    } = e
    {
        casts.push(data_type);
        e = strip(inner);
    }
    casts.reverse();
    match e {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(p) => p
                .strip_prefix(':')
                .filter(|n| !n.is_empty())
                .map(|n| (n, casts)),
            _ => None,
        },
        _ => None,
    }
}

/// Which casts of a scope placeholder keep its value, per dimension: only a cast to the
/// dimension's own SQL type in the dialect (`:org::uuid` for a uuid dimension, `CAST(:site AS
/// bigint)` for i64). Such a cast changes neither the value nor its type, so the comparison
/// selects exactly the rows the bare placeholder selects (and Citus sees the same parameter). A
/// cast to another type (text, a narrower or wider integer, a length, a float) is not read as the
/// scope value; nor is any cast on a dimension whose type is an app's newtype.
#[derive(Debug, Clone)]
pub(crate) struct CastPolicy {
    dims: std::collections::BTreeMap<String, &'static [&'static str]>,
}

impl CastPolicy {
    /// The policy of a config.
    pub(crate) fn new(config: &crate::Config) -> Self {
        use crate::Dialect::*;
        use crate::KeyType::*;
        let dims = config
            .dimensions
            .iter()
            .filter_map(|(d, ty)| {
                // A newtype binds as its key type: the cast sees the key's value.
                let names: &'static [&'static str] = match (config.dialect, ty.key()) {
                    (Postgres, I64) => &["bigint", "int8"],
                    (Postgres, I32) => &["integer", "int", "int4"],
                    (Postgres, I16) => &["smallint", "int2"],
                    (Postgres, String) => &["text"],
                    (Postgres, Uuid) => &["uuid"],
                    (Sqlite, I64 | I32 | I16) => &["integer", "int", "bigint"],
                    (Sqlite, String) => &["text"],
                    (Mysql, I64) => &["signed", "signed integer"],
                    _ => return None,
                };
                Some((d.clone(), names))
            })
            .collect();
        CastPolicy { dims }
    }

    /// Whether a cast to `ty` keeps the value of `dim`'s placeholder.
    pub(crate) fn keeps(&self, dim: &str, ty: &DataType) -> bool {
        let Some(names) = self.dims.get(dim) else {
            return false;
        };
        let name = match ty {
            DataType::BigInt(None) => "bigint",
            DataType::Int8(None) => "int8",
            DataType::Integer(None) => "integer",
            DataType::Int(None) => "int",
            DataType::Int4(None) => "int4",
            DataType::SmallInt(None) => "smallint",
            DataType::Int2(None) => "int2",
            DataType::Text => "text",
            DataType::Uuid => "uuid",
            DataType::Signed => "signed",
            DataType::SignedInteger => "signed integer",
            // `"uuid"`: a quoted type name is the type of exactly that (case-sensitive) name.
            DataType::Custom(n, mods) if mods.is_empty() => match n.0.as_slice() {
                [part] => match part.as_ident() {
                    Some(i) if i.quote_style == Some('"') => {
                        return names.contains(&i.value.as_str())
                    }
                    Some(i) if i.quote_style.is_none() => {
                        return names.contains(&crate::schema::lower(&i.value).as_str())
                    }
                    _ => return false,
                },
                _ => return false,
            },
            _ => return false,
        };
        names.contains(&name)
    }
}

thread_local! {
    /// The cast policy of the statement being analyzed (set by [`with_cast_policy`]). Outside an
    /// analysis it is unset, and no cast is read as the scope value (fail closed).
    static CAST_POLICY: std::cell::RefCell<Option<CastPolicy>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with `policy` deciding which cast placeholders are the scope value; restores the
/// previous policy afterwards (also when `f` unwinds).
pub(crate) fn with_cast_policy<R>(policy: CastPolicy, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<CastPolicy>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = self.0.take();
            CAST_POLICY.with(|p| *p.borrow_mut() = prev);
        }
    }
    let prev = CAST_POLICY.with(|p| p.borrow_mut().replace(policy));
    let _restore = Restore(prev);
    f()
}

/// Whether an expression is a column reference (what [`atom`] reads as `Atom::Column`), without
/// building the lowercase name.
pub(crate) fn is_column(expr: &Expr) -> bool {
    matches!(
        strip(expr),
        Expr::Identifier(_) | Expr::CompoundIdentifier(_)
    )
}

/// The lowercase name parts of a column reference, borrowed from the SQL where it already
/// wrote them in lowercase (atoms are read for every conjunct at every level).
pub(crate) type Parts<'q> = SmallVec<[Cow<'q, str>; 2]>;

/// Reads an expression as an atom.
pub(crate) fn atom(expr: &Expr) -> Atom<'_> {
    let expr = strip(expr);
    if let Some(name) = placeholder_name(expr) {
        return Atom::Placeholder(name);
    }
    match expr {
        Expr::Identifier(ident) => {
            Atom::Column(smallvec::smallvec![crate::schema::lowered(&ident.value)])
        }
        Expr::CompoundIdentifier(parts) => Atom::Column(
            parts
                .iter()
                .map(|p| crate::schema::lowered(&p.value))
                .collect(),
        ),
        Expr::Subquery(q) => Atom::Subquery(q),
        _ => Atom::Other,
    }
}

/// What a top-level conjunct contributes to the proof.
#[derive(Debug)]
pub(crate) enum Conjunct<'q> {
    /// `a = b`, or `a IN (b)` with one element.
    Eq(Atom<'q>, Atom<'q>),
    /// `a IN (SELECT ...)` or `a = (SELECT ...)`: `a` takes the facts of the subquery's column.
    InSubquery(Atom<'q>, &'q Query),
    /// `EXISTS (SELECT ...)`: correlated equalities inside give facts to outer columns.
    Exists(&'q Query),
    /// Contributes nothing (but its subqueries are still checked).
    Other,
}

/// Classifies a top-level conjunct.
pub(crate) fn classify(expr: &Expr) -> Conjunct<'_> {
    match strip(expr) {
        e @ Expr::BinaryOp {
            op: BinaryOperator::Or,
            ..
        } => common_scope_filter(e).unwrap_or(Conjunct::Other),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => match (atom(left), atom(right)) {
            (Atom::Subquery(q), other) | (other, Atom::Subquery(q)) => {
                Conjunct::InSubquery(other, q)
            }
            (a, b) => Conjunct::Eq(a, b),
        },
        Expr::In {
            expr,
            target,
            negated: false,
            ..
        } => match target {
            InTarget::List(list) if list.len() == 1 => Conjunct::Eq(atom(expr), atom(&list[0])),
            InTarget::Subquery(q) => Conjunct::InSubquery(atom(expr), q),
            _ => Conjunct::Other,
        },
        Expr::Exists {
            subquery,
            negated: false,
        } => Conjunct::Exists(subquery),
        _ => Conjunct::Other,
    }
}

/// Classifies a top-level conjunct into what it contributes: [`classify`], except that a
/// row-value comparison contributes one equality per position it pins (`row_values`).
pub(crate) fn classify_all(expr: &Expr) -> SmallVec<[Conjunct<'_>; 1]> {
    match row_values(expr) {
        Some(eqs) => eqs,
        None => smallvec::smallvec![classify(expr)],
    }
}

/// Row values: `(i.id, i.org_id) = ($1, :org)` is true only where each position is equal, so
/// it contributes each equality; `(p.org_id, p.id) IN ((:org, $1), (:org, $2))` is true only
/// where the row equals one of the listed rows, so a position where every listed row holds the
/// same placeholder contributes that equality. Nothing else is read from a row value.
fn row_values(expr: &Expr) -> Option<SmallVec<[Conjunct<'_>; 1]>> {
    match strip(expr) {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => {
            let (Expr::Tuple(l), Expr::Tuple(r)) = (strip(left), strip(right)) else {
                return None;
            };
            if l.len() != r.len() {
                return None;
            }
            Some(
                l.iter()
                    .zip(r)
                    .map(|(a, b)| Conjunct::Eq(atom(a), atom(b)))
                    .collect(),
            )
        }
        Expr::In {
            expr,
            target: InTarget::List(rows),
            negated: false,
            ..
        } => {
            let Expr::Tuple(cols) = strip(expr) else {
                return None;
            };
            let tuples: Vec<&Vec<Expr>> = rows
                .iter()
                .map(|r| match strip(r) {
                    Expr::Tuple(t) if t.len() == cols.len() => Some(t),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let mut out = SmallVec::new();
            for (k, col) in cols.iter().enumerate() {
                let mut names = tuples.iter().map(|t| t.get(k).and_then(placeholder_name));
                let Some(Some(first)) = names.next() else {
                    continue;
                };
                if names.all(|n| n == Some(first)) {
                    out.push(Conjunct::Eq(atom(col), Atom::Placeholder(first)));
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// `(p.org_id = :org AND a) OR (p.org_id = :org AND b)`: when every branch of an OR has the
/// same `column = :placeholder` among its top-level conjuncts, the OR is true only on rows where
/// that equality is true, so it counts as that equality. The column is compared by its written
/// name (one expression resolves a name once); nothing else is read through OR.
fn common_scope_filter(expr: &Expr) -> Option<Conjunct<'_>> {
    let mut branches = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match strip(e) {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Or,
                right,
            } => {
                stack.push(right);
                stack.push(left);
            }
            other => branches.push(other),
        }
    }
    let (first, rest) = branches.split_first()?;
    let mut common = eq_filters(first);
    for b in rest {
        let theirs = eq_filters(b);
        common.retain(|c| theirs.contains(c));
        if common.is_empty() {
            return None;
        }
    }
    let (parts, name) = common.into_iter().next()?;
    Some(Conjunct::Eq(Atom::Column(parts), Atom::Placeholder(name)))
}

/// The `column = :placeholder` equalities among an expression's top-level conjuncts.
fn eq_filters(branch: &Expr) -> Vec<(Parts<'_>, &str)> {
    conjuncts(branch)
        .into_iter()
        .filter_map(|c| match strip(c) {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => match (atom(left), atom(right)) {
                (Atom::Column(p), Atom::Placeholder(d))
                | (Atom::Placeholder(d), Atom::Column(p)) => Some((p, d)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Names of aggregate functions: a query using one (without OVER) folds rows together.
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "total",
    "group_concat",
    "string_agg",
    "array_agg",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "json_group_array",
    "json_group_object",
    "json_arrayagg",
    "json_objectagg",
    "bool_and",
    "bool_or",
    "every",
    "bit_and",
    "bit_or",
    "bit_xor",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "std",
    "mode",
    "percentile_cont",
    "percentile_disc",
    "xmlagg",
    "listagg",
    "any_value",
    "corr",
    "covar_pop",
    "covar_samp",
    "regr_slope",
    "regr_intercept",
    "regr_count",
    "regr_r2",
    "regr_avgx",
    "regr_avgy",
    "regr_sxx",
    "regr_syy",
    "regr_sxy",
    "range_agg",
    "range_intersect_agg",
];

/// The lowercase last part of a function's name.
pub(crate) fn function_name(f: &Function) -> String {
    f.name
        .0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| crate::schema::lower(&i.value))
        .unwrap_or_default()
}

/// What a scan of one clause found at its own level (not inside subqueries).
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// An aggregate call without OVER.
    pub aggregate: bool,
    /// The window of every windowed call.
    pub windows: Vec<WindowType>,
    /// Lowercase names of every function called.
    pub functions: Vec<(String, sqlparser::tokenizer::Span)>,
}

struct ScanVisitor<'s, 'f> {
    depth: usize,
    scan: &'s mut Scan,
    on_subquery: &'f mut dyn FnMut(&Query),
}

impl Visitor for ScanVisitor<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if self.depth == 0 {
            (self.on_subquery)(query);
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.depth = self.depth.saturating_sub(1);
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.depth == 0 {
            if let Expr::Function(f) = expr {
                let name = function_name(f);
                match &f.over {
                    Some(w) => self.scan.windows.push(w.clone()),
                    None if AGGREGATES.contains(&name.as_str()) => self.scan.aggregate = true,
                    None => {}
                }
                use sqlparser::ast::Spanned;
                self.scan.functions.push((name, f.name.span()));
            }
        }
        ControlFlow::Continue(())
    }
}

/// [`scan`] of an expression. The common shapes (columns, values, operators, IN lists,
/// subqueries) are walked here, where the walk can stop at a subquery; everything else goes
/// through sqlparser's visitor, which walks into subqueries too (each level of a query would
/// otherwise walk every level below it again).
pub(crate) fn scan_expr(expr: &Expr, scan: &mut Scan, on_subquery: &mut dyn FnMut(&Query)) {
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_) => {}
        Expr::BinaryOp { left, right, .. } => {
            scan_expr(left, scan, on_subquery);
            scan_expr(right, scan, on_subquery);
        }
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr) => scan_expr(expr, scan, on_subquery),
        Expr::In {
            expr,
            target: InTarget::List(list),
            ..
        } => {
            scan_expr(expr, scan, on_subquery);
            for e in list {
                scan_expr(e, scan, on_subquery);
            }
        }
        Expr::In {
            expr,
            target: InTarget::Subquery(q),
            ..
        } => {
            scan_expr(expr, scan, on_subquery);
            on_subquery(q);
        }
        Expr::Subquery(q) | Expr::Exists { subquery: q, .. } => on_subquery(q),
        other => self::scan(other, scan, on_subquery),
    }
}

/// Scans a node: calls `on_subquery` for each immediate subquery (not the ones nested in it) and
/// records aggregates, windows and function calls at this level.
pub(crate) fn scan<V: Visit + ?Sized>(
    node: &V,
    scan: &mut Scan,
    on_subquery: &mut dyn FnMut(&Query),
) {
    let mut visitor = ScanVisitor {
        depth: 0,
        scan,
        on_subquery,
    };
    let _ = node.visit(&mut visitor);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn expr(sql: &str) -> Expr {
        Parser::new(&PostgreSqlDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap()
    }

    #[test]
    fn conjuncts_ok() {
        let e = expr("(a = 1 AND (b = :site)) AND c");
        assert_eq!(conjuncts(&e).len(), 3);
        let e = expr("a = 1 OR b = :site");
        assert_eq!(conjuncts(&e).len(), 1);
    }

    #[test]
    fn classify_ok() {
        assert!(matches!(
            classify(&expr("p.site_id = :site")),
            Conjunct::Eq(Atom::Column(_), Atom::Placeholder(_))
        ));
        assert!(matches!(
            classify(&expr("p.site_id IN (:site)")),
            Conjunct::Eq(Atom::Column(_), Atom::Placeholder(_))
        ));
        assert!(matches!(
            classify(&expr("p.id IN (SELECT 1)")),
            Conjunct::InSubquery(..)
        ));
        assert!(matches!(
            classify(&expr("NOT p.site_id = :site")),
            Conjunct::Other
        ));
        assert!(matches!(
            classify(&expr("p.id NOT IN (SELECT 1)")),
            Conjunct::Other
        ));
    }

    #[test]
    fn scan_stops_at_subqueries() {
        let e = expr("count(*) + (SELECT max(x) FROM t) + (SELECT 1)");
        let mut s = Scan::default();
        let mut n = 0;
        scan(&e, &mut s, &mut |_| n += 1);
        assert_eq!(n, 2);
        assert!(s.aggregate);
        assert_eq!(s.functions.len(), 1);
    }

    #[test]
    fn scan_expr_matches_scan() {
        // The hand-walked shapes and the visitor must find the same subqueries and calls.
        for sql in [
            "count(*) + (SELECT max(x) FROM t) + (SELECT 1)",
            "a = 1 AND (b IN (SELECT y FROM t WHERE y = lower(z)) OR NOT EXISTS (SELECT 1))",
            "x IN (1, (SELECT 2), abs(y)) AND -(SELECT 3) IS NULL AND (z) IS NOT NULL",
            "CASE WHEN (SELECT 1) = 1 THEN sum(x) OVER (PARTITION BY y) END",
            "p.site_id = :site AND p.id IN (SELECT q.id FROM q WHERE q.n > (SELECT max(n) FROM r))",
        ] {
            let e = expr(sql);
            let (mut a, mut b) = (Scan::default(), Scan::default());
            let (mut qa, mut qb) = (Vec::new(), Vec::new());
            scan(&e, &mut a, &mut |q| qa.push(q.to_string()));
            scan_expr(&e, &mut b, &mut |q| qb.push(q.to_string()));
            assert_eq!(qa, qb, "{sql}");
            assert_eq!(a.aggregate, b.aggregate, "{sql}");
            assert_eq!(a.windows, b.windows, "{sql}");
            assert_eq!(a.functions, b.functions, "{sql}");
        }
    }
}
