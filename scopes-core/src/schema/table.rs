//! Column and key bookkeeping of one table: adding columns and keys, dropping keys by name, and
//! the rule for what the loader cannot identify (keys become uncertain, never forgotten).
//! Reading keys out of DDL is `schema/keys.rs`; which statements reach it, `schema/ddl.rs`.

use std::collections::BTreeSet;

use sqlparser::ast::{Expr, Ident, IndexColumn, ObjectName};

use super::migration::At;
use super::naming::{self, Label};
use super::{ColumnDef, Constraint, ForeignKey, KeyKind, Schema, TableDef};
use crate::config::Dialect;

/// An identifier as the schema stores it: lowercase, quotes already removed by the parser.
pub(super) fn ident(id: &Ident) -> String {
    id.value.to_lowercase()
}

/// A constraint or index name as the database compares it: PostgreSQL keeps the case of a
/// quoted name (`"Users_Key"` is not `users_key`); MySQL and SQLite ignore case.
pub(super) fn key_name(id: &Ident, dialect: Dialect) -> String {
    match (dialect, id.quote_style) {
        (Dialect::Postgres, Some(_)) => id.value.clone(),
        _ => ident(id),
    }
}

/// A table or index name without its qualifier, lowercase.
pub(super) fn object_name(name: &ObjectName) -> String {
    match name.0.last() {
        Some(part) => match part.as_ident() {
            Some(id) => ident(id),
            None => part.to_string().to_lowercase(),
        },
        None => String::new(),
    }
}

/// [`key_name`] of the last part of an object name (`DROP INDEX public."Idx"`).
pub(super) fn object_key_name(name: &ObjectName, dialect: Dialect) -> String {
    match name.0.last().and_then(|p| p.as_ident()) {
        Some(id) => key_name(id, dialect),
        None => object_name(name),
    }
}

/// The columns of an index or key.
pub(super) struct IndexColumns {
    /// The parts that are plain columns, in order.
    pub plain: Vec<String>,
    /// Whether every part is a plain column.
    pub all_plain: bool,
    /// The plain columns before the first expression part.
    pub leading: Vec<String>,
    /// The parts as the database names them in a generated index name (a function's name for
    /// an expression, else `expr`).
    pub naming: Vec<String>,
}

/// Reads the columns of an index or key.
pub(super) fn index_columns(columns: &[IndexColumn]) -> IndexColumns {
    let mut out = IndexColumns {
        plain: Vec::new(),
        all_plain: true,
        naming: Vec::new(),
        leading: Vec::new(),
    };
    for c in columns {
        match &c.column.expr {
            Expr::Identifier(id) => {
                if out.all_plain {
                    out.leading.push(ident(id));
                }
                out.plain.push(ident(id));
                out.naming.push(ident(id));
            }
            Expr::Function(f) => {
                out.all_plain = false;
                out.naming.push(object_name(&f.name));
            }
            _ => {
                out.all_plain = false;
                out.naming.push("expr".into());
            }
        }
    }
    out
}

/// Names in use across the schema, which PostgreSQL skips when it generates a name (relations,
/// indexes and constraints share one namespace for it). Empty for MySQL, where index names are
/// per table and foreign-key names carry the table's.
pub(super) fn taken_names(schema: &Schema, dialect: Dialect) -> BTreeSet<String> {
    if dialect == Dialect::Mysql {
        return BTreeSet::new();
    }
    let mut names: BTreeSet<String> = schema.tables.keys().cloned().collect();
    names.extend(schema.views.keys().cloned());
    for table in schema.tables.values() {
        names.extend(table.constraints.iter().map(|c| c.name.clone()));
    }
    names
}

impl TableDef {
    /// Records a key or index; an unnamed one gets the name the database would give it.
    pub(super) fn add_key(
        &mut self,
        kind: KeyKind,
        name: Option<String>,
        label: Label,
        naming_columns: &[String],
        at: &At<'_>,
        taken: &BTreeSet<String>,
    ) {
        if let KeyKind::PrimaryKey(columns) = &kind {
            // SQLite lets a primary key column of an ordinary table hold NULL, unless it is the
            // rowid (INTEGER PRIMARY KEY; handled by the caller) or the table is STRICT or
            // WITHOUT ROWID (handled in `schema/ddl.rs`).
            if at.dialect != Dialect::Sqlite {
                for column in &mut self.columns {
                    if columns.contains(&column.name) {
                        column.not_null = true;
                    }
                }
            }
            // A table has one primary key.
            self.constraints
                .retain(|c| !matches!(c.kind, KeyKind::PrimaryKey(_)));
        }
        let (name, guessed) = match name {
            Some(name) => (name, false),
            None => {
                let own: BTreeSet<&str> =
                    self.constraints.iter().map(|c| c.name.as_str()).collect();
                let used = |n: &str| own.contains(n) || taken.contains(n);
                let name = naming::generated(at.dialect, &self.name, label, naming_columns, &used);
                // MySQL's primary key is always `PRIMARY`: not a guess.
                let guessed = !(at.dialect == Dialect::Mysql && label == Label::PrimaryKey);
                (name, guessed)
            }
        };
        self.constraints.push(Constraint {
            name,
            guessed,
            inherited: false,
            on_conflict: None,
            unchecked: false,
            kind,
        });
        self.sync_keys();
    }

    /// Rebuilds the key lists from `constraints`.
    pub(super) fn sync_keys(&mut self) {
        self.primary_key.clear();
        self.unique_keys.clear();
        self.partial_keys.clear();
        self.foreign_keys.clear();
        self.indexes.clear();
        for c in &self.constraints {
            match &c.kind {
                KeyKind::PrimaryKey(columns) => self.primary_key = columns.clone(),
                KeyKind::Unique { columns, .. } => {
                    if !self.unique_keys.contains(columns) {
                        self.unique_keys.push(columns.clone());
                    }
                }
                KeyKind::PartialUnique(columns) => {
                    if !self.partial_keys.contains(columns) {
                        self.partial_keys.push(columns.clone());
                    }
                }
                KeyKind::ForeignKey(fk) => self.foreign_keys.push(fk.clone()),
                KeyKind::Index(columns) => {
                    if !columns.is_empty() && !self.indexes.contains(columns) {
                        self.indexes.push(columns.clone());
                    }
                }
                KeyKind::Check => {}
            }
        }
    }

    /// Drops the named constraint or index that `accept` allows; its kind, or `None` when no
    /// such name is known.
    pub(super) fn drop_named(
        &mut self,
        name: &str,
        accept: impl Fn(&KeyKind) -> bool,
    ) -> Option<KeyKind> {
        let position = self
            .constraints
            .iter()
            .position(|c| c.name == name && accept(&c.kind))?;
        let dropped = self.constraints.remove(position);
        self.sync_keys();
        Some(dropped.kind)
    }

    /// A constraint or index whose name the loader does not know was dropped. When every key of
    /// the table has a name written in the DDL, the name is none of them and nothing changes.
    /// Otherwise it may be any key whose name was generated (the database's name may differ
    /// from ours): every key stays, so each still restricts, and the keys become uncertain, so
    /// none is relied on to accept.
    pub(super) fn drop_unknown(&mut self, name: &str, at: &At<'_>) {
        let guessed = self.constraints.iter().any(|c| {
            c.guessed
                && matches!(
                    c.kind,
                    KeyKind::PrimaryKey(_)
                        | KeyKind::Unique { .. }
                        | KeyKind::PartialUnique(_)
                        | KeyKind::ForeignKey(_)
                )
        });
        if guessed {
            self.mark_keys_uncertain(format!(
                "{}: drops `{name}`, which is no key the loader knows by that name (a key created without a name may have it)",
                at.place()
            ));
        }
    }

    /// Renames a key or index; an unknown old name counts as a drop of an unknown name (it may
    /// be a key we named by guess, whose guessed name would then drop nothing).
    pub(super) fn rename_key(&mut self, old: &str, new: &str, at: &At<'_>) {
        match self.constraints.iter_mut().find(|c| c.name == old) {
            Some(c) => {
                c.name = new.to_string();
                c.guessed = false;
            }
            None => self.drop_unknown(old, at),
        }
    }

    /// Marks the keys uncertain, keeping the first reason.
    pub(super) fn mark_keys_uncertain(&mut self, why: String) {
        self.keys_uncertain = true;
        self.keys_uncertain_why.get_or_insert(why);
    }

    pub(super) fn column_mut(&mut self, name: &str) -> Option<&mut ColumnDef> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Every foreign key, as stored in `constraints` (for renames).
    pub(super) fn foreign_keys_mut(&mut self) -> impl Iterator<Item = &mut ForeignKey> {
        self.constraints
            .iter_mut()
            .filter_map(|c| match &mut c.kind {
                KeyKind::ForeignKey(fk) => Some(fk),
                _ => None,
            })
    }

    /// Every column list of a key, as stored in `constraints` (for renames).
    pub(super) fn key_columns_mut(&mut self) -> impl Iterator<Item = &mut Vec<String>> {
        self.constraints
            .iter_mut()
            .filter_map(|c| match &mut c.kind {
                KeyKind::PrimaryKey(columns)
                | KeyKind::Unique { columns, .. }
                | KeyKind::PartialUnique(columns) => Some(columns),
                KeyKind::ForeignKey(fk) => Some(&mut fk.columns),
                KeyKind::Index(_) | KeyKind::Check => None,
            })
    }
}

/// Fills the parent columns of foreign keys that name none with the parent's primary key, once
/// the parent exists (SQLite accepts references to tables created later).
pub(super) fn fill_parent_columns(schema: &mut Schema) {
    let keys: std::collections::BTreeMap<String, Vec<String>> = schema
        .tables
        .iter()
        .map(|(name, t)| (name.clone(), t.primary_key.clone()))
        .collect();
    for table in schema.tables.values_mut() {
        let mut changed = false;
        for fk in table.foreign_keys_mut() {
            if fk.parent_columns.is_empty() {
                if let Some(pk) = keys.get(&fk.parent).filter(|pk| !pk.is_empty()) {
                    fk.parent_columns = pk.clone();
                    changed = true;
                }
            }
        }
        if changed {
            table.sync_keys();
        }
    }
}

/// Marks uncertain every table with a foreign key into `parent` (other than `parent` itself):
/// a change to the parent may have dropped those keys (`CASCADE`).
/// Every foreign key of `table` and every foreign key into it is no longer enforced (its
/// checks were turned off): the keys restrict, but prove nothing.
pub(super) fn foreign_keys_unenforced(schema: &mut Schema, table: &str) {
    for def in schema.tables.values_mut() {
        let own = def.name == table;
        for c in &mut def.constraints {
            if let KeyKind::ForeignKey(fk) = &mut c.kind {
                if own || fk.parent == table {
                    fk.enforced = false;
                    c.unchecked = true;
                }
            }
        }
        def.sync_keys();
    }
}

pub(super) fn mark_children_uncertain(schema: &mut Schema, parent: &str, why: &str) {
    for table in schema.tables.values_mut() {
        if table.name != parent && table.foreign_keys.iter().any(|fk| fk.parent == parent) {
            table.mark_keys_uncertain(why.to_string());
        }
    }
}
