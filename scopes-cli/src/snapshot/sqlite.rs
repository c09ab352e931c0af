//! SQLite's catalog for `scopes schema`: the DDL the database keeps in sqlite_schema, as it
//! keeps it (tables, indexes, views, triggers, in creation order); it has no functions.

use sqlx::{Connection, Row, SqliteConnection};

use super::Catalog;
use scopes_core::Dialect;

pub(super) async fn read(url: &str) -> Result<Catalog, sqlx::Error> {
    let mut conn = SqliteConnection::connect(url).await?;
    let mut verbatim = Vec::new();
    for row in sqlx::query(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )
    .fetch_all(&mut conn)
    .await?
    {
        verbatim.push(row.try_get::<String, _>(0)?);
    }
    conn.close().await?;
    let database = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .and_then(|path| std::path::Path::new(path).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Catalog {
        dialect: Dialect::Sqlite,
        database,
        tables: Vec::new(),
        unique_indexes: Vec::new(),
        foreign_keys: Vec::new(),
        views: Vec::new(),
        functions: Vec::new(),
        verbatim,
    })
}
