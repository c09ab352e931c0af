//! Column and key bookkeeping of one table: adding, dropping and renaming columns and keys.
//! Which statements reach this code is decided in `schema/ddl.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef as SqlColumn, ColumnOption, Expr, Ident,
    IndexColumn, ObjectName, TableConstraint,
};

use super::migration::invalid;
use super::{ColumnDef, ForeignKey, KeyKind, Schema, TableDef};
use crate::config::ConfigError;

/// An identifier as the schema stores it: lowercase, quotes already removed by the parser.
pub(super) fn ident(id: &Ident) -> String {
    id.value.to_lowercase()
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

/// The columns of a key, or `None` when one of them is an expression.
pub(super) fn column_list(columns: &[IndexColumn]) -> Option<Vec<String>> {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(id) => Some(ident(id)),
            _ => None,
        })
        .collect()
}

/// The plain columns an index leads with, up to its first expression.
pub(super) fn leading_columns(columns: &[IndexColumn]) -> Vec<String> {
    columns
        .iter()
        .map_while(|c| match &c.column.expr {
            Expr::Identifier(id) => Some(ident(id)),
            _ => None,
        })
        .collect()
}

impl TableDef {
    /// Adds a unique key (once) and remembers its name.
    pub(super) fn add_unique(&mut self, columns: Vec<String>, name: Option<String>) {
        let name = name.unwrap_or_else(|| format!("{}_{}_key", self.name, columns.join("_")));
        self.constraint_names
            .insert(name, (KeyKind::Unique, columns.clone()));
        if !self.unique_keys.contains(&columns) {
            self.unique_keys.push(columns);
        }
    }

    fn set_primary_key(&mut self, columns: Vec<String>, name: Option<String>) {
        for column in &mut self.columns {
            if columns.contains(&column.name) {
                column.not_null = true;
            }
        }
        let name = name.unwrap_or_else(|| format!("{}_pkey", self.name));
        self.constraint_names
            .insert(name, (KeyKind::PrimaryKey, columns.clone()));
        self.primary_key = columns;
    }

    fn add_foreign_key(&mut self, fk: ForeignKey, name: Option<String>) {
        let name = name.unwrap_or_else(|| format!("{}_{}_fkey", self.name, fk.columns.join("_")));
        self.constraint_names
            .insert(name, (KeyKind::ForeignKey, fk.columns.clone()));
        self.foreign_keys.push(fk);
    }

    /// Drops the named constraint or index; `false` when the name is unknown.
    pub(super) fn drop_named(&mut self, name: &str) -> bool {
        let Some((kind, columns)) = self.constraint_names.remove(name) else {
            return false;
        };
        match kind {
            KeyKind::PrimaryKey if self.primary_key == columns => self.primary_key.clear(),
            KeyKind::Unique => self.unique_keys.retain(|k| *k != columns),
            KeyKind::ForeignKey => self.foreign_keys.retain(|fk| fk.columns != columns),
            KeyKind::Index => self.indexes.retain(|k| *k != columns),
            _ => {}
        }
        true
    }

    /// Adds a plain index (its leading columns) and remembers its name (PostgreSQL's default
    /// name when the DDL gives none).
    pub(super) fn add_index(&mut self, columns: Vec<String>, name: Option<String>) {
        let name = name.unwrap_or_else(|| format!("{}_{}_idx", self.name, columns.join("_")));
        self.constraint_names
            .insert(name, (KeyKind::Index, columns.clone()));
        if !self.indexes.contains(&columns) {
            self.indexes.push(columns);
        }
    }

    /// A constraint we cannot identify was dropped: forget every key it could have been, so the
    /// schema never claims a key the database no longer has. The primary key's name is always
    /// known (explicit, `<table>_pkey`, or MySQL's `PRIMARY`), so it stays.
    fn drop_unknown(&mut self) {
        self.unique_keys.clear();
        self.foreign_keys.clear();
        self.constraint_names
            .retain(|_, (kind, _)| *kind == KeyKind::PrimaryKey);
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut ColumnDef> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

fn foreign_key(columns: Vec<String>, fk: &sqlparser::ast::ForeignKeyConstraint) -> ForeignKey {
    ForeignKey {
        columns,
        parent: object_name(&fk.foreign_table),
        parent_columns: fk.referred_columns.iter().map(ident).collect(),
    }
}

/// Adds a column definition with its inline constraints.
pub(super) fn add_column(
    table: &mut TableDef,
    column: &SqlColumn,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    let name = ident(&column.name);
    if table.has_column(&name) {
        return Err(invalid(
            file,
            line,
            format!("`{}` already has a column `{name}`", table.name),
        ));
    }
    table.columns.push(ColumnDef {
        name: name.clone(),
        not_null: false,
    });
    for option in &column.options {
        let constraint_name = option.name.as_ref().map(ident);
        match &option.option {
            ColumnOption::NotNull => set_not_null(table, &name, true),
            ColumnOption::Null => set_not_null(table, &name, false),
            ColumnOption::PrimaryKey(_) => {
                table.set_primary_key(vec![name.clone()], constraint_name)
            }
            ColumnOption::Unique(_) => table.add_unique(vec![name.clone()], constraint_name),
            ColumnOption::ForeignKey(fk) => {
                table.add_foreign_key(foreign_key(vec![name.clone()], fk), constraint_name)
            }
            _ => {}
        }
    }
    Ok(())
}

fn set_not_null(table: &mut TableDef, column: &str, not_null: bool) {
    if let Some(c) = table.column_mut(column) {
        c.not_null = not_null;
    }
}

/// Adds a table-level constraint. Keys on expressions are skipped: a key we do not know can
/// only make the config stricter.
pub(super) fn add_constraint(
    table: &mut TableDef,
    constraint: &TableConstraint,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    match constraint {
        TableConstraint::PrimaryKey(pk) => match column_list(&pk.columns) {
            Some(columns) => table.set_primary_key(columns, pk.name.as_ref().map(ident)),
            None => {
                return Err(invalid(
                    file,
                    line,
                    format!(
                        "the primary key of `{}` is not a list of columns",
                        table.name
                    ),
                ))
            }
        },
        TableConstraint::Unique(unique) => {
            if let Some(columns) = column_list(&unique.columns) {
                let name = unique
                    .name
                    .as_ref()
                    .or(unique.index_name.as_ref())
                    .map(ident);
                table.add_unique(columns, name);
            }
        }
        TableConstraint::ForeignKey(fk) => {
            let columns = fk.columns.iter().map(ident).collect();
            table.add_foreign_key(foreign_key(columns, fk), fk.name.as_ref().map(ident));
        }
        TableConstraint::Check(check) => {
            if let Some(name) = &check.name {
                table
                    .constraint_names
                    .insert(ident(name), (KeyKind::Check, Vec::new()));
            }
        }
        TableConstraint::PrimaryKeyUsingIndex(using) | TableConstraint::UniqueUsingIndex(using) => {
            let index = ident(&using.index_name);
            let Some((KeyKind::Unique, columns)) = table.constraint_names.get(&index).cloned()
            else {
                return Err(invalid(
                    file,
                    line,
                    format!("unknown unique index `{index}` on `{}`", table.name),
                ));
            };
            // The index becomes the constraint: it keeps its columns under the new name.
            table.constraint_names.remove(&index);
            let name = using.name.as_ref().map(ident);
            if matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)) {
                table.set_primary_key(columns, name);
            } else {
                table.add_unique(columns, name);
            }
        }
        TableConstraint::Index(_)
        | TableConstraint::FulltextOrSpatial(_)
        | TableConstraint::Exclude(_) => {}
    }
    Ok(())
}

/// Fills the parent columns of foreign keys that name none with the parent's primary key, once
/// the parent exists (SQLite accepts references to tables created later).
pub(super) fn fill_parent_columns(schema: &mut Schema) {
    let keys: BTreeMap<String, Vec<String>> = schema
        .tables
        .iter()
        .map(|(name, t)| (name.clone(), t.primary_key.clone()))
        .collect();
    for table in schema.tables.values_mut() {
        for fk in &mut table.foreign_keys {
            if fk.parent_columns.is_empty() {
                if let Some(pk) = keys.get(&fk.parent) {
                    fk.parent_columns = pk.clone();
                }
            }
        }
    }
}

/// Renames a column in its table's keys and in foreign keys of other tables that point at it.
pub(super) fn rename_column(
    schema: &mut Schema,
    table_name: &str,
    old: &str,
    new: &str,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    let rename = |c: &mut String| {
        if c == old {
            *c = new.to_string();
        }
    };
    let Some(table) = schema.tables.get_mut(table_name) else {
        return Err(invalid(file, line, format!("no table `{table_name}`")));
    };
    if table.has_column(new) && old != new {
        return Err(invalid(
            file,
            line,
            format!("`{table_name}` already has a column `{new}`"),
        ));
    }
    let Some(column) = table.column_mut(old) else {
        return Err(invalid(
            file,
            line,
            format!("`{table_name}` has no column `{old}` to rename"),
        ));
    };
    column.name = new.to_string();
    table.primary_key.iter_mut().for_each(rename);
    table.unique_keys.iter_mut().flatten().for_each(rename);
    table.indexes.iter_mut().flatten().for_each(rename);
    for fk in &mut table.foreign_keys {
        fk.columns.iter_mut().for_each(rename);
    }
    for (_, columns) in table.constraint_names.values_mut() {
        columns.iter_mut().for_each(rename);
    }
    for other in schema.tables.values_mut() {
        for fk in &mut other.foreign_keys {
            if fk.parent == table_name {
                fk.parent_columns.iter_mut().for_each(rename);
            }
        }
    }
    Ok(())
}

/// Applies one ALTER TABLE operation other than renames of the table or a column.
pub(super) fn alter(
    table: &mut TableDef,
    operation: &AlterTableOperation,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    use AlterTableOperation as Op;
    match operation {
        Op::AddColumn {
            column_def,
            if_not_exists,
            ..
        } => {
            if !(*if_not_exists && table.has_column(&ident(&column_def.name))) {
                add_column(table, column_def, file, line)?;
            }
        }
        Op::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            for name in column_names.iter().map(ident) {
                if !table.has_column(&name) {
                    if *if_exists {
                        continue;
                    }
                    return Err(invalid(
                        file,
                        line,
                        format!("`{}` has no column `{name}` to drop", table.name),
                    ));
                }
                // The database drops (or refuses to drop) every key using the column.
                table.columns.retain(|c| c.name != name);
                if table.primary_key.contains(&name) {
                    table.primary_key.clear();
                }
                table.unique_keys.retain(|k| !k.contains(&name));
                table.indexes.retain(|k| !k.contains(&name));
                table.foreign_keys.retain(|fk| !fk.columns.contains(&name));
                table
                    .constraint_names
                    .retain(|_, (_, c)| !c.contains(&name));
            }
        }
        Op::AddConstraint { constraint, .. } => add_constraint(table, constraint, file, line)?,
        Op::DropConstraint { name, .. } | Op::DropForeignKey { name, .. } => {
            if !table.drop_named(&ident(name)) {
                table.drop_unknown();
            }
        }
        Op::DropIndex { name } => {
            if !table.drop_named(&ident(name)) {
                table.unique_keys.clear();
                table.indexes.clear();
            }
        }
        Op::DropPrimaryKey { .. } => table.primary_key.clear(),
        Op::RenameConstraint { old_name, new_name } => {
            if let Some(entry) = table.constraint_names.remove(&ident(old_name)) {
                table.constraint_names.insert(ident(new_name), entry);
            }
        }
        Op::AlterColumn { column_name, op } => {
            let name = ident(column_name);
            if !table.has_column(&name) {
                return Err(invalid(
                    file,
                    line,
                    format!("`{}` has no column `{name}`", table.name),
                ));
            }
            match op {
                AlterColumnOperation::SetNotNull => set_not_null(table, &name, true),
                AlterColumnOperation::DropNotNull => set_not_null(table, &name, false),
                _ => {}
            }
        }
        // MySQL redefines the column: its NOT NULL is whatever the new definition says.
        Op::ModifyColumn {
            col_name: name,
            options,
            ..
        }
        | Op::ChangeColumn {
            new_name: name,
            options,
            ..
        } => {
            let name = ident(name);
            let not_null = options.iter().any(|o| matches!(o, ColumnOption::NotNull));
            set_not_null(table, &name, not_null);
        }
        // Already applied by the caller, which can reach other tables.
        Op::RenameColumn { .. } | Op::RenameTable { .. } => {}
        Op::EnableRowLevelSecurity
        | Op::DisableRowLevelSecurity
        | Op::ForceRowLevelSecurity
        | Op::NoForceRowLevelSecurity
        | Op::EnableTrigger { .. }
        | Op::DisableTrigger { .. }
        | Op::EnableAlwaysTrigger { .. }
        | Op::EnableReplicaTrigger { .. }
        | Op::EnableRule { .. }
        | Op::DisableRule { .. }
        | Op::EnableAlwaysRule { .. }
        | Op::EnableReplicaRule { .. }
        | Op::OwnerTo { .. }
        | Op::SetLogged
        | Op::SetUnlogged
        | Op::ReplicaIdentity { .. }
        | Op::ValidateConstraint { .. }
        | Op::AutoIncrement { .. }
        | Op::Algorithm { .. }
        | Op::Lock { .. } => {}
        other => {
            let text = other.to_string();
            let words: Vec<&str> = text.split_whitespace().take(3).collect();
            return Err(invalid(
                file,
                line,
                format!(
                    "`ALTER TABLE {} {}` may change columns and is not understood; move it out of the migrations or report it",
                    table.name,
                    words.join(" ")
                ),
            ));
        }
    }
    Ok(())
}
