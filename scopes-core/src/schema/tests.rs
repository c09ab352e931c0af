//! Tests of schema loading: migration files, DDL application, and errors with file and line.

use std::path::{Path, PathBuf};

use super::*;
use crate::config::{ConfigError, Dialect};

pub(super) fn apply(sql: &str, dialect: Dialect) -> Result<Schema, ConfigError> {
    let mut schema = Schema::default();
    schema.apply_sql(sql, Path::new("1_m.sql"), dialect)?;
    Ok(schema)
}

pub(super) fn sqlite(sql: &str) -> Schema {
    apply(sql, Dialect::Sqlite).unwrap()
}

/// The error's line and message; panics when the SQL is accepted.
pub(super) fn error(sql: &str, dialect: Dialect) -> (usize, String) {
    match apply(sql, dialect) {
        Err(ConfigError::Invalid { line, message, .. }) => (line, message),
        other => panic!("expected an error, got {other:?}"),
    }
}

fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A fresh directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scopes-schema-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn repo_migrations_ok() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let schema = Schema::load_migrations(&dir, Dialect::Sqlite).unwrap();
    assert_eq!(schema.tables.len(), 10);
    let posts = schema.table("POSTS").unwrap();
    assert_eq!(posts.primary_key, cols(&["id"]));
    assert_eq!(posts.unique_keys, vec![cols(&["site_id", "slug"])]);
    assert!(posts
        .columns
        .iter()
        .any(|c| c.name == "site_id" && c.not_null));
    assert!(posts
        .columns
        .iter()
        .any(|c| c.name == "author_id" && !c.not_null));
    let comments = schema.table("comments").unwrap();
    assert_eq!(
        comments.foreign_keys[0],
        ForeignKey {
            columns: cols(&["post_id"]),
            parent: "posts".into(),
            parent_columns: cols(&["id"]),
            enforced: true,
        }
    );
    let members = schema.table("comment_group_members").unwrap();
    assert_eq!(members.primary_key, cols(&["group_id", "comment_id"]));
    assert_eq!(
        schema.table("sites").unwrap().unique_keys,
        vec![cols(&["domain"])]
    );
}

#[test]
fn migration_files_ok() {
    let dir = temp_dir("order");
    // Version order, not name order: 2 before 10.
    std::fs::write(
        dir.join("10_rename.sql"),
        "ALTER TABLE posts RENAME COLUMN site TO site_id;",
    )
    .unwrap();
    std::fs::write(
        dir.join("2_add.up.sql"),
        "ALTER TABLE posts ADD COLUMN site INTEGER NOT NULL;",
    )
    .unwrap();
    std::fs::write(dir.join("2_add.down.sql"), "DROP TABLE posts;").unwrap();
    std::fs::write(
        dir.join("1_init.sql"),
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);",
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "not a migration").unwrap();
    let schema = Schema::load_migrations(&dir, Dialect::Sqlite).unwrap();
    let posts = schema.table("posts").unwrap();
    assert_eq!(
        posts
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "site_id"]
    );
    assert!(posts.columns.iter().all(|c| c.not_null));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migration_files_err() {
    let dir = temp_dir("badname");
    std::fs::write(dir.join("init.sql"), "CREATE TABLE t (id INT);").unwrap();
    let err = Schema::load_migrations(&dir, Dialect::Sqlite).unwrap_err();
    assert!(
        err.to_string().contains("does not start with a version"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    let dir = temp_dir("dup");
    std::fs::write(dir.join("1_a.sql"), "").unwrap();
    std::fs::write(dir.join("1_b.sql"), "").unwrap();
    let err = Schema::load_migrations(&dir, Dialect::Sqlite).unwrap_err();
    assert!(err.to_string().contains("version 1 is also used"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);

    let missing = std::env::temp_dir().join("scopes-schema-no-such-dir");
    assert!(matches!(
        Schema::load_migrations(&missing, Dialect::Sqlite),
        Err(ConfigError::Io { .. })
    ));
}

#[test]
fn create_table_ok() {
    let schema = sqlite(
        "CREATE TABLE a (x INT, y INT NOT NULL, z INT UNIQUE, PRIMARY KEY (x, y), UNIQUE (y, z));
         CREATE TABLE b (id INT PRIMARY KEY, a_x INT, a_y INT, c_id INT REFERENCES c,
             FOREIGN KEY (a_x, a_y) REFERENCES a (x, y));
         CREATE TABLE c (id INTEGER PRIMARY KEY, parent INT REFERENCES c);
         CREATE TEMP TABLE scratch (v INT);
         CREATE TABLE IF NOT EXISTS c (other INT);",
    );
    let a = schema.table("a").unwrap();
    assert_eq!(a.primary_key, cols(&["x", "y"]));
    assert_eq!(a.unique_keys, vec![cols(&["z"]), cols(&["y", "z"])]);
    // SQLite lets an ordinary table's primary key hold NULL: only `y` is declared NOT NULL.
    assert!(a.columns.iter().all(|c| c.not_null == (c.name == "y")));
    let b = schema.table("b").unwrap();
    // Forward and self references get the parent's primary key once it exists.
    assert_eq!(b.foreign_keys[0].parent_columns, cols(&["id"]));
    assert_eq!(b.foreign_keys[1].parent_columns, cols(&["x", "y"]));
    assert_eq!(
        schema.table("c").unwrap().foreign_keys[0].parent_columns,
        cols(&["id"])
    );
    assert!(schema.table("scratch").is_none());
    assert!(!schema.table("c").unwrap().has_column("other"));
}

#[test]
fn create_table_err() {
    let (line, message) = error(
        "CREATE TABLE t (id INT);\n\nCREATE TABLE t (id INT);",
        Dialect::Sqlite,
    );
    assert_eq!(
        (line, message.as_str()),
        (3, "`t` already exists: an earlier migration creates it")
    );
    let (line, message) = error("\nCREATE TABLE t AS SELECT 1 AS x;", Dialect::Postgres);
    assert_eq!(line, 2);
    assert!(
        message.starts_with("cannot tell the columns of `t`"),
        "{message}"
    );
    let (line, message) = error("CREATE TABLE t (a INT, a INT);", Dialect::Sqlite);
    assert_eq!(
        (line, message.as_str()),
        (1, "`t` already has a column `a`")
    );
}

#[test]
fn unique_index_ok() {
    let schema = sqlite(
        "CREATE TABLE t (id INT, slug TEXT, site INT);
         CREATE UNIQUE INDEX t_slug ON t (site, slug);
         CREATE INDEX t_site ON t (site);
         CREATE UNIQUE INDEX t_lower ON t (lower(slug));
         CREATE UNIQUE INDEX t_partial ON t (id) WHERE site > 0;",
    );
    assert_eq!(
        schema.table("t").unwrap().unique_keys,
        vec![cols(&["site", "slug"])]
    );
    let schema = sqlite(
        "CREATE TABLE t (id INT, slug TEXT);
         CREATE UNIQUE INDEX t_slug ON t (slug);
         DROP INDEX t_slug;",
    );
    assert!(schema.table("t").unwrap().unique_keys.is_empty());
}

#[test]
fn alter_table_ok() {
    let schema = apply(
        "CREATE TABLE sites (id INT PRIMARY KEY);
         CREATE TABLE posts (id INT PRIMARY KEY, old INT, gone INT UNIQUE);
         CREATE TABLE comments (id INT, post_ref INT REFERENCES posts (id));
         ALTER TABLE posts ADD COLUMN site_id INT NOT NULL REFERENCES sites (id);
         ALTER TABLE posts DROP COLUMN gone;
         ALTER TABLE posts RENAME COLUMN id TO post_id;
         ALTER TABLE posts RENAME TO articles;
         ALTER TABLE comments ADD CONSTRAINT c_pk PRIMARY KEY (id);
         ALTER TABLE comments ADD CONSTRAINT c_u UNIQUE (post_ref);
         ALTER TABLE comments DROP CONSTRAINT c_u;
         ALTER TABLE comments ALTER COLUMN post_ref SET NOT NULL;
         ALTER TABLE articles ENABLE ROW LEVEL SECURITY;",
        Dialect::Postgres,
    )
    .unwrap();
    assert!(schema.table("posts").is_none());
    let articles = schema.table("articles").unwrap();
    assert_eq!(
        articles
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["post_id", "old", "site_id"]
    );
    assert_eq!(articles.primary_key, cols(&["post_id"]));
    assert!(articles.unique_keys.is_empty());
    assert_eq!(articles.foreign_keys[0].parent, "sites");
    let comments = schema.table("comments").unwrap();
    assert_eq!(comments.primary_key, cols(&["id"]));
    assert!(comments.unique_keys.is_empty());
    // The foreign key follows both renames of its parent.
    assert_eq!(comments.foreign_keys[0].parent, "articles");
    assert_eq!(comments.foreign_keys[0].parent_columns, cols(&["post_id"]));
    assert!(comments.columns.iter().all(|c| c.not_null));
}

#[test]
fn alter_table_err() {
    let (line, message) = error(
        "CREATE TABLE t (id INT);\nALTER TABLE u ADD COLUMN x INT;",
        Dialect::Sqlite,
    );
    assert_eq!(
        (line, message.as_str()),
        (2, "`ALTER TABLE u`: no earlier migration creates `u`")
    );
    let (line, message) = error(
        "CREATE TABLE t (id INT);\nALTER TABLE t DROP COLUMN x;",
        Dialect::Sqlite,
    );
    assert_eq!(
        (line, message.as_str()),
        (2, "`t` has no column `x` to drop")
    );
    let (line, message) = error(
        "CREATE TABLE t (id INT);\n\nALTER TABLE t RENAME COLUMN x TO y;",
        Dialect::Sqlite,
    );
    assert_eq!(
        (line, message.as_str()),
        (3, "`t` has no column `x` to rename")
    );
}

#[test]
fn drop_and_views_ok() {
    let schema = apply(
        "CREATE TABLE posts (id INT PRIMARY KEY, site_id INT, title TEXT);
         CREATE TABLE old (id INT);
         DROP TABLE old;
         CREATE VIEW v1 AS SELECT p.id, p.title AS name FROM public.posts p JOIN Sites s ON s.id = p.site_id;
         CREATE VIEW v2 (a, b) AS SELECT * FROM posts;
         CREATE VIEW v3 AS SELECT * FROM v1 WHERE id IN (SELECT id FROM posts);
         CREATE VIEW gone AS SELECT 1;
         DROP VIEW gone;",
        Dialect::Postgres,
    )
    .unwrap();
    assert!(schema.table("old").is_none() && schema.view("gone").is_none());
    let v1 = schema.view("v1").unwrap();
    assert_eq!(v1.columns, Some(cols(&["id", "name"])));
    assert_eq!(v1.reads.iter().collect::<Vec<_>>(), ["posts", "sites"]);
    assert_eq!(schema.view("v2").unwrap().columns, Some(cols(&["a", "b"])));
    let v3 = schema.view("v3").unwrap();
    assert_eq!(v3.columns, None);
    assert_eq!(v3.reads.iter().collect::<Vec<_>>(), ["posts", "v1"]);
    assert!(v3.query.starts_with("SELECT * FROM v1"));
}

#[test]
fn mysql_ok() {
    let schema = apply(
        "CREATE TABLE sites (id BIGINT AUTO_INCREMENT PRIMARY KEY, domain VARCHAR(100) NOT NULL,
            UNIQUE KEY sites_domain (domain), KEY sites_idx (domain)) ENGINE=InnoDB;
         CREATE TABLE posts (id BIGINT PRIMARY KEY, site BIGINT,
            CONSTRAINT posts_site FOREIGN KEY (site) REFERENCES sites (id));
         ALTER TABLE posts CHANGE COLUMN site site_id BIGINT NOT NULL;
         ALTER TABLE sites DROP INDEX sites_domain;
         RENAME TABLE posts TO articles;",
        Dialect::Mysql,
    )
    .unwrap();
    assert!(schema.table("sites").unwrap().unique_keys.is_empty());
    let articles = schema.table("articles").unwrap();
    assert!(articles
        .columns
        .iter()
        .any(|c| c.name == "site_id" && c.not_null));
    assert_eq!(articles.foreign_keys[0].columns, cols(&["site_id"]));
}

#[test]
fn common_ddl_ok() {
    let sqlite = apply(
        "CREATE TABLE IF NOT EXISTS a (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL DEFAULT (datetime('now')),
            n INTEGER CHECK (n > 0),
            CONSTRAINT n_pos CHECK (n < 100)
         ) STRICT;
         CREATE TABLE b (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS a_n ON a (n);
         CREATE TRIGGER IF NOT EXISTS a_t AFTER UPDATE ON a BEGIN UPDATE a SET n = 1 WHERE id = NEW.id; END;",
        Dialect::Sqlite,
    )
    .unwrap();
    assert_eq!(sqlite.tables.len(), 2);
    let postgres = apply(
        "CREATE TABLE a (
            id BIGSERIAL PRIMARY KEY,
            uid UUID NOT NULL DEFAULT gen_random_uuid(),
            n BIGINT GENERATED ALWAYS AS IDENTITY,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            tags TEXT[] NOT NULL DEFAULT '{}'
         );
         ALTER TABLE a ADD COLUMN IF NOT EXISTS uid UUID;
         ALTER TABLE ONLY a ADD CONSTRAINT a_uid UNIQUE (uid);
         ALTER TABLE a DROP CONSTRAINT a_uid;
         ALTER TABLE a ADD CONSTRAINT a_uid2 UNIQUE (uid);
         CREATE UNIQUE INDEX CONCURRENTLY a_at ON a (at);
         CREATE MATERIALIZED VIEW m AS SELECT id FROM a;",
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(
        postgres.table("a").unwrap().unique_keys,
        vec![cols(&["uid"]), cols(&["at"])]
    );
    assert!(postgres.view("m").is_some());
    let mysql = apply(
        "CREATE TABLE a (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
            at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            b_id BIGINT UNSIGNED,
            PRIMARY KEY (id),
            INDEX a_b (b_id),
            FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE CASCADE
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
         ALTER TABLE a MODIFY COLUMN b_id BIGINT UNSIGNED NOT NULL;",
        Dialect::Mysql,
    )
    .unwrap();
    let a = mysql.table("a").unwrap();
    assert_eq!(a.primary_key, cols(&["id"]));
    assert!(a.columns.iter().all(|c| c.not_null));
}

#[test]
fn derived_tables_ok() {
    let schema = apply(
        "CREATE TABLE events (id BIGINT, site_id BIGINT NOT NULL, PRIMARY KEY (id, site_id)) PARTITION BY LIST (site_id);
         CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);
         CREATE TABLE audited (note TEXT) INHERITS (events);
         CREATE VIEW recent AS WITH latest AS (SELECT * FROM events) SELECT * FROM latest;
         CREATE TABLE x (id INT);
         ALTER TABLE x RENAME TO y, ADD COLUMN z INT;",
        Dialect::Postgres,
    );
    let schema = match schema {
        Ok(schema) => schema,
        // The parser may not know every clause; then the error must name the line.
        Err(e) => panic!("{e}"),
    };
    let names = |t: &str| {
        schema
            .table(t)
            .unwrap()
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("events_1"), cols(&["id", "site_id"]));
    assert_eq!(names("audited"), cols(&["id", "site_id", "note"]));
    assert_eq!(
        schema
            .view("recent")
            .unwrap()
            .reads
            .iter()
            .collect::<Vec<_>>(),
        ["events"]
    );
    assert_eq!(names("y"), cols(&["id", "z"]));
}

/// Composite foreign keys, with both column lists in order, from every place DDL declares them.
#[test]
fn composite_foreign_keys_ok() {
    let fk = |columns: &[&str], parent: &str, parent_columns: &[&str]| ForeignKey {
        columns: cols(columns),
        parent: parent.into(),
        parent_columns: cols(parent_columns),
        enforced: true,
    };
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let schema = apply(
            "CREATE TABLE orgs (id INT PRIMARY KEY);
             CREATE TABLE products (org_id INT NOT NULL, id INT NOT NULL, PRIMARY KEY (org_id, id));
             CREATE TABLE lines (id INT PRIMARY KEY, org_id INT NOT NULL, product_id INT NOT NULL,
                 variant_id INT, warehouse_id INT,
                 CONSTRAINT lines_product FOREIGN KEY (product_id, org_id) REFERENCES products (id, org_id),
                 FOREIGN KEY (org_id, variant_id) REFERENCES products);",
            dialect,
        )
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
        let lines = schema.table("lines").unwrap();
        assert_eq!(
            lines.foreign_keys,
            vec![
                // The order of the DDL, on both sides.
                fk(&["product_id", "org_id"], "products", &["id", "org_id"]),
                // No column list: the parent's primary key, in its order.
                fk(&["org_id", "variant_id"], "products", &["org_id", "id"]),
            ],
            "{dialect:?}"
        );
        assert_eq!(lines.certain_foreign_keys().count(), 2, "{dialect:?}");
    }
    // ALTER TABLE ADD [CONSTRAINT] FOREIGN KEY, and a column-level REFERENCES (one column).
    for dialect in [Dialect::Postgres, Dialect::Mysql] {
        let schema = apply(
            "CREATE TABLE products (org_id INT NOT NULL, id INT NOT NULL, PRIMARY KEY (org_id, id));
             CREATE TABLE lines (id INT PRIMARY KEY, org_id INT NOT NULL, product_id INT NOT NULL);
             ALTER TABLE lines ADD CONSTRAINT lines_product FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id);
             ALTER TABLE lines ADD FOREIGN KEY (product_id, org_id) REFERENCES products (id, org_id);
             ALTER TABLE lines ADD COLUMN owner_id INT REFERENCES products (id);",
            dialect,
        )
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
        let lines = schema.table("lines").unwrap();
        let mut expected = vec![
            fk(&["org_id", "product_id"], "products", &["org_id", "id"]),
            fk(&["product_id", "org_id"], "products", &["id", "org_id"]),
            fk(&["owner_id"], "products", &["id"]),
        ];
        // MySQL ignores a column-level REFERENCES.
        expected[2].enforced = dialect != Dialect::Mysql;
        assert_eq!(lines.foreign_keys, expected, "{dialect:?}");
        assert_eq!(
            lines.certain_foreign_keys().count(),
            if dialect == Dialect::Mysql { 2 } else { 3 },
            "{dialect:?}"
        );
    }
    // SQLite adds a column with its REFERENCES.
    let schema = sqlite(
        "CREATE TABLE p (id INTEGER PRIMARY KEY);
         CREATE TABLE c (id INTEGER PRIMARY KEY);
         ALTER TABLE c ADD COLUMN p_id INTEGER REFERENCES p (id);",
    );
    assert_eq!(
        schema.table("c").unwrap().foreign_keys,
        vec![fk(&["p_id"], "p", &["id"])]
    );
}
