//! The database schema, read from sqlx migrations: tables, columns, keys, views and functions.
//! Finding and ordering migration files lives here; applying their DDL lives in `schema/ddl.rs`.

mod alter;
mod block;
mod ddl;
mod index;
mod keys;
mod migration;
mod naming;
mod skip;
mod table;
mod view;

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
    /// Referencing columns, lowercase, in the order the DDL lists them.
    pub columns: Vec<String>,
    /// Referenced table, lowercase.
    pub parent: String,
    /// Referenced columns, lowercase, in the same order (the parent's primary key when the DDL
    /// names none; empty while the parent or its primary key is unknown).
    pub parent_columns: Vec<String>,
    /// Whether every row is certain to satisfy the key: false for a column-level REFERENCES in
    /// MySQL (which MySQL ignores; MariaDB enforces it), for a PostgreSQL key added
    /// `NOT VALID` and not validated since (older rows are not checked), for a DEFERRABLE key
    /// (checked only at commit: a transaction sees rows that violate it) and for one declared
    /// NOT ENFORCED.
    pub enforced: bool,
}

/// A table after all migrations ran.
///
/// Keys are used in two opposite directions. To restrict (a foreign key into a scoped table must
/// be checked on insert, any unique key can make an upsert hit another tenant's row) use the
/// full lists: a key that may exist is in them. To accept (a proof that relies on a key
/// existing) use [`TableDef::certain_unique_keys`] and [`TableDef::certain_foreign_keys`] only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableDef {
    /// Lowercase name.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<ColumnDef>,
    /// Primary key columns (empty when none).
    pub primary_key: Vec<String>,
    /// UNIQUE constraints and unique indexes over plain columns, each a list of columns.
    pub unique_keys: Vec<Vec<String>>,
    /// Partial or expression unique indexes and EXCLUDE constraints: for each, the plain columns
    /// two rows must agree on to conflict (possibly none). They make no column unique, so they
    /// never serve to accept; an upsert or `INSERT OR IGNORE` can still hit them.
    pub partial_keys: Vec<Vec<String>>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Non-unique indexes that are not partial: the plain columns each one leads with, up to
    /// its first expression. Read by the schema audit (`rls::keys`), never by the proof.
    pub indexes: Vec<Vec<String>>,
    /// Every key, constraint and index with its name, in creation order: the lists above are
    /// derived from it, so that `DROP CONSTRAINT name` and `DROP INDEX name` drop the right one.
    pub constraints: Vec<Constraint>,
    /// The loader saw a change to this table's keys it could not identify: its key lists are a
    /// superset of the real ones (use them to restrict), but no key may be relied on to accept.
    pub keys_uncertain: bool,
    /// Where and why the keys became uncertain (`file:line: ...`), for messages.
    pub keys_uncertain_why: Option<String>,
    /// The partitioned table this table is a partition of (PostgreSQL): its keys are the
    /// parent's too.
    pub partition_of: Option<String>,
}

/// One named key, constraint or index of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    /// The name it is dropped by: as written (lowercase unless quoted in PostgreSQL), or the
    /// one the database generates when the DDL names none.
    pub name: String,
    /// The name was generated by the rules of `schema/naming.rs`, not written in the DDL: it
    /// may differ from the database's (a name taken outside the migrations, a long name).
    pub guessed: bool,
    /// Copied from the partitioned parent (`partition_of`), not declared on this table.
    pub inherited: bool,
    /// SQLite's `ON CONFLICT REPLACE` or `ON CONFLICT IGNORE` on this key (`"replace"`,
    /// `"ignore"`): every INSERT and UPDATE that conflicts on it replaces the other row or is
    /// silently dropped, as if written `INSERT OR REPLACE` / `OR IGNORE`.
    pub on_conflict: Option<String>,
    /// A foreign key some rows may violate whatever else happens: declared DEFERRABLE (checked
    /// only at commit, so a transaction sees rows that violate it) or NOT ENFORCED, or its
    /// checks were turned off (`DISABLE TRIGGER ALL`). It restricts, but is never a proof, not
    /// even after `VALIDATE CONSTRAINT`.
    pub unchecked: bool,
    /// What it is.
    pub kind: KeyKind,
}

/// What a named constraint or index is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// PRIMARY KEY over these columns.
    PrimaryKey(Vec<String>),
    /// UNIQUE over these plain columns; `index`: a unique index (CREATE UNIQUE INDEX) rather
    /// than a constraint.
    Unique {
        /// The key's columns.
        columns: Vec<String>,
        /// Created as an index.
        index: bool,
    },
    /// A partial or expression unique index, or an EXCLUDE constraint: the plain columns a
    /// conflict on it implies equal.
    PartialUnique(Vec<String>),
    /// FOREIGN KEY.
    ForeignKey(ForeignKey),
    /// A non-unique index: the plain columns it leads with (empty for a partial index), for
    /// the schema audit; tracked by name so that dropping it is understood.
    Index(Vec<String>),
    /// CHECK (tracked only so that dropping it is understood).
    Check,
}

impl TableDef {
    /// Whether the table has this column (name compared lowercase).
    pub fn has_column(&self, column: &str) -> bool {
        let column = lowered(column);
        self.columns.iter().any(|c| c.name == column)
    }

    /// Unique keys (the primary key first) that certainly exist: the keys a proof may rely on.
    /// Empty when the keys are uncertain.
    ///
    /// ```
    /// # use scopes_core::{schema::Schema, Dialect};
    /// let mut schema = Schema::default();
    /// let sql = "CREATE TABLE t (id INT PRIMARY KEY, slug TEXT UNIQUE, tag TEXT);
    ///            ALTER TABLE t DROP CONSTRAINT IF EXISTS some_unknown_name;";
    /// schema.apply_sql(sql, "1_t.sql".as_ref(), Dialect::Postgres).unwrap();
    /// let t = schema.table("t").unwrap();
    /// // The drop may have removed either key: both still restrict, neither may accept.
    /// assert_eq!(t.unique_keys, vec![vec!["slug".to_string()]]);
    /// assert!(t.keys_uncertain);
    /// assert_eq!(t.certain_unique_keys().count(), 0);
    /// ```
    pub fn certain_unique_keys(&self) -> impl Iterator<Item = &[String]> {
        let certain = !self.keys_uncertain;
        std::iter::once(self.primary_key.as_slice())
            .filter(|k| !k.is_empty())
            .chain(self.unique_keys.iter().map(Vec::as_slice))
            .filter(move |_| certain)
    }

    /// Foreign keys that certainly exist and hold for every row: the keys a proof may rely on.
    /// Empty when the keys are uncertain; a key whose parent columns are unknown, or that is not
    /// enforced, is left out.
    pub fn certain_foreign_keys(&self) -> impl Iterator<Item = &ForeignKey> {
        let certain = !self.keys_uncertain;
        self.foreign_keys
            .iter()
            .filter(move |fk| certain && fk.enforced && fk.parent_columns.len() == fk.columns.len())
    }

    /// Every key a conflict can arise on (primary key, unique keys, partial keys), as the plain
    /// columns two conflicting rows agree on: for restricting upserts and silent skips.
    pub fn conflict_keys(&self) -> impl Iterator<Item = &[String]> {
        std::iter::once(self.primary_key.as_slice())
            .filter(|k| !k.is_empty())
            .chain(self.unique_keys.iter().map(Vec::as_slice))
            .chain(self.partial_keys.iter().map(Vec::as_slice))
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

/// A statement of the migrations the loader is told to skip (scopes.toml `[[skip-migration]]`):
/// it is trusted to change no table, column, key, view or function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipStatement {
    /// The migration's file name (no directory), as in the migrations directory.
    pub file: String,
    /// The 1-based line the statement starts on.
    pub line: usize,
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
        Ok(Schema::load_migrations_skipping(dir, dialect, &[])?.0)
    }

    /// [`Schema::load_migrations`], skipping the statements `skips` lists (scopes.toml
    /// `[[skip-migration]]`). Also returns, per entry, whether a statement starts on its line.
    /// A listed statement the loader reads is an error: skipping it would hide its changes.
    ///
    /// ```
    /// # use scopes_core::{schema::{Schema, SkipStatement}, Dialect};
    /// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    /// let skip = SkipStatement { file: "20240101000000_blog.sql".into(), line: 999 };
    /// let (_, found) = Schema::load_migrations_skipping(&dir, Dialect::Sqlite, &[skip]).unwrap();
    /// assert_eq!(found, [false]);
    /// ```
    pub fn load_migrations_skipping(
        dir: &Path,
        dialect: Dialect,
        skips: &[SkipStatement],
    ) -> Result<(Schema, Vec<bool>), ConfigError> {
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
        let mut found = vec![false; skips.len()];
        for (_, path) in files {
            schema.apply_file(&path, dialect, skips, &mut found)?;
        }
        Ok((schema, found))
    }

    /// Reads a schema snapshot (`scopes schema` writes one from a live database): one file of
    /// DDL, read like a migration. Also returns, per entry of `skips`, whether it was found.
    pub fn load_snapshot(
        file: &Path,
        dialect: Dialect,
        skips: &[SkipStatement],
    ) -> Result<(Schema, Vec<bool>), ConfigError> {
        let mut schema = Schema::default();
        let mut found = vec![false; skips.len()];
        schema.apply_file(file, dialect, skips, &mut found)?;
        Ok((schema, found))
    }

    fn apply_file(
        &mut self,
        path: &Path,
        dialect: Dialect,
        skips: &[SkipStatement],
        found: &mut [bool],
    ) -> Result<(), ConfigError> {
        let sql = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let mut listed: Vec<(usize, &mut bool)> = skips
            .iter()
            .zip(found.iter_mut())
            .filter(|(skip, _)| skip.file == name)
            .map(|(skip, found)| (skip.line, found))
            .collect();
        crate::on_deep_stack(&sql, || {
            migration::apply(self, &sql, path, dialect, &mut listed)
        })
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
        crate::on_deep_stack(sql, || migration::apply(self, sql, file, dialect, &mut []))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod key_tests;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod migration_tests;
