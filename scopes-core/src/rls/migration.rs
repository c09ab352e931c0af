//! The migration `scopes rls` writes: the objects that are new, changed or gone since the last
//! generated migration, whose state block (a fingerprint per object) is how a rerun knows
//! what the database already has. An unchanged config renders nothing.

use std::collections::BTreeMap;

use super::policy::{objects, Object};
use crate::config::{Config, ConfigError};

/// The first line of every migration `scopes rls` writes: how it finds its own files.
pub const MARKER: &str = "-- sqlx-scopes rls";

/// Each line of the state block: `-- sqlx-scopes state: <key> <fingerprint>`.
const STATE_LINE: &str = "-- sqlx-scopes state: ";

/// What a generated migration left in the database: object key -> fingerprint of its SQL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    entries: BTreeMap<String, String>,
}

impl State {
    /// The state block of a generated migration; `None` when `text` is not one (its first line
    /// is not [`MARKER`]).
    ///
    /// ```
    /// use scopes_core::rls::State;
    /// let text = "-- sqlx-scopes rls\n-- sqlx-scopes state: table posts 0123456789abcdef\n";
    /// assert_eq!(State::parse(text).unwrap().len(), 1);
    /// assert!(State::parse("CREATE TABLE t (id INT);").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<State> {
        let mut lines = text.lines();
        let first = lines.next()?.trim_end();
        if !first
            .strip_prefix(MARKER)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
        {
            return None;
        }
        let entries = lines
            .filter_map(|line| line.strip_prefix(STATE_LINE))
            .filter_map(|rest| rest.trim_end().rsplit_once(' '))
            .map(|(key, fingerprint)| (key.to_string(), fingerprint.to_string()))
            .collect();
        Some(State { entries })
    }

    /// The state the objects establish.
    pub fn of(objects: &[Object]) -> State {
        State {
            entries: objects
                .iter()
                .map(|o| (o.key(), fingerprint(&o.create_sql())))
                .collect(),
        }
    }

    /// How many objects it records.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it records no object.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What changes, per object, between the previous state and the config.
enum Change<'a> {
    Create(&'a Object),
    Replace(&'a Object),
    Drop(Object),
}

/// The migration that brings the database from `previous` (the state block of the latest
/// generated migration, `None` when there is none) to what `config` implies; `None` when
/// nothing changes, so a rerun on an unchanged config writes nothing.
///
/// ```
/// use scopes_core::{rls, Config};
/// let text = "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\n[tables]\nposts = { site = \"site_id\" }\n";
/// let config = Config::parse(text, "scopes.toml".as_ref()).unwrap();
/// let first = rls::render(None, &config).unwrap().unwrap();
/// assert!(first.starts_with(rls::MARKER));
/// assert!(first.contains("ALTER TABLE posts FORCE ROW LEVEL SECURITY;"));
/// let state = rls::State::parse(&first).unwrap();
/// assert_eq!(rls::render(Some(&state), &config).unwrap(), None);
/// ```
pub fn render(previous: Option<&State>, config: &Config) -> Result<Option<String>, ConfigError> {
    let desired = objects(config)?;
    let empty = State::default();
    let previous = previous.unwrap_or(&empty);
    let mut changes: BTreeMap<String, Vec<Change<'_>>> = BTreeMap::new();
    for object in &desired {
        let change = match previous.entries.get(&object.key()) {
            None => Change::Create(object),
            Some(old) if *old != fingerprint(&object.create_sql()) => Change::Replace(object),
            Some(_) => continue,
        };
        changes
            .entry(object.relation().to_string())
            .or_default()
            .push(change);
    }
    let current = State::of(&desired);
    for key in previous.entries.keys() {
        if current.entries.contains_key(key) {
            continue;
        }
        let Some(object) = object_of_key(key) else {
            continue;
        };
        // A table the migrations no longer create took its policies with it.
        let exists = config.schema.as_ref().is_none_or(|s| {
            s.table(object.relation()).is_some() || s.view(object.relation()).is_some()
        });
        if exists {
            changes
                .entry(object.relation().to_string())
                .or_default()
                .push(Change::Drop(object));
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let mut out = String::new();
    out.push_str(MARKER);
    out.push_str(HEADER);
    for (relation, mut list) in changes {
        // Policies go before the table's RLS is disabled, and after it is enabled.
        list.sort_by_key(|c| match c {
            Change::Drop(Object::Policy { .. }) => 0,
            Change::Drop(_) => 1,
            Change::Create(Object::Policy { .. }) | Change::Replace(Object::Policy { .. }) => 3,
            Change::Create(_) | Change::Replace(_) => 2,
        });
        out.push_str(&format!(
            "\n-- {relation}: {}\n",
            describe(config, &relation)
        ));
        for change in list {
            let sql = match change {
                Change::Create(object) => object.create_sql(),
                Change::Replace(object @ Object::Policy { .. }) => {
                    format!("{}\n{}", object.drop_sql(), object.create_sql())
                }
                Change::Replace(object) => object.create_sql(),
                Change::Drop(object) => object.drop_sql(),
            };
            out.push_str(&sql);
            out.push('\n');
        }
    }
    out.push_str(
        "\n-- What the database has after this migration (read by `scopes rls`; do not edit).\n",
    );
    for (key, fingerprint) in &current.entries {
        out.push_str(&format!("{STATE_LINE}{key} {fingerprint}\n"));
    }
    Ok(Some(out))
}

const HEADER: &str = r#": row-level security generated from scopes.toml by `scopes rls`.
-- Do not edit: change scopes.toml and run `scopes rls` again, which writes a new migration.
--
-- Every scoped table gets RLS enabled and forced (its owner is bound too), a permissive base
-- policy `sqlx_scopes` and one restrictive policy per dimension: a row is visible, and may be
-- written, only when every dimension's policy admits it. They read transaction-local settings
-- (`Scope::begin` sets them with set_config(name, value, true)):
--   sqlx_scopes.<dimension>        one value
--   sqlx_scopes.<dimension>.many   several values, an array literal such as '{1,2}'
--   sqlx_scopes.<dimension>.all    'on': every tenant (only from Scope::all, with a reason)
-- A missing or empty setting admits no row.
"#;

/// One line saying why a relation gets what it gets.
fn describe(config: &Config, relation: &str) -> String {
    match config.tables.get(relation) {
        None => "no longer in scopes.toml".to_string(),
        Some(scope) => {
            let rules: Vec<String> = scope
                .rules
                .iter()
                .map(|(dimension, rule)| match rule {
                    crate::ScopeRule::Column(c) => format!("{dimension} = \"{c}\""),
                    crate::ScopeRule::ForeignKey {
                        column,
                        parent,
                        parent_column,
                    } => format!("{dimension} = \"{column} -> {parent}.{parent_column}\""),
                })
                .collect();
            let view = config
                .schema
                .as_ref()
                .is_some_and(|s| s.view(relation).is_some());
            let kind = if view {
                "a view: its tables' policies apply to the caller"
            } else {
                "scoped"
            };
            format!("{kind} ({})", rules.join(", "))
        }
    }
}

/// The object a state key names, enough to drop it.
fn object_of_key(key: &str) -> Option<Object> {
    let mut parts = key.split(' ');
    let object = match (parts.next(), parts.next(), parts.next()) {
        (Some("table"), Some(table), None) => Object::Table {
            table: table.to_string(),
        },
        (Some("view"), Some(view), None) => Object::View {
            view: view.to_string(),
        },
        (Some("policy"), Some(table), Some(name)) => Object::Policy {
            table: table.to_string(),
            name: name.to_string(),
            restrictive: true,
            expr: String::new(),
        },
        _ => return None,
    };
    parts.next().is_none().then_some(object)
}

/// FNV-1a (64 bits) of the object's SQL, in hex: detects a change, nothing more.
fn fingerprint(sql: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sql.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn config(tables: &str) -> Config {
        let text = format!(
            "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\nuser = \"i64\"\n[tables]\n{tables}"
        );
        Config::parse(&text, "scopes.toml".as_ref()).unwrap()
    }

    #[test]
    fn render_unchanged_writes_nothing_ok() {
        let config = config("posts = { site = \"site_id\" }\n");
        let first = render(None, &config).unwrap().unwrap();
        let state = State::parse(&first).unwrap();
        assert_eq!(state.len(), 3);
        assert_eq!(render(Some(&state), &config).unwrap(), None);
    }

    #[test]
    fn render_changes_only_ok() {
        let before = config("posts = { site = \"site_id\" }\nnotes = { site = \"site_id\" }\n");
        let first = render(None, &before).unwrap().unwrap();
        let state = State::parse(&first).unwrap();
        // notes gains a dimension, posts' column changes, comments is new, nothing else moves.
        let after = config(
            "posts = { site = \"tenant_id\" }\nnotes = { site = \"site_id\", user = \"author_id\" }\ncomments = { site = \"post_id -> posts.id\" }\n",
        );
        let second = render(Some(&state), &after).unwrap().unwrap();
        let statements: Vec<&str> = second
            .lines()
            .filter(|l| !l.starts_with("--") && !l.starts_with(' ') && !l.is_empty())
            .collect();
        assert_eq!(
            statements,
            [
                "ALTER TABLE comments ENABLE ROW LEVEL SECURITY;",
                "ALTER TABLE comments FORCE ROW LEVEL SECURITY;",
                "CREATE POLICY sqlx_scopes ON comments AS PERMISSIVE FOR ALL TO PUBLIC",
                "CREATE POLICY sqlx_scopes_site ON comments AS RESTRICTIVE FOR ALL TO PUBLIC",
                "CREATE POLICY sqlx_scopes_user ON notes AS RESTRICTIVE FOR ALL TO PUBLIC",
                "DROP POLICY IF EXISTS sqlx_scopes_site ON posts;",
                "CREATE POLICY sqlx_scopes_site ON posts AS RESTRICTIVE FOR ALL TO PUBLIC",
            ]
        );
        assert!(second.contains("USING (tenant_id = (SELECT"));
        let state = State::parse(&second).unwrap();
        assert_eq!(render(Some(&state), &after).unwrap(), None);
    }

    #[test]
    fn render_removed_table_ok() {
        let before = config("posts = { site = \"site_id\" }\nnotes = { site = \"site_id\", user = \"author_id\" }\n");
        let state = State::parse(&render(None, &before).unwrap().unwrap()).unwrap();
        let after = config("notes = { site = \"site_id\" }\n");
        let second = render(Some(&state), &after).unwrap().unwrap();
        let statements: Vec<&str> = second
            .lines()
            .filter(|l| !l.starts_with("--") && !l.is_empty())
            .collect();
        assert_eq!(
            statements,
            [
                "DROP POLICY IF EXISTS sqlx_scopes_user ON notes;",
                "DROP POLICY IF EXISTS sqlx_scopes ON posts;",
                "DROP POLICY IF EXISTS sqlx_scopes_site ON posts;",
                "ALTER TABLE posts NO FORCE ROW LEVEL SECURITY;",
                "ALTER TABLE posts DISABLE ROW LEVEL SECURITY;",
            ]
        );
        assert!(second.contains("-- posts: no longer in scopes.toml"));
    }

    #[test]
    fn render_is_a_valid_migration_ok() {
        use crate::schema::Schema;
        use crate::{Dialect, ScopeRule, TableScope};
        let mut schema = Schema::default();
        let ddl = "CREATE TABLE posts (id BIGINT PRIMARY KEY, site_id BIGINT NOT NULL);
            CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT REFERENCES posts (id));
            CREATE VIEW published AS SELECT id, site_id FROM posts;";
        schema
            .apply_sql(ddl, "1_blog.sql".as_ref(), Dialect::Postgres)
            .unwrap();
        let rule = |r: ScopeRule| std::collections::BTreeMap::from([("site".to_string(), r)]);
        let tables = [
            ("posts", rule(ScopeRule::Column("site_id".into()))),
            ("published", rule(ScopeRule::Column("site_id".into()))),
            (
                "comments",
                rule(ScopeRule::ForeignKey {
                    column: "post_id".into(),
                    parent: "posts".into(),
                    parent_column: "id".into(),
                }),
            ),
        ]
        .into_iter()
        .map(|(name, rules)| {
            let scope = TableScope {
                table: name.into(),
                rules,
            };
            (name.to_string(), scope)
        })
        .collect();
        let dimensions =
            std::collections::BTreeMap::from([("site".into(), crate::KeyType::I64.into())]);
        let config = Config::new(Dialect::Postgres, dimensions, tables, Some(schema.clone()));
        let sql = render(None, &config).unwrap().unwrap();
        assert!(sql.contains("ALTER VIEW published SET (security_invoker = true);"));
        // The macros read the migrations directory: the generated file must load there too.
        schema
            .apply_sql(&sql, "2_scopes_rls.sql".as_ref(), Dialect::Postgres)
            .unwrap();
    }

    #[test]
    fn state_parse_ignores_other_files_ok() {
        assert!(State::parse("-- sqlx-scopes rlsx\n").is_none());
        let state = State::parse(
            "-- sqlx-scopes rls\r\n-- sqlx-scopes state: policy posts sqlx_scopes_site abc\r\n",
        )
        .unwrap();
        assert_eq!(state.entries["policy posts sqlx_scopes_site"], "abc");
    }

    #[test]
    fn object_of_key_err() {
        assert!(object_of_key("policy posts").is_none());
        assert!(object_of_key("table a b").is_none());
        assert!(object_of_key("index x").is_none());
    }
}
