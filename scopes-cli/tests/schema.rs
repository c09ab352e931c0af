//! `scopes schema` against real databases: the snapshot written from a migrated database loads,
//! and gives the checker the keys the migrations give it. PostgreSQL at 127.0.0.1:5432 (db
//! `test`) and MariaDB at 127.0.0.1:3306 (db `test`), each test in a fresh schema or database
//! (override with SCOPES_TEST_POSTGRES_URL / SCOPES_TEST_MYSQL_URL); SQLite in a temp file.
//! An unreachable server fails the test when CI is set, and otherwise says it did not run.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use scopes_cli::opt::{Command, Opt, SchemaArgs};
use scopes_core::schema::{Schema, TableDef};
use scopes_core::Dialect;
use sqlx::Connection;

/// The DDL run on the database and read as a migration, per dialect.
const POSTGRES_DDL: &str = r#"
CREATE TABLE orgs (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE products (org_id BIGINT NOT NULL REFERENCES orgs (id), id BIGINT NOT NULL,
    sku VARCHAR(40) NOT NULL, PRIMARY KEY (org_id, id), CONSTRAINT products_sku UNIQUE (org_id, sku));
CREATE TABLE lines (id BIGSERIAL PRIMARY KEY, org_id BIGINT NOT NULL, product_id BIGINT NOT NULL,
    note TEXT, tags TEXT[] DEFAULT '{}', at TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id));
CREATE UNIQUE INDEX lines_note ON lines (lower(note));
CREATE UNIQUE INDEX lines_live ON lines (org_id, product_id) WHERE note IS NULL;
CREATE UNIQUE INDEX lines_at ON lines (at);
ALTER TABLE lines ADD CONSTRAINT lines_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;
CREATE VIEW product_names AS SELECT p.org_id, p.sku AS name FROM products p JOIN orgs o ON o.id = p.org_id;
CREATE FUNCTION slugify(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;
"#;

const MYSQL_DDL: &str = r#"
CREATE TABLE orgs (id BIGINT PRIMARY KEY, name VARCHAR(99) NOT NULL);
CREATE TABLE products (org_id BIGINT NOT NULL, id BIGINT NOT NULL, sku VARCHAR(40) NOT NULL,
    PRIMARY KEY (org_id, id), UNIQUE KEY products_sku (org_id, sku), UNIQUE KEY products_prefix (sku(8)),
    CONSTRAINT products_org FOREIGN KEY (org_id) REFERENCES orgs (id));
CREATE TABLE order_lines (id BIGINT AUTO_INCREMENT PRIMARY KEY, org_id BIGINT NOT NULL, product_id BIGINT NOT NULL,
    note VARCHAR(99), CONSTRAINT order_lines_product FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id));
CREATE VIEW product_names AS SELECT p.org_id, p.sku AS name FROM products p JOIN orgs o ON o.id = p.org_id;
"#;

const SQLITE_DDL: &str = r#"
CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE products (org_id INTEGER NOT NULL REFERENCES orgs (id), id INTEGER NOT NULL,
    sku TEXT NOT NULL, PRIMARY KEY (org_id, id), UNIQUE (org_id, sku));
CREATE TABLE lines (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, product_id INTEGER NOT NULL, note TEXT,
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id));
CREATE UNIQUE INDEX lines_live ON lines (org_id, product_id) WHERE note IS NULL;
CREATE VIEW product_names AS SELECT p.org_id, p.sku AS name FROM products p JOIN orgs o ON o.id = p.org_id;
CREATE TRIGGER lines_touch AFTER UPDATE ON lines BEGIN UPDATE lines SET note = NULL WHERE id = NEW.id; END;
"#;

/// Writes the snapshot of the database at `url`.
fn snapshot(url: &str, schemas: &[String]) -> String {
    let opt = Opt {
        command: Command::Schema(SchemaArgs {
            database_url: url.to_string(),
            schemas: schemas.to_vec(),
        }),
    };
    let mut out = Vec::new();
    scopes_cli::run(&opt, &mut out).unwrap_or_else(|e| panic!("scopes schema: {e}"));
    String::from_utf8(out).unwrap()
}

/// What the checker reads of a table, without constraint names (a snapshot has the real ones,
/// the migrations' loader its guesses).
fn keys(table: &TableDef) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("{}{}", c.name, if c.not_null { "!" } else { "" }))
        .collect();
    let mut fks: Vec<String> = table
        .foreign_keys
        .iter()
        .map(|fk| {
            format!(
                "({}) -> {}({}){}",
                fk.columns.join(","),
                fk.parent,
                fk.parent_columns.join(","),
                if fk.enforced { "" } else { " unenforced" }
            )
        })
        .collect();
    fks.sort();
    let mut unique = table.unique_keys.clone();
    unique.sort();
    let mut partial = table.partial_keys.clone();
    partial.sort();
    format!(
        "{}: columns {columns:?} pk {:?} unique {unique:?} partial {partial:?} fks {fks:?} certain {}",
        table.name, table.primary_key, !table.keys_uncertain
    )
}

/// The snapshot loads, and gives every table the keys the migrations give it.
fn compare(ddl: &str, text: &str, dialect: Dialect) -> Schema {
    let from_snapshot = {
        let mut schema = Schema::default();
        schema
            .apply_sql(text, Path::new("schema.sql"), dialect)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        schema
    };
    let mut from_migrations = Schema::default();
    from_migrations
        .apply_sql(ddl, Path::new("1_init.sql"), dialect)
        .unwrap();
    let tables = |s: &Schema| s.tables.values().map(keys).collect::<Vec<_>>();
    assert_eq!(tables(&from_snapshot), tables(&from_migrations), "{text}");
    let views = |s: &Schema| {
        s.views
            .values()
            .map(|v| format!("{}: {:?} reads {:?}", v.name, v.columns, v.reads))
            .collect::<Vec<_>>()
    };
    assert_eq!(views(&from_snapshot), views(&from_migrations), "{text}");
    assert_eq!(from_snapshot.functions, from_migrations.functions, "{text}");
    from_snapshot
}

/// Connects, or returns `None` (with a notice) when the server is unreachable outside CI.
async fn reachable<C: Connection>(url: &str, what: &str) -> Option<C> {
    match C::connect(url).await {
        Ok(c) => Some(c),
        Err(e) if std::env::var("CI").is_ok_and(|v| !v.is_empty()) => {
            panic!("CI is set and {what} at {url} is unreachable: {e}")
        }
        Err(e) => {
            eprintln!("NOTICE: the {what} snapshot test did NOT run: {url} is unreachable ({e})");
            None
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn postgres_snapshot_ok() {
    let url = std::env::var("SCOPES_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let schema = format!("scopes_snapshot_{}", std::process::id());
    let rt = runtime();
    let Some(mut conn) = rt.block_on(reachable::<sqlx::PgConnection>(&url, "PostgreSQL")) else {
        return;
    };
    let setup = format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path = {schema}; {POSTGRES_DDL}"
    );
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(setup)).execute(&mut conn))
        .unwrap();
    let text = snapshot(&url, std::slice::from_ref(&schema));
    let cleanup = format!("DROP SCHEMA {schema} CASCADE");
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(cleanup)).execute(&mut conn))
        .unwrap();
    let loaded = compare(POSTGRES_DDL, &text, Dialect::Postgres);
    // Real names: a drop by the database's name is understood, even where the loader guesses.
    assert!(
        text.contains("CONSTRAINT \"lines_org_id_product_id_fkey\""),
        "{text}"
    );
    assert!(text.contains("NOT VALID"), "{text}");
    let lines = loaded.table("lines").unwrap();
    assert!(lines
        .constraints
        .iter()
        .any(|c| c.name == "lines_pkey" && !c.guessed));
}

#[test]
fn mysql_snapshot_ok() {
    let url = std::env::var("SCOPES_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_string());
    let database = format!("scopes_snapshot_{}", std::process::id());
    let rt = runtime();
    let Some(mut conn) = rt.block_on(reachable::<sqlx::MySqlConnection>(&url, "MySQL")) else {
        return;
    };
    let setup = format!("DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}; USE {database}; {MYSQL_DDL}");
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(setup)).execute(&mut conn))
        .unwrap();
    let db_url = match url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{database}"),
        None => panic!("{url} names no database"),
    };
    let text = snapshot(&db_url, &[]);
    let cleanup = format!("DROP DATABASE {database}");
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(cleanup)).execute(&mut conn))
        .unwrap();
    compare(MYSQL_DDL, &text, Dialect::Mysql);
}

#[test]
fn sqlite_snapshot_ok() {
    let path = std::env::temp_dir().join(format!("scopes-snapshot-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite:{}?mode=rwc", path.display());
    let rt = runtime();
    let mut conn = rt.block_on(sqlx::SqliteConnection::connect(&url)).unwrap();
    rt.block_on(sqlx::raw_sql(SQLITE_DDL).execute(&mut conn))
        .unwrap();
    rt.block_on(conn.close()).unwrap();
    let text = snapshot(&url, &[]);
    let _ = std::fs::remove_file(&path);
    compare(SQLITE_DDL, &text, Dialect::Sqlite);
}

#[test]
fn snapshot_url_err() {
    let opt = Opt {
        command: Command::Schema(SchemaArgs {
            database_url: "oracle://db".into(),
            schemas: Vec::new(),
        }),
    };
    let err = scopes_cli::run(&opt, &mut Vec::new()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`--database-url` must start with"),
        "{err}"
    );
}
