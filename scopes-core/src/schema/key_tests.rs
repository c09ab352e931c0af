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
