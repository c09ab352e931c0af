//! scopes.toml: loading, validation against the schema, and the typed config the analyzer reads.
//! The schema itself (migrations) lives in `schema.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::schema::Schema;

/// The SQL dialect of the application's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite (the embedded default).
    Sqlite,
    /// PostgreSQL (and Citus).
    Postgres,
    /// MySQL / MariaDB.
    Mysql,
}

/// Where a row of a scoped table keeps its scope value, for one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeRule {
    /// The table's own column holds the scope value (`site = "site_id"`).
    Column(String),
    /// The row belongs to the scope of the parent row it references
    /// (`site = "post_id -> posts.id"`). Names are lowercase.
    ForeignKey {
        /// The referencing column of this table.
        column: String,
        /// The parent table (scoped on the same dimension).
        parent: String,
        /// The referenced column of the parent (its primary key or a unique column).
        parent_column: String,
    },
}

/// The scope rules of one table listed in `[tables]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableScope {
    /// The table's name, lowercase.
    pub table: String,
    /// Per dimension name, where the scope value lives.
    pub rules: BTreeMap<String, ScopeRule>,
}

/// A loaded and validated scopes.toml.
#[derive(Debug, Clone)]
pub struct Config {
    /// The dialect SQL is parsed with.
    pub dialect: Dialect,
    /// Dimension name -> Rust type of a scope value (`"i64"`).
    pub dimensions: BTreeMap<String, String>,
    /// Lowercase table (or view) name -> its scope rules.
    pub tables: BTreeMap<String, TableScope>,
    /// The schema read from the migrations, when `migrations` is set.
    pub schema: Option<Schema>,
    /// The file this config was read from, if any.
    pub source: Option<PathBuf>,
}

impl Config {
    /// Builds a config in code (tests, benchmarks). Table names are lowercased.
    pub fn new(
        dialect: Dialect,
        dimensions: BTreeMap<String, String>,
        tables: BTreeMap<String, TableScope>,
        schema: Option<Schema>,
    ) -> Self {
        Config {
            dialect,
            dimensions,
            tables,
            schema,
            source: None,
        }
    }

    /// The scope rules of a table, by name: case-insensitive, schema qualifier ignored.
    pub fn table_scope(&self, name: &str) -> Option<&TableScope> {
        self.tables.get(&crate::schema::normalize_name(name))
    }

    /// Reads and validates a scopes.toml file. See [`Config::parse`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let _ = path;
        todo!("helper: config loading")
    }

    /// Parses and validates scopes.toml text. `path` is used in error messages and to resolve
    /// `migrations` (relative to the file's directory).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let _ = (text, path);
        todo!("helper: config parsing")
    }
}

/// An error in scopes.toml or in the migrations it points at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid (TOML syntax, unknown key, unknown dimension, unknown column, ...).
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending key (1 when unknown).
        line: usize,
        /// What is wrong and what to change.
        message: String,
    },
}
