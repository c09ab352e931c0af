//! The test data (three tenants, orphans, global rows), tenant membership, and filtered copies.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{self, SiteRule, Ty, TABLES};

/// One SQL value, normalized so that results of the full and the filtered database compare.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Val {
    /// NULL.
    Null,
    /// Any integer (booleans are 0/1).
    Int(i64),
    /// A float, printed with 12 significant digits: sums in another scan order may differ in
    /// the last bits, which is not a tenancy difference.
    Real(String),
    /// Text.
    Text(String),
    /// Anything else, as raw bytes (e.g. PostgreSQL NUMERIC).
    Bytes(Vec<u8>),
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Null => write!(f, "NULL"),
            Val::Int(i) => write!(f, "{i}"),
            Val::Real(r) => write!(f, "{r}"),
            Val::Text(t) => write!(f, "'{t}'"),
            Val::Bytes(b) => write!(f, "x{b:02x?}"),
        }
    }
}

/// Every row of every table, columns in model order.
pub type Snapshot = BTreeMap<&'static str, Vec<Vec<Val>>>;

/// The active scope of one run: a site and a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenant {
    /// The `site` scope value.
    pub site: i64,
    /// The `user` scope value.
    pub user: i64,
}

/// The tenants statements run as. User 1 is active in two sites, so a statement filtered on
/// the user alone still sees another site's rows.
pub const TENANTS: [Tenant; 3] = [
    Tenant { site: 1, user: 1 },
    Tenant { site: 2, user: 2 },
    Tenant { site: 3, user: 1 },
];

/// Ids of orphan rows reference this post, which never exists (generated ids avoid it).
pub const MISSING_POST: i64 = 99;

/// Auto-assigned ids start above this in every copy, so inserts get the same ids everywhere.
pub const NEXT_ID: i64 = 500;

fn int(i: i64) -> Val {
    Val::Int(i)
}

fn text(s: String) -> Val {
    Val::Text(s)
}

fn site_of_post(post: i64) -> i64 {
    (post - 1) % 3 + 1
}

/// The data of the full database: three sites, each with posts, comments, tags, bookmarks,
/// groups and notes; an orphan comment and bookmark (belong to no tenant); global users and tags.
pub fn seed() -> Snapshot {
    let mut s = Snapshot::new();
    s.insert(
        "sites",
        (1..=3)
            .map(|i| vec![int(i), text(format!("site{i}")), text(format!("s{i}.test"))])
            .collect(),
    );
    s.insert(
        "users",
        (1..=3)
            .map(|i| vec![int(i), text(format!("user{i}"))])
            .collect(),
    );
    s.insert(
        "tags",
        (1..=4)
            .map(|i| vec![int(i), text(format!("tag{i}"))])
            .collect(),
    );
    let slugs = ["a", "b", "c", "d"];
    s.insert(
        "posts",
        (1..=12)
            .map(|i| {
                let author = if i % 5 == 0 {
                    Val::Null
                } else {
                    int(i % 3 + 1)
                };
                let slug = slugs[((i - 1) / 3) as usize % 4];
                vec![
                    int(i),
                    int(site_of_post(i)),
                    author,
                    text(format!("post{i}")),
                    text(slug.into()),
                    text(format!("body{i}")),
                    int(i % 2),
                ]
            })
            .collect(),
    );
    let mut comments: Vec<Vec<Val>> = (1..=24)
        .map(|i| {
            vec![
                int(i),
                int((i - 1) % 12 + 1),
                int(i % 3 + 1),
                text(format!("comment{i}")),
            ]
        })
        .collect();
    comments.push(vec![
        int(25),
        int(MISSING_POST),
        int(1),
        text("orphan".into()),
    ]);
    s.insert("comments", comments);
    let mut post_tags = Vec::new();
    for p in 1..=12 {
        for t in 1..=4 {
            if (p + t) % 2 == 0 {
                post_tags.push(vec![int(p), int(t)]);
            }
        }
    }
    s.insert("post_tags", post_tags);
    let mut bookmarks = Vec::new();
    for p in 1..=12 {
        for u in [p % 3 + 1, (p + 1) % 3 + 1] {
            bookmarks.push(vec![int(bookmarks.len() as i64 + 1), int(p), int(u)]);
        }
    }
    bookmarks.push(vec![
        int(bookmarks.len() as i64 + 1),
        int(MISSING_POST),
        int(1),
    ]);
    s.insert("bookmarks", bookmarks);
    s.insert(
        "comment_groups",
        (1..=6)
            .map(|g| vec![int(g), int((g - 1) % 3 + 1), text(format!("group{g}"))])
            .collect(),
    );
    let mut members = Vec::new();
    for g in 1..=6i64 {
        for c in 1..=24i64 {
            // Only same-site members: a cross-tenant link would itself be the result of a leak.
            if site_of_post((c - 1) % 12 + 1) == (g - 1) % 3 + 1 && (c + g) % 3 == 0 {
                members.push(vec![int(g), int(c)]);
            }
        }
    }
    s.insert("comment_group_members", members);
    s.insert(
        "notes",
        (1..=12)
            .map(|i| {
                vec![
                    int(i),
                    int((i - 1) % 3 + 1),
                    int((i - 1) / 3 % 3 + 1),
                    text(format!("note{i}")),
                ]
            })
            .collect(),
    );
    s
}

/// For each scoped table, which rows of `snap` belong to the tenant: the scope column equals
/// the scope value, or (foreign-key scoped) the referenced parent row belongs to the tenant.
/// Orphans belong to no tenant. Every dimension of the table must match.
/// `with_user`: whether the `user` dimension counts (it does not for a statement that never
/// names `:user`: a site-scoped delete of posts legitimately cascades to every user's bookmarks).
pub fn membership(
    snap: &Snapshot,
    tenant: Tenant,
    with_user: bool,
) -> BTreeMap<&'static str, Vec<bool>> {
    let mut member: BTreeMap<&'static str, Vec<bool>> = BTreeMap::new();
    // TABLES lists parents before children, so a parent's membership is known first.
    for t in TABLES.iter().filter(|t| t.scoped()) {
        let rows = snap.get(t.name).map(Vec::as_slice).unwrap_or(&[]);
        let flags = rows
            .iter()
            .map(|row| {
                let site_ok = match t.site {
                    SiteRule::Global => true,
                    SiteRule::Column(c) => row[t.col_index(c)] == Val::Int(tenant.site),
                    SiteRule::Fk(c, parent, pcol) => {
                        let ptable = model::table(parent);
                        let pidx = ptable.col_index(pcol);
                        let key = &row[t.col_index(c)];
                        let prow = snap.get(parent).map(Vec::as_slice).unwrap_or(&[]);
                        let pflags = &member[parent];
                        prow.iter()
                            .zip(pflags)
                            .any(|(p, ok)| *ok && &p[pidx] == key)
                    }
                };
                let user_ok = !with_user
                    || t.user
                        .is_none_or(|c| row[t.col_index(c)] == Val::Int(tenant.user));
                site_ok && user_ok
            })
            .collect();
        member.insert(t.name, flags);
    }
    member
}

/// The rows of the scoped tables split into the tenant's and everyone else's, as sorted multisets.
pub fn split(snap: &Snapshot, tenant: Tenant, with_user: bool) -> (Snapshot, Snapshot) {
    let member = membership(snap, tenant, with_user);
    let (mut inside, mut outside) = (Snapshot::new(), Snapshot::new());
    for (table, flags) in member {
        let rows = &snap[table];
        let (mut i, mut o): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
        for (row, ok) in rows.iter().zip(flags) {
            if ok {
                i.push(row.clone())
            } else {
                o.push(row.clone())
            }
        }
        i.sort();
        o.sort();
        inside.insert(table, i);
        outside.insert(table, o);
    }
    (inside, outside)
}

/// The database as the tenant should see it: its own rows of scoped tables, all global rows.
pub fn filtered(snap: &Snapshot, tenant: Tenant) -> Snapshot {
    let (inside, _) = split(snap, tenant, true);
    let mut out = snap.clone();
    for (table, rows) in inside {
        out.insert(table, rows);
    }
    out
}

/// INSERT statements that load a snapshot (parents first).
pub fn insert_statements(snap: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for t in TABLES {
        let rows = snap.get(t.name).map(Vec::as_slice).unwrap_or(&[]);
        if rows.is_empty() {
            continue;
        }
        let cols: Vec<&str> = t.cols.iter().map(|(c, _)| *c).collect();
        let values: Vec<String> = rows
            .iter()
            .map(|row| {
                let items: Vec<String> = row
                    .iter()
                    .zip(t.cols)
                    .map(|(v, (_, ty))| match (v, ty) {
                        (Val::Int(i), Ty::Bool) => {
                            (if *i != 0 { "TRUE" } else { "FALSE" }).to_string()
                        }
                        (v, _) => v.to_string(),
                    })
                    .collect();
                format!("({})", items.join(", "))
            })
            .collect();
        out.push(format!(
            "INSERT INTO {} ({}) VALUES {}",
            t.name,
            cols.join(", "),
            values.join(", ")
        ));
    }
    out
}

/// Tables whose membership decides a row's tenant, for messages.
pub fn scoped_names() -> BTreeSet<&'static str> {
    model::scoped_tables().map(|t| t.name).collect()
}
