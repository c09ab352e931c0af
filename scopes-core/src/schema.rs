//! The database schema, read from sqlx migrations: tables, columns, keys, views and functions.
//! Finding and ordering migration files lives here; applying their DDL lives in `schema/ddl.rs`.

mod ddl;
mod migration;
mod skip;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::{ConfigError, Dialect};

/// Normalizes a table or column name for lookups: lowercase, quotes removed, schema qualifier
/// (`public.`, `main.`, any `x.`) dropped.
pub fn normalize_name(name: &str) -> String {
    normalized(name).into_owned()
}

/// `s.to_lowercase()`, with a plain copy for the usual already-lowercase ASCII identifier.
pub(crate) fn lower(s: &str) -> String {
    lowered(s).into_owned()
}

/// [`lower`] without a copy when the name is already lowercase.
pub(crate) fn lowered(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// [`normalize_name`] without a copy when the name is already normal (the common case: lookups
/// run for every table occurrence of every checked statement).
pub(crate) fn normalized(name: &str) -> std::borrow::Cow<'_, str> {
    let last = name.rsplit('.').next().unwrap_or(name);
    let bare = last.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']');
    if bare
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        std::borrow::Cow::Owned(bare.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(bare)
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// Lowercase name.
    pub name: String,
    /// Declared NOT NULL (or part of the primary key).
    pub not_null: bool,
}

/// A foreign key of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Referencing columns, lowercase.
    pub columns: Vec<String>,
    /// Referenced table, lowercase.
    pub parent: String,
    /// Referenced columns, lowercase (the parent's primary key when the DDL names none).
    pub parent_columns: Vec<String>,
}

/// A table after all migrations ran.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableDef {
    /// Lowercase name.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<ColumnDef>,
    /// Primary key columns (empty when none).
    pub primary_key: Vec<String>,
    /// UNIQUE constraints and unique indexes, each a list of columns.
    pub unique_keys: Vec<Vec<String>>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Other indexes (not unique, not partial): the columns each one leads with, up to its
    /// first expression. Read by the schema audit (`rls::keys`), not by the analyzer.
    pub indexes: Vec<Vec<String>>,
    /// Named PRIMARY KEY / UNIQUE / FOREIGN KEY constraints and unique indexes -> their columns,
    /// so that `DROP CONSTRAINT name` and `DROP INDEX name` remove the right key.
    pub constraint_names: BTreeMap<String, (KeyKind, Vec<String>)>,
}

/// What a named constraint or index is, so dropping it by name removes the right thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// PRIMARY KEY.
    PrimaryKey,
    /// UNIQUE constraint or unique index.
    Unique,
    /// FOREIGN KEY.
    ForeignKey,
    /// CHECK (tracked only so that dropping it is understood).
    Check,
    /// A plain (not unique) index.
    Index,
}

impl TableDef {
    /// Whether the table has this column (name compared lowercase).
    pub fn has_column(&self, column: &str) -> bool {
        let column = column.to_lowercase();
        self.columns.iter().any(|c| c.name == column)
    }
}

/// A view after all migrations ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewDef {
    /// Lowercase name.
    pub name: String,
    /// The view's query, as written.
    pub query: String,
    /// Output column names when known (explicit column list, or simple select items).
    pub columns: Option<Vec<String>>,
    /// Every relation (table or view) the query reads, lowercase, qualifier dropped.
    pub reads: BTreeSet<String>,
}

/// Everything the migrations define that the analyzer needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    /// Tables by lowercase name.
    pub tables: BTreeMap<String, TableDef>,
    /// Views by lowercase name.
    pub views: BTreeMap<String, ViewDef>,
    /// Lowercase names of functions and procedures the migrations create.
    pub functions: BTreeSet<String>,
}

impl Schema {
    /// A table by name (case-insensitive, qualifier ignored).
    pub fn table(&self, name: &str) -> Option<&TableDef> {
        self.tables.get(normalized(name).as_ref())
    }

    /// A view by name (case-insensitive, qualifier ignored).
    pub fn view(&self, name: &str) -> Option<&ViewDef> {
        self.views.get(normalized(name).as_ref())
    }

    /// Reads every sqlx migration of `dir` (`<version>_<name>.sql` or `.up.sql`; `.down.sql` is
    /// ignored) and applies them in version order.
    ///
    /// ```
    /// # use scopes_core::{schema::Schema, Dialect};
    /// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    /// let schema = Schema::load_migrations(&dir, Dialect::Sqlite).unwrap();
    /// assert_eq!(schema.table("posts").unwrap().primary_key, vec!["id".to_string()]);
    /// ```
    pub fn load_migrations(dir: &Path, dialect: Dialect) -> Result<Schema, ConfigError> {
        let io = |source| ConfigError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if let Some(version) = migration_version(&path)? {
                files.push((version, path));
            }
        }
        files.sort();
        // sqlx refuses two migrations with one version; so do we, rather than pick one.
        for pair in files.windows(2) {
            if let [(a, first), (b, second)] = pair {
                if a == b {
                    return Err(ConfigError::Invalid {
                        path: second.clone(),
                        line: 1,
                        message: format!(
                            "migration version {a} is also used by {}: give each migration its own version",
                            first.display()
                        ),
                    });
                }
            }
        }
        let mut schema = Schema::default();
        for (_, path) in files {
            let sql = std::fs::read_to_string(&path).map_err(|source| ConfigError::Io {
                path: path.clone(),
                source,
            })?;
            schema.apply_sql(&sql, &path, dialect)?;
        }
        Ok(schema)
    }

    /// Applies the DDL of one migration file to this schema. `file` is used in errors.
    ///
    /// ```
    /// # use scopes_core::{schema::Schema, Dialect};
    /// let mut schema = Schema::default();
    /// let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY); ALTER TABLE t ADD COLUMN x TEXT;";
    /// schema.apply_sql(sql, "1_t.sql".as_ref(), Dialect::Sqlite).unwrap();
    /// assert!(schema.table("t").unwrap().has_column("x"));
    /// ```
    pub fn apply_sql(
        &mut self,
        sql: &str,
        file: &Path,
        dialect: Dialect,
    ) -> Result<(), ConfigError> {
        crate::on_deep_stack(sql, || migration::apply(self, sql, file, dialect))
    }
}

/// The version of a migration file, `None` for files that are not up-migrations. A `.sql` file
/// without a version is an error: sqlx would refuse it, and skipping it could hide a table.
fn migration_version(path: &Path) -> Result<Option<u64>, ConfigError> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(None);
    };
    if !name.ends_with(".sql") || name.ends_with(".down.sql") || !path.is_file() {
        return Ok(None);
    }
    let version = name
        .split_once('_')
        .and_then(|(v, _)| v.parse::<u64>().ok());
    match version {
        Some(v) => Ok(Some(v)),
        None => Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            line: 1,
            message: "migration file name does not start with a version: rename it to `<version>_<name>.sql`"
                .to_string(),
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests;
