//! Indexes: CREATE [UNIQUE] INDEX and DROP INDEX, as keys of their table.

use sqlparser::ast::ObjectName;

use super::alter;
use super::migration::At;
use super::naming::Label;
use super::table::{self, object_key_name, object_name, taken_names};
use super::{KeyKind, Schema};
use crate::config::ConfigError;

/// CREATE [UNIQUE] INDEX: a unique index over plain columns is a unique key; a partial or
/// expression one only restricts; every index is recorded by name so that dropping it is
/// understood.
pub(super) fn create_index(
    schema: &mut Schema,
    index: &sqlparser::ast::CreateIndex,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let name = object_name(&index.table_name);
    if schema.views.contains_key(&name) {
        // A materialized view's index: views have no keys here.
        return Ok(());
    }
    let index_name = index.name.as_ref().map(|n| object_key_name(n, at.dialect));
    let taken = taken_names(schema, at.dialect);
    let Some(table) = schema.tables.get_mut(&name) else {
        return Err(at.err(format!(
            "index on `{name}`: no earlier migration creates `{name}`"
        )));
    };
    if let Some(index_name) = &index_name {
        let exists =
            taken.contains(index_name) || table.constraints.iter().any(|c| c.name == *index_name);
        if exists && index.if_not_exists {
            return Ok(());
        }
    }
    let columns = table::index_columns(&index.columns);
    let kind = match (index.unique, index.predicate.is_none() && columns.all_plain) {
        (false, _) if index.predicate.is_none() => KeyKind::Index(columns.leading),
        (false, _) => KeyKind::Index(Vec::new()),
        (true, true) => KeyKind::Unique {
            columns: columns.plain,
            index: true,
        },
        // A partial or expression unique index makes no column unique, but rows that agree on
        // its plain columns (and more) can conflict on it.
        (true, false) => KeyKind::PartialUnique(columns.plain),
    };
    table.add_key(kind, index_name, Label::Index, &columns.naming, at, &taken);
    alter::copy_to_partitions(schema, &name);
    Ok(())
}

/// DROP INDEX: MySQL names the table (`DROP INDEX i ON t`); PostgreSQL and SQLite index names
/// are unique in the schema. An unknown name may be an index whose generated name we guessed.
pub(super) fn drop_index(
    schema: &mut Schema,
    name: &str,
    on_table: Option<&ObjectName>,
    at: &At<'_>,
) {
    let index = |k: &KeyKind| !matches!(k, KeyKind::ForeignKey(_) | KeyKind::Check);
    if let Some(table_name) = on_table.map(object_name) {
        if let Some(table) = schema.tables.get_mut(&table_name) {
            if table.drop_named(name, index).is_none() {
                table.drop_unknown(name, at);
            }
            alter::copy_to_partitions(schema, &table_name);
        }
        return;
    }
    let owner = schema
        .tables
        .values()
        .find(|t| {
            t.constraints
                .iter()
                .any(|c| c.name == name && index(&c.kind))
        })
        .map(|t| t.name.clone());
    match owner {
        Some(owner) => {
            if let Some(table) = schema.tables.get_mut(&owner) {
                table.drop_named(name, index);
            }
            alter::copy_to_partitions(schema, &owner);
        }
        None => {
            for table in schema.tables.values_mut() {
                let guessed_index = table.constraints.iter().any(|c| {
                    c.guessed
                        && matches!(
                            c.kind,
                            KeyKind::Unique { index: true, .. } | KeyKind::PartialUnique(_)
                        )
                });
                if guessed_index {
                    table.drop_unknown(name, at);
                }
            }
        }
    }
}
