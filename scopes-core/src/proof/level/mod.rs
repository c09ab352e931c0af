//! One query level (a SELECT, or the FROM/WHERE of an UPDATE or DELETE): the fixpoint that
//! proves occurrences from conjuncts, foreign-key links, derived tables and subqueries.
//!
//! Facts only ever grow from the scope placeholders, so the fixpoint is the least one: nothing
//! is proven by assuming it.

use std::collections::BTreeMap;

use sqlparser::ast::{
    Assignment, Distinct, Expr, OrderByExpr, Query, SelectItem, SelectItemQualifiedWildcardKind,
    Spanned, TableFactor, TableWithJoins, WindowType,
};

use super::expr::{
    atom, classify, classify_all, conjuncts, scan, scan_expr, strip, Atom, Conjunct, Scan,
};
use super::facts::{Classes, Fact, Facts, Name, Term};
use super::names::{resolve, Cols, Namespace};
use super::relation::{Applies, Cond, CondKind, Occ, OccKind, Walk};
use super::{Analyzer, Env, LevelView, OutCol, QueryOut};
use crate::analysis::{Occurrence, Proof, ProofKind};
use crate::config::ScopeRule;
use crate::diagnostic::{Code, Diagnostic};

/// A clause scanned for subqueries once the level is proven.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node<'q> {
    Expr(&'q Expr),
    Item(&'q SelectItem),
    Order(&'q OrderByExpr),
    Assign(&'q Assignment),
    Factor(&'q TableFactor),
}

impl Node<'_> {
    pub(crate) fn scan(&self, s: &mut Scan, f: &mut dyn FnMut(&Query)) {
        match self {
            Node::Expr(e) => scan_expr(e, s, f),
            Node::Item(SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) => {
                scan_expr(e, s, f)
            }
            Node::Item(e) => scan(*e, s, f),
            // `WITH FILL` holds expressions; without it an ORDER BY item is its expression.
            Node::Order(e) if e.with_fill.is_none() => scan_expr(&e.expr, s, f),
            Node::Order(e) => scan(*e, s, f),
            // The target is column names only.
            Node::Assign(e) => scan_expr(&e.value, s, f),
            Node::Factor(e) => scan(*e, s, f),
        }
    }
}

/// What a level is made of.
#[derive(Default)]
pub(crate) struct LevelInput<'q> {
    pub from: Vec<&'q TableWithJoins>,
    pub selection: Option<&'q Expr>,
    pub having: Option<&'q Expr>,
    pub group_by: Vec<&'q Expr>,
    pub projection: &'q [SelectItem],
    pub distinct_on: Option<&'q [Expr]>,
    /// Other clauses (ORDER BY, SET values, RETURNING, ...).
    pub nodes: Vec<Node<'q>>,
    /// Whether filters from where the level is used may be pushed into it (no LIMIT etc.).
    pub push_allowed: bool,
    /// Pseudo occurrences after the FROM items (`excluded` of an upsert).
    pub extra_occs: Vec<Occ<'q>>,
    /// Occurrences written by the statement: (index, access).
    pub access: Vec<(usize, &'static str)>,
    /// What the statement does, for messages (`read`, `updated`, ...).
    pub verb: &'static str,
    /// The SELECT this level is, when it is one (not a write): LEFT JOINs whose table it does
    /// not use need no scope (`outer_join.rs`).
    pub select: Option<&'q sqlparser::ast::Select>,
}

/// Lets a write statement inspect the proven level.
pub(crate) struct LevelCtx<'a, 'q> {
    pub occs: &'a [Occ<'q>],
    pub ns: &'a Namespace,
    outer: &'a [&'a LevelView],
    conds: &'a [Cond<'q>],
    sub: &'a SubFacts,
    seeds: &'a [(Term, Facts)],
}

/// Subquery analyses with the assumptions they were made under.
type Analyses = Vec<(Vec<Facts>, QueryOut)>;

/// Facts a subquery gives columns of the enclosing level: (occurrence, column, facts).
type OuterFacts = Vec<(usize, Name, Facts)>;

/// Checks a write statement runs on the proven level; returns more diagnostics.
pub(crate) type Post<'a, 'c, 'q> = dyn FnMut(&mut Analyzer<'c>, &LevelCtx<'_, 'q>, &[(*const Query, OutCol)]) -> Vec<Diagnostic>
    + 'a;

/// Facts produced by conjunct subqueries, keyed by the subquery's address.
#[derive(Default)]
struct SubFacts {
    column: Vec<(*const Query, OutCol)>,
    outer: Vec<(*const Query, OuterFacts)>,
}

impl SubFacts {
    fn column(&self, q: &Query) -> Option<&OutCol> {
        self.column
            .iter()
            .find(|(p, _)| std::ptr::eq(*p, q))
            .map(|(_, c)| c)
    }
    fn outer(&self, q: &Query) -> Option<&OuterFacts> {
        self.outer
            .iter()
            .find(|(p, _)| std::ptr::eq(*p, q))
            .map(|(_, c)| c)
    }
}

impl<'q> LevelCtx<'_, 'q> {
    /// Resolves a column reference.
    pub(crate) fn resolve<P: AsRef<str>>(&self, parts: &[P]) -> Option<Term> {
        resolve(parts, self.ns, self.outer.iter().map(|v| &v.ns))
    }

    /// The classes that hold for the rows where occurrence `i` is present.
    fn classes(&self, i: Option<usize>) -> Classes {
        build_classes(
            self.occs, self.conds, i, self.outer, self.sub, self.seeds, self.ns,
        )
    }

    /// Facts of a term, and whether it may be NULL.
    pub(crate) fn term_facts(&self, term: &Term) -> (Facts, bool) {
        match term {
            Term::Local(i, _) => {
                let mut c = self.classes(Some(*i));
                let nullable = self.occs.get(*i).is_some_and(|o| o.nullable);
                (term_facts_in(&mut c, term, self.occs, self.outer), nullable)
            }
            other => (
                term_facts_in(&mut self.classes(None), other, self.occs, self.outer),
                false,
            ),
        }
    }

    /// Facts of a value expression: a column, a placeholder, or a scalar subquery already
    /// analyzed; and whether it may be NULL.
    pub(crate) fn expr_facts(
        &self,
        expr: &Expr,
        scalars: &[(*const Query, OutCol)],
    ) -> (Facts, bool) {
        match atom(expr) {
            Atom::Placeholder(d) => (Facts::from([Fact::Scope(d.into())]), false),
            Atom::Column(parts) => match self.resolve(&parts) {
                Some(t) => self.term_facts(&t),
                None => (Facts::new(), true),
            },
            Atom::Subquery(q) => scalars
                .iter()
                .find(|(p, _)| std::ptr::eq(*p, q))
                .map(|(_, c)| (c.facts.clone(), true))
                .unwrap_or((Facts::new(), true)),
            Atom::Other => (Facts::new(), true),
        }
    }
}

/// The term of an atom at a level, if it has one.
fn term_of(a: &Atom<'_>, ns: &Namespace, outer: &[&LevelView]) -> Option<Term> {
    match a {
        Atom::Placeholder(d) => Some(Term::Placeholder(Name::from(*d))),
        Atom::Column(parts) => resolve(parts, ns, outer.iter().map(|v| &v.ns)),
        _ => None,
    }
}

/// The term of the left side of an `x IN (SELECT ...)` condition (resolved once per level).
fn in_subquery_term<'c>(
    cond: &'c Cond<'_>,
    ns: &Namespace,
    outer: &[&LevelView],
) -> Option<&'c Term> {
    let CondKind::Conj(Conjunct::InSubquery(lhs, _)) = &cond.kind else {
        return None;
    };
    cond.terms
        .get_or_init(|| (term_of(lhs, ns, outer), None))
        .0
        .as_ref()
}

/// Facts every column of an occurrence has, by its own state.
pub(crate) fn seed_facts(occ: &Occ<'_>, column: &Name) -> Facts {
    match &occ.kind {
        OccKind::Table {
            table,
            scope: Some(scope),
            reach,
        } => table_seed(table, scope, reach, occ.proven.keys(), column),
        OccKind::Derived { out: Some(q), .. } => given_seed(&q.cols, &occ.cols, column),
        OccKind::Given(cols) => given_seed(cols, &occ.cols, column),
        _ => Facts::new(),
    }
}

/// Facts of a column of a scoped table proven on `proven` dimensions.
pub(crate) fn table_seed<'a>(
    table: &Name,
    scope: &crate::config::TableScope,
    reach: &[super::composite::Reach],
    proven: impl Iterator<Item = &'a Name>,
    column: &Name,
) -> Facts {
    let mut out = Facts::new();
    for dim in proven {
        out.insert(Fact::Key {
            table: table.clone(),
            column: column.clone(),
            dim: dim.clone(),
        });
        if let Some(ScopeRule::Column(c)) = scope.rules.get(&**dim) {
            if **c == **column {
                out.insert(Fact::Scope(dim.clone()));
            }
        }
        // A composite tenant key: the column holds the key of a parent row in scope.
        for r in reach
            .iter()
            .filter(|r| r.column == *column && r.dim == *dim)
        {
            out.insert(Fact::Key {
                table: r.parent.clone(),
                column: r.parent_column.clone(),
                dim: dim.clone(),
            });
        }
    }
    out
}

/// Facts of a column of rows with given output columns.
pub(crate) fn given_seed(cols: &[OutCol], names: &Cols, column: &str) -> Facts {
    find_col(cols, names, column)
        .map(|c| c.facts.clone())
        .unwrap_or_default()
}

/// An output column by name; `names` overrides the output names (alias column list).
fn find_col<'a>(cols: &'a [OutCol], names: &Cols, column: &str) -> Option<&'a OutCol> {
    if let Cols::Known(n) = names {
        if n.len() == cols.len() {
            return n.iter().position(|x| x == column).and_then(|i| cols.get(i));
        }
    }
    let mut hits = cols.iter().filter(|c| c.name.as_deref() == Some(column));
    match (hits.next(), hits.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Equality classes of the final state of a level, shared by the occurrences whose rows the
/// same conditions restrict.
#[derive(Default)]
struct Memo {
    map: BTreeMap<Signature, Classes>,
}

impl Memo {
    fn get(
        &mut self,
        walk: &Walk<'_>,
        i: Option<usize>,
        outer: &[&LevelView],
        sub: &SubFacts,
        seeds: &[(Term, Facts)],
        ns: &Namespace,
    ) -> &mut Classes {
        self.map
            .entry(signature(&walk.conds, i))
            .or_insert_with(|| build_classes(&walk.occs, &walk.conds, i, outer, sub, seeds, ns))
    }
}

/// Which conditions hold where occurrence `i` is present: occurrences with the same signature
/// share their classes.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Signature {
    /// A bit per condition, for levels with at most 128 (every level seen in practice): no
    /// allocation per lookup.
    Bits(u128),
    /// The indexes of the conditions that hold.
    List(Vec<u32>),
}

fn signature(conds: &[Cond<'_>], i: Option<usize>) -> Signature {
    let holds = conds
        .iter()
        .enumerate()
        .filter(|(_, c)| match (i, &c.applies) {
            (_, Applies::All) => true,
            (Some(i), a) => a.contains(i),
            (None, _) => false,
        });
    if conds.len() <= 128 {
        Signature::Bits(holds.fold(0, |bits, (k, _)| bits | 1 << k))
    } else {
        Signature::List(holds.map(|(k, _)| k as u32).collect())
    }
}

/// Builds the equality classes for the rows where occurrence `i` is present (`None`: the
/// conditions that hold for every row of the level).
fn build_classes(
    occs: &[Occ<'_>],
    conds: &[Cond<'_>],
    i: Option<usize>,
    outer: &[&LevelView],
    sub: &SubFacts,
    seeds: &[(Term, Facts)],
    ns: &Namespace,
) -> Classes {
    let mut classes = Classes::default();
    for cond in conds {
        let applies = match (i, &cond.applies) {
            (_, Applies::All) => true,
            (Some(i), a) => a.contains(i),
            (None, _) => false,
        };
        if !applies {
            continue;
        }
        match &cond.kind {
            CondKind::Same(a, b) => classes.union(a, b),
            CondKind::Conj(Conjunct::Eq(a, b)) => {
                let terms = cond
                    .terms
                    .get_or_init(|| (term_of(a, ns, outer), term_of(b, ns, outer)));
                if let (Some(a), Some(b)) = terms {
                    classes.union(a, b);
                }
            }
            CondKind::Conj(Conjunct::InSubquery(_, q)) => {
                if let (Some(t), Some(col)) = (in_subquery_term(cond, ns, outer), sub.column(q)) {
                    classes.add_facts(t, col.facts.iter().cloned());
                }
            }
            CondKind::Conj(Conjunct::Exists(q)) => {
                for (occ, column, facts) in sub.outer(q).into_iter().flatten() {
                    classes.add_facts(&Term::Local(*occ, column.clone()), facts.iter().cloned());
                }
            }
            CondKind::Conj(Conjunct::Other) => {}
        }
    }
    for (t, f) in seeds {
        classes.add_facts(t, f.iter().cloned());
    }
    let terms: Vec<Term> = classes.terms().to_vec();
    for t in terms {
        let facts = match &t {
            Term::Placeholder(d) => Facts::from([Fact::Scope(d.clone())]),
            Term::Local(o, c) => occs.get(*o).map(|o| seed_facts(o, c)).unwrap_or_default(),
            Term::Outer(up, o, c) => outer
                .get(*up)
                .map(|v| v.col_facts(*o, c))
                .unwrap_or_default(),
        };
        classes.add_facts(&t, facts);
    }
    classes
}

/// The facts of a term: its class's, plus the term's own seed facts (a term no conjunct
/// mentions still has the facts of its occurrence).
fn term_facts_in(
    classes: &mut Classes,
    term: &Term,
    occs: &[Occ<'_>],
    outer: &[&LevelView],
) -> Facts {
    let mut f = classes.facts(term);
    match term {
        Term::Local(o, c) => f.extend(occs.get(*o).map(|o| seed_facts(o, c)).unwrap_or_default()),
        Term::Outer(up, o, c) => f.extend(
            outer
                .get(*up)
                .map(|v| v.col_facts(*o, c))
                .unwrap_or_default(),
        ),
        Term::Placeholder(d) => {
            f.insert(Fact::Scope(d.clone()));
        }
    }
    f
}

/// The fact an occurrence's rule needs on one of its columns (reads and writes share it).
pub(super) fn obligation(table_rule: &ScopeRule, dim: &str) -> (String, Fact) {
    match table_rule {
        ScopeRule::Column(c) => (c.clone(), Fact::Scope(dim.into())),
        ScopeRule::ForeignKey {
            column,
            parent,
            parent_column,
        } => (
            column.clone(),
            Fact::Key {
                table: Name::from(parent.as_str()),
                column: Name::from(parent_column.as_str()),
                dim: dim.into(),
            },
        ),
    }
}

/// One projected column before facts are known.
struct Entry {
    name: Option<String>,
    term: Option<Term>,
    placeholder: Option<String>,
    subquery: Option<*const Query>,
}

impl<'c> Analyzer<'c> {
    /// Proves one level. `assume` gives facts for output columns, from a filter applied where
    /// the level is used; they are pushed inside only where that is sound. `post` runs with the
    /// proven level (write checks) and returns more diagnostics.
    pub(crate) fn level<'q>(
        &mut self,
        mut input: LevelInput<'q>,
        env: &'q Env<'q>,
        assume: &[Facts],
        post: &mut Post<'_, 'c, 'q>,
    ) -> QueryOut {
        let mut out = QueryOut::default();
        let mut walk = Walk::default();
        self.walk_from(&input.from, env, &mut walk);
        walk.occs.extend(std::mem::take(&mut input.extra_occs));
        for (i, access) in &input.access {
            if let Some(o) = walk.occs.get_mut(*i) {
                o.access = access;
            }
        }
        if let Some(sel) = input.selection {
            for c in conjuncts(sel) {
                for k in classify_all(c) {
                    walk.conds.push(Cond::new(CondKind::Conj(k), Applies::All));
                }
            }
        }
        out.diags.append(&mut walk.problems);
        // Derived tables first, so their column names are known when names are resolved.
        for i in 0..walk.occs.len() {
            if matches!(walk.occs[i].kind, OccKind::Derived { lateral: false, .. }) {
                if let Some(a) = self.derived(&walk.occs[i], &[], env) {
                    let occ = &mut walk.occs[i];
                    if let OccKind::Derived { out, renamed, .. } = &mut occ.kind {
                        if !*renamed {
                            occ.cols = output_cols(&a);
                        }
                        *out = Some(a);
                    }
                }
            }
        }
        let ns = walk.namespace();
        let outer_views = env.views();
        let outer_ns: Vec<&Namespace> = outer_views.iter().map(|v| &v.ns).collect();

        // HAVING conjuncts on GROUP BY columns filter whole groups by a grouping value: the same
        // as a WHERE conjunct.
        let group_terms: Vec<Term> = input
            .group_by
            .iter()
            .filter_map(|e| match atom(e) {
                Atom::Column(p) => resolve(&p, &ns, outer_ns.iter().copied()),
                _ => None,
            })
            .collect();
        if let Some(having) = input.having {
            for c in conjuncts(having) {
                if let Conjunct::Eq(a, b) = classify(c) {
                    let ok = |x: &Atom<'_>| match x {
                        Atom::Placeholder(_) => true,
                        Atom::Column(p) => resolve(p, &ns, outer_ns.iter().copied())
                            .is_some_and(|t| group_terms.contains(&t)),
                        _ => false,
                    };
                    if ok(&a) && ok(&b) {
                        walk.conds
                            .push(Cond::new(CondKind::Conj(Conjunct::Eq(a, b)), Applies::All));
                    }
                }
            }
        }

        // The shape of the level, for pushdown and EXISTS.
        // One pass over every clause: aggregates, windows, function calls, and whether any
        // subquery needs checking at all.
        let mut nodes: Vec<Node<'q>> = input.projection.iter().map(Node::Item).collect();
        nodes.extend(input.selection.map(Node::Expr));
        nodes.extend(walk.on_exprs.iter().map(|e| Node::Expr(e)));
        nodes.extend(walk.factors.iter().map(|f| Node::Factor(f)));
        nodes.extend(input.group_by.iter().map(|e| Node::Expr(e)));
        nodes.extend(input.having.map(Node::Expr));
        nodes.extend(input.nodes.iter().copied());
        let mut shape = Scan::default();
        let mut subqueries = 0usize;
        for n in &nodes {
            n.scan(&mut shape, &mut |_| subqueries += 1);
        }
        for (name, span) in &shape.functions {
            if let Some(d) = self.opaque_function(name, *span) {
                out.diags.push(d);
            }
        }
        let aggregated = shape.aggregate || !input.group_by.is_empty() || input.having.is_some();

        // Projection entries.
        let (entries, cols_unknown) = self.entries(input.projection, &walk, &ns, &outer_ns);
        out.cols_unknown = cols_unknown;

        // Pushed-down assumptions.
        let mut seeds: Vec<(Term, Facts)> = Vec::new();
        if input.push_allowed {
            for (k, facts) in assume.iter().enumerate() {
                if facts.is_empty() {
                    continue;
                }
                let Some(Some(term @ Term::Local(..))) = entries.get(k).map(|e| e.term.clone())
                else {
                    continue;
                };
                if cols_unknown {
                    break;
                }
                let grouped = !aggregated || group_terms.contains(&term);
                let windowed = shape.windows.iter().all(|w| match w {
                    WindowType::WindowSpec(spec) => spec.partition_by.iter().any(|e| {
                        matches!(atom(e), Atom::Column(p) if resolve(&p, &ns, outer_ns.iter().copied()).as_ref() == Some(&term))
                    }),
                    WindowType::NamedWindow(_) => false,
                });
                let distinct = input.distinct_on.is_none_or(|on| {
                    on.iter().any(|e| matches!(atom(e), Atom::Column(p) if resolve(&p, &ns, outer_ns.iter().copied()).as_ref() == Some(&term)))
                });
                if grouped && windowed && distinct {
                    seeds.push((term, facts.clone()));
                }
            }
        }

        // Semijoin / EXISTS / scalar-equality subqueries in conjuncts.
        let conj_queries: Vec<(&'q Query, bool)> = walk
            .conds
            .iter()
            .filter_map(|c| match &c.kind {
                CondKind::Conj(Conjunct::InSubquery(_, q)) => Some((*q, true)),
                CondKind::Conj(Conjunct::Exists(q)) => Some((*q, false)),
                _ => None,
            })
            .collect();

        walk.key_pins = self.key_pins(input.selection, &walk, &ns, &outer_views, env);
        let mut sub = SubFacts::default();
        self.fixpoint(&mut walk, &ns, &outer_views, &sub, &seeds, env);
        let mut first: Option<(LevelView, Analyses)> = None;
        if !conj_queries.is_empty() || walk.occs.iter().any(is_lateral) {
            let view = self.view(&walk, &ns, &outer_views, &sub, &seeds, &mut Memo::default());
            let child = Env {
                parent: Some(env),
                view: Some(&view),
                ctes: Vec::new(),
            };
            let (facts, outs) = self.conj_subqueries(
                &conj_queries,
                &walk,
                &ns,
                &outer_views,
                &sub,
                &seeds,
                &child,
                None,
            );
            sub = facts;
            self.laterals(&mut walk, &child, false);
            self.fixpoint(&mut walk, &ns, &outer_views, &sub, &seeds, env);
            first = Some((view, outs));
        }

        // Final: check every subquery with the final facts of this level (reusing the first
        // analysis of a subquery when nothing it can see has changed).
        let mut memo = Memo::default();
        let needs_view = subqueries > 0 || walk.occs.iter().any(is_lateral);
        let view = if needs_view {
            self.view(&walk, &ns, &outer_views, &sub, &seeds, &mut memo)
        } else {
            LevelView::default()
        };
        let child = Env {
            parent: Some(env),
            view: Some(&view),
            ctes: Vec::new(),
        };
        // A first analysis is final when nothing it can see changed, or when it found no
        // problem (more facts never take a proof away).
        let reuse = first.as_ref().map(|(v, outs)| (*v == view, outs));
        let (_, finals) = self.conj_subqueries(
            &conj_queries,
            &walk,
            &ns,
            &outer_views,
            &sub,
            &seeds,
            &child,
            reuse,
        );
        for (_, f) in finals {
            out.absorb(f);
        }
        for l in self.laterals(&mut walk, &child, true) {
            out.absorb(l);
        }
        let mut scalars: Vec<(*const Query, OutCol)> = Vec::new();
        for node in nodes.iter().filter(|_| subqueries > conj_queries.len()) {
            let mut s = Scan::default();
            let mut results: Vec<QueryOut> = Vec::new();
            node.scan(&mut s, &mut |q| {
                if conj_queries.iter().any(|(c, _)| std::ptr::eq(*c, q)) {
                    return;
                }
                let r = self.query(q, &child, &[]);
                if let Some(c) = r.cols.first() {
                    scalars.push((q as *const Query, c.clone()));
                }
                results.push(r);
            });
            for r in results {
                out.absorb(r);
            }
        }
        // Derived tables and CTE references: their last analysis (with the final assumptions)
        // is the one that counts.
        for occ in &walk.occs {
            if let OccKind::Derived {
                out: Some(d),
                lateral: false,
                ..
            } = &occ.kind
            {
                out.diags.extend(d.diags.iter().cloned());
                out.occurrences.extend(d.occurrences.iter().cloned());
            }
        }

        // Verdicts.
        self.verdicts(&walk, &input, &ns, &outer_views, &mut out);

        // Output columns.
        for e in &entries {
            let mut col = OutCol {
                name: e.name.clone(),
                ..OutCol::default()
            };
            if let Some(d) = &e.placeholder {
                col.facts.insert(Fact::Scope(Name::from(d.as_str())));
            } else if let Some(p) = e.subquery {
                if let Some((_, c)) = scalars.iter().find(|(q, _)| std::ptr::eq(*q, p)) {
                    col.facts = c.facts.clone();
                }
                col.maybe_null = true;
            } else if let Some(t) = &e.term {
                match t {
                    Term::Local(i, _) => {
                        let classes = memo.get(&walk, Some(*i), &outer_views, &sub, &seeds, &ns);
                        col.facts = term_facts_in(classes, t, &walk.occs, &outer_views);
                        col.maybe_null = walk.occs.get(*i).is_some_and(|o| o.nullable);
                    }
                    other => {
                        let c = memo.get(&walk, None, &outer_views, &sub, &seeds, &ns);
                        col.facts = term_facts_in(c, other, &walk.occs, &outer_views);
                    }
                }
            } else {
                col.maybe_null = true;
            }
            // An aggregate without GROUP BY returns a row even when no row matched: NULLs.
            col.maybe_null |=
                (shape.aggregate || input.having.is_some()) && input.group_by.is_empty();
            out.cols.push(col);
        }

        // Facts about the enclosing level's columns, for EXISTS (not when aggregates without
        // GROUP BY make a row appear even when no row matched).
        let folds_all = (shape.aggregate || input.having.is_some()) && input.group_by.is_empty();
        if !folds_all {
            let all = memo.get(&walk, None, &outer_views, &sub, &seeds, &ns);
            let terms: Vec<Term> = all.terms().to_vec();
            for t in terms {
                if let Term::Outer(0, o, c) = &t {
                    let f = all.facts(&t);
                    if !f.is_empty() {
                        out.outer_facts.push((*o, c.clone(), f));
                    }
                }
            }
        }

        let ctx = LevelCtx {
            occs: &walk.occs,
            ns: &ns,
            outer: &outer_views,
            conds: &walk.conds,
            sub: &sub,
            seeds: &seeds,
        };
        let more = post(self, &ctx, &scalars);
        out.diags.extend(more);
        out
    }

    fn fixpoint(
        &mut self,
        walk: &mut Walk<'_>,
        ns: &Namespace,
        outer: &[&LevelView],
        sub: &SubFacts,
        seeds: &[(Term, Facts)],
        env: &Env<'_>,
    ) {
        let limit = 2 * walk.occs.len() + 4;
        for _ in 0..limit {
            let mut changed = false;
            // Derived tables: analyze, then re-analyze with what the level knows about their
            // columns (beyond what they already export).
            for i in 0..walk.occs.len() {
                let needs = match &walk.occs[i].kind {
                    OccKind::Derived { lateral: true, .. } => None,
                    OccKind::Derived { out: None, .. } => Some(Vec::new()),
                    OccKind::Derived {
                        out: Some(q),
                        assumed,
                        ..
                    } => {
                        let mut classes =
                            build_classes(&walk.occs, &walk.conds, Some(i), outer, sub, seeds, ns);
                        let names: Vec<Option<String>> = match &walk.occs[i].cols {
                            Cols::Known(n) if n.len() == q.cols.len() => {
                                n.iter().cloned().map(Some).collect()
                            }
                            _ => q.cols.iter().map(|c| c.name.clone()).collect(),
                        };
                        let want: Vec<Facts> = names
                            .iter()
                            .zip(&q.cols)
                            .map(|(n, c)| match n {
                                Some(n) => classes
                                    .facts(&Term::Local(i, Name::from(n.as_str())))
                                    .difference(&c.facts)
                                    .cloned()
                                    .chain(assumed_at(assumed, n, &names))
                                    .collect(),
                                None => Facts::new(),
                            })
                            .collect();
                        let grown = want.iter().enumerate().any(|(k, f)| {
                            let before = assumed.get(k).cloned().unwrap_or_default();
                            !f.is_subset(&before)
                        });
                        grown.then_some(want)
                    }
                    _ => None,
                };
                if let Some(assume) = needs {
                    let analysis = self.derived(&walk.occs[i], &assume, env);
                    let occ = &mut walk.occs[i];
                    if let Some(a) = analysis {
                        if let OccKind::Derived {
                            out,
                            assumed,
                            renamed,
                            ..
                        } = &mut occ.kind
                        {
                            if !*renamed {
                                occ.cols = output_cols(&a);
                            }
                            *out = Some(a);
                            *assumed = assume;
                            changed = true;
                        }
                    }
                }
            }
            // Scoped tables.
            let mut cache: BTreeMap<Signature, Classes> = BTreeMap::new();
            for i in 0..walk.occs.len() {
                let Some(scope) = walk.occs[i].scope_rc() else {
                    continue;
                };
                for (dim, rule) in &scope.rules {
                    if !self.checks(dim) || walk.occs[i].proven.contains_key(dim.as_str()) {
                        continue;
                    }
                    let (column, fact) = obligation(rule, dim);
                    let classes =
                        cache
                            .entry(signature(&walk.conds, Some(i)))
                            .or_insert_with(|| {
                                build_classes(
                                    &walk.occs,
                                    &walk.conds,
                                    Some(i),
                                    outer,
                                    sub,
                                    seeds,
                                    ns,
                                )
                            });
                    // A row whose unique key equals the key of an in-scope row of the same
                    // table is that row (`id IN (SELECT id FROM posts WHERE site_id = :site)`).
                    let uniques = self.unique_columns(&scope.table);
                    let filtered = classes.has(&Term::Local(i, Name::from(column.as_str())), &fact);
                    let key = if filtered {
                        None
                    } else {
                        uniques.into_iter().find(|k| {
                            classes.has(
                                &Term::Local(i, Name::from(k.as_str())),
                                &Fact::Key {
                                    table: Name::from(scope.table.as_str()),
                                    column: Name::from(k.as_str()),
                                    dim: Name::from(dim.as_str()),
                                },
                            )
                        })
                    };
                    // Neither a filter nor a key of an in-scope row: a key-pinned EXISTS?
                    let pinned_by = match (&key, filtered) {
                        (None, false) => {
                            match walk.key_pins.iter().find(|(o, d, _)| *o == i && d == dim) {
                                Some((_, _, detail)) => Some(detail.clone()),
                                None => continue,
                            }
                        }
                        _ => None,
                    };
                    {
                        let occ = &walk.occs[i];
                        // `concat`, not `format!`: one exact allocation, and this runs for
                        // every proven occurrence of every checked statement.
                        let detail = match rule {
                            ScopeRule::Column(c) => [&occ.name, ".", c, " = :", dim].concat(),
                            ScopeRule::ForeignKey {
                                column,
                                parent,
                                parent_column,
                            } => [
                                &occ.name,
                                ".",
                                column,
                                " references a ",
                                parent,
                                ".",
                                parent_column,
                                " in scope",
                            ]
                            .concat(),
                        };
                        let kind = match rule {
                            ScopeRule::Column(_) => ProofKind::Filter,
                            ScopeRule::ForeignKey { .. } => ProofKind::ForeignKeyLink,
                        };
                        let detail = match (key, pinned_by) {
                            (_, Some(pinned)) => pinned,
                            (Some(k), None) => [
                                &occ.name,
                                ".",
                                k.as_str(),
                                " is the key of a ",
                                &scope.table,
                                " row in scope",
                            ]
                            .concat(),
                            (None, None) => detail,
                        };
                        // The columns equalities tie to the placeholder, for routing
                        // (`Occurrence::pinned`): recorded once, when the dimension is proven.
                        let pinned = classes
                            .local_columns_with(&Term::Placeholder(Name::from(dim.as_str())), i);
                        let range = self.range(walk.occs[i].span);
                        let pins = self.pins.entry((range.start, range.end)).or_default();
                        for column in pinned {
                            let pin = crate::analysis::Pin {
                                column: column.to_string(),
                                dimension: dim.clone(),
                            };
                            if !pins.contains(&pin) {
                                pins.push(pin);
                            }
                        }
                        walk.occs[i].proven.insert(
                            Name::from(dim.as_str()),
                            Proof {
                                dimension: dim.clone(),
                                kind,
                                detail,
                            },
                        );
                        changed = true;
                    }
                }
            }
            // Done when every scoped table here is proven and no derived table has problems
            // left that assumptions from this level could still solve.
            let done = walk.occs.iter().all(|o| match (o.scope(), &o.kind) {
                (Some(s), _) => s
                    .rules
                    .keys()
                    .filter(|d| self.checks(d))
                    .all(|d| o.proven.contains_key(d.as_str())),
                (None, OccKind::Derived { out: Some(q), .. }) => q.diags.is_empty(),
                _ => true,
            });
            if !changed || done {
                break;
            }
        }
    }

    /// Analyzes a derived table or CTE reference with assumptions on its columns.
    fn derived(&mut self, occ: &Occ<'_>, assume: &[Facts], env: &Env<'_>) -> Option<QueryOut> {
        let OccKind::Derived { query, cte, .. } = &occ.kind else {
            return None;
        };
        Some(match cte {
            Some((cte, cte_env)) => self.cte_body(cte, cte_env, assume),
            None => self.query(query, env, assume),
        })
    }

    /// Analyzes LATERAL derived tables with the level's view; returns their analyses when
    /// `report` (their diagnostics belong to the final pass only).
    fn laterals(&mut self, walk: &mut Walk<'_>, env: &Env<'_>, report: bool) -> Vec<QueryOut> {
        let mut reports = Vec::new();
        for occ in walk.occs.iter_mut() {
            if let OccKind::Derived {
                query,
                lateral: true,
                out,
                renamed,
                ..
            } = &mut occ.kind
            {
                let a = self.query(query, env, &[]);
                let renamed = *renamed;
                if report {
                    let mut r = a.clone();
                    r.cols.clear();
                    reports.push(r);
                }
                let cols = output_cols(&a);
                *out = Some(a);
                if !renamed {
                    occ.cols = cols;
                }
            }
        }
        reports
    }

    #[allow(clippy::too_many_arguments)]
    fn conj_subqueries(
        &mut self,
        queries: &[(&Query, bool)],
        walk: &Walk<'_>,
        ns: &Namespace,
        outer: &[&LevelView],
        sub: &SubFacts,
        seeds: &[(Term, Facts)],
        env: &Env<'_>,
        reuse: Option<(bool, &Analyses)>,
    ) -> (SubFacts, Analyses) {
        let mut facts = SubFacts::default();
        let mut outs = Vec::new();
        for (k, (q, is_in)) in queries.iter().enumerate() {
            let assume = if *is_in {
                // The subquery's rows only matter where its column equals the left side, so
                // the left side's facts may be pushed into it (when that is sound).
                let lhs = walk.conds.iter().find_map(|c| match &c.kind {
                    CondKind::Conj(Conjunct::InSubquery(_, q2)) if std::ptr::eq(*q2, *q) => {
                        in_subquery_term(c, ns, outer)
                    }
                    _ => None,
                });
                match lhs {
                    Some(t) => {
                        let occ = match t {
                            Term::Local(i, _) => Some(*i),
                            _ => None,
                        };
                        let mut c =
                            build_classes(&walk.occs, &walk.conds, occ, outer, sub, seeds, ns);
                        vec![term_facts_in(&mut c, t, &walk.occs, outer)]
                    }
                    None => Vec::new(),
                }
            } else {
                Vec::new()
            };
            let previous = reuse.and_then(|(same_view, r)| {
                r.get(k)
                    .filter(|(a, r)| same_view && *a == assume || r.diags.is_empty())
            });
            let r = match previous {
                Some((_, r)) => r.clone(),
                None => self.query(q, env, &assume),
            };
            if *is_in {
                if let Some(c) = r.cols.first() {
                    if r.cols.len() == 1 && !r.cols_unknown {
                        facts.column.push((*q as *const Query, c.clone()));
                    }
                }
            } else {
                facts
                    .outer
                    .push((*q as *const Query, r.outer_facts.clone()));
            }
            outs.push((assume, r));
        }
        (facts, outs)
    }

    /// Single columns certainly unique in a table (primary key or UNIQUE), from the schema:
    /// a proof relies on them, so keys the loader is unsure of do not count.
    fn unique_columns(&self, table: &str) -> Vec<String> {
        let Some(def) = self.config.schema.as_ref().and_then(|s| s.table(table)) else {
            return Vec::new();
        };
        def.certain_unique_keys()
            .filter(|k| k.len() == 1)
            .flatten()
            .cloned()
            .collect()
    }

    /// The view correlated subqueries get of this level.
    fn view(
        &self,
        walk: &Walk<'_>,
        ns: &Namespace,
        outer: &[&LevelView],
        sub: &SubFacts,
        seeds: &[(Term, Facts)],
        memo: &mut Memo,
    ) -> LevelView {
        let mut facts = Vec::new();
        let mut seeds_out = Vec::new();
        for i in 0..walk.occs.len() {
            let classes = memo.get(walk, Some(i), outer, sub, seeds, ns);
            let mut m = BTreeMap::new();
            let terms: Vec<Term> = classes.terms().to_vec();
            for t in terms {
                if let Term::Local(o, c) = &t {
                    if *o == i {
                        m.insert(c.clone(), classes.facts(&t));
                    }
                }
            }
            facts.push(m);
            seeds_out.push(super::Seed::of(&walk.occs[i]));
        }
        LevelView {
            ns: ns.clone(),
            facts,
            seeds: seeds_out,
        }
    }

    fn entries(
        &self,
        projection: &[SelectItem],
        walk: &Walk<'_>,
        ns: &Namespace,
        outer: &[&Namespace],
    ) -> (Vec<Entry>, bool) {
        let mut entries = Vec::new();
        let mut unknown = false;
        let star = |i: usize, entries: &mut Vec<Entry>, unknown: &mut bool| {
            if let Some(o) = walk.occs.get(i) {
                if !o.cols.is_known() {
                    *unknown = true;
                }
                for c in o.cols.names() {
                    entries.push(Entry {
                        name: Some(c.clone()),
                        term: Some(Term::Local(i, Name::from(c.as_str()))),
                        placeholder: None,
                        subquery: None,
                    });
                }
            }
        };
        for item in projection {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let alias = match item {
                        SelectItem::ExprWithAlias { alias, .. } => {
                            Some(crate::schema::lower(&alias.value))
                        }
                        _ => None,
                    };
                    let mut entry = Entry {
                        name: alias,
                        term: None,
                        placeholder: None,
                        subquery: None,
                    };
                    match atom(e) {
                        Atom::Column(parts) => {
                            if entry.name.is_none() {
                                entry.name = parts.last().map(|p| p.to_string());
                            }
                            entry.term = resolve(&parts, ns, outer.iter().copied());
                        }
                        Atom::Placeholder(d) => entry.placeholder = Some(d.to_string()),
                        Atom::Subquery(q) => entry.subquery = Some(q as *const Query),
                        Atom::Other => {}
                    }
                    entries.push(entry);
                }
                SelectItem::Wildcard(_) => {
                    if !walk.using.is_empty() {
                        unknown = true;
                    }
                    for i in 0..walk.occs.len() {
                        star(i, &mut entries, &mut unknown);
                    }
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(n),
                    _,
                ) => {
                    let q = super::relation::last_name(n);
                    match walk.occs.iter().position(|o| o.name == q) {
                        Some(i) => star(i, &mut entries, &mut unknown),
                        None => unknown = true,
                    }
                }
                _ => {
                    unknown = true;
                    entries.push(Entry {
                        name: None,
                        term: None,
                        placeholder: None,
                        subquery: None,
                    });
                }
            }
        }
        (entries, unknown)
    }

    /// Diagnostics for the scoped occurrences left unproven, and the occurrence report.
    fn verdicts(
        &mut self,
        walk: &Walk<'_>,
        input: &LevelInput<'_>,
        ns: &Namespace,
        outer: &[&LevelView],
        out: &mut QueryOut,
    ) {
        for (i, occ) in walk.occs.iter().enumerate() {
            let Some(scope) = occ.scope() else { continue };
            let OccKind::Table { table, .. } = &occ.kind else {
                continue;
            };
            let mut proofs: Vec<Proof> = occ.proven.values().cloned().collect();
            for (dim, rule) in &scope.rules {
                if !self.checks(dim) {
                    proofs.push(Proof {
                        dimension: dim.clone(),
                        kind: ProofKind::Exempt,
                        detail: "marked unscoped".into(),
                    });
                    continue;
                }
                if occ.proven.contains_key(dim.as_str()) {
                    continue;
                }
                // Unused outer join: a proof for the report only, never facts (`proven` stays).
                if let Some(detail) = self.unused_outer_join(i, &walk.occs, input, ns, outer) {
                    proofs.push(Proof {
                        dimension: dim.clone(),
                        kind: ProofKind::UnusedOuterJoin,
                        detail,
                    });
                    continue;
                }
                out.diags
                    .push(self.missing(occ, table, dim, rule, walk, input));
            }
            let span = self.range(occ.span);
            let mut pinned = self
                .pins
                .get(&(span.start, span.end))
                .cloned()
                .unwrap_or_default();
            pinned.sort();
            out.occurrences.push(Occurrence {
                table: table.to_string(),
                alias: occ.alias.clone(),
                span,
                access: occ.access,
                proofs,
                pinned,
            });
        }
    }

    fn missing(
        &self,
        occ: &Occ<'_>,
        table: &str,
        dim: &str,
        rule: &ScopeRule,
        walk: &Walk<'_>,
        input: &LevelInput<'_>,
    ) -> Diagnostic {
        let who = match &occ.alias {
            Some(a) if a != table => format!("`{table}` (as `{a}`)"),
            _ => format!("`{table}`"),
        };
        let verb = match occ.access {
            "update" => "updated",
            "delete" => "deleted",
            _ => input.verb,
        };
        let place = if occ.nullable {
            "the ON clause of its outer join"
        } else {
            "the WHERE clause"
        };
        let hint = super::notes::filter_note(input.selection, dim, &occ.name);
        match rule {
            ScopeRule::Column(c) => {
                let filter = format!("{}.{c} = :{dim}", occ.name);
                let mut d = Diagnostic::new(
                    Code::MissingScopeFilter,
                    format!(
                        "{who} is {verb} without a filter on `{}.{c}` for dimension `{dim}`{hint}",
                        occ.name
                    ),
                    self.range(occ.span),
                )
                .label(format!("needs `{filter}`"));
                d = match (input.selection, occ.nullable) {
                    (Some(sel), false) => {
                        let r = self.range(sel.span());
                        let r = self.where_clause(r.start);
                        let or_top = matches!(
                            strip(sel),
                            Expr::BinaryOp {
                                op: sqlparser::ast::BinaryOperator::Or,
                                ..
                            }
                        );
                        if or_top {
                            let orig = self.sql.get(r.clone()).unwrap_or("");
                            d.fix(r, format!("({orig}) AND {filter}"))
                        } else {
                            d.fix(r.end..r.end, format!(" AND {filter}"))
                        }
                        .help(format!("add `AND {filter}` to {place}"))
                    }
                    (None, false)
                        if !input.from.is_empty() && walk.on_exprs.is_empty()
                            || input.selection.is_none() && !occ.nullable =>
                    {
                        let end = input
                            .from
                            .last()
                            .map(|t| self.clause_end(self.range(t.span()).end))
                            .unwrap_or(self.statement_span.end);
                        d.fix(end..end, format!(" WHERE {filter}"))
                            .help(format!("add `WHERE {filter}`"))
                    }
                    _ => d.help(format!("add `AND {filter}` to {place}")),
                };
                d
            }
            ScopeRule::ForeignKey {
                column,
                parent,
                parent_column,
            } => {
                let linked_parent = walk.occs.iter().find(|o| {
                    matches!(&o.kind, OccKind::Table { table, .. } if **table == **parent)
                        && o.proven.contains_key(dim)
                });
                let help = match linked_parent {
                    Some(p) => format!("add `AND {}.{column} = {}.{parent_column}` to {place}", occ.name, p.name),
                    None => format!(
                        "add `AND {}.{column} IN ({})` to {place}, or join a `{parent}` row filtered by its scope",
                        occ.name,
                        self.parent_filter(parent, parent_column, dim, 0)
                    ),
                };
                Diagnostic::new(
                    Code::MissingScopeLink,
                    format!("{who} is {verb} without a link to a `{parent}` row in scope for dimension `{dim}` (it is scoped through `{}.{column}` -> `{parent}.{parent_column}`){hint}", occ.name),
                    self.range(occ.span),
                )
                .label(format!("needs `{}.{column}` linked to a scoped `{parent}`", occ.name))
                .help(help)
            }
        }
    }

    /// `SELECT pk FROM parent WHERE <its scope>` for help texts (multi-hop through FK rules).
    fn parent_filter(&self, parent: &str, parent_column: &str, dim: &str, depth: usize) -> String {
        match self
            .config
            .table_scope(parent)
            .and_then(|s| s.rules.get(dim))
        {
            Some(ScopeRule::Column(c)) => {
                format!("SELECT {parent_column} FROM {parent} WHERE {c} = :{dim}")
            }
            Some(ScopeRule::ForeignKey {
                column,
                parent: p2,
                parent_column: c2,
            }) if depth < 8 => format!(
                "SELECT {parent_column} FROM {parent} WHERE {column} IN ({})",
                self.parent_filter(p2, c2, dim, depth + 1)
            ),
            _ => format!("SELECT {parent_column} FROM {parent} WHERE ..."),
        }
    }
}

/// The assumption previously made for a column (kept so assumptions only grow).
fn assumed_at(assumed: &[Facts], name: &str, names: &[Option<String>]) -> Vec<Fact> {
    names
        .iter()
        .position(|n| n.as_deref() == Some(name))
        .and_then(|k| assumed.get(k))
        .map(|f| f.iter().cloned().collect())
        .unwrap_or_default()
}

/// The columns a derived table exposes, from its analysis.
fn output_cols(a: &QueryOut) -> Cols {
    let names: Vec<String> = a.cols.iter().filter_map(|c| c.name.clone()).collect();
    if a.cols_unknown || names.len() != a.cols.len() {
        Cols::Partial(names.into())
    } else {
        Cols::Known(names.into())
    }
}

fn is_lateral(o: &Occ<'_>) -> bool {
    matches!(o.kind, OccKind::Derived { lateral: true, .. })
}

// Keep Distinct in scope for readers: DISTINCT ON is passed in as `distinct_on`.
#[allow(dead_code)]
fn _distinct_marker(_: &Distinct) {}
