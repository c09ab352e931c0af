//! The database schema, read from sqlx migrations: tables, columns, keys, views and functions.

use std::collections::{BTreeMap, BTreeSet};

/// Normalizes a table or column name for lookups: lowercase, quotes removed, schema qualifier
/// (`public.`, `main.`, any `x.`) dropped.
pub fn normalize_name(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
        .to_lowercase()
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
        self.tables.get(&normalize_name(name))
    }

    /// A view by name (case-insensitive, qualifier ignored).
    pub fn view(&self, name: &str) -> Option<&ViewDef> {
        self.views.get(&normalize_name(name))
    }
}
