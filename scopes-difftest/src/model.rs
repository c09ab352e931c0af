//! The example blog schema as the generator and the oracle see it: columns, keys, scope rules.

/// A column's SQL type, as far as generated expressions care (PostgreSQL is strict about it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// An integer (ids, foreign keys).
    Int,
    /// Text.
    Text,
    /// A boolean (an integer 0/1 on SQLite).
    Bool,
}

/// Where a row's `site` scope value lives (mirrors scopes.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteRule {
    /// Not scoped: a global table.
    Global,
    /// The table's own column (`posts.site_id`, and `sites.id`).
    Column(&'static str),
    /// Via a foreign key: `column -> parent.parent_column`.
    Fk(&'static str, &'static str, &'static str),
}

/// One table of the example schema.
#[derive(Debug)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Columns in declaration order (snapshots use this order).
    pub cols: &'static [(&'static str, Ty)],
    /// The `site` dimension.
    pub site: SiteRule,
    /// The `user` dimension's column, when the table has one.
    pub user: Option<&'static str>,
    /// Whether `id` is an auto-assigned integer primary key.
    pub has_id: bool,
}

impl Table {
    /// Index of a column in `cols`.
    pub fn col_index(&self, name: &str) -> usize {
        self.cols
            .iter()
            .position(|(c, _)| *c == name)
            .unwrap_or_else(|| panic!("{}.{name} is not in the model", self.name))
    }

    /// Whether the table is scoped on any dimension.
    pub fn scoped(&self) -> bool {
        self.site != SiteRule::Global || self.user.is_some()
    }

    /// Columns of one type.
    pub fn cols_of(&self, ty: Ty) -> Vec<&'static str> {
        self.cols
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(c, _)| *c)
            .collect()
    }
}

use Ty::{Bool, Int, Text};

/// Every table, parents before children (the order data is loaded in).
pub static TABLES: &[Table] = &[
    Table {
        name: "sites",
        cols: &[("id", Int), ("name", Text), ("domain", Text)],
        site: SiteRule::Column("id"),
        user: None,
        has_id: true,
    },
    Table {
        name: "users",
        cols: &[("id", Int), ("name", Text)],
        site: SiteRule::Global,
        user: None,
        has_id: true,
    },
    Table {
        name: "tags",
        cols: &[("id", Int), ("name", Text)],
        site: SiteRule::Global,
        user: None,
        has_id: true,
    },
    Table {
        name: "posts",
        cols: &[
            ("id", Int),
            ("site_id", Int),
            ("author_id", Int),
            ("title", Text),
            ("slug", Text),
            ("body", Text),
            ("published", Bool),
        ],
        site: SiteRule::Column("site_id"),
        user: None,
        has_id: true,
    },
    Table {
        name: "comments",
        cols: &[
            ("id", Int),
            ("post_id", Int),
            ("author_id", Int),
            ("body", Text),
        ],
        site: SiteRule::Fk("post_id", "posts", "id"),
        user: None,
        has_id: true,
    },
    Table {
        name: "post_tags",
        cols: &[("post_id", Int), ("tag_id", Int)],
        site: SiteRule::Fk("post_id", "posts", "id"),
        user: None,
        has_id: false,
    },
    Table {
        name: "bookmarks",
        cols: &[("id", Int), ("post_id", Int), ("user_id", Int)],
        site: SiteRule::Fk("post_id", "posts", "id"),
        user: Some("user_id"),
        has_id: true,
    },
    Table {
        name: "comment_groups",
        cols: &[("id", Int), ("site_id", Int), ("name", Text)],
        site: SiteRule::Column("site_id"),
        user: None,
        has_id: true,
    },
    Table {
        name: "comment_group_members",
        cols: &[("group_id", Int), ("comment_id", Int)],
        site: SiteRule::Fk("group_id", "comment_groups", "id"),
        user: None,
        has_id: false,
    },
    Table {
        name: "notes",
        cols: &[
            ("id", Int),
            ("site_id", Int),
            ("author_id", Int),
            ("body", Text),
        ],
        site: SiteRule::Column("site_id"),
        user: Some("author_id"),
        has_id: true,
    },
];

/// Foreign keys of the schema as (child table, child column, parent table, parent column).
pub static EDGES: &[(&str, &str, &str, &str)] = &[
    ("posts", "site_id", "sites", "id"),
    ("posts", "author_id", "users", "id"),
    ("comments", "post_id", "posts", "id"),
    ("comments", "author_id", "users", "id"),
    ("post_tags", "post_id", "posts", "id"),
    ("post_tags", "tag_id", "tags", "id"),
    ("bookmarks", "post_id", "posts", "id"),
    ("bookmarks", "user_id", "users", "id"),
    ("comment_groups", "site_id", "sites", "id"),
    ("comment_group_members", "group_id", "comment_groups", "id"),
    ("comment_group_members", "comment_id", "comments", "id"),
    ("notes", "site_id", "sites", "id"),
    ("notes", "author_id", "users", "id"),
];

/// A table by name.
pub fn table(name: &str) -> &'static Table {
    TABLES
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name} in the model"))
}

/// The scoped tables (the ones snapshots compare).
pub fn scoped_tables() -> impl Iterator<Item = &'static Table> {
    TABLES.iter().filter(|t| t.scoped())
}
