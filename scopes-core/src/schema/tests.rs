//! Tests of schema loading: migration files, DDL application, and errors with file and line.

use std::path::{Path, PathBuf};

use super::*;
use crate::config::{ConfigError, Dialect};

fn apply(sql: &str, dialect: Dialect) -> Result<Schema, ConfigError> {
    let mut schema = Schema::default();
    schema.apply_sql(sql, Path::new("1_m.sql"), dialect)?;
    Ok(schema)
}

fn sqlite(sql: &str) -> Schema {
    apply(sql, Dialect::Sqlite).unwrap()
}

/// The error's line and message; panics when the SQL is accepted.
fn error(sql: &str, dialect: Dialect) -> (usize, String) {
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
        }
    );
    let members = schema.table("comment_group_members").unwrap();
    assert_eq!(members.primary_key, cols(&["group_id", "comment_id"]));
    assert_eq!(
        schema.table("sites").unwrap().unique_keys,
        vec![cols(&["domain"])]
    );
}
