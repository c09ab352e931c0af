//! UPDATE, DELETE, INSERT (VALUES and SELECT), upserts, and SQLite's REPLACE / OR IGNORE.

use super::{where_clause, Flavor, Gen, Src};
use crate::model::{self, SiteRule, Table, Ty};

impl Gen {
    fn write_target(&mut self) -> &'static Table {
        let names = [
            "posts",
            "comments",
            "notes",
            "comment_groups",
            "bookmarks",
            "sites",
            "post_tags",
            "comment_group_members",
        ];
        model::table(names[self.rng.weighted(&[30, 16, 10, 10, 8, 5, 6, 5])])
    }

    /// The target of an UPDATE/DELETE: with an alias, or referred to by its name.
    fn target(&mut self, t: &'static Table) -> (String, Src) {
        if self.rng.chance(35) {
            let a = self.alias("t");
            (format!("{} AS {a}", t.name), Src::of(t, a))
        } else {
            (t.name.to_string(), Src::of(t, t.name.to_string()))
        }
    }

    fn returning(&mut self, t: &Table) -> String {
        if self.rng.chance(20) {
            // Not the id: inserted ids are equal on every copy only by construction.
            let (c, _) = self.rng.pick(&t.cols[t.cols.len().min(2) - 1..]);
            format!(" RETURNING {c}")
        } else {
            String::new()
        }
    }

    pub(crate) fn update_stmt(&mut self) -> String {
        let t = self.write_target();
        let (target, a) = self.target(t);
        let mut sets = Vec::new();
        for (c, ty) in t.cols.iter().filter(|(c, _)| *c != "id") {
            if !self.rng.chance(40) {
                continue;
            }
            let is_scope = matches!(t.site, SiteRule::Column(s) | SiteRule::Fk(s, _, _) if s == *c)
                || t.user == Some(*c);
            let value = match (ty, is_scope) {
                (_, true) => self.scope_value(t, c),
                (Ty::Text, _) if self.rng.chance(20) => {
                    // a value read from another row: must be scoped too
                    let x = Src::of(model::table("posts"), self.alias("x"));
                    let conds = self.scope(&x, model::table("posts"), &[]);
                    format!(
                        "(SELECT max({}) FROM posts {}{})",
                        x.col("title"),
                        x.alias,
                        where_clause(&conds)
                    )
                }
                (Ty::Text, _) => format!("{} || '!'", a.col(c)),
                (Ty::Bool, _) => format!("NOT {}", a.col(c)),
                (Ty::Int, _) => format!("{}", 1 + self.rng.below(3)),
            };
            sets.push(format!("{c} = {value}"));
        }
        if sets.is_empty() {
            let (c, ty) = t.cols[t.cols.len() - 1];
            sets.push(match ty {
                Ty::Text => format!("{c} = 'updated'"),
                _ => format!("{c} = {c}"),
            });
        }
        let mut from = String::new();
        let mut conds = Vec::new();
        match t.site {
            SiteRule::Fk(c, parent, pcol) if self.rng.chance(25) => {
                // UPDATE ... FROM parent: the link and the parent's filter scope the target
                let pt = model::table(parent);
                let p = Src::of(pt, self.alias("p"));
                from = format!(" FROM {parent} {}", p.alias);
                conds.push(format!("{} = {}", a.col(c), p.col(pcol)));
                conds.extend(self.scope(&p, pt, &[]));
                if let Some(u) = t.user {
                    conds.push(self.eq(&a.col(u), "user"));
                }
            }
            _ => conds.extend(self.scope(&a, t, &[])),
        }
        if self.rng.chance(50) {
            conds.push(self.noise(&a));
        }
        let wh = self.where_with_or(&conds, std::slice::from_ref(&a));
        let ret = self.returning(t);
        format!("UPDATE {target} SET {}{from}{wh}{ret}", sets.join(", "))
    }

    /// A value for a scope column in SET or VALUES: the placeholder, a scoped parent key, or
    /// (near miss) a literal or the wrong dimension.
    fn scope_value(&mut self, t: &Table, c: &str) -> String {
        let is_user = t.user == Some(c);
        if self.mutate() {
            return match self.rng.below(3) {
                0 => format!("{}", 1 + self.rng.below(12)),
                1 => (if is_user { ":site" } else { ":user" }).to_string(),
                _ => format!(":{} + 1", if is_user { "user" } else { "site" }),
            };
        }
        if is_user {
            return ":user".into();
        }
        match t.site {
            SiteRule::Fk(_, parent, pcol) => {
                let pt = model::table(parent);
                let x = Src::of(pt, self.alias("x"));
                let mut conds = self.scope(&x, pt, &[]);
                if self.rng.chance(50) {
                    // one parent by id, proven in scope (the column is NOT NULL, so a miss fails)
                    conds.insert(0, format!("{} = {}", x.col(pcol), 1 + self.rng.below(12)));
                    return format!(
                        "(SELECT {} FROM {parent} {}{})",
                        x.col(pcol),
                        x.alias,
                        where_clause(&conds)
                    );
                }
                format!(
                    "(SELECT min({}) FROM {parent} {}{})",
                    x.col(pcol),
                    x.alias,
                    where_clause(&conds)
                )
            }
            _ => ":site".into(),
        }
    }

    pub(crate) fn delete_stmt(&mut self) -> String {
        let t = self.write_target();
        if t.name == "comments" && self.rng.chance(20) {
            // a WITH prefix feeding the filter
            let p = Src::of(model::table("posts"), self.alias("x"));
            let conds = self.scope(&p, model::table("posts"), &[]);
            return format!(
                "WITH s AS (SELECT {} AS id FROM posts {}{}) DELETE FROM comments WHERE post_id IN (SELECT id FROM s)",
                p.col("id"),
                p.alias,
                where_clause(&conds)
            );
        }
        let (target, a) = self.target(t);
        let mut conds = self.scope(&a, t, &[]);
        if self.rng.chance(60) {
            conds.push(self.noise(&a));
        }
        let wh = self.where_with_or(&conds, std::slice::from_ref(&a));
        let ret = self.returning(t);
        format!("DELETE FROM {target}{wh}{ret}")
    }

    pub(crate) fn insert_stmt(&mut self) -> String {
        let t = self.write_target();
        let sqlite = self.flavor == Flavor::Sqlite;
        // explicit ids: usually new ones, sometimes one that exists (in some tenant)
        let id = match (t.has_id, self.rng.weighted(&[65, 20, 15])) {
            (true, 1) => Some(1000 + self.rng.below(1000)),
            (true, 2) => Some(1 + self.rng.below(12)),
            _ => None,
        };
        let verb = if sqlite {
            match self.rng.weighted(&[80, 8, 6, 6]) {
                1 => "INSERT OR REPLACE INTO",
                2 => "REPLACE INTO",
                3 => "INSERT OR IGNORE INTO",
                _ => "INSERT INTO",
            }
        } else {
            "INSERT INTO"
        };
        let cols: Vec<&str> = t
            .cols
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| *c != "id" || id.is_some())
            .collect();
        let source = if self.rng.chance(45) {
            self.insert_select(t, &cols, id)
        } else {
            self.insert_values(t, &cols, id)
        };
        let upsert = if verb == "INSERT INTO" && self.rng.chance(30) {
            self.on_conflict(t)
        } else {
            String::new()
        };
        let ret = self.returning(t);
        format!(
            "{verb} {} ({}) {source}{upsert}{ret}",
            t.name,
            cols.join(", ")
        )
    }

    fn insert_values(&mut self, t: &Table, cols: &[&str], id: Option<usize>) -> String {
        let rows = 1 + self.rng.below(2);
        let tuples: Vec<String> = (0..rows)
            .map(|r| {
                let items: Vec<String> = cols
                    .iter()
                    .map(|c| {
                        let ty = t.cols[t.col_index(c)].1;
                        let is_scope = matches!(t.site, SiteRule::Column(s) | SiteRule::Fk(s, _, _) if s == *c) || t.user == Some(*c);
                        if *c == "id" {
                            format!("{}", id.unwrap_or(1000) + r * 7)
                        } else if is_scope && t.name != "sites" {
                            self.scope_value(t, c)
                        } else {
                            self.plain_value(c, ty)
                        }
                    })
                    .collect();
                format!("({})", items.join(", "))
            })
            .collect();
        format!("VALUES {}", tuples.join(", "))
    }

    fn plain_value(&mut self, c: &str, ty: Ty) -> String {
        match (c, ty) {
            ("slug", _) => {
                // existing slugs collide inside the tenant (UNIQUE (site_id, slug))
                if self.rng.chance(30) {
                    format!("'{}'", self.rng.pick(&["a", "b", "c", "d"]))
                } else {
                    format!("'n{}'", self.rng.below(100_000))
                }
            }
            ("domain", _) => format!("'d{}.test'", self.rng.below(100_000)),
            (_, Ty::Int) => format!("{}", 1 + self.rng.below(3)),
            (_, Ty::Text) => format!("'v{}'", self.rng.below(100)),
            (_, Ty::Bool) => "TRUE".into(),
        }
    }

    /// `SELECT ... FROM <scoped source>` feeding an INSERT.
    fn insert_select(&mut self, t: &'static Table, cols: &[&str], id: Option<usize>) -> String {
        let (src_t, s) = match t.site {
            SiteRule::Fk(_, parent, _) => {
                let pt = model::table(parent);
                (pt, Src::of(pt, self.alias("s")))
            }
            _ => (t, Src::of(t, self.alias("s"))),
        };
        let mut conds = self.scope(&s, src_t, &[]);
        let mut from = format!("{} {}", src_t.name, s.alias);
        let items: Vec<String> = cols
            .iter()
            .map(|c| {
                let ty = t.cols[t.col_index(c)].1;
                match (t.site, *c) {
                    (_, "id") => format!("{} + {}.id", id.unwrap_or(1000), s.alias),
                    (SiteRule::Fk(fc, _, pcol), c) if c == fc => s.col(pcol),
                    (_, c) if t.user == Some(c) => self.scope_value(t, c),
                    (SiteRule::Column(sc), c) if c == sc => {
                        if self.rng.chance(50) && src_t.name == t.name {
                            s.col(c)
                        } else {
                            self.scope_value(t, c)
                        }
                    }
                    (_, "slug") => format!("{} || '-c'", s.col("slug")),
                    (_, "domain") => format!("{} || '-c'", s.col("domain")),
                    // near miss: the other foreign key from a literal (another tenant's comment)
                    (_, "comment_id") if self.mutate() => format!("{}", 1 + self.rng.below(24)),
                    (_, "comment_id") => {
                        // the other foreign key: a comment, which must be scoped as well
                        let ct = model::table("comments");
                        let cm = Src::of(ct, self.alias("c"));
                        from.push_str(&format!(", comments {}", cm.alias));
                        let vis = [s.clone()];
                        conds.extend(self.scope(&cm, ct, &vis));
                        cm.col("id")
                    }
                    (_, "tag_id") => format!("{}", 1 + self.rng.below(4)),
                    (_, c) => {
                        if s.cols.iter().any(|(n, t2)| n == c && *t2 == ty) {
                            s.col(c)
                        } else {
                            self.plain_value(c, ty)
                        }
                    }
                }
            })
            .collect();
        // SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT (parsing ambiguity).
        if conds.is_empty() {
            conds.push("1 = 1".into());
        }
        let wh = self.where_with_or(&conds, std::slice::from_ref(&s));
        format!("SELECT {} FROM {from}{wh}", items.join(", "))
    }

    /// An upsert clause: conflict targets with and without the scope column.
    fn on_conflict(&mut self, t: &Table) -> String {
        let (scoped_target, other_target): (&str, &str) = match t.name {
            "posts" => ("(site_id, slug)", "(id)"),
            "post_tags" => ("(post_id, tag_id)", "(post_id, tag_id)"),
            "bookmarks" => ("(post_id, user_id)", "(id)"),
            "comment_group_members" => ("(group_id, comment_id)", "(group_id, comment_id)"),
            "sites" => ("(id)", "(domain)"),
            _ => ("(id)", "(id)"),
        };
        let set_col = t
            .cols
            .iter()
            .rev()
            .find(|(c, ty)| *ty == Ty::Text && *c != "slug")
            .map(|(c, _)| *c);
        let target = if self.mutate() {
            other_target
        } else {
            scoped_target
        };
        match (self.rng.below(3), set_col) {
            (0, _) => " ON CONFLICT DO NOTHING".into(),
            (1, Some(c)) => format!(" ON CONFLICT {target} DO UPDATE SET {c} = excluded.{c}"),
            _ => format!(" ON CONFLICT {target} DO NOTHING"),
        }
    }
}
