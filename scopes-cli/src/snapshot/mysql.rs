//! MySQL's and MariaDB's catalog for `scopes schema`: the current database's tables, keys,
//! views and routines, from information_schema.

use std::collections::BTreeMap;

use sqlx::{Connection, MySqlConnection, Row};

use super::{quote, Catalog, Column, Table, View};
use scopes_core::Dialect;

/// A text column of information_schema: MySQL 8 reports some as binary strings.
fn text(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<String, sqlx::Error> {
    match row.try_get::<String, _>(index) {
        Ok(s) => Ok(s),
        Err(_) => Ok(String::from_utf8_lossy(&row.try_get::<Vec<u8>, _>(index)?).into_owned()),
    }
}

fn optional_text(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<Option<String>, sqlx::Error> {
    match row.try_get::<Option<String>, _>(index) {
        Ok(s) => Ok(s),
        Err(_) => Ok(row
            .try_get::<Option<Vec<u8>>, _>(index)?
            .map(|b| String::from_utf8_lossy(&b).into_owned())),
    }
}

/// A foreign key being read: the parent, the columns and the parent's columns (quoted).
type Reference = (String, Vec<String>, Vec<String>);

pub(super) async fn read(url: &str) -> Result<Catalog, sqlx::Error> {
    let url = url.replacen("mariadb://", "mysql://", 1);
    let mut conn = MySqlConnection::connect(&url).await?;
    let database: String = {
        let row = sqlx::query("SELECT DATABASE()")
            .fetch_one(&mut conn)
            .await?;
        text(&row, 0)?
    };
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut view_names = Vec::new();
    for row in sqlx::query(
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut conn)
    .await?
    {
        let name = text(&row, 0)?;
        if text(&row, 1)? == "VIEW" {
            view_names.push(name);
        } else {
            tables.insert(
                name.clone(),
                Table {
                    name,
                    columns: Vec::new(),
                    constraints: Vec::new(),
                },
            );
        }
    }
    let mut view_columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in sqlx::query(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut conn)
    .await?
    {
        let table = text(&row, 0)?;
        let name = text(&row, 1)?;
        match tables.get_mut(&table) {
            Some(t) => t.columns.push(Column {
                name,
                type_name: text(&row, 2)?,
                not_null: text(&row, 3)? == "NO",
            }),
            None => view_columns.entry(table).or_default().push(name),
        }
    }
    // Unique indexes, the primary key among them; a prefix part is written with its length.
    let mut keys: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for row in sqlx::query(
        "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(&mut conn)
    .await?
    {
        let part = match (optional_text(&row, 2)?, row.try_get::<Option<i64>, _>(3).ok().flatten()) {
            (Some(column), Some(length)) => format!("{}({length})", quote(Dialect::Mysql, &column)),
            (Some(column), None) => quote(Dialect::Mysql, &column),
            // A functional part (MySQL 8): it makes no column unique.
            (None, _) => "(NULL)".to_string(),
        };
        keys.entry((text(&row, 0)?, text(&row, 1)?))
            .or_default()
            .push(part);
    }
    for ((table, index), parts) in keys {
        if let Some(t) = tables.get_mut(&table) {
            let definition = if index == "PRIMARY" {
                format!("PRIMARY KEY ({})", parts.join(", "))
            } else {
                format!(
                    "UNIQUE KEY {} ({})",
                    quote(Dialect::Mysql, &index),
                    parts.join(", ")
                )
            };
            // MySQL names the key in its definition (`UNIQUE KEY name`; the primary key's is
            // always PRIMARY).
            t.constraints.push((String::new(), definition));
        }
    }
    let mut references: BTreeMap<(String, String), Reference> = BTreeMap::new();
    for row in sqlx::query(
        "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
         FROM information_schema.KEY_COLUMN_USAGE \
         WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut conn)
    .await?
    {
        let entry = references
            .entry((text(&row, 0)?, text(&row, 1)?))
            .or_insert_with(|| (String::new(), Vec::new(), Vec::new()));
        entry.0 = text(&row, 3)?;
        entry.1.push(quote(Dialect::Mysql, &text(&row, 2)?));
        entry.2.push(quote(Dialect::Mysql, &text(&row, 4)?));
    }
    let foreign_keys = references
        .into_iter()
        .map(|((table, name), (parent, columns, parent_columns))| {
            let definition = format!(
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                columns.join(", "),
                quote(Dialect::Mysql, &parent),
                parent_columns.join(", ")
            );
            (table, name, definition)
        })
        .collect();
    let mut views = Vec::new();
    for row in sqlx::query(
        "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut conn)
    .await?
    {
        let name = text(&row, 0)?;
        let query = text(&row, 1)?;
        // MySQL qualifies every table in the stored definition (`db`.`t`): each table named
        // there is a relation it may read (more is stricter).
        let reads = tables
            .keys()
            .chain(view_names.iter())
            .filter(|t| **t != name && query.contains(&format!("`{t}`")))
            .cloned()
            .collect();
        views.push(View {
            columns: view_columns.remove(&name).unwrap_or_default(),
            name,
            materialized: false,
            query,
            reads,
        });
    }
    let mut functions = Vec::new();
    for row in sqlx::query(
        "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME",
    )
    .fetch_all(&mut conn)
    .await?
    {
        let name = text(&row, 0)?;
        let kind = text(&row, 1)?.to_lowercase();
        functions.push((name.clone(), format!("{kind} {name}")));
    }
    conn.close().await?;
    Ok(Catalog {
        dialect: Dialect::Mysql,
        database,
        tables: tables.into_values().collect(),
        unique_indexes: Vec::new(),
        foreign_keys,
        views,
        functions,
        verbatim: Vec::new(),
    })
}
