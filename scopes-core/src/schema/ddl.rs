//! Applying one parsed statement to a [`Schema`]: which statements change tables, and how.
//! Reading statements out of a file is `schema/migration.rs`; one table's keys, `schema/table.rs`.

use std::ops::ControlFlow;
use std::path::Path;

use sqlparser::ast::{
    visit_expressions, visit_relations, visit_statements, AlterTableOperation, AlterViewOperation,
    CreateTable, CreateView, Expr, ObjectName, ObjectType, RenameTableNameKind, SelectItem,
    SetExpr, Statement,
};

use super::migration::invalid;
use super::table::{self, ident, object_name};
use super::{Schema, TableDef, ViewDef};
use crate::config::ConfigError;

/// Changes the schema as `statement` would; errors on DDL whose effect on tables is unknown.
pub(super) fn apply_statement(
    schema: &mut Schema,
    statement: &Statement,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    let err = |message: String| Err(invalid(file, line, message));
    match statement {
        Statement::CreateTable(create) => create_table(schema, create, file, line),
        Statement::CreateView(view) => create_view(schema, view, file, line),
        Statement::AlterTable(alter) => {
            let mut name = object_name(&alter.name);
            if schema.tables.contains_key(&name) {
                // MySQL allows `RENAME TO` before other operations of the same statement.
                for operation in &alter.operations {
                    name = alter_table(schema, &name, operation, file, line)?;
                }
                Ok(())
            } else if alter.if_exists {
                Ok(())
            } else {
                err(format!("`ALTER TABLE {name}`: no earlier migration creates `{name}`"))
            }
        }
        Statement::CreateIndex(index) => {
            let name = object_name(&index.table_name);
            let Some(table) = schema.tables.get_mut(&name) else {
                return err(format!("index on `{name}`: no earlier migration creates `{name}`"));
            };
            // A partial or expression index does not make a column unique over all rows, and
            // a unique key we miss can only make the config stricter.
            if index.unique && index.predicate.is_none() {
                if let Some(columns) = table::column_list(&index.columns) {
                    let key_name = index.name.as_ref().map(object_name);
                    table.add_unique(columns, key_name);
                }
            } else if index.predicate.is_none() {
                // Plain indexes matter only to the schema audit (which columns lead one).
                let columns = table::leading_columns(&index.columns);
                if !columns.is_empty() {
                    table.add_index(columns, index.name.as_ref().map(object_name));
                }
            }
            Ok(())
        }
        Statement::Drop {
            object_type, names, ..
        } => drop_objects(schema, *object_type, names, file, line),
        Statement::RenameTable(renames) => {
            for rename in renames {
                let (old, new) = (object_name(&rename.old_name), object_name(&rename.new_name));
                rename_table(schema, &old, new, file, line)?;
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
        Statement::CreateTrigger(_) => check_trigger_body(statement, file, line),
        // View options (`security_invoker`, written by `scopes rls`) change no column.
        Statement::AlterView(view)
            if matches!(
                view.operation,
                AlterViewOperation::SetOptions { .. } | AlterViewOperation::ResetOptions { .. }
            ) =>
        {
            Ok(())
        }
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
        | Statement::AlterIndex { .. }
        | Statement::DropTrigger(_)
        | Statement::DropFunction(_)
        | Statement::DropProcedure { .. }
        | Statement::Truncate(_)
        | Statement::Analyze(_)
        | Statement::Vacuum(_)
        | Statement::Lock(_)
        | Statement::LockTables { .. }
        | Statement::UnlockTables => Ok(()),
        other => err(format!(
            "this statement may change tables and is not understood: `{}`; move it out of the migrations or report it",
            first_words(other)
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
fn check_trigger_body(statement: &Statement, file: &Path, line: u64) -> Result<(), ConfigError> {
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
        ControlFlow::Break(words) => Err(invalid(
            file,
            line,
            format!("the trigger's body contains `{words}`; wrap the body in BEGIN ... END so it ends where the trigger ends"),
        )),
    }
}

fn create_table(
    schema: &mut Schema,
    create: &CreateTable,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    let name = object_name(&create.name);
    // A temporary table is gone when the migration's connection closes.
    if create.temporary {
        return Ok(());
    }
    if create.query.is_some() || create.like.is_some() || create.clone.is_some() {
        return Err(invalid(
            file,
            line,
            format!("cannot tell the columns of `{name}` (CREATE TABLE ... AS / LIKE / CLONE); list its columns"),
        ));
    }
    if schema.tables.contains_key(&name) || schema.views.contains_key(&name) {
        if create.if_not_exists {
            return Ok(());
        }
        if !create.or_replace {
            return Err(invalid(
                file,
                line,
                format!("`{name}` already exists: an earlier migration creates it"),
            ));
        }
    }
    let mut table = TableDef {
        name: name.clone(),
        ..TableDef::default()
    };
    // PostgreSQL partitions and children have their parents' columns (keys are not copied:
    // a key we miss only makes the config stricter).
    let parents = create
        .partition_of
        .iter()
        .chain(create.inherits.iter().flatten());
    for parent in parents.map(object_name) {
        let Some(parent_def) = schema.tables.get(&parent) else {
            return Err(invalid(
                file,
                line,
                format!("`{name}` derives from `{parent}`, which no earlier migration creates"),
            ));
        };
        for column in &parent_def.columns {
            if !table.has_column(&column.name) {
                table.columns.push(column.clone());
            }
        }
    }
    for column in &create.columns {
        table::add_column(&mut table, column, file, line)?;
    }
    for constraint in &create.constraints {
        table::add_constraint(&mut table, constraint, file, line)?;
    }
    schema.views.remove(&name);
    schema.tables.insert(name, table);
    table::fill_parent_columns(schema);
    Ok(())
}

fn create_view(
    schema: &mut Schema,
    view: &CreateView,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    let name = object_name(&view.name);
    if schema.tables.contains_key(&name) {
        return Err(invalid(file, line, format!("`{name}` is already a table")));
    }
    if schema.views.contains_key(&name) && view.if_not_exists {
        return Ok(());
    }
    let mut reads = std::collections::BTreeSet::new();
    let _ = visit_relations(&*view.query, |relation: &ObjectName| {
        reads.insert(object_name(relation));
        ControlFlow::<()>::Continue(())
    });
    // A one-part name that a top-level CTE defines is that CTE, not a table.
    for cte in view.query.with.iter().flat_map(|w| &w.cte_tables) {
        reads.remove(&ident(&cte.alias.name));
    }
    let columns = if view.columns.is_empty() {
        select_columns(&view.query.body)
    } else {
        Some(view.columns.iter().map(|c| ident(&c.name)).collect())
    };
    let def = ViewDef {
        name: name.clone(),
        query: view.query.to_string(),
        columns,
        reads,
    };
    schema.views.insert(name, def);
    Ok(())
}

/// Output names of a plain SELECT whose items are all columns or aliased; `None` otherwise
/// (wildcards, unnamed expressions, set operations).
fn select_columns(body: &SetExpr) -> Option<Vec<String>> {
    let SetExpr::Select(select) = body else {
        return None;
    };
    select
        .projection
        .iter()
        .map(|item| match item {
            SelectItem::ExprWithAlias { alias, .. } => Some(ident(alias)),
            SelectItem::UnnamedExpr(sqlparser::ast::Expr::Identifier(id)) => Some(ident(id)),
            SelectItem::UnnamedExpr(sqlparser::ast::Expr::CompoundIdentifier(ids)) => {
                ids.last().map(ident)
            }
            _ => None,
        })
        .collect()
}

fn drop_objects(
    schema: &mut Schema,
    object_type: ObjectType,
    names: &[ObjectName],
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    for name in names.iter().map(object_name) {
        match object_type {
            ObjectType::Table => {
                schema.tables.remove(&name);
            }
            ObjectType::View | ObjectType::MaterializedView => {
                schema.views.remove(&name);
            }
            ObjectType::Index => {
                for table in schema.tables.values_mut() {
                    table.drop_named(&name);
                }
            }
            // Dropping a schema or database drops its tables, which we do not track by schema.
            ObjectType::Schema | ObjectType::Database => {
                return Err(invalid(
                    file,
                    line,
                    format!("`DROP {object_type}` removes tables this checker cannot track; drop the tables one by one"),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn rename_table(
    schema: &mut Schema,
    old: &str,
    new: String,
    file: &Path,
    line: u64,
) -> Result<(), ConfigError> {
    let Some(mut table) = schema.tables.remove(old) else {
        return Err(invalid(
            file,
            line,
            format!("cannot rename `{old}`: no earlier migration creates it"),
        ));
    };
    table.name = new.clone();
    schema.tables.insert(new.clone(), table);
    for table in schema.tables.values_mut() {
        for fk in &mut table.foreign_keys {
            if fk.parent == old {
                fk.parent = new.clone();
            }
        }
    }
    for view in schema.views.values_mut() {
        if view.reads.remove(old) {
            view.reads.insert(new.clone());
        }
    }
    Ok(())
}

/// Applies one operation of `ALTER TABLE name`; returns the table's name after it.
fn alter_table(
    schema: &mut Schema,
    name: &str,
    operation: &AlterTableOperation,
    file: &Path,
    line: u64,
) -> Result<String, ConfigError> {
    if let AlterTableOperation::RenameTable { table_name } = operation {
        let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
        let new = object_name(new);
        rename_table(schema, name, new.clone(), file, line)?;
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
        table::rename_column(schema, name, &ident(old), &ident(new), file, line)?;
    }
    let Some(table) = schema.tables.get_mut(name) else {
        return Err(invalid(file, line, format!("no table `{name}`")));
    };
    table::alter(table, operation, file, line)?;
    table::fill_parent_columns(schema);
    Ok(name.to_string())
}
