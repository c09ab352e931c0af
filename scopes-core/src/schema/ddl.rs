//! Applying one parsed statement to a [`Schema`]: which statements change tables, and how.
//! Reading statements out of a file is `schema/migration.rs`; one table's keys, `schema/table.rs`.

use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_expressions, visit_statements, AlterFunctionOperation, AlterIndexOperation,
    AlterTableOperation, CreateTable, Expr, ObjectName, ObjectType, RenameTableNameKind, Statement,
};

use super::migration::At;
use super::table::{self, ident, object_key_name, object_name, taken_names};
use super::{alter, index, keys, view};
use super::{Schema, TableDef};
use crate::config::{ConfigError, Dialect};

/// Changes the schema as `statement` would; errors on DDL whose effect on tables is unknown.
pub(super) fn apply_statement(
    schema: &mut Schema,
    statement: &Statement,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let err = |message: String| Err(at.err(message));
    match statement {
        Statement::CreateTable(create) => create_table(schema, create, at),
        Statement::CreateView(view) => view::create_view(schema, view, at),
        Statement::AlterTable(alter) => {
            let mut name = object_name(&alter.name);
            if schema.tables.contains_key(&name) {
                // MySQL allows `RENAME TO` before other operations of the same statement.
                for operation in &alter.operations {
                    name = alter_table(schema, &name, operation, at)?;
                }
                Ok(())
            } else if schema.views.contains_key(&name) {
                // PostgreSQL renames a view with ALTER TABLE too.
                alter_view_as_table(schema, &name, &alter.operations, at)
            } else if alter.if_exists {
                Ok(())
            } else {
                err(format!("`ALTER TABLE {name}`: no earlier migration creates `{name}`"))
            }
        }
        Statement::CreateIndex(index) => index::create_index(schema, index, at),
        Statement::AlterView(alter) => view::alter_view(schema, alter, at),
        // A rule rewrites the statements the checker proves (`DO INSTEAD` another write).
        Statement::CreateRule(_) => err(
            "CREATE RULE rewrites the statements on its table, which this checker cannot follow; use a trigger instead".to_string(),
        ),
        Statement::Drop {
            object_type,
            names,
            table,
            ..
        } => drop_objects(schema, *object_type, names, table.as_ref(), at),
        Statement::RenameTable(renames) => {
            for rename in renames {
                let (old, new) = (object_name(&rename.old_name), object_name(&rename.new_name));
                rename_table(schema, &old, new, at)?;
            }
            Ok(())
        }
        Statement::AlterIndex {
            name,
            operation: AlterIndexOperation::RenameIndex { index_name },
        } => {
            let (old, new) = (
                object_key_name(name, at.dialect),
                object_key_name(index_name, at.dialect),
            );
            let mut found = false;
            for table in schema.tables.values_mut() {
                for c in table.constraints.iter_mut().filter(|c| c.name == old) {
                    c.name = new.clone();
                    c.guessed = false;
                    found = true;
                }
            }
            if !found {
                // The unknown name may be one we generated differently: no guess stays sure.
                for table in schema.tables.values_mut() {
                    if table.constraints.iter().any(|c| c.guessed) {
                        table.drop_unknown(&old, at);
                    }
                }
            }
            Ok(())
        }
        Statement::CreateFunction(function) => {
            schema.functions.insert(object_name(&function.name));
            Ok(())
        }
        Statement::CreateProcedure { name, .. } => {
            schema.functions.insert(object_name(name));
            Ok(())
        }
        // An aggregate's state functions run for each row: calling it is calling them.
        Statement::CreateAggregate(aggregate) => {
            schema.functions.insert(object_name(&aggregate.name));
            Ok(())
        }
        Statement::AlterFunction(alter) => {
            if let AlterFunctionOperation::RenameTo { new_name } = &alter.operation {
                if schema.functions.remove(&object_name(&alter.function.name)) {
                    schema.functions.insert(ident(new_name));
                }
            }
            Ok(())
        }
        Statement::CreateForeignTable(foreign) => create_foreign_table(schema, foreign, at),
        Statement::CreateTrigger(_) => check_trigger_body(statement, at),
        Statement::Query(_) | Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
            // Data moves, unless it calls a function of the migrations, which may run DDL.
            let called = visit_expressions(statement, |expr| match expr {
                Expr::Function(f) if schema.functions.contains(&object_name(&f.name)) => {
                    ControlFlow::Break(object_name(&f.name))
                }
                _ => ControlFlow::Continue(()),
            });
            match called {
                ControlFlow::Break(name) => err(format!(
                    "this statement calls `{name}`, a function the migrations create, which may change tables; move the call out of the migrations"
                )),
                ControlFlow::Continue(()) => Ok(()),
            }
        }
        // Transactions, settings, permissions, and objects that hold no columns.
        Statement::Set(_)
        | Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Savepoint { .. }
        | Statement::ReleaseSavepoint { .. }
        | Statement::Pragma { .. }
        | Statement::Comment { .. }
        | Statement::Grant(_)
        | Statement::Revoke(_)
        | Statement::AlterDefaultPrivileges(_)
        | Statement::CreateRole(_)
        | Statement::AlterRole { .. }
        | Statement::CreatePolicy(_)
        | Statement::AlterPolicy(_)
        | Statement::DropPolicy(_)
        | Statement::CreateExtension(_)
        | Statement::DropExtension(_)
        | Statement::CreateType { .. }
        | Statement::AlterType(_)
        | Statement::CreateDomain(_)
        | Statement::DropDomain(_)
        | Statement::CreateSequence { .. }
        | Statement::CreateSchema { .. }
        | Statement::DropTrigger(_)
        | Statement::DropFunction(_)
        | Statement::DropProcedure { .. }
        | Statement::Truncate(_)
        | Statement::Analyze(_)
        | Statement::Vacuum(_)
        | Statement::Lock(_)
        | Statement::LockTables { .. }
        | Statement::UnlockTables
        | Statement::AlterSchema(_)
        | Statement::CreateCollation(_)
        | Statement::AlterCollation(_)
        | Statement::CreateTextSearch(_)
        | Statement::RefreshMaterializedView(_)
        | Statement::CreateServer(_)
        | Statement::CreateForeignDataWrapper(_)
        | Statement::Discard { .. }
        | Statement::OptimizeTable { .. } => Ok(()),
        other => err(format!(
            "this statement may change tables and is not understood: `{}`; {}",
            first_words(other),
            super::migration::way_out(at)
        )),
    }
}

/// The start of a statement for messages: enough to recognize it, never the whole body.
fn first_words(statement: &Statement) -> String {
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(4).collect();
    words.join(" ")
}

/// A trigger body runs later and only moves data, unless the parser folded the following
/// statements into it (MySQL triggers without BEGIN ... END do that): reject DDL inside.
fn check_trigger_body(statement: &Statement, at: &At<'_>) -> Result<(), ConfigError> {
    let found = visit_statements(statement, |inner| match inner {
        Statement::CreateTrigger(_)
        | Statement::Query(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Set(_)
        | Statement::If(_)
        | Statement::Case(_)
        | Statement::While(_)
        | Statement::Raise(_)
        | Statement::Return(_) => ControlFlow::Continue(()),
        other => ControlFlow::Break(first_words(other)),
    });
    match found {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(words) => Err(at.err(format!(
            "the trigger's body contains `{words}`; wrap the body in BEGIN ... END so it ends where the trigger ends"
        ))),
    }
}

fn create_table(schema: &mut Schema, create: &CreateTable, at: &At<'_>) -> Result<(), ConfigError> {
    let name = object_name(&create.name);
    // A temporary table is gone when the migration's connection closes.
    if create.temporary {
        return Ok(());
    }
    if create.query.is_some() || create.like.is_some() || create.clone.is_some() {
        return Err(at.err(format!(
            "cannot tell the columns of `{name}` (CREATE TABLE ... AS / LIKE / CLONE); list its columns"
        )));
    }
    if schema.tables.contains_key(&name) || schema.views.contains_key(&name) {
        if create.if_not_exists {
            return Ok(());
        }
        if !create.or_replace {
            return Err(at.err(format!(
                "`{name}` already exists: an earlier migration creates it"
            )));
        }
        // MariaDB's CREATE OR REPLACE TABLE drops the table first.
        if schema.tables.contains_key(&name) {
            drop_table(schema, &name, at);
        }
    }
    let mut table = TableDef {
        name: name.clone(),
        partition_of: create.partition_of.as_ref().map(object_name),
        ..TableDef::default()
    };
    // PostgreSQL partitions and children have their parents' columns. A partition also has the
    // parent's keys (copied below); an inheritance child has none of them.
    let parents = create
        .partition_of
        .iter()
        .chain(create.inherits.iter().flatten());
    for parent in parents.map(object_name) {
        let Some(parent_def) = schema.tables.get(&parent) else {
            return Err(at.err(format!(
                "`{name}` derives from `{parent}`, which no earlier migration creates"
            )));
        };
        for column in &parent_def.columns {
            if !table.has_column(&column.name) {
                table.columns.push(column.clone());
            }
        }
    }
    let taken = taken_names(schema, at.dialect);
    for column in &create.columns {
        keys::add_column(&mut table, column, at, &taken)?;
    }
    for constraint in &create.constraints {
        keys::add_constraint(&mut table, constraint, false, at, &taken)?;
    }
    if at.dialect == Dialect::Sqlite {
        sqlite_primary_key_not_null(&mut table, create);
    }
    schema.views.remove(&name);
    schema.tables.insert(name.clone(), table);
    table::fill_parent_columns(schema);
    alter::copy_to_partitions(
        schema,
        create
            .partition_of
            .as_ref()
            .map(object_name)
            .as_deref()
            .unwrap_or(""),
    );
    Ok(())
}

/// CREATE FOREIGN TABLE (PostgreSQL): columns, and no keys (a foreign table can have none).
fn create_foreign_table(
    schema: &mut Schema,
    foreign: &sqlparser::ast::CreateForeignTable,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let name = object_name(&foreign.name);
    if schema.tables.contains_key(&name) || schema.views.contains_key(&name) {
        if foreign.if_not_exists {
            return Ok(());
        }
        return Err(at.err(format!(
            "`{name}` already exists: an earlier migration creates it"
        )));
    }
    let mut table = TableDef {
        name: name.clone(),
        ..TableDef::default()
    };
    let parents = foreign
        .partition_of
        .iter()
        .chain(foreign.inherits.iter().flatten());
    for parent in parents.map(object_name) {
        let Some(parent_def) = schema.tables.get(&parent) else {
            return Err(at.err(format!(
                "`{name}` derives from `{parent}`, which no earlier migration creates"
            )));
        };
        for column in &parent_def.columns {
            if !table.has_column(&column.name) {
                table.columns.push(column.clone());
            }
        }
    }
    let taken = taken_names(schema, at.dialect);
    for column in &foreign.columns {
        keys::add_column(&mut table, column, at, &taken)?;
    }
    for constraint in &foreign.constraints {
        keys::add_constraint(&mut table, constraint, false, at, &taken)?;
    }
    schema.tables.insert(name, table);
    Ok(())
}

/// SQLite lets an ordinary table's primary key hold NULL, except in STRICT and WITHOUT ROWID
/// tables and for the rowid itself (a one-column key declared INTEGER).
fn sqlite_primary_key_not_null(table: &mut TableDef, create: &CreateTable) {
    let enforced = !create.sqlite_table_options.options.is_empty();
    let rowid = match table.primary_key.as_slice() {
        [column] => create.columns.iter().any(|c| {
            ident(&c.name) == *column && c.data_type.to_string().eq_ignore_ascii_case("integer")
        }),
        _ => false,
    };
    if enforced || rowid {
        for column in table.primary_key.clone() {
            keys::set_not_null(table, &column, true);
        }
    }
}

fn drop_objects(
    schema: &mut Schema,
    object_type: ObjectType,
    names: &[ObjectName],
    on_table: Option<&ObjectName>,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    for object in names {
        let name = object_name(object);
        match object_type {
            ObjectType::Table => drop_table(schema, &name, at),
            ObjectType::View | ObjectType::MaterializedView => {
                schema.views.remove(&name);
            }
            ObjectType::Index => index::drop_index(schema, &object_key_name(object, at.dialect), on_table, at),
            // Dropping a schema or database drops its tables, which we do not track by schema.
            ObjectType::Schema | ObjectType::Database => {
                return Err(at.err(format!(
                    "`DROP {object_type}` removes tables this checker cannot track; drop the tables one by one"
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// DROP TABLE: the table goes, with its partitions (PostgreSQL). Foreign keys into it are
/// dropped with it (PostgreSQL, CASCADE) or left to bind to whatever table takes the name later
/// (SQLite, MySQL): they stay, and restrict, but prove nothing.
fn drop_table(schema: &mut Schema, name: &str, at: &At<'_>) {
    if schema.tables.remove(name).is_none() {
        return;
    }
    let why = format!(
        "{}: drops `{name}`, which its foreign keys reference",
        at.place()
    );
    table::mark_children_uncertain(schema, name, &why);
    let partitions: Vec<String> = schema
        .tables
        .values()
        .filter(|t| t.partition_of.as_deref() == Some(name))
        .map(|t| t.name.clone())
        .collect();
    for partition in partitions {
        drop_table(schema, &partition, at);
    }
}

fn rename_table(
    schema: &mut Schema,
    old: &str,
    new: String,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let Some(mut table) = schema.tables.remove(old) else {
        return Err(at.err(format!(
            "cannot rename `{old}`: no earlier migration creates it"
        )));
    };
    table.name = new.clone();
    schema.tables.insert(new.clone(), table);
    for table in schema.tables.values_mut() {
        for fk in table.foreign_keys_mut() {
            if fk.parent == old {
                fk.parent = new.clone();
            }
        }
        if table.partition_of.as_deref() == Some(old) {
            table.partition_of = Some(new.clone());
        }
        table.sync_keys();
    }
    for view in schema.views.values_mut() {
        if view.reads.remove(old) {
            view.reads.insert(new.clone());
        }
    }
    Ok(())
}

/// `ALTER TABLE v ...` on a view: renames only.
fn alter_view_as_table(
    schema: &mut Schema,
    name: &str,
    operations: &[AlterTableOperation],
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let mut name = name.to_string();
    for operation in operations {
        match operation {
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                let new = object_name(new);
                view::rename(schema, &name, new.clone(), at)?;
                name = new;
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => view::rename_column(schema, &name, &ident(old_column_name), &ident(new_column_name)),
            AlterTableOperation::OwnerTo { .. } => {}
            other => {
                return Err(at.err(format!(
                    "`ALTER TABLE {name} {other}`: `{name}` is a view, and this is not understood on a view"
                )))
            }
        }
    }
    Ok(())
}

/// Applies one operation of `ALTER TABLE name`; returns the table's name after it.
fn alter_table(
    schema: &mut Schema,
    name: &str,
    operation: &AlterTableOperation,
    at: &At<'_>,
) -> Result<String, ConfigError> {
    if let AlterTableOperation::RenameTable { table_name } = operation {
        let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
        let new = object_name(new);
        rename_table(schema, name, new.clone(), at)?;
        return Ok(new);
    }
    // Renaming a column also renames it where other tables' foreign keys point at it.
    let renamed = match operation {
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => Some((old_column_name, new_column_name)),
        AlterTableOperation::ChangeColumn {
            old_name, new_name, ..
        } => Some((old_name, new_name)),
        _ => None,
    };
    if let Some((old, new)) = renamed {
        alter::rename_column(schema, name, &ident(old), &ident(new), at)?;
    }
    alter::alter(schema, name, operation, at)?;
    Ok(name.to_string())
}
