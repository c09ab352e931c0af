//! Schema checks RLS cannot do itself, over a [`Schema`] read from the migrations or from a
//! live catalog: foreign keys between scoped tables that do not carry the scope (foreign-key
//! checks bypass RLS, so a row can reference another tenant's row), unique keys without the
//! scope column (an insert learns whether another tenant holds a value), scope columns that
//! no index leads with. The same checks serve every dialect.

use crate::config::{Config, ScopeRule};
use crate::schema::{ForeignKey, Schema, TableDef};

use super::policy::ident;

/// The code of a foreign key between scoped tables that does not carry the scope.
pub const CROSS_SCOPE_FOREIGN_KEY: &str = "cross-scope-foreign-key";
/// The code of a unique key of a scoped table without its scope column.
pub const GLOBAL_UNIQUE: &str = "global-unique";
/// The code of a scope column that no index leads with.
pub const UNINDEXED_SCOPE_COLUMN: &str = "unindexed-scope-column";

/// One problem of the schema (or, in the live audit, of the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The kebab-case code.
    pub code: &'static str,
    /// The table (or role, view) it is about.
    pub relation: String,
    /// What is wrong, naming the table and columns.
    pub message: String,
    /// What to change (SQL when there is a precise fix).
    pub help: String,
}

/// Every key and index finding for the scoped tables of `config` in `schema`, in table order.
///
/// ```
/// use scopes_core::{rls::keys, schema::Schema, Config, Dialect};
/// let config = Config::parse(
///     "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\n[tables]\nposts = { site = \"site_id\" }\n",
///     "scopes.toml".as_ref(),
/// ).unwrap();
/// let mut schema = Schema::default();
/// schema.apply_sql(
///     "CREATE TABLE posts (id BIGINT PRIMARY KEY, site_id BIGINT NOT NULL, slug TEXT UNIQUE);",
///     "1_posts.sql".as_ref(),
///     Dialect::Postgres,
/// ).unwrap();
/// let codes: Vec<&str> = keys::check(&config, &schema).iter().map(|f| f.code).collect();
/// assert_eq!(codes, ["global-unique", "unindexed-scope-column"]);
/// ```
pub fn check(config: &Config, schema: &Schema) -> Vec<Finding> {
    let mut out = Vec::new();
    for (name, scope) in &config.tables {
        let Some(table) = schema.table(name) else {
            continue;
        };
        for fk in &table.foreign_keys {
            foreign_key(config, schema, table, fk, &mut out);
        }
        for (dimension, rule) in &scope.rules {
            let column = match rule {
                ScopeRule::Column(c) | ScopeRule::ForeignKey { column: c, .. } => c,
            };
            // The tenant table itself (`sites = { site = "id" }`): each row is a tenant, and
            // its unique keys (a domain, a slug) are global by design.
            let tenant_root = table.primary_key == [column.clone()];
            if !tenant_root {
                for key in &table.unique_keys {
                    if !key.contains(column) {
                        out.push(global_unique(table, key, dimension, column));
                    }
                }
            }
            let leads = |key: &Vec<String>| key.first() == Some(column);
            let indexed = leads(&table.primary_key)
                || table.unique_keys.iter().any(leads)
                || table.indexes.iter().any(leads);
            if !indexed {
                let kind = match rule {
                    ScopeRule::Column(_) => "scope column",
                    ScopeRule::ForeignKey { .. } => "scope path's column",
                };
                out.push(Finding {
                    code: UNINDEXED_SCOPE_COLUMN,
                    relation: table.name.clone(),
                    message: format!(
                        "no index of `{}` leads with `{column}`, the {kind} of dimension `{dimension}`: every scoped query and every policy check filters on it",
                        table.name
                    ),
                    help: format!(
                        "CREATE INDEX {}_{column}_idx ON {} ({});",
                        table.name,
                        ident(&table.name),
                        ident(column)
                    ),
                });
            }
        }
    }
    out
}

fn global_unique(table: &TableDef, key: &[String], dimension: &str, column: &str) -> Finding {
    let mut fixed = vec![column.to_string()];
    fixed.extend(key.iter().cloned());
    Finding {
        code: GLOBAL_UNIQUE,
        relation: table.name.clone(),
        message: format!(
            "unique key ({}) of `{}` does not include `{column}`, the scope of dimension `{dimension}`: an insert that fails on it tells one tenant that another holds the value",
            key.join(", "),
            table.name
        ),
        help: format!(
            "make it unique per tenant: replace it with UNIQUE ({}) on {}",
            list(&fixed),
            ident(&table.name)
        ),
    }
}

/// A foreign key of `child` to another scoped table: fine when, for every dimension both are
/// scoped on, it maps the child's scope column to the parent's, or it is the child's scope path.
fn foreign_key(
    config: &Config,
    schema: &Schema,
    child: &TableDef,
    fk: &ForeignKey,
    out: &mut Vec<Finding>,
) {
    let (Some(child_scope), Some(parent_scope)) = (
        config.tables.get(&child.name),
        config.tables.get(&fk.parent),
    ) else {
        return;
    };
    for (dimension, child_rule) in &child_scope.rules {
        let Some(parent_rule) = parent_scope.rules.get(dimension) else {
            continue;
        };
        let message = |what: &str| {
            format!(
                "foreign key ({}) of `{}` references `{}` ({}), both scoped on `{dimension}`, {what}: foreign-key checks bypass row-level security, so a row can reference another tenant's `{}` row and learn that it exists",
                fk.columns.join(", "),
                child.name,
                fk.parent,
                fk.parent_columns.join(", "),
                fk.parent
            )
        };
        match (child_rule, parent_rule) {
            (
                ScopeRule::ForeignKey {
                    column,
                    parent,
                    parent_column,
                },
                _,
            ) if fk.columns == [column.clone()]
                && *parent == fk.parent
                && fk.parent_columns == [parent_column.clone()] =>
            {
                // The scope path itself: the child's policy checks the parent through it.
            }
            (ScopeRule::Column(child_column), ScopeRule::Column(parent_column)) => {
                let carried = fk
                    .columns
                    .iter()
                    .zip(&fk.parent_columns)
                    .any(|(c, p)| c == child_column && p == parent_column);
                if carried {
                    continue;
                }
                let mut columns = vec![child_column.clone()];
                columns.extend(fk.columns.iter().cloned());
                let mut parent_columns = vec![parent_column.clone()];
                parent_columns.extend(fk.parent_columns.iter().cloned());
                let mut help = format!(
                    "make the key composite: ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({});",
                    ident(&child.name),
                    list(&columns),
                    ident(&fk.parent),
                    list(&parent_columns)
                );
                let parent_unique = schema.table(&fk.parent).is_some_and(|p| {
                    let same = |key: &Vec<String>| {
                        key.len() == parent_columns.len()
                            && parent_columns.iter().all(|c| key.contains(c))
                    };
                    same(&p.primary_key) || p.unique_keys.iter().any(same)
                });
                if !parent_unique {
                    help.push_str(&format!(
                        " (first: ALTER TABLE {} ADD UNIQUE ({});), then drop the single-column key",
                        ident(&fk.parent),
                        list(&parent_columns)
                    ));
                } else {
                    help.push_str(", then drop the single-column key");
                }
                out.push(Finding {
                    code: CROSS_SCOPE_FOREIGN_KEY,
                    relation: child.name.clone(),
                    message: message(&format!(
                        "and does not map `{child_column}` to `{parent_column}`"
                    )),
                    help,
                });
            }
            _ => out.push(Finding {
                code: CROSS_SCOPE_FOREIGN_KEY,
                relation: child.name.clone(),
                message: message("and cannot carry the scope (one side holds it only through another foreign key)"),
                help: format!(
                    "give `{}` and `{}` a column of their own holding the `{dimension}` scope value, and make the key composite on it; or drop the reference",
                    child.name, fk.parent
                ),
            }),
        }
    }
}

fn list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::Dialect;

    fn run(tables: &str, sql: &str) -> Vec<Finding> {
        let text = format!(
            "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\nuser = \"i64\"\n[tables]\n{tables}"
        );
        let config = Config::parse(&text, "scopes.toml".as_ref()).unwrap();
        let mut schema = Schema::default();
        schema
            .apply_sql(sql, "1_schema.sql".as_ref(), Dialect::Postgres)
            .unwrap();
        check(&config, &schema)
    }

    const TABLES: &str = "sites = { site = \"id\" }\nposts = { site = \"site_id\" }\ncomments = { site = \"post_id -> posts.id\" }\nnotes = { site = \"site_id\", user = \"author_id\" }\nlinks = { site = \"site_id\" }\n";

    #[test]
    fn fixed_schema_ok() {
        let sql = "
            CREATE TABLE sites (id BIGINT PRIMARY KEY, domain TEXT NOT NULL UNIQUE);
            CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL REFERENCES sites (id), slug TEXT,
                UNIQUE (site_id, slug), UNIQUE (site_id, id));
            CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id));
            CREATE INDEX comments_post_idx ON comments (post_id);
            CREATE TABLE notes (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL, author_id BIGINT NOT NULL);
            CREATE INDEX ON notes (site_id, id);
            CREATE INDEX notes_author ON notes (author_id);
            CREATE TABLE links (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL, post_id BIGINT NOT NULL,
                FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id));
            CREATE INDEX links_site ON links (site_id);
        ";
        assert_eq!(run(TABLES, sql), []);
    }

    #[test]
    fn single_column_foreign_key_err() {
        let sql = "
            CREATE TABLE sites (id BIGINT PRIMARY KEY);
            CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL);
            CREATE INDEX ON posts (site_id);
            CREATE TABLE links (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL REFERENCES sites (id), post_id BIGINT NOT NULL REFERENCES posts (id));
            CREATE INDEX ON links (site_id);
        ";
        let findings = run(TABLES, sql);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].code, CROSS_SCOPE_FOREIGN_KEY);
        assert_eq!(
            findings[0].help,
            "make the key composite: ALTER TABLE links ADD FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id); (first: ALTER TABLE posts ADD UNIQUE (site_id, id);), then drop the single-column key"
        );
    }

    #[test]
    fn foreign_key_through_path_err() {
        // `comment_links` holds `site` in a column, `comments` only through posts.
        let tables = format!("{TABLES}comment_links = {{ site = \"site_id\" }}\n");
        let sql = "
            CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL);
            CREATE INDEX ON posts (site_id);
            CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id));
            CREATE INDEX ON comments (post_id);
            CREATE TABLE comment_links (site_id BIGINT NOT NULL, comment_id BIGINT REFERENCES comments (id));
            CREATE INDEX ON comment_links (site_id);
        ";
        let findings = run(&tables, sql);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(findings[0].message.contains("cannot carry the scope"));
    }

    #[test]
    fn global_unique_and_index_err() {
        let sql = "
            CREATE TABLE sites (id BIGINT PRIMARY KEY, domain TEXT UNIQUE);
            CREATE TABLE notes (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL, author_id BIGINT NOT NULL, slug TEXT UNIQUE);
            CREATE INDEX notes_site ON notes (site_id);
            CREATE INDEX notes_author ON notes (author_id);
            DROP INDEX notes_author;
        ";
        let findings = run(TABLES, sql);
        let summary: Vec<(&str, &str)> =
            findings.iter().map(|f| (f.code, f.help.as_str())).collect();
        assert_eq!(
            summary,
            [
                (
                    GLOBAL_UNIQUE,
                    "make it unique per tenant: replace it with UNIQUE (site_id, slug) on notes"
                ),
                (
                    GLOBAL_UNIQUE,
                    "make it unique per tenant: replace it with UNIQUE (author_id, slug) on notes"
                ),
                (
                    UNINDEXED_SCOPE_COLUMN,
                    "CREATE INDEX notes_author_id_idx ON notes (author_id);"
                ),
            ]
        );
    }

    #[test]
    fn index_leading_columns_ok() {
        let sql = "
            CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL);
            CREATE INDEX posts_expr ON posts (site_id, lower(id::text));
        ";
        assert_eq!(run("posts = { site = \"site_id\" }\n", sql), []);
        let sql = "
            CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, site_id BIGINT NOT NULL);
            CREATE INDEX posts_part ON posts (site_id) WHERE id > 0;
            CREATE INDEX posts_second ON posts (id, site_id);
        ";
        assert_eq!(run("posts = { site = \"site_id\" }\n", sql).len(), 1);
    }
}
