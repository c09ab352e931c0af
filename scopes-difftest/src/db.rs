//! One test database (SQLite in memory, or a PostgreSQL schema): load, run in a rolled-back
//! transaction, snapshot the scoped tables.

use std::str::FromStr;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, Either, Row, TypeInfo, ValueRef};

use crate::data::{self, Snapshot, Val};
use crate::model::{self, TABLES};

/// The example migrations for SQLite, as shipped in the repository's migrations/.
pub const SQLITE_MIGRATION: &str = include_str!("../../migrations/20240101000000_blog.sql");
/// The same schema translated for PostgreSQL.
pub const POSTGRES_MIGRATION: &str = include_str!("../migrations-postgres/20240101000000_blog.sql");

/// How a statement failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    /// A unique or primary key violation (the uniqueness oracle every shared table has).
    pub unique: bool,
    /// The driver's message.
    pub message: String,
}

/// What a statement returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Returned rows, sorted (compared as a multiset).
    pub rows: Vec<Vec<Val>>,
    /// Rows affected (writes).
    pub affected: u64,
    /// The scoped tables after the statement, for writes.
    pub after: Option<Snapshot>,
}

enum Conn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// One database holding a snapshot's rows.
pub struct Db {
    conn: Conn,
    /// The scoped tables as loaded (statements are rolled back, so this never changes).
    pub before: Snapshot,
}

/// Every statement here is generated or built from the model: marked as audited for sqlx.
fn safe(sql: &str) -> AssertSqlSafe<String> {
    AssertSqlSafe(sql.to_string())
}

fn db_error(e: sqlx::Error) -> DbError {
    let unique = matches!(&e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::UniqueViolation);
    DbError {
        unique,
        message: e.to_string(),
    }
}

fn snapshot_sql(t: &model::Table) -> String {
    let cols: Vec<&str> = t.cols.iter().map(|(c, _)| *c).collect();
    format!("SELECT {} FROM {}", cols.join(", "), t.name)
}

fn sqlite_val(row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<Val, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Val::Null);
    }
    let ty = raw.type_info().name().to_string();
    Ok(match ty.as_str() {
        "INTEGER" | "BOOLEAN" => Val::Int(row.try_get_unchecked::<i64, _>(i)?),
        "REAL" => Val::Real(format!("{:.12e}", row.try_get_unchecked::<f64, _>(i)?)),
        "TEXT" => Val::Text(row.try_get_unchecked::<String, _>(i)?),
        _ => Val::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i)?),
    })
}

fn pg_val(row: &sqlx::postgres::PgRow, i: usize) -> Result<Val, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Val::Null);
    }
    let ty = raw.type_info().name().to_string();
    Ok(match ty.as_str() {
        "INT8" => Val::Int(row.try_get_unchecked::<i64, _>(i)?),
        "INT4" => Val::Int(row.try_get_unchecked::<i32, _>(i)?.into()),
        "INT2" => Val::Int(row.try_get_unchecked::<i16, _>(i)?.into()),
        "BOOL" => Val::Int(row.try_get_unchecked::<bool, _>(i)?.into()),
        "FLOAT8" => Val::Real(format!("{:.12e}", row.try_get_unchecked::<f64, _>(i)?)),
        "FLOAT4" => Val::Real(format!("{:.6e}", row.try_get_unchecked::<f32, _>(i)?)),
        "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" | "UNKNOWN" => {
            Val::Text(row.try_get_unchecked::<String, _>(i)?)
        }
        // NUMERIC (avg) and anything else: the raw wire bytes identify the value exactly.
        _ => Val::Bytes(raw.as_bytes().map_err(sqlx::Error::Decode)?.to_vec()),
    })
}

impl Db {
    /// An in-memory SQLite database with the example schema and the snapshot's rows.
    pub async fn sqlite(snap: &Snapshot) -> Result<Db, sqlx::Error> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let mut conn = SqliteConnection::connect_with(&opts).await?;
        // AUTOINCREMENT lets every copy start new ids at the same value (sqlite_sequence), so an
        // insert gets the same id in the full and the filtered database.
        let ddl =
            SQLITE_MIGRATION.replace("INTEGER PRIMARY KEY,", "INTEGER PRIMARY KEY AUTOINCREMENT,");
        sqlx::raw_sql(safe(&ddl)).execute(&mut conn).await?;
        // Orphans violate the foreign keys; load with them off, as an app with SQLite's default would have.
        sqlx::raw_sql("PRAGMA foreign_keys = OFF")
            .execute(&mut conn)
            .await?;
        for stmt in data::insert_statements(snap) {
            sqlx::raw_sql(safe(&stmt)).execute(&mut conn).await?;
        }
        for t in TABLES.iter().filter(|t| t.has_id) {
            let sql = format!(
                "DELETE FROM sqlite_sequence WHERE name = '{0}'; INSERT INTO sqlite_sequence (name, seq) VALUES ('{0}', {1})",
                t.name,
                data::NEXT_ID
            );
            sqlx::raw_sql(safe(&sql)).execute(&mut conn).await?;
        }
        sqlx::raw_sql("PRAGMA foreign_keys = ON")
            .execute(&mut conn)
            .await?;
        let mut db = Db {
            conn: Conn::Sqlite(conn),
            before: Snapshot::new(),
        };
        db.before = db.snapshot().await?;
        Ok(db)
    }

    /// A fresh PostgreSQL schema `schema` (dropped first if it exists) in the database at `url`.
    pub async fn postgres(url: &str, schema: &str, snap: &Snapshot) -> Result<Db, sqlx::Error> {
        let opts = PgConnectOptions::from_str(url)?;
        let mut conn =
            tokio::time::timeout(Duration::from_secs(5), PgConnection::connect_with(&opts))
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)??;
        let setup = format!(
            "SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema}"
        );
        sqlx::raw_sql(safe(&setup)).execute(&mut conn).await?;
        sqlx::raw_sql(POSTGRES_MIGRATION).execute(&mut conn).await?;
        // Orphans violate the foreign keys: load them with triggers (and so FK checks) off.
        sqlx::raw_sql("SET session_replication_role = replica")
            .execute(&mut conn)
            .await?;
        for stmt in data::insert_statements(snap) {
            sqlx::raw_sql(safe(&stmt)).execute(&mut conn).await?;
        }
        sqlx::raw_sql("SET session_replication_role = origin")
            .execute(&mut conn)
            .await?;
        for t in TABLES.iter().filter(|t| t.has_id) {
            let sql = format!("SELECT setval('{}_id_seq', {})", t.name, data::NEXT_ID);
            sqlx::raw_sql(safe(&sql)).execute(&mut conn).await?;
        }
        let mut db = Db {
            conn: Conn::Pg(conn),
            before: Snapshot::new(),
        };
        db.before = db.snapshot().await?;
        Ok(db)
    }

    /// Drops a PostgreSQL schema (cleanup after a run).
    pub async fn drop_schema(&mut self, schema: &str) -> Result<(), sqlx::Error> {
        if let Conn::Pg(c) = &mut self.conn {
            sqlx::raw_sql(safe(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
                .execute(c)
                .await?;
        }
        Ok(())
    }

    /// The scoped tables' rows, each table sorted.
    pub async fn snapshot(&mut self) -> Result<Snapshot, sqlx::Error> {
        let mut snap = Snapshot::new();
        for t in model::scoped_tables() {
            let sql = snapshot_sql(t);
            let mut rows = match &mut self.conn {
                Conn::Sqlite(c) => {
                    decode_sqlite(sqlx::query(safe(&sql)).fetch_all(&mut *c).await?)?
                }
                Conn::Pg(c) => decode_pg(sqlx::query(safe(&sql)).fetch_all(&mut *c).await?)?,
            };
            rows.sort();
            snap.insert(t.name, rows);
        }
        Ok(snap)
    }

    /// Runs one statement with the scope values bound in order, inside a transaction that is
    /// rolled back, so every statement sees the loaded data. `write`: also snapshot afterwards.
    pub async fn run(&mut self, sql: &str, binds: &[i64], write: bool) -> Result<Outcome, DbError> {
        let result = match &mut self.conn {
            Conn::Sqlite(c) => run_sqlite(c, sql, binds, write).await,
            Conn::Pg(c) => run_pg(c, sql, binds, write).await,
        };
        result.map_err(db_error)
    }
}

fn decode_sqlite(rows: Vec<sqlx::sqlite::SqliteRow>) -> Result<Vec<Vec<Val>>, sqlx::Error> {
    rows.iter()
        .map(|r| (0..r.len()).map(|i| sqlite_val(r, i)).collect())
        .collect()
}

fn decode_pg(rows: Vec<sqlx::postgres::PgRow>) -> Result<Vec<Vec<Val>>, sqlx::Error> {
    rows.iter()
        .map(|r| (0..r.len()).map(|i| pg_val(r, i)).collect())
        .collect()
}

// The two drivers share no executor type that also decodes rows, hence two twins.
async fn run_sqlite(
    c: &mut SqliteConnection,
    sql: &str,
    binds: &[i64],
    write: bool,
) -> Result<Outcome, sqlx::Error> {
    let mut tx = c.begin().await?;
    let mut q = sqlx::query(safe(sql));
    for b in binds {
        q = q.bind(*b);
    }
    let mut rows = Vec::new();
    let mut affected = 0;
    let result: Result<(), sqlx::Error> = async {
        #[allow(deprecated)] // the only call that yields rows and the affected count together
        let mut stream = q.fetch_many(&mut *tx);
        while let Some(item) = stream.try_next().await? {
            match item {
                Either::Left(done) => affected += done.rows_affected(),
                Either::Right(row) => rows.push(
                    (0..row.len())
                        .map(|i| sqlite_val(&row, i))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            }
        }
        Ok(())
    }
    .await;
    let after = match (&result, write) {
        (Ok(()), true) => {
            let mut snap = Snapshot::new();
            for t in model::scoped_tables() {
                let mut r = decode_sqlite(
                    sqlx::query(safe(&snapshot_sql(t)))
                        .fetch_all(&mut *tx)
                        .await?,
                )?;
                r.sort();
                snap.insert(t.name, r);
            }
            Some(snap)
        }
        _ => None,
    };
    tx.rollback().await?;
    result?;
    rows.sort();
    Ok(Outcome {
        rows,
        affected,
        after,
    })
}

async fn run_pg(
    c: &mut PgConnection,
    sql: &str,
    binds: &[i64],
    write: bool,
) -> Result<Outcome, sqlx::Error> {
    if write {
        // Sequences ignore ROLLBACK: restart them so both copies assign the same new ids.
        let calls: Vec<String> = TABLES
            .iter()
            .filter(|t| t.has_id)
            .map(|t| format!("setval('{}_id_seq', {})", t.name, data::NEXT_ID))
            .collect();
        sqlx::query(safe(&format!("SELECT {}", calls.join(", "))))
            .execute(&mut *c)
            .await?;
    }
    let mut tx = c.begin().await?;
    let mut q = sqlx::query(safe(sql));
    for b in binds {
        q = q.bind(*b);
    }
    let mut rows = Vec::new();
    let mut affected = 0;
    let result: Result<(), sqlx::Error> = async {
        #[allow(deprecated)] // the only call that yields rows and the affected count together
        let mut stream = q.fetch_many(&mut *tx);
        while let Some(item) = stream.try_next().await? {
            match item {
                Either::Left(done) => affected += done.rows_affected(),
                Either::Right(row) => rows.push(
                    (0..row.len())
                        .map(|i| pg_val(&row, i))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            }
        }
        Ok(())
    }
    .await;
    let after = match (&result, write) {
        (Ok(()), true) => {
            let mut snap = Snapshot::new();
            for t in model::scoped_tables() {
                let mut r = decode_pg(
                    sqlx::query(safe(&snapshot_sql(t)))
                        .fetch_all(&mut *tx)
                        .await?,
                )?;
                r.sort();
                snap.insert(t.name, r);
            }
            Some(snap)
        }
        _ => None,
    };
    tx.rollback().await?;
    result?;
    rows.sort();
    Ok(Outcome {
        rows,
        affected,
        after,
    })
}
