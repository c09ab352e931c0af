//! PostgreSQL's catalog for `scopes schema`: the relations, keys, views and functions of the
//! schemas on the search path (or those given), leaving out what extensions own.

use std::collections::BTreeMap;

use sqlx::{Connection, PgConnection, Row};

use super::{Catalog, Column, Table, UniqueIndex, View};
use scopes_core::Dialect;

/// Objects an extension owns are the extension's, not the application's.
const NOT_EXTENSION: &str =
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')";

pub(super) async fn read(url: &str, schemas: &[String]) -> Result<Catalog, sqlx::Error> {
    let mut conn = PgConnection::connect(url).await?;
    let schemas: Vec<String> = if schemas.is_empty() {
        sqlx::query_scalar("SELECT unnest(current_schemas(false))::text")
            .fetch_all(&mut conn)
            .await?
    } else {
        schemas.to_vec()
    };
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut conn)
        .await?;
    let tables_sql = format!(
        "SELECT c.oid::bigint, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'f') AND {NOT_EXTENSION} ORDER BY c.relname"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(tables_sql))
        .bind(&schemas)
        .fetch_all(&mut conn)
        .await?;
    let mut tables: BTreeMap<i64, Table> = BTreeMap::new();
    for row in rows {
        tables.insert(
            row.try_get(0)?,
            Table {
                name: row.try_get(1)?,
                columns: Vec::new(),
                constraints: Vec::new(),
            },
        );
    }
    let oids: Vec<i64> = tables.keys().copied().collect();
    let columns = sqlx::query(
        "SELECT a.attrelid::bigint, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull \
         FROM pg_attribute a WHERE a.attrelid::bigint = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attrelid, a.attnum",
    )
    .bind(&oids)
    .fetch_all(&mut conn)
    .await?;
    for row in columns {
        if let Some(table) = tables.get_mut(&row.try_get::<i64, _>(0)?) {
            table.columns.push(Column {
                name: row.try_get(1)?,
                type_name: row.try_get(2)?,
                not_null: row.try_get(3)?,
            });
        }
    }
    // Keys, foreign keys after the tables they reference (NOT VALID stays in the definition).
    let constraints = sqlx::query(
        "SELECT co.conrelid::bigint, co.conname::text, co.contype::text, pg_get_constraintdef(co.oid, true) \
         FROM pg_constraint co WHERE co.conrelid::bigint = ANY($1) AND co.contype IN ('p', 'u', 'x', 'f') \
         ORDER BY co.conrelid, co.conname",
    )
    .bind(&oids)
    .fetch_all(&mut conn)
    .await?;
    let mut foreign_keys = Vec::new();
    for row in constraints {
        let oid: i64 = row.try_get(0)?;
        let Some(table) = tables.get_mut(&oid) else {
            continue;
        };
        let (name, kind, definition): (String, String, String) =
            (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
        if kind == "f" {
            foreign_keys.push((table.name.clone(), name, definition));
        } else {
            table.constraints.push((name, definition));
        }
    }
    let indexes = sqlx::query(
        "SELECT i.indrelid::bigint, ic.relname::text, pg_get_indexdef(i.indexrelid), \
                (i.indpred IS NOT NULL OR i.indexprs IS NOT NULL), \
                ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) \
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
         WHERE i.indrelid::bigint = ANY($1) AND i.indisunique \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.contype IN ('p', 'u', 'x')) \
         ORDER BY ic.relname",
    )
    .bind(&oids)
    .fetch_all(&mut conn)
    .await?;
    let mut unique_indexes = Vec::new();
    for row in indexes {
        let Some(table) = tables.get(&row.try_get::<i64, _>(0)?) else {
            continue;
        };
        unique_indexes.push(UniqueIndex {
            table: table.name.clone(),
            name: row.try_get(1)?,
            definition: row.try_get(2)?,
            partial: row.try_get(3)?,
            columns: row.try_get(4)?,
        });
    }
    let views_sql = format!(
        "SELECT c.relname::text, c.relkind = 'm', pg_get_viewdef(c.oid, true), \
                ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum), \
                ARRAY(SELECT DISTINCT rc.relname::text FROM pg_rewrite r \
                      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid \
                      JOIN pg_class rc ON rc.oid = d.refobjid \
                      WHERE r.ev_class = c.oid AND rc.oid <> c.oid AND rc.relkind IN ('r', 'p', 'v', 'm', 'f')) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm') AND {NOT_EXTENSION} ORDER BY c.relname"
    );
    let mut views = Vec::new();
    for row in sqlx::query(sqlx::AssertSqlSafe(views_sql))
        .bind(&schemas)
        .fetch_all(&mut conn)
        .await?
    {
        views.push(View {
            name: row.try_get(0)?,
            materialized: row.try_get(1)?,
            query: row.try_get(2)?,
            columns: row.try_get(3)?,
            reads: row.try_get(4)?,
        });
    }
    let functions_sql = "SELECT p.proname::text, \
                p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' || \
                coalesce(' returns ' || pg_get_function_result(p.oid), '') \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = ANY($1) \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \
         ORDER BY 1, 2";
    let mut functions = Vec::new();
    for row in sqlx::query(functions_sql)
        .bind(&schemas)
        .fetch_all(&mut conn)
        .await?
    {
        functions.push((row.try_get(0)?, row.try_get(1)?));
    }
    conn.close().await?;
    Ok(Catalog {
        dialect: Dialect::Postgres,
        database,
        tables: tables.into_values().collect(),
        unique_indexes,
        foreign_keys,
        views,
        functions,
        verbatim: Vec::new(),
    })
}
