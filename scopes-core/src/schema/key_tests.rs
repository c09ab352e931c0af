//! Tests of the key model: a change the loader cannot identify leaves every key in the lists
//! (they restrict) and makes them uncertain (they no longer accept), never the reverse.

use super::tests::{apply, error};
use super::*;
use crate::config::Dialect;

fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn pg(sql: &str) -> Schema {
    apply(sql, Dialect::Postgres).unwrap()
}

fn mysql(sql: &str) -> Schema {
    apply(sql, Dialect::Mysql).unwrap()
}

const NOTIFICATIONS: &str = "CREATE TABLE orgs (id BIGINT PRIMARY KEY);
     CREATE TABLE users (id BIGINT PRIMARY KEY, org_id BIGINT REFERENCES orgs (id));
     CREATE TABLE notifications (id BIGINT PRIMARY KEY, org_id BIGINT REFERENCES orgs (id),
         user_id BIGINT REFERENCES users (id));";

#[test]
fn unknown_drop_keeps_keys_ok() {
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nALTER TABLE notifications DROP CONSTRAINT IF EXISTS some_unique_name;"
    ));
    let n = schema.table("notifications").unwrap();
    assert_eq!(n.foreign_keys.len(), 2, "every key still restricts");
    assert_eq!(n.primary_key, cols(&["id"]));
    assert!(n.keys_uncertain);
    assert_eq!(n.certain_foreign_keys().count(), 0);
    assert_eq!(n.certain_unique_keys().count(), 0);
    let why = n.keys_uncertain_why.as_deref().unwrap();
    assert!(
        why.starts_with("1_m.sql:5: drops `some_unique_name`"),
        "{why}"
    );
    // Other tables are untouched.
    let users = schema.table("users").unwrap();
    assert!(!users.keys_uncertain);
    assert_eq!(users.certain_foreign_keys().count(), 1);
    assert_eq!(users.certain_unique_keys().collect::<Vec<_>>(), [["id"]]);
}

#[test]
fn unknown_drop_named_keys_ok() {
    // Every key has a name written in the DDL: an unknown name is none of them.
    let schema = pg("CREATE TABLE p (id INT, CONSTRAINT p_pk PRIMARY KEY (id));
         CREATE TABLE c (id INT, p_id INT, CONSTRAINT c_pk PRIMARY KEY (id),
             CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id), CHECK (id > 0));
         ALTER TABLE c DROP CONSTRAINT IF EXISTS legacy;
         ALTER TABLE c DROP CONSTRAINT c_id_check;");
    let c = schema.table("c").unwrap();
    assert!(!c.keys_uncertain);
    assert_eq!(c.certain_foreign_keys().count(), 1);
    assert_eq!(c.certain_unique_keys().collect::<Vec<_>>(), [["id"]]);
}

#[test]
fn known_drop_removes_one_key_ok() {
    // Two keys over the same column: dropping one by its generated name keeps the other.
    let schema = pg("CREATE TABLE a (id INT PRIMARY KEY);
         CREATE TABLE b (id INT PRIMARY KEY);
         CREATE TABLE c (x INT REFERENCES a (id), CONSTRAINT c_x_b FOREIGN KEY (x) REFERENCES b (id),
             slug TEXT UNIQUE, CONSTRAINT c_slug UNIQUE (slug));
         ALTER TABLE c DROP CONSTRAINT c_x_fkey;
         ALTER TABLE c DROP CONSTRAINT c_slug_key;");
    let c = schema.table("c").unwrap();
    assert!(!c.keys_uncertain);
    assert_eq!(c.foreign_keys.len(), 1);
    assert_eq!(c.foreign_keys[0].parent, "b");
    assert_eq!(c.unique_keys, vec![cols(&["slug"])]);
    // Dropping the second one removes the key.
    let schema = pg(
        "CREATE TABLE c (slug TEXT UNIQUE, CONSTRAINT c_slug UNIQUE (slug));
         ALTER TABLE c DROP CONSTRAINT c_slug_key;
         ALTER TABLE c DROP CONSTRAINT c_slug;",
    );
    assert!(schema.table("c").unwrap().unique_keys.is_empty());
}

#[test]
fn quoted_names_ok() {
    // PostgreSQL keeps the case of a quoted name: `"C_Slug"` is not `c_slug`.
    let schema = pg(
        "CREATE TABLE c (slug TEXT, CONSTRAINT c_slug UNIQUE (slug));
         ALTER TABLE c DROP CONSTRAINT IF EXISTS \"C_Slug\";",
    );
    assert_eq!(
        schema.table("c").unwrap().unique_keys,
        vec![cols(&["slug"])]
    );
    // MySQL ignores it.
    let schema = mysql(
        "CREATE TABLE c (slug VARCHAR(9), UNIQUE KEY c_slug (slug));
         ALTER TABLE c DROP INDEX `C_Slug`;",
    );
    assert!(schema.table("c").unwrap().unique_keys.is_empty());
}

#[test]
fn cascade_marks_children_ok() {
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;"
    ));
    assert!(schema.table("users").unwrap().primary_key.is_empty());
    let n = schema.table("notifications").unwrap();
    assert!(n.keys_uncertain);
    assert_eq!(n.foreign_keys.len(), 2);
    assert!(!schema.table("orgs").unwrap().keys_uncertain);
    // Without CASCADE PostgreSQL refuses to drop a referenced key: children keep certainty.
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nALTER TABLE users DROP CONSTRAINT users_org_id_fkey;"
    ));
    assert!(!schema.table("notifications").unwrap().keys_uncertain);
}

#[test]
fn drop_table_marks_children_ok() {
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nDROP TABLE users CASCADE;\nCREATE TABLE users (id BIGINT PRIMARY KEY);"
    ));
    let n = schema.table("notifications").unwrap();
    assert!(n.keys_uncertain);
    assert!(n.foreign_keys.iter().any(|fk| fk.parent == "users"));
    assert!(n
        .keys_uncertain_why
        .as_deref()
        .unwrap()
        .contains("drops `users`"));
}

#[test]
fn enforcement_ok() {
    // NOT VALID: older rows are unchecked until VALIDATE.
    let sql = "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE c (p_id INT);
         ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;";
    let schema = pg(sql);
    let c = schema.table("c").unwrap();
    assert_eq!(c.foreign_keys.len(), 1);
    assert_eq!(c.certain_foreign_keys().count(), 0);
    let schema = pg(&format!("{sql}\nALTER TABLE c VALIDATE CONSTRAINT c_p;"));
    assert_eq!(schema.table("c").unwrap().certain_foreign_keys().count(), 1);
    // MySQL ignores a column-level REFERENCES; a table-level key is enforced.
    let schema = mysql(
        "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE c (p_id INT REFERENCES p (id), q_id INT, FOREIGN KEY (q_id) REFERENCES p (id));",
    );
    let c = schema.table("c").unwrap();
    assert_eq!(c.foreign_keys.len(), 2);
    let certain: Vec<_> = c
        .certain_foreign_keys()
        .map(|fk| fk.columns.clone())
        .collect();
    assert_eq!(certain, [cols(&["q_id"])]);
}

#[test]
fn deferred_and_disabled_keys_prove_nothing_ok() {
    // A DEFERRABLE key is checked at commit: a transaction can see rows that violate it, even
    // after VALIDATE. NOT ENFORCED is not checked at all.
    let sql = "CREATE TABLE p (id INT PRIMARY KEY, org_id INT NOT NULL, UNIQUE (org_id, id));
         CREATE TABLE c (org_id INT NOT NULL, p_id INT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
             q_id INT,
             FOREIGN KEY (org_id, q_id) REFERENCES p (org_id, id) DEFERRABLE);
         ALTER TABLE c ADD CONSTRAINT c_later FOREIGN KEY (q_id) REFERENCES p (id) DEFERRABLE NOT VALID;
         ALTER TABLE c VALIDATE CONSTRAINT c_later;";
    let schema = pg(sql);
    let c = schema.table("c").unwrap();
    assert_eq!(c.foreign_keys.len(), 3);
    assert_eq!(c.certain_foreign_keys().count(), 0);
    let schema = pg("CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE c (p_id INT REFERENCES p (id) NOT DEFERRABLE INITIALLY IMMEDIATE);");
    assert_eq!(schema.table("c").unwrap().certain_foreign_keys().count(), 1);
    // DISABLE TRIGGER ALL turns off the checks of the table's keys and of the keys into it;
    // the rows written meanwhile stay unchecked after ENABLE.
    let sql = "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT REFERENCES p (id));
         CREATE TABLE d (c_id INT REFERENCES c (id));
         CREATE TABLE e (p_id INT REFERENCES p (id));";
    for (disable, unchecked) in [
        ("ALTER TABLE c DISABLE TRIGGER ALL;", &["c", "d"][..]),
        ("ALTER TABLE c DISABLE TRIGGER USER;", &[][..]),
    ] {
        let schema = pg(&format!(
            "{sql}\n{disable}\nALTER TABLE c ENABLE TRIGGER ALL;"
        ));
        for t in ["c", "d", "e"] {
            let certain = schema.table(t).unwrap().certain_foreign_keys().count();
            assert_eq!(
                certain,
                usize::from(!unchecked.contains(&t)),
                "{disable} {t}"
            );
        }
        // Unique keys are not triggers: they stay certain.
        assert_eq!(schema.table("c").unwrap().certain_unique_keys().count(), 1);
    }
}

#[test]
fn unknown_drop_err() {
    // Dropping an unknown constraint of a table no migration creates is still an error.
    let (line, message) = error(
        "CREATE TABLE t (id INT);\nALTER TABLE u DROP CONSTRAINT x;",
        Dialect::Postgres,
    );
    assert_eq!(
        (line, message.as_str()),
        (2, "`ALTER TABLE u`: no earlier migration creates `u`")
    );
}

#[test]
fn drop_index_ok() {
    // PostgreSQL names an unnamed index `<table>_<columns>_idx`.
    let sql = "CREATE TABLE t (id INT, email TEXT, CONSTRAINT t_pk PRIMARY KEY (id));
         CREATE UNIQUE INDEX ON t (email);";
    let schema = pg(&format!("{sql}\nDROP INDEX t_email_idx;"));
    let t = schema.table("t").unwrap();
    assert!(t.unique_keys.is_empty() && !t.keys_uncertain);
    // An unknown name may be that index under another name: it stays, uncertain.
    let schema = pg(&format!("{sql}\nDROP INDEX IF EXISTS t_email_unique;"));
    let t = schema.table("t").unwrap();
    assert_eq!(t.unique_keys, vec![cols(&["email"])]);
    assert!(t.keys_uncertain);
    // With every index named, an unknown name is none of them.
    let schema = pg(
        "CREATE TABLE t (id INT, email TEXT, CONSTRAINT t_pk PRIMARY KEY (id));
         CREATE UNIQUE INDEX t_email ON t (email);
         DROP INDEX IF EXISTS t_email_unique;",
    );
    assert!(!schema.table("t").unwrap().keys_uncertain);
    // MySQL names an index after its first column, and names the table in DROP INDEX.
    let schema = mysql(
        "CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(9), UNIQUE (email));
         ALTER TABLE t DROP INDEX email;",
    );
    assert!(schema.table("t").unwrap().unique_keys.is_empty());
    let schema = mysql(
        "CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(9), UNIQUE (email));
         DROP INDEX email_key ON t;",
    );
    let t = schema.table("t").unwrap();
    assert!(t.keys_uncertain && t.unique_keys == vec![cols(&["email"])]);
    let schema =
        mysql("CREATE TABLE t (id INT, PRIMARY KEY (id)); ALTER TABLE t DROP INDEX `PRIMARY`;");
    assert!(schema.table("t").unwrap().primary_key.is_empty());
}

#[test]
fn partial_keys_ok() {
    let schema = pg(
        "CREATE TABLE t (id INT PRIMARY KEY, org_id INT, email TEXT, room INT, during TSRANGE,
             EXCLUDE USING gist (room WITH =, during WITH &&));
         CREATE UNIQUE INDEX t_live ON t (org_id, email) WHERE id > 0;
         CREATE UNIQUE INDEX t_lower ON t (lower(email));",
    );
    let t = schema.table("t").unwrap();
    assert!(t.unique_keys.is_empty());
    assert_eq!(
        t.partial_keys,
        vec![cols(&["room"]), cols(&["org_id", "email"]), Vec::new()]
    );
    // They restrict upserts, and prove nothing.
    assert_eq!(t.conflict_keys().count(), 4);
    assert_eq!(t.certain_unique_keys().collect::<Vec<_>>(), [["id"]]);
    let schema = pg("CREATE TABLE t (email TEXT);
         CREATE UNIQUE INDEX t_lower ON t (lower(email));
         DROP INDEX t_lower;");
    assert!(schema.table("t").unwrap().partial_keys.is_empty());
    // MySQL's prefix key makes no column unique.
    let schema = mysql("CREATE TABLE t (email VARCHAR(99), UNIQUE KEY t_e (email(10)));");
    let t = schema.table("t").unwrap();
    assert!(t.unique_keys.is_empty());
    assert_eq!(t.partial_keys, vec![Vec::<String>::new()]);
}

#[test]
fn renames_ok() {
    // A renamed index or constraint is dropped by its new name.
    let schema = pg("CREATE TABLE t (id INT PRIMARY KEY, email TEXT, slug TEXT);
         CREATE UNIQUE INDEX t_e ON t (email);
         ALTER INDEX t_e RENAME TO t_email;
         DROP INDEX t_email;
         ALTER TABLE t ADD CONSTRAINT t_s UNIQUE (slug);
         ALTER TABLE t RENAME CONSTRAINT t_s TO t_slug;
         ALTER TABLE t DROP CONSTRAINT t_slug;");
    let t = schema.table("t").unwrap();
    assert!(t.unique_keys.is_empty() && !t.keys_uncertain);
    // Renaming a name we do not know: it may be a key we named by guess.
    let schema = pg("CREATE TABLE t (id INT PRIMARY KEY);
         ALTER TABLE t RENAME CONSTRAINT t_primary TO t_pk;");
    assert!(schema.table("t").unwrap().keys_uncertain);
    // Keys follow renamed tables and columns, and stay certain.
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nALTER TABLE users RENAME TO members;\nALTER TABLE members RENAME COLUMN id TO member_id;"
    ));
    let n = schema.table("notifications").unwrap();
    assert!(!n.keys_uncertain);
    let fk = n
        .certain_foreign_keys()
        .find(|fk| fk.columns == ["user_id"])
        .unwrap();
    assert_eq!(
        (fk.parent.as_str(), fk.parent_columns.clone()),
        ("members", cols(&["member_id"]))
    );
    assert_eq!(
        schema.table("members").unwrap().primary_key,
        cols(&["member_id"])
    );
}

#[test]
fn column_changes_ok() {
    // A type change keeps every key.
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nALTER TABLE notifications ALTER COLUMN user_id TYPE BIGINT USING user_id::bigint;"
    ));
    let n = schema.table("notifications").unwrap();
    assert!(!n.keys_uncertain);
    assert_eq!(n.certain_foreign_keys().count(), 2);
    // PostgreSQL drops the keys over a dropped column; keys into it become uncertain.
    let schema = pg(&format!(
        "{NOTIFICATIONS}\nALTER TABLE users ADD CONSTRAINT users_org UNIQUE (org_id, id);\nALTER TABLE users DROP COLUMN org_id CASCADE;"
    ));
    let users = schema.table("users").unwrap();
    assert!(users.unique_keys.is_empty() && users.foreign_keys.is_empty());
    assert!(!users.keys_uncertain);
    assert!(schema.table("notifications").unwrap().keys_uncertain);
    // MySQL narrows a key that loses a column: the narrower key restricts, uncertain.
    let schema = mysql("CREATE TABLE t (id INT PRIMARY KEY, region INT, email VARCHAR(9), UNIQUE KEY t_u (region, email));
         ALTER TABLE t DROP COLUMN region;");
    let t = schema.table("t").unwrap();
    assert_eq!(t.unique_keys, vec![cols(&["email"])]);
    assert!(t.keys_uncertain);
    // MySQL's MODIFY adds the keys of the new definition.
    let schema = mysql(
        "CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(9));
         ALTER TABLE t MODIFY COLUMN email VARCHAR(99) NOT NULL UNIQUE;",
    );
    assert_eq!(
        schema.table("t").unwrap().unique_keys,
        vec![cols(&["email"])]
    );
}

#[test]
fn partitions_ok() {
    let schema = pg("CREATE TABLE orgs (id INT PRIMARY KEY);
         CREATE TABLE events (id INT, org_id INT REFERENCES orgs (id), PRIMARY KEY (id, org_id))
             PARTITION BY LIST (org_id);
         CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);
         CREATE TABLE events_2 (id INT NOT NULL, org_id INT NOT NULL);
         ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES IN (2);
         ALTER TABLE events ADD CONSTRAINT events_u UNIQUE (org_id, id);");
    for partition in ["events_1", "events_2"] {
        let p = schema.table(partition).unwrap();
        assert_eq!(p.primary_key, cols(&["id", "org_id"]), "{partition}");
        assert_eq!(p.unique_keys, vec![cols(&["org_id", "id"])], "{partition}");
        assert_eq!(p.certain_foreign_keys().count(), 1, "{partition}");
    }
    let schema = pg(
        "CREATE TABLE events (id INT PRIMARY KEY) PARTITION BY RANGE (id);
         CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (9);
         ALTER TABLE events DROP CONSTRAINT IF EXISTS events_old;
         CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (9) TO (99);",
    );
    assert!(schema.table("events_1").unwrap().keys_uncertain);
    assert!(schema.table("events_2").unwrap().keys_uncertain);
    // Dropping the parent drops its partitions.
    let schema = pg("CREATE TABLE e (id INT) PARTITION BY RANGE (id);
         CREATE TABLE e_1 PARTITION OF e FOR VALUES FROM (0) TO (9);
         DROP TABLE e;");
    assert!(schema.tables.is_empty());
}

#[test]
fn views_ok() {
    let schema = pg("CREATE TABLE a (id INT); CREATE TABLE b (id INT);
         CREATE VIEW v AS SELECT id FROM a;
         CREATE OR REPLACE VIEW v AS SELECT id FROM b;
         CREATE VIEW w AS SELECT id FROM v;
         ALTER VIEW v RENAME TO v2;
         ALTER TABLE w RENAME TO w2;
         ALTER VIEW w2 RENAME COLUMN id TO ident;");
    let v2 = schema.view("v2").unwrap();
    assert_eq!(v2.reads.iter().collect::<Vec<_>>(), ["b"]);
    let w2 = schema.view("w2").unwrap();
    assert_eq!(w2.reads.iter().collect::<Vec<_>>(), ["v2"]);
    assert_eq!(w2.columns, Some(cols(&["ident"])));
    let schema = mysql(
        "CREATE TABLE a (id INT); CREATE TABLE b (id INT);
         CREATE VIEW v AS SELECT id FROM a;
         ALTER VIEW v AS SELECT id AS x FROM b;",
    );
    let v = schema.view("v").unwrap();
    assert_eq!(v.reads.iter().collect::<Vec<_>>(), ["b"]);
    assert_eq!(v.columns, Some(cols(&["x"])));
    let (line, message) = error(
        "CREATE TABLE a (id INT);\nALTER VIEW nope AS SELECT 1;",
        Dialect::Mysql,
    );
    assert_eq!(line, 2);
    assert!(
        message.contains("no earlier migration creates the view `nope`"),
        "{message}"
    );
}

#[test]
fn replaced_table_ok() {
    // MariaDB's CREATE OR REPLACE TABLE drops the old table: keys into it become uncertain.
    let schema = mysql(
        "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE c (p_id INT, FOREIGN KEY (p_id) REFERENCES p (id));
         CREATE OR REPLACE TABLE p (id INT PRIMARY KEY, x INT);",
    );
    let c = schema.table("c").unwrap();
    assert!(c.keys_uncertain && c.foreign_keys.len() == 1);
}

#[test]
fn sqlite_primary_key_null_ok() {
    let schema = apply(
        "CREATE TABLE a (id INT PRIMARY KEY);
         CREATE TABLE b (id INTEGER PRIMARY KEY);
         CREATE TABLE c (id TEXT PRIMARY KEY) STRICT;
         CREATE TABLE d (id TEXT, PRIMARY KEY (id)) WITHOUT ROWID;
         CREATE TABLE e (id INTEGER, PRIMARY KEY (id));",
        Dialect::Sqlite,
    )
    .unwrap();
    let not_null = |t: &str| schema.table(t).unwrap().columns[0].not_null;
    assert!(
        !not_null("a"),
        "an INT primary key of a rowid table may hold NULL"
    );
    assert!(not_null("b") && not_null("c") && not_null("d") && not_null("e"));
}

#[test]
fn rule_err() {
    let (line, message) = error(
        "CREATE TABLE t (id INT);\nCREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING;",
        Dialect::Postgres,
    );
    assert_eq!(line, 2);
    assert!(
        message.starts_with("CREATE RULE rewrites the statements"),
        "{message}"
    );
}

#[test]
fn sqlite_on_conflict_ok() {
    let schema = apply(
        "CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT IGNORE, email TEXT UNIQUE ON CONFLICT REPLACE, n INT NOT NULL ON CONFLICT REPLACE);",
        Dialect::Sqlite,
    )
    .unwrap();
    let t = schema.table("t").unwrap();
    let resolutions: Vec<_> = t
        .constraints
        .iter()
        .map(|c| (c.name.as_str(), c.on_conflict.as_deref()))
        .collect();
    assert_eq!(
        resolutions,
        [("t_pkey", Some("ignore")), ("t_email_key", Some("replace"))]
    );
}
