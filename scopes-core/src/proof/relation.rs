//! The FROM clause: turns table factors and joins into occurrences, and records which
//! conjuncts restrict which occurrences (an outer join's ON restricts only its nullable side).

use std::collections::BTreeMap;
use std::rc::Rc;

use sqlparser::ast::{
    Expr, JoinConstraint, JoinOperator, ObjectName, Query, Spanned, TableAlias, TableFactor,
    TableWithJoins,
};
use sqlparser::tokenizer::Span;

use super::expr::{classify_all, conjuncts, Conjunct};
use super::facts::{Name, Term};
use super::names::{Cols, Found, Namespace};
use super::{Analyzer, Env, OutCol};
use crate::analysis::Proof;
use crate::config::{ScopeRule, TableScope};
use crate::diagnostic::{Code, Diagnostic};
use crate::schema::normalize_name;

/// Catalog relations that hold no tenant rows.
const SYSTEM_SCHEMAS: &[&str] = &[
    "pg_catalog",
    "information_schema",
    "mysql",
    "performance_schema",
    "sys",
];
const SYSTEM_TABLES: &[&str] = &[
    "sqlite_master",
    "sqlite_schema",
    "sqlite_sequence",
    "sqlite_temp_master",
    "dual",
];

/// What an occurrence is.
#[derive(Debug)]
pub(crate) enum OccKind<'q> {
    /// A base table or view; `scope` when it is listed in `[tables]`.
    Table {
        table: super::facts::Name,
        /// Shared with every other occurrence of the table in this statement.
        scope: Option<std::sync::Arc<TableScope>>,
        /// What a proven row guarantees through its composite tenant keys (`composite.rs`).
        reach: Rc<[super::composite::Reach]>,
    },
    /// A derived table, or a reference to a CTE (analyzed in the CTE's own environment).
    Derived {
        query: &'q Query,
        lateral: bool,
        cte: Option<(&'q super::Cte<'q>, &'q Env<'q>)>,
        /// The latest analysis.
        out: Option<super::QueryOut>,
        /// The assumptions it was analyzed with.
        assumed: Vec<super::facts::Facts>,
        /// Whether an alias column list names its columns.
        renamed: bool,
    },
    /// Rows whose facts are given (a recursive CTE's self-reference, `excluded`).
    Given(Vec<OutCol>),
    /// A table function, VALUES or a catalog relation: no tenant rows, no facts.
    Opaque,
}

/// One occurrence of a relation at a query level.
#[derive(Debug)]
pub(crate) struct Occ<'q> {
    /// The name it is referenced by (alias, or table name).
    pub name: String,
    /// The alias, when given.
    pub alias: Option<String>,
    /// The table factor's span.
    pub span: Span,
    /// Null-extended by an outer join.
    pub nullable: bool,
    pub kind: OccKind<'q>,
    pub cols: Cols,
    /// Proven dimensions.
    pub proven: BTreeMap<super::facts::Name, Proof>,
    /// `read`, `update`, `delete`, `insert`.
    pub access: &'static str,
}

impl Occ<'_> {
    /// The scope rules, for a scoped table.
    pub(crate) fn scope(&self) -> Option<&TableScope> {
        match &self.kind {
            OccKind::Table { scope, .. } => scope.as_deref(),
            _ => None,
        }
    }

    /// The scope rules, shared (cheap to keep while the occurrence list changes).
    pub(crate) fn scope_rc(&self) -> Option<std::sync::Arc<TableScope>> {
        match &self.kind {
            OccKind::Table { scope, .. } => scope.clone(),
            _ => None,
        }
    }
}

/// Which occurrences a condition restricts.
#[derive(Debug, Clone)]
pub(crate) enum Applies {
    All,
    Some(Vec<usize>),
}

impl Applies {
    pub(crate) fn contains(&self, i: usize) -> bool {
        match self {
            Applies::All => true,
            Applies::Some(v) => v.contains(&i),
        }
    }
}

/// A condition at a level.
#[derive(Debug)]
pub(crate) enum CondKind<'q> {
    /// A top-level conjunct of a WHERE or ON.
    Conj(Conjunct<'q>),
    /// Two terms equal by USING / NATURAL.
    Same(Term, Term),
}

/// A condition and the occurrences it restricts.
#[derive(Debug)]
pub(crate) struct Cond<'q> {
    pub kind: CondKind<'q>,
    pub applies: Applies,
    /// The terms of the conjunct's sides, resolved on first use: a level resolves names
    /// against one namespace, and the fixpoint rebuilds its classes from the conditions many
    /// times.
    pub terms: std::cell::OnceCell<(Option<Term>, Option<Term>)>,
}

impl<'q> Cond<'q> {
    pub(crate) fn new(kind: CondKind<'q>, applies: Applies) -> Self {
        Cond {
            kind,
            applies,
            terms: std::cell::OnceCell::new(),
        }
    }
}

/// The result of walking a FROM clause.
#[derive(Debug, Default)]
pub(crate) struct Walk<'q> {
    pub occs: Vec<Occ<'q>>,
    pub conds: Vec<Cond<'q>>,
    pub using: Vec<(String, Option<usize>)>,
    /// ON expressions and table-function arguments, to scan for subqueries.
    pub on_exprs: Vec<&'q Expr>,
    pub factors: Vec<&'q TableFactor>,
    pub problems: Vec<Diagnostic>,
    /// Occurrences a key-pinned EXISTS proves (`key_pin.rs`): (occurrence, dimension, detail).
    pub key_pins: Vec<super::key_pin::KeyPin>,
}

impl Walk<'_> {
    pub(crate) fn namespace(&self) -> Namespace {
        Namespace {
            entries: self
                .occs
                .iter()
                .map(|o| (o.name.clone(), o.cols.clone()))
                .collect(),
            using: self.using.clone(),
        }
    }
}

impl<'c> Analyzer<'c> {
    /// Walks FROM items (comma-separated items are cross joins).
    pub(crate) fn walk_from<'q>(
        &mut self,
        from: &[&'q TableWithJoins],
        env: &'q Env<'q>,
        walk: &mut Walk<'q>,
    ) {
        for twj in from {
            self.walk_joins(twj, env, walk);
        }
    }

    fn walk_joins<'q>(
        &mut self,
        twj: &'q TableWithJoins,
        env: &'q Env<'q>,
        walk: &mut Walk<'q>,
    ) -> Vec<usize> {
        let mut left = self.walk_factor(&twj.relation, env, walk);
        for join in &twj.joins {
            let right = self.walk_factor(&join.relation, env, walk);
            let all: Vec<usize> = left.iter().chain(right.iter()).copied().collect();
            let (constraint, applies, merged_from) = match &join.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::CrossJoin(c)
                | JoinOperator::StraightJoin(c) => (c, all.clone(), Some(&left)),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => {
                    for &i in &right {
                        walk.occs[i].nullable = true;
                    }
                    (c, right.clone(), Some(&left))
                }
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => {
                    for &i in &left {
                        walk.occs[i].nullable = true;
                    }
                    (c, left.clone(), Some(&right))
                }
                JoinOperator::FullOuter(c) => {
                    for &i in &all {
                        walk.occs[i].nullable = true;
                    }
                    (c, Vec::new(), None)
                }
                _ => {
                    walk.problems
                        .push(self.unsupported("this kind of join", join.relation.span()));
                    left = all;
                    continue;
                }
            };
            let applies = Applies::Some(applies);
            match constraint {
                JoinConstraint::On(expr) => {
                    walk.on_exprs.push(expr);
                    for c in conjuncts(expr) {
                        for k in classify_all(c) {
                            walk.conds
                                .push(Cond::new(CondKind::Conj(k), applies.clone()));
                        }
                    }
                }
                JoinConstraint::Using(names) => {
                    let cols: Vec<String> = names
                        .iter()
                        .filter_map(|n| n.0.last().and_then(|p| p.as_ident()))
                        .map(|i| crate::schema::lower(&i.value))
                        .collect();
                    self.join_columns(walk, &left, &right, &cols, &applies, merged_from);
                }
                JoinConstraint::Natural => {
                    let l = side_columns(walk, &left);
                    let r = side_columns(walk, &right);
                    if let (Some(l), Some(r)) = (l, r) {
                        let common: Vec<String> = l.into_iter().filter(|c| r.contains(c)).collect();
                        self.join_columns(walk, &left, &right, &common, &applies, merged_from);
                    }
                }
                JoinConstraint::UsingAlias(..) => {
                    walk.problems
                        .push(self.unsupported("`USING (...) AS alias`", join.relation.span()));
                }
                JoinConstraint::None => {}
            }
            left = all;
        }
        left
    }

    fn join_columns(
        &self,
        walk: &mut Walk<'_>,
        left: &[usize],
        right: &[usize],
        cols: &[String],
        applies: &Applies,
        merged_from: Option<&Vec<usize>>,
    ) {
        for col in cols {
            let l = side_find(walk, left, col);
            let r = side_find(walk, right, col);
            if let (Some(l), Some(r)) = (l, r) {
                walk.conds.push(Cond::new(
                    CondKind::Same(
                        Term::Local(l, Name::from(col.as_str())),
                        Term::Local(r, Name::from(col.as_str())),
                    ),
                    applies.clone(),
                ));
            }
            let merged = match merged_from {
                Some(side) if side.as_slice() == left => l,
                Some(_) => r,
                None => None,
            };
            walk.using.push((col.clone(), merged));
        }
    }

    fn walk_factor<'q>(
        &mut self,
        factor: &'q TableFactor,
        env: &'q Env<'q>,
        walk: &mut Walk<'q>,
    ) -> Vec<usize> {
        let occ = match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                self.saw_relation(name);
                if args.is_some() {
                    walk.factors.push(factor);
                    self.check_function_name(name, walk);
                    opaque(
                        name_of(alias).unwrap_or_else(|| last_name(name)),
                        alias,
                        factor.span(),
                    )
                } else {
                    self.table_occ(name, alias, factor.span(), env, walk)
                }
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => Occ {
                name: name_of(alias).unwrap_or_default(),
                alias: name_of(alias),
                span: factor.span(),
                nullable: false,
                kind: OccKind::Derived {
                    query: subquery,
                    lateral: *lateral,
                    cte: None,
                    out: None,
                    assumed: Vec::new(),
                    renamed: alias.as_ref().is_some_and(|a| !a.columns.is_empty()),
                },
                cols: match alias.as_ref().filter(|a| !a.columns.is_empty()) {
                    Some(a) => Cols::Known(
                        a.columns
                            .iter()
                            .map(|c| crate::schema::lower(&c.name.value))
                            .collect::<Vec<_>>()
                            .into(),
                    ),
                    None => Cols::Partial(Rc::from([])),
                },
                proven: BTreeMap::new(),
                access: "read",
            },
            TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => return self.walk_joins(table_with_joins, env, walk),
            TableFactor::Function { name, alias, .. } => {
                walk.factors.push(factor);
                self.check_function_name(name, walk);
                opaque(
                    name_of(alias).unwrap_or_else(|| last_name(name)),
                    alias,
                    factor.span(),
                )
            }
            TableFactor::TableFunction { alias, .. }
            | TableFactor::UNNEST { alias, .. }
            | TableFactor::JsonTable { alias, .. } => {
                walk.factors.push(factor);
                opaque(name_of(alias).unwrap_or_default(), alias, factor.span())
            }
            other => {
                walk.problems
                    .push(self.unsupported("this kind of table expression", other.span()));
                return Vec::new();
            }
        };
        walk.occs.push(occ);
        vec![walk.occs.len() - 1]
    }

    /// A call to a function the migrations define: its body can read any table.
    pub(crate) fn check_function_name(&self, name: &ObjectName, walk: &mut Walk<'_>) {
        if let Some(d) = self.opaque_function(&last_name(name), name.span()) {
            walk.problems.push(d);
        }
    }

    /// A diagnostic when `name` is a function defined in the migrations.
    pub(crate) fn opaque_function(&self, name: &str, span: Span) -> Option<Diagnostic> {
        let schema = self.config.schema.as_ref()?;
        // A function declared pure in scopes.toml `[functions]` is checked like a built-in.
        if self.all_exempt()
            || !schema.functions.contains(name)
            || self.config.pure_functions.contains_key(name)
        {
            return None;
        }
        Some(
            Diagnostic::new(
                Code::OpaqueFunction,
                format!("`{name}` is a function defined in the migrations; its body can read or write any tenant's rows, so the statement cannot be proven scoped"),
                self.range(span),
            )
            .label("opaque function")
            .help(format!("inline the function's SQL into the query; or, if it reads no table, declare it in scopes.toml: `[functions] {name} = {{ pure = true, reason = \"...\" }}`; or mark the query `unscoped` after reviewing the function")),
        )
    }

    fn table_occ<'q>(
        &mut self,
        name: &ObjectName,
        alias: &Option<TableAlias>,
        span: Span,
        env: &'q Env<'q>,
        walk: &mut Walk<'q>,
    ) -> Occ<'q> {
        let table = last_name(name);
        let occ_name = name_of(alias).unwrap_or_else(|| table.clone());
        let mut occ = opaque(occ_name, alias, span);
        if name.0.len() == 1 {
            if let Some((cte, cte_env)) = env.cte(&table) {
                cte.referenced.set(true);
                occ.cols = if cte.columns.is_empty() {
                    Cols::Partial(Rc::from([]))
                } else {
                    Cols::Known(cte.columns.clone().into())
                };
                occ.kind = match &cte.assumed {
                    Some(cols) => OccKind::Given(cols.clone()),
                    None => OccKind::Derived {
                        query: cte.query,
                        lateral: false,
                        cte: Some((cte, cte_env)),
                        out: None,
                        assumed: Vec::new(),
                        renamed: !cte.columns.is_empty(),
                    },
                };
                return occ;
            }
        }
        let qualifier = name
            .0
            .iter()
            .rev()
            .nth(1)
            .and_then(|p| p.as_ident())
            .map(|i| crate::schema::lower(&i.value));
        if SYSTEM_TABLES.contains(&table.as_str())
            || qualifier
                .as_deref()
                .is_some_and(|q| SYSTEM_SCHEMAS.contains(&q))
        {
            return occ;
        }
        let schema = self.config.schema.as_ref();
        let schema_cols = self.schema_columns(&table);
        if let Some(scope) = self.config.table_scope_shared(&table) {
            occ.cols = match schema_cols {
                Some(cols) => Cols::Known(cols),
                None => Cols::Partial(scope_columns(scope).into()),
            };
            let scope = scope.clone();
            occ.kind = OccKind::Table {
                table: table.as_str().into(),
                scope: Some(scope),
                reach: self.reach(&table),
            };
            return occ;
        }
        match schema {
            Some(s) if s.table(&table).is_some() => {
                occ.cols = Cols::Known(schema_cols.unwrap_or_else(|| Rc::from([])));
            }
            Some(s) if s.view(&table).is_some() => {
                let dims = self.view_dimensions(&table, 0);
                let checked: Vec<&String> = dims.iter().filter(|d| self.checks(d)).collect();
                if !checked.is_empty() {
                    walk.problems.push(
                        Diagnostic::new(
                            Code::UnscopedView,
                            format!(
                                "`{table}` is a view over tables scoped on {}, and the view itself is not listed in [tables]",
                                quote_list(&checked)
                            ),
                            self.range(span),
                        )
                        .label("unscoped view")
                        .help(format!("list `{table}` in scopes.toml [tables] with its scope column, or query the underlying tables")),
                    );
                }
                occ.cols = match schema_cols {
                    Some(c) => Cols::Known(c),
                    None => Cols::Partial(Rc::from([])),
                };
            }
            Some(_) if !self.all_exempt() => {
                walk.problems.push(
                    Diagnostic::new(
                        Code::UnknownTable,
                        format!("`{table}` is not a table or view of the schema (migrations), so its scoping is unknown"),
                        self.range(span),
                    )
                    .label("unknown table")
                    .help("create it in a migration (and list it in scopes.toml [tables] if it holds tenant rows), or fix the name"),
                );
            }
            _ => {}
        }
        occ.kind = OccKind::Table {
            table: table.as_str().into(),
            scope: None,
            reach: Rc::from([]),
        };
        occ
    }

    /// Dimensions of the scoped tables a view reads, transitively.
    fn view_dimensions(&self, view: &str, depth: usize) -> Vec<String> {
        let mut dims = Vec::new();
        let Some(def) = self.config.schema.as_ref().and_then(|s| s.view(view)) else {
            return dims;
        };
        if depth > 16 {
            return self.config.dimensions.keys().cloned().collect();
        }
        for read in &def.reads {
            if let Some(scope) = self.config.table_scope(read) {
                dims.extend(scope.rules.keys().cloned());
            } else {
                dims.extend(self.view_dimensions(read, depth + 1));
            }
        }
        dims.sort();
        dims.dedup();
        dims
    }
}

/// The columns a scope rule names (known to exist even without a schema).
fn scope_columns(scope: &TableScope) -> Vec<String> {
    scope
        .rules
        .values()
        .map(|r| match r {
            ScopeRule::Column(c) => c.clone(),
            ScopeRule::ForeignKey { column, .. } => column.clone(),
        })
        .collect()
}

fn opaque<'q>(name: String, alias: &Option<TableAlias>, span: Span) -> Occ<'q> {
    Occ {
        name,
        alias: name_of(alias),
        span,
        nullable: false,
        kind: OccKind::Opaque,
        cols: Cols::Partial(Rc::from([])),
        proven: BTreeMap::new(),
        access: "read",
    }
}

/// The lowercase alias name.
pub(crate) fn name_of(alias: &Option<TableAlias>) -> Option<String> {
    alias.as_ref().map(|a| crate::schema::lower(&a.name.value))
}

/// The lowercase last part of an object name.
pub(crate) fn last_name(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| normalize_name(&i.value))
        .unwrap_or_default()
}

fn side_columns(walk: &Walk<'_>, side: &[usize]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for &i in side {
        let cols = &walk.occs.get(i)?.cols;
        if !cols.is_known() {
            return None;
        }
        out.extend(cols.names().iter().cloned());
    }
    Some(out)
}

fn side_find(walk: &Walk<'_>, side: &[usize], col: &str) -> Option<usize> {
    let ns = Namespace {
        entries: side
            .iter()
            .filter_map(|&i| walk.occs.get(i).map(|o| (o.name.clone(), o.cols.clone())))
            .collect(),
        using: Vec::new(),
    };
    match ns.find(&[col.to_string()]) {
        Found::Occurrence(k) => side.get(k).copied(),
        _ => None,
    }
}

fn quote_list(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
