//! SELECT: joins of every kind, derived tables, CTEs (recursive too), subqueries, set
//! operations, aggregates, windows, ORDER BY / LIMIT.

use super::{where_clause, Gen, Src};
use crate::model::{self, SiteRule, Ty, EDGES};

/// A FROM clause under construction.
struct From {
    sql: String,
    srcs: Vec<Src>,
    wheres: Vec<String>,
}

impl Gen {
    /// A whole SELECT statement, maybe with a WITH prefix or as a set operation.
    pub(crate) fn select_stmt(&mut self) -> String {
        let mut with = Vec::new();
        let mut ctes = Vec::new();
        let recursive = self.rng.chance(6);
        if recursive {
            let (def, src) = self.recursive_cte();
            with.push(def);
            ctes.push(src);
        } else if self.rng.chance(15) {
            let name = self.alias("w");
            let (body, cols, conds) = self.derived_body();
            with.push(format!("{name} AS ({body})"));
            ctes.push((
                Src {
                    alias: name,
                    table: None,
                    cols,
                },
                conds,
            ));
        }
        let body = if self.rng.chance(12) {
            let op = *self
                .rng
                .pick(&["UNION", "UNION ALL", "INTERSECT", "EXCEPT"]);
            let shape = [Ty::Int, Ty::Text];
            let a = self.select(&[], &ctes, Some(&shape));
            let b = self.select(&[], &ctes, Some(&shape));
            let tail = if self.rng.chance(30) {
                format!(" ORDER BY 1, 2 LIMIT {}", 1 + self.rng.below(5))
            } else {
                String::new()
            };
            format!("{a} {op} {b}{tail}")
        } else {
            self.select(&[], &ctes, None)
        };
        if with.is_empty() {
            body
        } else {
            format!(
                "WITH {}{} {body}",
                if recursive { "RECURSIVE " } else { "" },
                with.join(", ")
            )
        }
    }

    /// One SELECT (no WITH). `outer`: occurrences of enclosing queries; `ctes`: usable CTEs;
    /// `shape`: the output column types a set operation needs.
    pub(crate) fn select(
        &mut self,
        outer: &[Src],
        ctes: &[(Src, Vec<String>)],
        shape: Option<&[Ty]>,
    ) -> String {
        self.depth += 1;
        let mut from = self.build_from(outer, ctes);
        let visible: Vec<Src> = from.srcs.iter().chain(outer).cloned().collect();
        for _ in 0..self.rng.weighted(&[50, 35, 15]) {
            let s = self.rng.pick(&from.srcs).clone();
            let n = self.noise(&s);
            from.wheres.push(n);
        }
        if self.depth < 3 && self.rng.chance(20) {
            let p = self.subquery_predicate(&visible);
            from.wheres.push(p);
        }
        let mut group = String::new();
        let items: Vec<String> = if let Some(shape) = shape {
            shape
                .iter()
                .map(|ty| self.item_of(&from.srcs, *ty))
                .collect()
        } else {
            match self.rng.weighted(&[60, 25, 15]) {
                0 => {
                    let mut items: Vec<String> = (0..1 + self.rng.below(3))
                        .map(|_| self.any_item(&from.srcs))
                        .collect();
                    if self.depth < 3 && self.rng.chance(15) {
                        items.push(self.scalar_subquery(&visible));
                    }
                    items
                }
                1 => {
                    let s = self.rng.pick(&from.srcs).clone();
                    let (k, _) = self.rng.pick(&s.cols).clone();
                    let key = s.col(&k);
                    group = format!(" GROUP BY {key}");
                    if self.rng.chance(30) {
                        group.push_str(" HAVING count(*) > 0");
                    }
                    let mut items = vec![key, "count(*)".to_string()];
                    let ints = s.cols_of(Ty::Int);
                    if !ints.is_empty() {
                        let c = self.rng.pick(&ints).clone();
                        items.push(format!("{}({c})", self.rng.pick(&["max", "min", "sum"])));
                    }
                    items
                }
                _ => {
                    let s = self.rng.pick(&from.srcs).clone();
                    let (k, _) = self.rng.pick(&s.cols).clone();
                    let mut items = vec![self.any_item(&from.srcs)];
                    let ints = s.cols_of(Ty::Int);
                    let w = match (self.rng.below(3), ints.first()) {
                        (0, Some(i)) => {
                            format!("sum({i}) OVER (PARTITION BY {} ORDER BY {i})", s.col(&k))
                        }
                        (1, _) => format!("rank() OVER (ORDER BY {})", s.col(&k)),
                        _ => format!("count(*) OVER (PARTITION BY {})", s.col(&k)),
                    };
                    items.push(w);
                    items
                }
            }
        };
        let items: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{e} AS o{i}"))
            .collect();
        let distinct = if self.rng.chance(12) { "DISTINCT " } else { "" };
        let wh = self.where_with_or(&from.wheres, &from.srcs);
        let tail = if shape.is_none() && self.rng.chance(25) {
            let offset = if self.rng.chance(30) { " OFFSET 1" } else { "" };
            format!(
                " ORDER BY {} LIMIT {}{offset}",
                positions(items.len()),
                1 + self.rng.below(6)
            )
        } else {
            String::new()
        };
        self.depth -= 1;
        format!(
            "SELECT {distinct}{} FROM {}{wh}{group}{tail}",
            items.join(", "),
            from.sql
        )
    }

    fn item_of(&mut self, srcs: &[Src], ty: Ty) -> String {
        let cols: Vec<String> = srcs.iter().flat_map(|s| s.cols_of(ty)).collect();
        if cols.is_empty() {
            return if ty == Ty::Int {
                "1".into()
            } else {
                "'x'".into()
            };
        }
        self.rng.pick(&cols).clone()
    }

    fn any_item(&mut self, srcs: &[Src]) -> String {
        let s = self.rng.pick(srcs);
        let (c, _) = self.rng.pick(&s.cols);
        s.col(c)
    }

    /// `(SELECT count(*) | max(..) FROM t y WHERE <scope y, maybe correlated>)`.
    fn scalar_subquery(&mut self, visible: &[Src]) -> String {
        let t = self.pick_table();
        let y = Src::of(t, self.alias("y"));
        let conds = self.scope(&y, t, visible);
        let agg = if self.rng.chance(50) {
            "count(*)".to_string()
        } else {
            format!("max({})", y.col(t.cols[0].0))
        };
        format!(
            "(SELECT {agg} FROM {} {}{})",
            t.name,
            y.alias,
            where_clause(&conds)
        )
    }

    /// `IN (SELECT ...)`, `EXISTS (...)` or `NOT EXISTS (...)` over a scoped subquery.
    fn subquery_predicate(&mut self, visible: &[Src]) -> String {
        let t = self.pick_table();
        let y = Src::of(t, self.alias("y"));
        let mut conds = self.scope(&y, t, visible);
        if self.rng.chance(40) {
            conds.push(self.noise(&y));
        }
        let posts_ref = visible
            .iter()
            .find(|v| v.table.is_some_and(|t| t.name == "posts"))
            .cloned();
        match (self.rng.below(3), posts_ref, t.site) {
            (0, Some(p), SiteRule::Fk(c, "posts", _)) => {
                format!(
                    "{} IN (SELECT {} FROM {} {}{})",
                    p.col("id"),
                    y.col(c),
                    t.name,
                    y.alias,
                    where_clause(&conds)
                )
            }
            (1, _, _) => format!(
                "NOT EXISTS (SELECT 1 FROM {} {}{})",
                t.name,
                y.alias,
                where_clause(&conds)
            ),
            _ => format!(
                "EXISTS (SELECT 1 FROM {} {}{})",
                t.name,
                y.alias,
                where_clause(&conds)
            ),
        }
    }

    /// A FROM clause: a base relation and up to two joins along foreign keys.
    fn build_from(&mut self, outer: &[Src], ctes: &[(Src, Vec<String>)]) -> From {
        let mut from = From {
            sql: String::new(),
            srcs: Vec::new(),
            wheres: Vec::new(),
        };
        let base = self.rng.weighted(&[
            70,
            if self.depth < 2 { 15 } else { 0 },
            if ctes.is_empty() { 0 } else { 25 },
        ]);
        if base == 0 {
            let t = self.pick_table();
            let a = Src::of(t, self.alias(&t.name[..1]));
            from.wheres = self.scope(&a, t, outer);
            from.sql = format!("{} {}", t.name, a.alias);
            from.srcs.push(a);
        } else {
            let (alias, cols, conds, sql) = if base == 1 {
                let alias = self.alias("d");
                let (body, cols, conds) = self.derived_body();
                let sql = format!("({body}) AS {alias}");
                (alias, cols, conds, sql)
            } else {
                let (cte, conds) = self.rng.pick(ctes).clone();
                let alias = self.alias("k");
                let sql = format!("{} AS {alias}", cte.alias);
                (alias, cte.cols, conds, sql)
            };
            from.wheres = conds.iter().map(|c| c.replace("{a}", &alias)).collect();
            from.sql = sql;
            from.srcs.push(Src {
                alias,
                table: None,
                cols,
            });
        }
        for _ in 0..self.rng.weighted(&[35, 40, 25]) {
            self.join(&mut from, outer);
        }
        if self.rng.chance(15) {
            self.unused_left_join(&mut from);
        }
        from
    }

    /// `LEFT JOIN t z ON z.id = <int column>` with `z` used nowhere: needs no scope (issue 11).
    /// Near misses: the ON on a column that is no key, an inner join, or `z` used after all.
    fn unused_left_join(&mut self, from: &mut From) {
        let anchors: Vec<String> = from.srcs.iter().flat_map(|s| s.cols_of(Ty::Int)).collect();
        if anchors.is_empty() {
            return;
        }
        let candidates: Vec<&'static model::Table> =
            model::scoped_tables().filter(|t| t.has_id).collect();
        let t = *self.rng.pick(&candidates);
        let z = Src::of(t, self.alias("z"));
        let anchor = self.rng.pick(&anchors).clone();
        let (join, column, used) = match self.rng.weighted(&[60, 15, 10, 15]) {
            0 => ("LEFT JOIN", "id".to_string(), false),
            1 => {
                let ints: Vec<&str> = t
                    .cols_of(Ty::Int)
                    .into_iter()
                    .filter(|c| *c != "id")
                    .collect();
                if ints.is_empty() {
                    ("LEFT JOIN", "id".to_string(), true)
                } else {
                    ("LEFT JOIN", (*self.rng.pick(&ints)).to_string(), false)
                }
            }
            2 => ("JOIN", "id".to_string(), false),
            _ => ("LEFT JOIN", "id".to_string(), true),
        };
        from.sql = format!(
            "{} {join} {} {} ON {} = {anchor}",
            from.sql,
            t.name,
            z.alias,
            z.col(&column)
        );
        if used {
            from.srcs.push(z);
        }
    }

    /// Joins a table related by a foreign key to one already in `from`.
    fn join(&mut self, from: &mut From, outer: &[Src]) {
        let anchors: Vec<Src> = from
            .srcs
            .iter()
            .filter(|s| s.table.is_some())
            .cloned()
            .collect();
        if anchors.is_empty() {
            return;
        }
        let e = self.rng.pick(&anchors).clone();
        let Some(et) = e.table else { return };
        let edges: Vec<_> = EDGES
            .iter()
            .filter(|(c, _, p, _)| *c == et.name || *p == et.name)
            .collect();
        if edges.is_empty() {
            return;
        }
        let (child, ccol, parent, pcol) = **self.rng.pick(&edges);
        let (nt, link_n, link_e) = if child == et.name {
            (model::table(parent), pcol, ccol)
        } else {
            (model::table(child), ccol, pcol)
        };
        let n = Src::of(nt, self.alias(&nt.name[..1]));
        let mut link = format!("{} = {}", n.col(link_n), e.col(link_e));
        // missing FK link: joined on something that is not the foreign key
        if self.mutate() {
            link = if nt.has_id && et.has_id {
                format!("{} = {}", n.col("id"), e.col("id"))
            } else {
                "1 = 1".into()
            };
        }
        let kind = self.rng.weighted(&[40, 30, 8, 5, 7]);
        // The link scopes a foreign-key child joined to its parent unless the child is preserved.
        let link_scopes = matches!(nt.site, SiteRule::Fk(c, p, _) if c == link_n && p == et.name);
        let visible: Vec<Src> = from.srcs.iter().chain(outer).cloned().collect();
        let conds = match (kind, link_scopes) {
            (0 | 1 | 4, true) => self.scope_user_only(&n, nt),
            (2 | 3, _) => self.scope(&n, nt, outer),
            _ => self.scope(&n, nt, &visible),
        };
        let name = format!("{} {}", nt.name, n.alias);
        match kind {
            0 => {
                let (on, wh): (Vec<String>, Vec<String>) = if self.rng.chance(50) {
                    (conds, vec![])
                } else {
                    (vec![], conds)
                };
                from.sql = format!(
                    "{} JOIN {name} ON {}",
                    from.sql,
                    std::iter::once(link)
                        .chain(on)
                        .collect::<Vec<_>>()
                        .join(" AND ")
                );
                from.wheres.extend(wh);
            }
            1 => {
                let mut on = vec![link];
                if self.rng.chance(70) {
                    on.extend(conds);
                } else {
                    from.wheres.extend(conds);
                }
                // filter of the preserved side only in the outer join's ON
                if !from.wheres.is_empty() && self.mutate() {
                    on.append(&mut from.wheres);
                }
                from.sql = format!("{} LEFT JOIN {name} ON {}", from.sql, on.join(" AND "));
            }
            2 | 3 => {
                let kw = if kind == 2 { "RIGHT" } else { "FULL" };
                from.sql = format!("{} {kw} JOIN {name} ON {link}", from.sql);
                from.wheres.extend(conds);
            }
            _ => {
                from.sql = format!("{} CROSS JOIN {name}", from.sql);
                from.wheres.push(link);
                from.wheres.extend(conds);
            }
        }
        from.srcs.push(n);
    }

    /// Only the `user` dimension's conjunct (the site is proven by a foreign-key link).
    fn scope_user_only(&mut self, a: &Src, t: &'static model::Table) -> Vec<String> {
        match t.user {
            Some(u) if self.mutate() => {
                if self.rng.chance(50) {
                    vec![format!("{} = :site", a.col(u))]
                } else {
                    vec![]
                }
            }
            Some(u) => vec![self.eq(&a.col(u), "user")],
            None => vec![],
        }
    }
}

/// `1, 2, ..., n`: ORDER BY every output column, so LIMIT picks the same rows on every copy.
pub(super) fn positions(n: usize) -> String {
    (1..=n)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
