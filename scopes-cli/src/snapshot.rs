//! `scopes schema`: a schema snapshot written from a live database, for `schema = "schema.sql"`
//! in scopes.toml, when the migrations hold what the loader cannot read. The snapshot is plain
//! DDL the loader reads like a migration: tables with their columns and NOT NULL, every primary,
//! unique, exclusion and foreign key with its name, unique indexes, views and the names of
//! functions. Each statement is checked by the loader as it is written; a statement it cannot
//! read falls back to a simpler one with the same keys (columns typed `text`, a view over the
//! relations it depends on). Reading each database's catalog is `snapshot/<dialect>.rs`.

mod mysql;
mod postgres;
mod sqlite;

use std::io::Write;
use std::path::Path;

use scopes_core::schema::Schema;
use scopes_core::Dialect;

use crate::opt::SchemaArgs;

/// Errors of `scopes schema` (exit 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The URL names no database this command reads.
    #[error("`--database-url` must start with postgres://, postgresql://, mysql://, mariadb:// or sqlite:")]
    Url,
    /// The database could not be reached or read.
    #[error("cannot read the schema from the database: {0}")]
    Database(#[from] sqlx::Error),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// A statement the loader cannot read and no simpler form replaces.
    #[error("the snapshot would not load: {0}")]
    Unreadable(String),
    /// Writing the snapshot failed.
    #[error("cannot write the snapshot: {0}")]
    Output(#[source] std::io::Error),
}

/// One column of a table.
pub(crate) struct Column {
    pub name: String,
    /// The type as the database spells it (`character varying(99)`).
    pub type_name: String,
    pub not_null: bool,
}

/// One table.
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// `(name, definition)` of primary, unique and exclusion constraints (`PRIMARY KEY (id)`);
    /// an empty name when the definition names the key itself (MySQL's `UNIQUE KEY name`).
    pub constraints: Vec<(String, String)>,
}

/// A view.
pub(crate) struct View {
    pub name: String,
    pub materialized: bool,
    pub columns: Vec<String>,
    /// Its query as the database prints it.
    pub query: String,
    /// The relations it reads (the fallback when the query does not parse).
    pub reads: Vec<String>,
}

/// A unique index that backs no constraint.
pub(crate) struct UniqueIndex {
    pub table: String,
    pub name: String,
    /// The database's `CREATE UNIQUE INDEX` statement.
    pub definition: String,
    /// Its plain columns, and whether it is partial or over expressions (the fallback).
    pub columns: Vec<String>,
    pub partial: bool,
}

/// What a database holds that the checker reads.
pub(crate) struct Catalog {
    pub dialect: Dialect,
    /// The database's name (never the URL: it may hold a password).
    pub database: String,
    pub tables: Vec<Table>,
    pub unique_indexes: Vec<UniqueIndex>,
    /// `(table, name, definition)` of foreign keys (`FOREIGN KEY (a) REFERENCES t(id)`).
    pub foreign_keys: Vec<(String, String, String)>,
    pub views: Vec<View>,
    /// `(name, signature)` of functions, procedures and aggregates.
    pub functions: Vec<(String, String)>,
    /// SQLite: the DDL as the database keeps it, in creation order.
    pub verbatim: Vec<String>,
}

/// Runs `scopes schema`: reads the database and writes the snapshot to `out`.
pub fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<(), SnapshotError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(SnapshotError::Runtime)?;
    let catalog = runtime.block_on(read(&args.database_url, &args.schemas))?;
    let text = render(&catalog)?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(SnapshotError::Output)
}

async fn read(url: &str, schemas: &[String]) -> Result<Catalog, SnapshotError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(postgres::read(url, schemas).await?)
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        Ok(mysql::read(url).await?)
    } else if url.starts_with("sqlite:") {
        Ok(sqlite::read(url).await?)
    } else {
        Err(SnapshotError::Url)
    }
}

/// An identifier, quoted for the dialect.
pub(crate) fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// Writes the snapshot, checking each statement with the loader as it goes.
fn render(catalog: &Catalog) -> Result<String, SnapshotError> {
    let dialect = catalog.dialect;
    let mut loader = Loader {
        schema: Schema::default(),
        dialect,
        text: String::new(),
    };
    let dialect_name = match dialect {
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
        Dialect::Sqlite => "sqlite",
    };
    loader.text.push_str(&format!(
        "-- Schema snapshot for sqlx-scopes (dialect = \"{dialect_name}\"), written by `scopes schema`\n\
         -- from the database `{}`. It holds what the checker reads: tables, columns, keys, views\n\
         -- and the names of functions; it is not a dump to restore. Write it again after each\n\
         -- migration: scopes schema --database-url \"$DATABASE_URL\" > schema.sql\n\n",
        catalog.database
    ));
    for statement in &catalog.verbatim {
        let statement = format!("{statement};\n");
        if !loader.push(&statement) {
            // Written anyway: loading the snapshot reports it with its line and the way out.
            loader.text.push_str(
                "-- The checker's loader cannot read the next statement (see the error when scopes.toml loads).\n",
            );
            loader.text.push_str(&statement);
        }
    }
    for table in &catalog.tables {
        let typed = create_table(dialect, table, true);
        if !loader.push(&typed) {
            let untyped = create_table(dialect, table, false);
            if !loader.push(&format!(
                "-- column types simplified to text: the loader could not read {}\n{untyped}",
                table.name
            )) {
                return Err(SnapshotError::Unreadable(format!(
                    "the keys of `{}` do not load: {}",
                    table.name,
                    table
                        .constraints
                        .iter()
                        .map(|(_, d)| d.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    for index in &catalog.unique_indexes {
        if !loader.push(&format!("{};\n", index.definition)) {
            // The same key by its plain columns: a partial one still restricts, never accepts.
            let columns: Vec<String> = index.columns.iter().map(|c| quote(dialect, c)).collect();
            let predicate = if index.partial { " WHERE TRUE" } else { "" };
            let fallback = format!(
                "-- simplified: the loader could not read the index's definition\nCREATE UNIQUE INDEX {} ON {} ({}){predicate};\n",
                quote(dialect, &index.name),
                quote(dialect, &index.table),
                columns.join(", ")
            );
            if index.columns.is_empty() || !loader.push(&fallback) {
                return Err(SnapshotError::Unreadable(format!(
                    "the unique index `{}` does not load: {}",
                    index.name, index.definition
                )));
            }
        }
    }
    for (table, name, definition) in &catalog.foreign_keys {
        let statement = format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {definition};\n",
            quote(dialect, table),
            quote(dialect, name)
        );
        if !loader.push(&statement) {
            return Err(SnapshotError::Unreadable(format!(
                "the foreign key `{name}` of `{table}` does not load: {definition}"
            )));
        }
    }
    for view in &catalog.views {
        let kind = if view.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        let columns: Vec<String> = view.columns.iter().map(|c| quote(dialect, c)).collect();
        let name = quote(dialect, &view.name);
        let query = view.query.trim().trim_end_matches(';');
        let written = format!(
            "CREATE {kind} {name} ({}) AS\n{query};\n",
            columns.join(", ")
        );
        if !loader.push(&written) {
            let reads: Vec<String> = view.reads.iter().map(|r| quote(dialect, r)).collect();
            let from = if reads.is_empty() {
                String::new()
            } else {
                format!(" FROM {}", reads.join(", "))
            };
            let fallback = format!(
                "-- simplified: the loader could not read the view's query; it reads the same relations\nCREATE {kind} {name} ({}) AS SELECT *{from};\n",
                columns.join(", ")
            );
            if !loader.push(&fallback) {
                return Err(SnapshotError::Unreadable(format!(
                    "the view `{}` does not load",
                    view.name
                )));
            }
        }
    }
    for (name, signature) in &catalog.functions {
        // Only the name matters: a call to it is opaque unless scopes.toml declares it pure.
        let stub = match dialect {
            Dialect::Mysql => "RETURNS INT RETURN 1",
            Dialect::Postgres | Dialect::Sqlite => "RETURNS INTEGER LANGUAGE sql AS 'SELECT 1'",
        };
        let statement = format!(
            "-- {signature}\nCREATE FUNCTION {}() {stub};\n",
            quote(dialect, name)
        );
        if !loader.push(&statement) {
            return Err(SnapshotError::Unreadable(format!(
                "the function `{name}` does not load"
            )));
        }
    }
    Ok(loader.text)
}

fn create_table(dialect: Dialect, table: &Table, typed: bool) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let type_name = if typed { c.type_name.as_str() } else { "text" };
            let not_null = if c.not_null { " NOT NULL" } else { "" };
            format!("    {} {type_name}{not_null}", quote(dialect, &c.name))
        })
        .collect();
    for (name, definition) in &table.constraints {
        match name.as_str() {
            "" => lines.push(format!("    {definition}")),
            name => lines.push(format!(
                "    CONSTRAINT {} {definition}",
                quote(dialect, name)
            )),
        }
    }
    format!(
        "CREATE TABLE {} (\n{}\n);\n",
        quote(dialect, &table.name),
        lines.join(",\n")
    )
}

/// The snapshot as written so far, and the schema it loads to.
struct Loader {
    schema: Schema,
    dialect: Dialect,
    text: String,
}

impl Loader {
    /// Appends `statement` when the loader reads it; `false` (and nothing appended) otherwise.
    fn push(&mut self, statement: &str) -> bool {
        let mut next = self.schema.clone();
        if next
            .apply_sql(statement, Path::new("schema.sql"), self.dialect)
            .is_err()
        {
            return false;
        }
        self.schema = next;
        self.text.push_str(statement);
        true
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog {
            dialect: Dialect::Postgres,
            database: "app".into(),
            tables: vec![Table {
                name: "users".into(),
                columns: vec![
                    Column {
                        name: "id".into(),
                        type_name: "bigint".into(),
                        not_null: true,
                    },
                    Column {
                        name: "email".into(),
                        // A type the parser does not know.
                        type_name: "\"weird type\"(!)".into(),
                        not_null: false,
                    },
                ],
                constraints: vec![("users_pkey".into(), "PRIMARY KEY (id)".into())],
            }],
            unique_indexes: vec![UniqueIndex {
                table: "users".into(),
                name: "users_email".into(),
                definition: "CREATE UNIQUE INDEX users_email ON users USING magic (email ?!)"
                    .into(),
                columns: vec!["email".into()],
                partial: true,
            }],
            foreign_keys: Vec::new(),
            views: vec![View {
                name: "v".into(),
                materialized: false,
                columns: vec!["id".into()],
                query: "SELECT id FROM users WHERE ?!".into(),
                reads: vec!["users".into()],
            }],
            functions: vec![("slugify".into(), "slugify(t text) returns text".into())],
            verbatim: Vec::new(),
        }
    }

    #[test]
    fn fallbacks_ok() {
        let text = render(&catalog()).unwrap();
        let mut schema = Schema::default();
        schema
            .apply_sql(&text, Path::new("schema.sql"), Dialect::Postgres)
            .unwrap();
        let users = schema.table("users").unwrap();
        assert_eq!(users.primary_key, ["id"]);
        // The index the loader could not read still restricts, as a partial key.
        assert_eq!(users.partial_keys, vec![vec!["email".to_string()]]);
        assert!(
            text.contains("-- column types simplified to text"),
            "{text}"
        );
        let v = schema.view("v").unwrap();
        assert_eq!(v.reads.iter().collect::<Vec<_>>(), ["users"]);
        assert_eq!(v.columns.as_deref(), Some(&["id".to_string()][..]));
        assert!(schema.functions.contains("slugify"));
        assert!(text.starts_with("-- Schema snapshot for sqlx-scopes (dialect = \"postgres\")"));
    }

    #[test]
    fn unreadable_err() {
        let mut catalog = catalog();
        catalog.tables[0].constraints = vec![("k".into(), "PRIMARY KEY (lower(id))".into())];
        let err = render(&catalog).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the snapshot would not load: the keys of `users` do not load"),
            "{err}"
        );
        let mut catalog = Catalog {
            dialect: Dialect::Sqlite,
            verbatim: vec!["CREATE VIRTUAL TABLE docs USING fts5(body)".into()],
            ..catalog
        };
        catalog.tables.clear();
        catalog.unique_indexes.clear();
        catalog.views.clear();
        catalog.functions.clear();
        let text = render(&catalog).unwrap();
        assert!(text.contains("cannot read the next statement (see the error when scopes.toml loads).\nCREATE VIRTUAL TABLE docs USING fts5(body);\n"), "{text}");
        let err = Schema::default()
            .apply_sql(&text, Path::new("schema.sql"), Dialect::Sqlite)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`[[skip-migration]]` with `file = \"schema.sql\"`"),
            "{err}"
        );
    }
}
