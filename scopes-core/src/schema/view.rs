//! Views: CREATE [OR REPLACE] VIEW, ALTER VIEW, and what the analyzer needs of one (its output
//! columns and the relations it reads). Tables are `schema/ddl.rs`.

use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_relations, AlterView, AlterViewOperation, CreateView, Ident, ObjectName, Query,
    SelectItem, SetExpr,
};

use super::migration::At;
use super::table::{ident, object_name};
use super::{Schema, ViewDef};
use crate::config::ConfigError;

pub(super) fn create_view(
    schema: &mut Schema,
    view: &CreateView,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let name = object_name(&view.name);
    if schema.views.contains_key(&name) && view.if_not_exists {
        return Ok(());
    }
    let columns: Vec<Ident> = view.columns.iter().map(|c| c.name.clone()).collect();
    define(schema, name, &columns, &view.query, at)
}

/// Records (or replaces) the view `name` defined by `query`.
fn define(
    schema: &mut Schema,
    name: String,
    columns: &[Ident],
    query: &Query,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    if schema.tables.contains_key(&name) {
        return Err(at.err(format!("`{name}` is already a table")));
    }
    let mut reads = std::collections::BTreeSet::new();
    let _ = visit_relations(query, |relation: &ObjectName| {
        reads.insert(object_name(relation));
        ControlFlow::<()>::Continue(())
    });
    // A one-part name that a top-level CTE defines is that CTE, not a table.
    for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
        reads.remove(&ident(&cte.alias.name));
    }
    let columns = if columns.is_empty() {
        select_columns(&query.body)
    } else {
        Some(columns.iter().map(ident).collect())
    };
    let def = ViewDef {
        name: name.clone(),
        query: query.to_string(),
        columns,
        reads,
    };
    schema.views.insert(name, def);
    Ok(())
}

/// ALTER VIEW: a new definition (MySQL's `ALTER VIEW v AS ...`), a rename of the view or of one
/// of its columns; the rest (owner, options, defaults) changes nothing the checker reads.
pub(super) fn alter_view(
    schema: &mut Schema,
    alter: &AlterView,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let name = object_name(&alter.name);
    if !schema.views.contains_key(&name) {
        if alter.if_exists {
            return Ok(());
        }
        return Err(at.err(format!(
            "`ALTER VIEW {name}`: no earlier migration creates the view `{name}`"
        )));
    }
    match &alter.operation {
        AlterViewOperation::As { columns, query, .. } => define(schema, name, columns, query, at),
        AlterViewOperation::RenameTo { new_name } => {
            rename(schema, &name, object_name(new_name), at)
        }
        AlterViewOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            rename_column(
                schema,
                &name,
                &ident(old_column_name),
                &ident(new_column_name),
            );
            Ok(())
        }
        AlterViewOperation::AlterColumn { .. }
        | AlterViewOperation::OwnerTo(_)
        | AlterViewOperation::SetSchema { .. }
        | AlterViewOperation::SetOptions { .. }
        | AlterViewOperation::ResetOptions { .. } => Ok(()),
    }
}

/// Renames a view; views that read it read the new name (PostgreSQL binds views to the
/// relation, not its name).
pub(super) fn rename(
    schema: &mut Schema,
    old: &str,
    new: String,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    if schema.tables.contains_key(&new) || schema.views.contains_key(&new) {
        return Err(at.err(format!("cannot rename `{old}` to `{new}`: `{new}` exists")));
    }
    let Some(mut def) = schema.views.remove(old) else {
        return Err(at.err(format!(
            "cannot rename `{old}`: no earlier migration creates it"
        )));
    };
    def.name = new.clone();
    schema.views.insert(new.clone(), def);
    for view in schema.views.values_mut() {
        if view.reads.remove(old) {
            view.reads.insert(new.clone());
        }
    }
    Ok(())
}

/// Renames an output column of a view whose columns are known.
pub(super) fn rename_column(schema: &mut Schema, view: &str, old: &str, new: &str) {
    if let Some(columns) = schema.views.get_mut(view).and_then(|v| v.columns.as_mut()) {
        for c in columns.iter_mut().filter(|c| *c == old) {
            *c = new.to_string();
        }
    }
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
