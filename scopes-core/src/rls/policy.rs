//! The RLS objects scopes.toml implies (forced tables, policies, invoker views) and their SQL.
//! Which of them a migration creates, changes or drops is `rls/migration.rs`.

use std::path::PathBuf;

use super::{policy_name, setting, setting_all, setting_many, ALL_ON, BASE_POLICY};
use crate::config::{Config, ConfigError, Dialect, ScopeRule};

/// One object of the second line, as the database should have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// A scoped table with row-level security enabled and forced (the owner is bound too).
    Table {
        /// The table, lowercase.
        table: String,
    },
    /// A policy for every command and every role, with the same `USING` and `WITH CHECK`.
    Policy {
        /// The table, lowercase.
        table: String,
        /// The policy's name (`sqlx_scopes`, `sqlx_scopes_<dimension>`).
        name: String,
        /// Restrictive (ANDed) rather than permissive (ORed).
        restrictive: bool,
        /// The boolean expression of `USING` and `WITH CHECK`.
        expr: String,
    },
    /// A scoped view that reads its tables with the caller's rights (`security_invoker`), so
    /// their policies apply to the caller rather than to the view's owner.
    View {
        /// The view, lowercase.
        view: String,
    },
}

impl Object {
    /// A stable identity for diffing: `table posts`, `policy posts sqlx_scopes_site`, `view v`.
    pub fn key(&self) -> String {
        match self {
            Object::Table { table } => format!("table {table}"),
            Object::Policy { table, name, .. } => format!("policy {table} {name}"),
            Object::View { view } => format!("view {view}"),
        }
    }

    /// The table or view it belongs to.
    pub fn relation(&self) -> &str {
        match self {
            Object::Table { table } | Object::Policy { table, .. } => table,
            Object::View { view } => view,
        }
    }

    /// The statements that create it (each ending in `;`).
    pub fn create_sql(&self) -> String {
        match self {
            Object::Table { table } => {
                let t = ident(table);
                format!(
                    "ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;\nALTER TABLE {t} FORCE ROW LEVEL SECURITY;"
                )
            }
            Object::Policy {
                table,
                name,
                restrictive,
                expr,
            } => {
                let kind = if *restrictive {
                    "RESTRICTIVE"
                } else {
                    "PERMISSIVE"
                };
                format!(
                    "CREATE POLICY {} ON {} AS {kind} FOR ALL TO PUBLIC\n    USING ({expr})\n    WITH CHECK ({expr});",
                    ident(name),
                    ident(table)
                )
            }
            Object::View { view } => {
                format!("ALTER VIEW {} SET (security_invoker = true);", ident(view))
            }
        }
    }

    /// The statements that undo it (the table is no longer scoped, the dimension is gone).
    pub fn drop_sql(&self) -> String {
        match self {
            Object::Table { table } => {
                let t = ident(table);
                format!(
                    "ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY;\nALTER TABLE {t} DISABLE ROW LEVEL SECURITY;"
                )
            }
            Object::Policy { table, name, .. } => {
                format!("DROP POLICY IF EXISTS {} ON {};", ident(name), ident(table))
            }
            Object::View { view } => {
                format!("ALTER VIEW {} RESET (security_invoker);", ident(view))
            }
        }
    }
}

/// The PostgreSQL type a dimension's Rust type casts its settings to; `None` when unknown.
///
/// ```
/// use scopes_core::rls::sql_type;
/// assert_eq!(sql_type("i64"), Some("bigint"));
/// assert_eq!(sql_type("uuid::Uuid"), Some("uuid"));
/// assert_eq!(sql_type("f64"), None);
/// ```
pub fn sql_type(rust_type: &str) -> Option<&'static str> {
    crate::config::KeyType::parse(rust_type)
        .ok()
        .map(crate::config::KeyType::postgres_type)
}

/// Every object scopes.toml implies, sorted by relation: for a table, RLS enabled and forced,
/// the permissive base policy and one restrictive policy per dimension; for a view listed in
/// `[tables]` (known from the migrations), `security_invoker`.
///
/// ```
/// let text = r#"
/// dialect = "postgres"
/// [dimensions]
/// site = "i64"
/// [tables]
/// posts = { site = "site_id" }
/// "#;
/// let config = scopes_core::Config::parse(text, "scopes.toml".as_ref()).unwrap();
/// let objects = scopes_core::rls::objects(&config).unwrap();
/// let keys: Vec<String> = objects.iter().map(|o| o.key()).collect();
/// assert_eq!(keys, ["table posts", "policy posts sqlx_scopes", "policy posts sqlx_scopes_site"]);
/// assert!(objects[2].create_sql().contains("NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint"));
/// ```
pub fn objects(config: &Config) -> Result<Vec<Object>, ConfigError> {
    let err = |message: String| ConfigError::Invalid {
        path: config
            .source
            .clone()
            .unwrap_or_else(|| PathBuf::from("scopes.toml")),
        line: 1,
        message,
    };
    if config.dialect != Dialect::Postgres {
        return Err(err(
            "row-level security is PostgreSQL's: `scopes rls` needs `dialect = \"postgres\"` (on SQLite and MySQL, run `scopes audit --offline`)".to_string(),
        ));
    }
    for dimension in config.dimensions.keys() {
        let name = policy_name(dimension);
        if name.len() > MAX_IDENTIFIER {
            return Err(err(format!(
                "the policy name `{name}` is longer than PostgreSQL's {MAX_IDENTIFIER} bytes: shorten the dimension's name"
            )));
        }
    }
    let mut out = Vec::new();
    for (name, scope) in &config.tables {
        let is_view = config
            .schema
            .as_ref()
            .is_some_and(|s| s.view(name).is_some());
        if is_view {
            out.push(Object::View { view: name.clone() });
            continue;
        }
        out.push(Object::Table {
            table: name.clone(),
        });
        out.push(Object::Policy {
            table: name.clone(),
            name: BASE_POLICY.to_string(),
            restrictive: false,
            expr: "true".to_string(),
        });
        for dimension in scope.rules.keys() {
            out.push(Object::Policy {
                table: name.clone(),
                name: policy_name(dimension),
                restrictive: true,
                expr: rule_expr(config, name, None, dimension, 1).map_err(err)?,
            });
        }
    }
    Ok(out)
}

/// PostgreSQL's longest identifier, in bytes.
const MAX_IDENTIFIER: usize = 63;

/// Foreign-key paths are checked for cycles when the config loads; this bounds the recursion
/// anyway.
const MAX_DEPTH: usize = 16;

/// The condition that a row of `table` (referred to as `alias`, or unqualified at the top) is
/// in the bound scope of `dimension`: its own column against the settings, or, through a
/// foreign key, an `EXISTS` on the parent row in scope.
fn rule_expr(
    config: &Config,
    table: &str,
    alias: Option<&str>,
    dimension: &str,
    depth: usize,
) -> Result<String, String> {
    let rule = config
        .tables
        .get(table)
        .and_then(|t| t.rules.get(dimension))
        .ok_or_else(|| format!("`{table}` is not scoped on `{dimension}`"))?;
    let qualify = |column: &str| match alias {
        Some(alias) => format!("{alias}.{}", ident(column)),
        None => ident(column),
    };
    match rule {
        ScopeRule::Column(column) => {
            let ty = config
                .dimensions
                .get(dimension)
                .map(|t| t.key().postgres_type())
                .ok_or_else(|| format!("dimension `{dimension}` is not declared"))?;
            Ok(predicate(&qualify(column), dimension, ty))
        }
        ScopeRule::ForeignKey {
            column,
            parent,
            parent_column,
        } => {
            if depth > MAX_DEPTH {
                return Err(format!(
                    "the foreign-key path of `{table}.{dimension}` is longer than {MAX_DEPTH} hops"
                ));
            }
            let inner_alias = format!("sqlx_scopes_p{depth}");
            let outer = match alias {
                Some(alias) => format!("{alias}.{}", ident(column)),
                None => format!("{}.{}", ident(table), ident(column)),
            };
            let inner = rule_expr(config, parent, Some(&inner_alias), dimension, depth + 1)?;
            Ok(format!(
                "EXISTS (SELECT 1 FROM {} {inner_alias} WHERE {inner_alias}.{} = {outer}\n        AND ({inner}))",
                ident(parent),
                ident(parent_column)
            ))
        }
    }
}

/// `column` is one of the bound values. Each setting is read once per statement (an initplan,
/// not once per row) and cast to the dimension's type (the array cast stands outside the
/// subquery: `ANY (SELECT ...)` would compare with the subquery's rows, not an array); `NULLIF` turns the empty string a
/// setting reads as after a transaction-local set into NULL, which matches nothing.
fn predicate(column: &str, dimension: &str, ty: &str) -> String {
    let (one, many, all) = (
        setting(dimension),
        setting_many(dimension),
        setting_all(dimension),
    );
    format!(
        "{column} = (SELECT NULLIF(current_setting('{one}', true), '')::{ty})\n        OR {column} = ANY ((SELECT NULLIF(current_setting('{many}', true), ''))::{ty}[])\n        OR (SELECT current_setting('{all}', true) = '{ALL_ON}')"
    )
}

/// A name as PostgreSQL needs it written: bare when it is a plain lowercase identifier that is
/// not a reserved word, double-quoted otherwise.
///
/// ```
/// assert_eq!(scopes_core::rls::ident("posts"), "posts");
/// assert_eq!(scopes_core::rls::ident("user"), "\"user\"");
/// ```
pub fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !RESERVED.contains(&name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// PostgreSQL's reserved key words (and those reserved except as function or type names):
/// a table or column with one of these names must be quoted.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::parse(text, "scopes.toml".as_ref()).unwrap()
    }

    const TWO_DIMENSIONS: &str = r#"
dialect = "postgres"
[dimensions]
site = "i64"
user = "uuid"
tenant = "String"
[tables]
posts = { site = "site_id" }
notes = { site = "site_id", user = "author_id" }
comments = { site = "post_id -> posts.id" }
replies = { site = "comment_id -> comments.id" }
"user" = { tenant = "order" }
"#;

    #[test]
    fn objects_two_dimensions_ok() {
        let objects = objects(&config(TWO_DIMENSIONS)).unwrap();
        let keys: Vec<String> = objects.iter().map(Object::key).collect();
        assert_eq!(
            keys,
            [
                "table comments",
                "policy comments sqlx_scopes",
                "policy comments sqlx_scopes_site",
                "table notes",
                "policy notes sqlx_scopes",
                "policy notes sqlx_scopes_site",
                "policy notes sqlx_scopes_user",
                "table posts",
                "policy posts sqlx_scopes",
                "policy posts sqlx_scopes_site",
                "table replies",
                "policy replies sqlx_scopes",
                "policy replies sqlx_scopes_site",
                "table user",
                "policy user sqlx_scopes",
                "policy user sqlx_scopes_tenant",
            ]
        );
        let notes_user = objects[6].create_sql();
        assert!(notes_user.starts_with(
            "CREATE POLICY sqlx_scopes_user ON notes AS RESTRICTIVE FOR ALL TO PUBLIC\n    USING (author_id = (SELECT NULLIF(current_setting('sqlx_scopes.user', true), '')::uuid)"
        ), "{notes_user}");
        assert!(notes_user.contains("author_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.user.many', true), ''))::uuid[])"));
        assert!(notes_user.contains("OR (SELECT current_setting('sqlx_scopes.user.all', true) = 'on'))\n    WITH CHECK (author_id = "));
        // Reserved words are quoted.
        assert!(objects[15]
            .create_sql()
            .contains("ON \"user\" AS RESTRICTIVE"));
        assert!(objects[15].create_sql().contains("USING (\"order\" = (SELECT NULLIF(current_setting('sqlx_scopes.tenant', true), '')::text)"));
    }

    #[test]
    fn objects_foreign_key_path_ok() {
        let objects = objects(&config(TWO_DIMENSIONS)).unwrap();
        let replies = objects[12].create_sql();
        assert!(replies.contains(
            "USING (EXISTS (SELECT 1 FROM comments sqlx_scopes_p1 WHERE sqlx_scopes_p1.id = replies.comment_id\n        AND (EXISTS (SELECT 1 FROM posts sqlx_scopes_p2 WHERE sqlx_scopes_p2.id = sqlx_scopes_p1.post_id\n        AND (sqlx_scopes_p2.site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)"
        ), "{replies}");
    }

    #[test]
    fn objects_not_postgres_err() {
        let err = objects(&config("dialect = \"sqlite\"\n")).unwrap_err();
        assert!(
            err.to_string().contains("needs `dialect = \"postgres\"`"),
            "{err}"
        );
    }

    #[test]
    fn objects_unknown_type_err() {
        // A type without a PostgreSQL type never reaches the policies: the config refuses it.
        let text = "dialect = \"postgres\"\n[dimensions]\nsite = \"f64\"\n";
        let err = Config::parse(text, "scopes.toml".as_ref()).unwrap_err();
        assert!(err.to_string().contains("unknown type `f64`"), "{err}");
    }

    #[test]
    fn drop_sql_ok() {
        let table = Object::Table {
            table: "posts".into(),
        };
        assert_eq!(
            table.drop_sql(),
            "ALTER TABLE posts NO FORCE ROW LEVEL SECURITY;\nALTER TABLE posts DISABLE ROW LEVEL SECURITY;"
        );
        let view = Object::View {
            view: "published_posts".into(),
        };
        assert_eq!(
            view.create_sql(),
            "ALTER VIEW published_posts SET (security_invoker = true);"
        );
    }

    #[test]
    fn ident_ok() {
        assert_eq!(ident("posts"), "posts");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("Weird\"Name"), "\"Weird\"\"Name\"");
    }
}
