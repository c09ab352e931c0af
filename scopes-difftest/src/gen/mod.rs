//! Random SQL over the example schema, biased toward near misses of a correct scope filter.
//!
//! Every statement is either meant to be scoped, or carries exactly one deliberate near miss
//! (OR around the filter, wrong alias or dimension, filter only in an outer join's ON, ...).
//! What the generator means does not matter to the verdict: the oracle decides by executing.

mod derived;
mod select;
mod write;

use crate::model::{self, SiteRule, Table, Ty};
use crate::rng::Rng;

/// One generated statement.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The SQL, with `:site` / `:user` placeholders.
    pub sql: String,
    /// Whether it writes (the oracle then compares table snapshots).
    pub write: bool,
    /// Whether a deliberate near miss was put in.
    pub near_miss: bool,
}

/// The SQL flavour to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// SQLite (INSERT OR REPLACE, REPLACE, OR IGNORE allowed).
    Sqlite,
    /// PostgreSQL (strict types).
    Postgres,
}

/// Generates the statement for one seed. The same seed and flavour give the same SQL.
pub fn generate(seed: u64, flavor: Flavor) -> Generated {
    let mut g = Gen::new(seed, flavor);
    let (sql, write) = match g.rng.weighted(&[55, 15, 10, 20]) {
        0 => (g.select_stmt(), false),
        1 => (g.update_stmt(), true),
        2 => (g.delete_stmt(), true),
        _ => (g.insert_stmt(), true),
    };
    Generated {
        sql,
        write,
        near_miss: g.used_miss,
    }
}

/// A relation visible in a FROM clause: a table occurrence, a derived table or a CTE.
#[derive(Debug, Clone)]
pub(crate) struct Src {
    pub alias: String,
    pub table: Option<&'static Table>,
    pub cols: Vec<(String, Ty)>,
}

impl Src {
    fn of(table: &'static Table, alias: String) -> Src {
        let cols = table
            .cols
            .iter()
            .map(|(c, t)| (c.to_string(), *t))
            .collect();
        Src {
            alias,
            table: Some(table),
            cols,
        }
    }

    fn col(&self, name: &str) -> String {
        format!("{}.{name}", self.alias)
    }

    fn cols_of(&self, ty: Ty) -> Vec<String> {
        self.cols
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(c, _)| self.col(c))
            .collect()
    }
}

pub(crate) struct Gen {
    pub rng: Rng,
    pub flavor: Flavor,
    /// A near miss may still be put in (at most one per statement).
    miss_left: bool,
    used_miss: bool,
    next_alias: u32,
    depth: u32,
}

impl Gen {
    fn new(seed: u64, flavor: Flavor) -> Gen {
        let mut rng = Rng::new(seed);
        let miss_left = rng.chance(45);
        Gen {
            rng,
            flavor,
            miss_left,
            used_miss: false,
            next_alias: 0,
            depth: 0,
        }
    }

    /// Whether to put the near miss here (consumes the statement's one near miss).
    fn mutate(&mut self) -> bool {
        if self.miss_left && self.rng.chance(25) {
            self.miss_left = false;
            self.used_miss = true;
            true
        } else {
            false
        }
    }

    fn alias(&mut self, prefix: &str) -> String {
        self.next_alias += 1;
        format!("{prefix}{}", self.next_alias)
    }

    /// A scoped-ish table, weighted toward the interesting ones.
    fn pick_table(&mut self) -> &'static Table {
        let names = [
            "posts",
            "comments",
            "sites",
            "post_tags",
            "bookmarks",
            "comment_groups",
            "comment_group_members",
            "notes",
            "users",
            "tags",
        ];
        let i = self.rng.weighted(&[26, 16, 6, 7, 9, 7, 7, 9, 4, 3]);
        model::table(names[i])
    }

    /// `col = :dim` in one of its accepted spellings, or (near miss) something that looks close.
    fn eq(&mut self, col: &str, dim: &str) -> String {
        let other = if dim == "site" { "user" } else { "site" };
        if self.mutate() {
            return match self.rng.below(9) {
                0 => format!("{col} = :{other}"),
                1 => format!("{col} <> :{dim}"),
                2 => format!("{col} >= :{dim}"),
                3 => format!("{col} = {}", 1 + self.rng.below(3)),
                4 => format!("({col} = :{dim} OR {col} IS NULL)"),
                5 => format!("({col} = :{dim} OR {col} > 0)"),
                6 => format!("{col} = :{dim} + 1"),
                7 => format!("NOT ({col} <> :{dim})"),
                _ => format!("CASE WHEN {col} > 1 THEN {col} = :{dim} ELSE {col} > 0 END"),
            };
        }
        match self.rng.weighted(&[60, 12, 12, 8, 8]) {
            0 => format!("{col} = :{dim}"),
            1 => format!(":{dim} = {col}"),
            2 => format!("{col} IN (:{dim})"),
            // A cast to the dimension's own type (i64), and near misses to other types.
            3 => {
                let ty = match (self.flavor, self.rng.below(4)) {
                    (Flavor::Postgres, 0) => "bigint",
                    (Flavor::Postgres, 1) => "int8",
                    (Flavor::Postgres, 2) => "integer",
                    (Flavor::Postgres, _) => "text",
                    (_, 0 | 1) => "INTEGER",
                    (_, 2) => "REAL",
                    _ => "TEXT",
                };
                if self.rng.chance(50) {
                    format!("{col} = CAST(:{dim} AS {ty})")
                } else if self.flavor == Flavor::Postgres {
                    format!("{col} = :{dim}::{ty}")
                } else {
                    format!("CAST(:{dim} AS {ty}) = {col}")
                }
            }
            _ => format!("({col} = :{dim})"),
        }
    }

    /// The conjuncts that scope occurrence `a` of table `t`. `visible`: occurrences it may
    /// link to (same FROM, or an outer query for a correlated subquery), assumed scoped.
    fn scope(&mut self, a: &Src, t: &'static Table, visible: &[Src]) -> Vec<String> {
        let mut out = Vec::new();
        match t.site {
            SiteRule::Global => {}
            SiteRule::Column(c) => {
                if self.mutate() {
                    match self.rng.below(4) {
                        0 => {} // no filter at all
                        1 => out.push(format!(
                            "EXISTS (SELECT 1 FROM sites {0} WHERE {0}.id = :site)",
                            self.alias("u")
                        )),
                        2 => {
                            // wrong alias: another occurrence's column
                            if let Some(v) = visible.iter().find(|v| {
                                v.alias != a.alias && v.cols.iter().any(|(n, _)| n == "site_id")
                            }) {
                                out.push(format!("{} = :site", v.col("site_id")));
                            }
                        }
                        // the wrong column of the right occurrence
                        _ if c == "id" => out.push(format!("length({}) = :site", a.col("name"))),
                        _ => out.push(format!("{} = :site", a.col("id"))),
                    }
                } else {
                    out.push(self.eq(&a.col(c), "site"));
                }
            }
            SiteRule::Fk(c, parent, pcol) => out.extend(self.fk_scope(a, c, parent, pcol, visible)),
        }
        if let Some(u) = t.user {
            if self.mutate() {
                if self.rng.chance(50) {
                    out.push(format!("{} = :site", a.col(u)));
                }
            } else {
                out.push(self.eq(&a.col(u), "user"));
            }
        }
        out
    }

    /// Scoping through the foreign key `a.c -> parent.pcol`.
    fn fk_scope(
        &mut self,
        a: &Src,
        c: &str,
        parent: &str,
        pcol: &str,
        visible: &[Src],
    ) -> Vec<String> {
        let ptable = model::table(parent);
        let linkable: Vec<Src> = visible
            .iter()
            .filter(|v| v.table.is_some_and(|t| t.name == parent))
            .cloned()
            .collect();
        if self.mutate() {
            let x = self.alias("x");
            let xs = Src::of(ptable, x.clone());
            return match self.rng.below(4) {
                0 => vec![],
                1 => vec![format!(
                    "{} IN (SELECT {x}.{pcol} FROM {parent} {x})",
                    a.col(c)
                )],
                2 => {
                    let inner = self.scope(&xs, ptable, &[]).join(" AND ");
                    let inner = if inner.is_empty() {
                        "1 = 1".to_string()
                    } else {
                        inner
                    };
                    vec![format!("EXISTS (SELECT 1 FROM {parent} {x} WHERE {inner})")]
                }
                _ => match linkable.first() {
                    Some(p) if a.cols.iter().any(|(n, _)| n == "author_id") => {
                        vec![format!("{} = {}", a.col("author_id"), p.col("author_id"))]
                    }
                    // linked to the wrong column of the parent
                    Some(p) => vec![format!(
                        "{} = {}",
                        a.col(c),
                        p.col(if parent == "posts" {
                            "author_id"
                        } else {
                            "site_id"
                        })
                    )],
                    None => vec![],
                },
            };
        }
        let choice = if linkable.is_empty() {
            1 + self.rng.below(2)
        } else {
            self.rng.weighted(&[45, 30, 25])
        };
        match choice {
            0 => {
                let p = self.rng.pick(&linkable).clone();
                if self.rng.chance(70) {
                    vec![format!("{} = {}", a.col(c), p.col(pcol))]
                } else {
                    vec![format!("{} = {}", p.col(pcol), a.col(c))]
                }
            }
            1 => {
                let x = self.alias("x");
                let xs = Src::of(ptable, x.clone());
                let inner = self.scope(&xs, ptable, &[]);
                vec![format!(
                    "{} IN (SELECT {x}.{pcol} FROM {parent} {x}{})",
                    a.col(c),
                    where_clause(&inner)
                )]
            }
            _ => {
                let x = self.alias("x");
                let xs = Src::of(ptable, x.clone());
                let mut inner = vec![format!("{x}.{pcol} = {}", a.col(c))];
                inner.extend(self.scope(&xs, ptable, &[]));
                vec![format!(
                    "EXISTS (SELECT 1 FROM {parent} {x}{})",
                    where_clause(&inner)
                )]
            }
        }
    }

    /// A harmless, type-correct predicate on one of `a`'s columns.
    fn noise(&mut self, a: &Src) -> String {
        let ty = *self.rng.pick(&[Ty::Int, Ty::Int, Ty::Text, Ty::Bool]);
        let cols = a.cols_of(ty);
        if cols.is_empty() {
            return "1 = 1".to_string();
        }
        let c = self.rng.pick(&cols).clone();
        let n = 1 + self.rng.below(12);
        match ty {
            Ty::Int => match self.rng.below(5) {
                0 => format!("{c} > {n}"),
                1 => format!("{c} <> {n}"),
                2 => format!("{c} IS NOT NULL"),
                3 => format!("{c} IN ({n}, {}, 3)", n + 1),
                _ => format!("{c} BETWEEN 2 AND {}", n + 2),
            },
            Ty::Text => match self.rng.below(3) {
                0 => format!("{c} LIKE '%{}%'", n % 10),
                1 => format!("{c} <> 'post{n}'"),
                _ => format!("{c} IS NOT NULL"),
            },
            Ty::Bool => {
                if self.rng.chance(50) {
                    c
                } else {
                    format!("NOT {c}")
                }
            }
        }
    }

    /// Joins conjuncts into a WHERE clause; the near miss here is an OR around the filter.
    fn where_with_or(&mut self, conds: &[String], srcs: &[Src]) -> String {
        if !conds.is_empty() && self.mutate() {
            let src = self.rng.pick(srcs).clone();
            let n = self.noise(&src);
            return match self.rng.below(3) {
                0 => format!(" WHERE ({}) OR {n}", conds.join(" AND ")),
                1 => format!(" WHERE {} OR {n}", conds.join(" AND ")),
                _ => format!(" WHERE {n} OR {}", conds.join(" AND ")),
            };
        }
        // Every OR branch carries every filter (accepted), or (near miss) one branch lacks them.
        if !conds.is_empty() && !srcs.is_empty() && self.rng.chance(10) {
            let src = self.rng.pick(srcs).clone();
            let (a, b) = (self.noise(&src), self.noise(&src));
            let all = conds.join(" AND ");
            return if self.mutate() {
                format!(" WHERE ({all} AND {a}) OR ({b})")
            } else {
                format!(" WHERE ({all} AND {a}) OR ({all} AND {b})")
            };
        }
        where_clause(conds)
    }
}

/// ` WHERE a AND b`, or nothing.
pub(crate) fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}
