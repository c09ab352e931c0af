//! Tests of what real migrations contain: statements that change nothing the checker reads
//! (skipped, parsed or not), DO blocks (followed, or refused with the way out).

use super::tests::{apply, error};
use super::*;
use crate::config::Dialect;

fn pg(sql: &str) -> Schema {
    apply(sql, Dialect::Postgres).unwrap_or_else(|e| panic!("{e}"))
}

const USERS: &str = "CREATE TABLE orgs (id BIGINT PRIMARY KEY);
CREATE TABLE users (id BIGINT NOT NULL, org_id BIGINT NOT NULL, email TEXT,
    CONSTRAINT users_pk PRIMARY KEY (id), CONSTRAINT users_org_id UNIQUE (org_id, id));
CREATE TABLE posts (id BIGINT NOT NULL, org_id BIGINT NOT NULL, author_id BIGINT,
    CONSTRAINT posts_pk PRIMARY KEY (id));
";

#[test]
fn harmless_statements_ok() {
    let schema = pg(&format!(
        "{USERS}
CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\" WITH SCHEMA public;
ALTER EXTENSION pg_trgm UPDATE;
CREATE TYPE mood AS ENUM ('a', 'b');
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'c';
ALTER TABLE users SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_enabled = false);
ALTER TABLE users RESET (autovacuum_enabled);
ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;
ALTER TABLE ONLY users ALTER email SET STORAGE EXTERNAL;
ALTER TABLE users CLUSTER ON users_pk;
ALTER TABLE users ALTER CONSTRAINT users_org_id DEFERRABLE;
ALTER SEQUENCE users_id_seq RESTART WITH 1000;
ALTER DATABASE test SET timezone TO 'UTC';
CREATE STATISTICS users_stats (dependencies) ON org_id, email FROM users;
CREATE PUBLICATION pub FOR TABLE users;
SECURITY LABEL ON TABLE users IS 'classified';
ALTER INDEX users_pk SET (fillfactor = 90);
CLUSTER users USING users_pk;
COMMENT ON COLUMN users.email IS 'login';
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app;
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_trgm ON users USING gin (email gin_trgm_ops);
CREATE UNIQUE INDEX users_live_email ON users (org_id, email) WHERE email IS NOT NULL;
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.email := lower(NEW.email); RETURN NEW; END;
$$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE PROCEDURE touch();
ALTER FUNCTION touch() RENAME TO touch_user;
CREATE AGGREGATE agg (int) (sfunc = int4pl, stype = int);
CREATE MATERIALIZED VIEW counts AS SELECT org_id, count(*) AS n FROM users GROUP BY org_id;
CREATE UNIQUE INDEX counts_org ON counts (org_id);
REFRESH MATERIALIZED VIEW counts;
DO $$ BEGIN RAISE NOTICE 'migrated'; END $$;
"
    ));
    let users = schema.table("users").unwrap();
    assert!(!users.keys_uncertain);
    assert_eq!(users.certain_unique_keys().count(), 2);
    assert_eq!(
        users.partial_keys,
        vec![vec!["org_id".to_string(), "email".to_string()]]
    );
    let functions: Vec<&str> = schema.functions.iter().map(String::as_str).collect();
    assert_eq!(functions, ["agg", "touch_user"]);
}

#[test]
fn harmless_mysql_ok() {
    let schema = apply(
        "CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(99), UNIQUE KEY t_e (email));
         ALTER TABLE t RENAME INDEX t_e TO t_email;
         ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
         ALTER TABLE t DROP INDEX t_email;",
        Dialect::Mysql,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let t = schema.table("t").unwrap();
    assert!(t.unique_keys.is_empty() && !t.keys_uncertain);
}

#[test]
fn harmless_statements_err() {
    // A second operation could be anything.
    let (line, message) = error(
        &format!("{USERS}ALTER TABLE users ALTER COLUMN email SET STATISTICS 5, DROP CONSTRAINT users_org_id;"),
        Dialect::Postgres,
    );
    assert_eq!(line, 6);
    assert!(
        message.starts_with("cannot parse this migration"),
        "{message}"
    );
    assert!(
        message.ends_with("list it in scopes.toml: `[[skip-migration]]` with `file = \"1_m.sql\"`, `line = 6` and a `reason`; otherwise take the schema from the database (`scopes schema`, then `schema = \"schema.sql\"` in scopes.toml)"),
        "{message}"
    );
    // An event trigger runs on every later DDL statement.
    let (line, message) = error(
        "SELECT 1;\nCREATE EVENT TRIGGER e ON ddl_command_end EXECUTE FUNCTION f();",
        Dialect::Postgres,
    );
    assert_eq!(line, 2);
    assert!(message.contains("[[skip-migration]]"), "{message}");
}

/// drizzle-kit writes every foreign key and enum this way.
const DRIZZLE: &str = "DO $$ BEGIN
 ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_author_fk\" FOREIGN KEY (\"org_id\",\"author_id\") REFERENCES \"public\".\"users\"(\"org_id\",\"id\") ON DELETE no action ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
";

#[test]
fn do_blocks_ok() {
    let schema = pg(&format!(
        "{USERS}{DRIZZLE}{DRIZZLE}DO $$ BEGIN
 CREATE TYPE \"public\".\"role\" AS ENUM('admin', 'member');
EXCEPTION
 WHEN duplicate_object THEN null;
END $$ LANGUAGE plpgsql;
"
    ));
    let posts = schema.table("posts").unwrap();
    // Applied once (the second block raised duplicate_object), and certain.
    assert!(!posts.keys_uncertain);
    let fks: Vec<_> = posts.certain_foreign_keys().collect();
    assert_eq!(fks.len(), 1);
    assert_eq!(fks[0].columns, ["org_id", "author_id"]);
    assert_eq!(fks[0].parent_columns, ["org_id", "id"]);
    // The hand-written form: IF NOT EXISTS on the constraint's name.
    let schema = pg(&format!(
        "{USERS}DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'posts_author_fk') THEN
    ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (org_id, author_id) REFERENCES users (org_id, id);
  END IF;
END;
$$;"
    ));
    let posts = schema.table("posts").unwrap();
    assert!(!posts.keys_uncertain);
    assert_eq!(posts.certain_foreign_keys().count(), 1);
    // Plain DDL in a block is applied as written.
    let schema = pg(&format!(
        "{USERS}DO $$ BEGIN ALTER TABLE posts DROP CONSTRAINT posts_pk; END $$;"
    ));
    assert!(schema.table("posts").unwrap().primary_key.is_empty());
}

#[test]
fn do_blocks_maybe_ok() {
    // A change that may or may not have run: its keys restrict, and nothing is certain.
    let schema = pg(&format!(
        "{USERS}DO $$ BEGIN
  IF current_setting('app.fk', true) = 'on' THEN
    ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (org_id, author_id) REFERENCES users (org_id, id);
  END IF;
END $$;"
    ));
    let posts = schema.table("posts").unwrap();
    assert_eq!(posts.foreign_keys.len(), 1);
    assert!(posts.keys_uncertain);
    assert!(posts
        .keys_uncertain_why
        .as_deref()
        .unwrap()
        .contains("may or may not"));
    // Any error swallowed: it ran whole or not at all.
    let schema = pg(&format!(
        "{USERS}DO $$ BEGIN
  ALTER TABLE users DROP CONSTRAINT users_org_id;
EXCEPTION WHEN others THEN NULL;
END $$;"
    ));
    let users = schema.table("users").unwrap();
    assert_eq!(users.unique_keys.len(), 1);
    assert!(users.keys_uncertain);
}

#[test]
fn do_blocks_err() {
    let refused = |block: &str, what: &str| {
        let (line, message) = error(&format!("{USERS}{block}"), Dialect::Postgres);
        assert_eq!(line, 6, "{block}");
        assert!(message.starts_with(what), "{block}: {message}");
        assert!(message.contains("[[skip-migration]]"), "{message}");
    };
    refused(
        "DO $$ BEGIN EXECUTE format('ALTER TABLE %I DROP CONSTRAINT x', 'users'); END $$;",
        "a DO block running dynamic SQL (EXECUTE)",
    );
    refused(
        "DO $$ DECLARE t text; BEGIN FOR t IN SELECT 1 LOOP DROP TABLE posts; END LOOP; END $$;",
        "a DO block other than BEGIN <statements>",
    );
    refused(
        "DO $$ BEGIN IF random() > 0.5 THEN CREATE TABLE extra (id INT); END IF; END $$;",
        "a DO block that creates or drops tables or views only in some runs",
    );
    refused(
        "DO $$ BEGIN IF random() > 0.5 THEN ALTER TABLE posts ADD COLUMN x INT; END IF; END $$;",
        "a DO block that changes the columns of `posts` only in some runs",
    );
    refused(
        "DO LANGUAGE plperl $$ 1; $$;",
        "a DO block in a language other than plpgsql",
    );
    // A function of the migrations may run DDL.
    let (line, message) = error(
        &format!("{USERS}CREATE FUNCTION mk() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;\nDO $$ BEGIN PERFORM mk(); END $$;"),
        Dialect::Postgres,
    );
    assert_eq!(line, 7);
    assert!(
        message.starts_with("this statement calls `mk`"),
        "{message}"
    );
}
