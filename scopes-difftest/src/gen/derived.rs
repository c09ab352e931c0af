//! Derived tables and CTEs: scoped inside, or filtered where used (only valid when nothing
//! inside looks across tenants first), and recursive CTEs.

use super::select::positions;
use super::{where_clause, Gen, Src};
use crate::model::{self, SiteRule, Ty};

impl Gen {
    /// A recursive CTE: a harmless counter, or a walk over comments whose recursive member
    /// must be scoped too.
    pub(super) fn recursive_cte(&mut self) -> (String, (Src, Vec<String>)) {
        let name = self.alias("r");
        if self.rng.chance(40) {
            let src = Src {
                alias: name.clone(),
                table: None,
                cols: vec![("n".into(), Ty::Int)],
            };
            return (
                format!("{name}(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM {name} WHERE n < 3)"),
                (src, vec![]),
            );
        }
        let comments = model::table("comments");
        let c = Src::of(comments, self.alias("c"));
        let anchor = self.scope(&c, comments, &[]);
        let c2 = Src::of(comments, self.alias("c"));
        let mut rec = vec![format!("{name}.depth < 2")];
        rec.extend(self.scope(&c2, comments, &[]));
        // +12 reaches a comment on the same post; +1 (the near miss) one of another site.
        let step = if self.mutate() { 1 } else { 12 };
        let def = format!(
            "{name}(id, post_id, depth) AS (SELECT {0}.id, {0}.post_id, 0 FROM comments {0}{1} UNION ALL SELECT {2}.id, {2}.post_id, {name}.depth + 1 FROM comments {2} JOIN {name} ON {2}.id = {name}.id + {step}{3})",
            c.alias,
            where_clause(&anchor),
            c2.alias,
            where_clause(&rec)
        );
        let cols = vec![
            ("id".into(), Ty::Int),
            ("post_id".into(), Ty::Int),
            ("depth".into(), Ty::Int),
        ];
        (
            def,
            (
                Src {
                    alias: name,
                    table: None,
                    cols,
                },
                vec![],
            ),
        )
    }

    /// The body of a derived table or CTE: scoped inside, or exposing its scope columns for a
    /// filter applied outside (valid only when nothing looks across tenants before it).
    /// Returns the SQL, the output columns, and conjunct templates (`{a}` = the alias) that
    /// must be applied where it is used.
    pub(super) fn derived_body(&mut self) -> (String, Vec<(String, Ty)>, Vec<String>) {
        let name = *self.rng.pick(&[
            "posts",
            "posts",
            "comments",
            "notes",
            "comment_groups",
            "sites",
        ]);
        let t = model::table(name);
        let x = Src::of(t, self.alias("x"));
        let cols: Vec<(String, Ty)> = t
            .cols
            .iter()
            .take(4)
            .map(|(c, ty)| (c.to_string(), *ty))
            .collect();
        let list = cols
            .iter()
            .map(|(c, _)| x.col(c))
            .collect::<Vec<_>>()
            .join(", ");
        if self.depth < 2 && self.rng.chance(50) {
            // scoped inside
            let conds = self.scope(&x, t, &[]);
            let tail = if self.rng.chance(25) {
                format!(" ORDER BY {} LIMIT 2", positions(cols.len()))
            } else {
                String::new()
            };
            return (
                format!(
                    "SELECT {list} FROM {name} {}{}{tail}",
                    x.alias,
                    where_clause(&conds)
                ),
                cols,
                vec![],
            );
        }
        // filtered outside ("pushed"): the scope columns must be among the first four columns
        let mut outer = Vec::new();
        match t.site {
            SiteRule::Column(c) => outer.push(format!("{{a}}.{c} = :site")),
            SiteRule::Fk(c, parent, pcol) => outer.push(format!(
                "{{a}}.{c} IN (SELECT z.{pcol} FROM {parent} z WHERE z.site_id = :site)"
            )),
            SiteRule::Global => {}
        }
        if let Some(u) = t.user {
            outer.push(format!("{{a}}.{u} = :user"));
        }
        let scope_col = match t.site {
            SiteRule::Column(c) | SiteRule::Fk(c, _, _) => c,
            SiteRule::Global => "id",
        };
        if self.mutate() {
            // look across tenants before the filter
            let other = cols
                .iter()
                .map(|(c, _)| c.as_str())
                .find(|c| *c != scope_col && *c != "id")
                .unwrap_or("id");
            let body = match self.rng.below(4) {
                0 => format!(
                    "SELECT {list} FROM {name} {} ORDER BY {} LIMIT 3",
                    x.alias,
                    positions(cols.len())
                ),
                1 => format!(
                    "SELECT {list} FROM {name} {} ORDER BY {} LIMIT 4 OFFSET 2",
                    x.alias,
                    positions(cols.len())
                ),
                2 => {
                    let aggs = cols
                        .iter()
                        .map(|(c, _)| {
                            if c == other {
                                x.col(c)
                            } else {
                                format!("max({}) AS {c}", x.col(c))
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!(
                        "SELECT {aggs} FROM {name} {} GROUP BY {}",
                        x.alias,
                        x.col(other)
                    )
                }
                _ => {
                    let list = cols
                        .iter()
                        .map(|(c, _)| {
                            if c == other {
                                format!("count(*) OVER () AS {c}")
                            } else {
                                x.col(c)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("SELECT {list} FROM {name} {}", x.alias)
                }
            };
            let cols = cols
                .iter()
                .map(|(c, ty)| {
                    (
                        c.clone(),
                        if c == other && !body.contains("max(") {
                            Ty::Int
                        } else {
                            *ty
                        },
                    )
                })
                .collect();
            return (body, cols, outer);
        }
        let body = match self.rng.below(4) {
            0 => format!("SELECT {list} FROM {name} {}", x.alias),
            1 => format!("SELECT DISTINCT {list} FROM {name} {}", x.alias),
            2 => {
                let aggs = cols
                    .iter()
                    .map(|(c, _)| {
                        if c == scope_col {
                            x.col(c)
                        } else {
                            format!("max({}) AS {c}", x.col(c))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "SELECT {aggs} FROM {name} {} GROUP BY {}",
                    x.alias,
                    x.col(scope_col)
                )
            }
            _ => {
                let other = cols
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .find(|c| *c != scope_col && *c != "id")
                    .unwrap_or("id")
                    .to_string();
                let list = cols
                    .iter()
                    .map(|(c, _)| {
                        if *c == other {
                            format!("count(*) OVER (PARTITION BY {}) AS {c}", x.col(scope_col))
                        } else {
                            x.col(c)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let body = format!("SELECT {list} FROM {name} {}", x.alias);
                let cols = cols
                    .iter()
                    .map(|(c, ty)| (c.clone(), if *c == other { Ty::Int } else { *ty }))
                    .collect();
                return (body, cols, outer);
            }
        };
        (body, cols, outer)
    }
}
