//! ALTER TABLE: one operation at a time, including the effects on other tables (foreign keys
//! into a table whose keys or columns change, partitions that share a parent's keys).
//! One table's key bookkeeping is `schema/table.rs`; other statements are `schema/ddl.rs`.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, ColumnOption, DropBehavior};

use super::keys;
use super::migration::At;
use super::naming::Label;
use super::table::{self, ident, key_name, object_name, taken_names};
use super::{KeyKind, Schema, TableDef};
use crate::config::{ConfigError, Dialect};

/// Renames a column in its table's keys and in foreign keys of other tables that point at it.
pub(super) fn rename_column(
    schema: &mut Schema,
    table_name: &str,
    old: &str,
    new: &str,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let rename = |c: &mut String| {
        if c == old {
            *c = new.to_string();
        }
    };
    let Some(table) = schema.tables.get_mut(table_name) else {
        return Err(at.err(format!("no table `{table_name}`")));
    };
    if table.has_column(new) && old != new {
        return Err(at.err(format!("`{table_name}` already has a column `{new}`")));
    }
    let Some(column) = table.column_mut(old) else {
        return Err(at.err(format!("`{table_name}` has no column `{old}` to rename")));
    };
    column.name = new.to_string();
    table.key_columns_mut().flatten().for_each(rename);
    for other in schema.tables.values_mut() {
        for fk in other.foreign_keys_mut() {
            if fk.parent == table_name {
                fk.parent_columns.iter_mut().for_each(rename);
            }
        }
        other.sync_keys();
    }
    Ok(())
}

/// Applies one ALTER TABLE operation other than renames of the table or a column (the caller
/// applies those, which reach other tables), then copies the table's keys to its partitions.
pub(super) fn alter(
    schema: &mut Schema,
    name: &str,
    operation: &AlterTableOperation,
    at: &At<'_>,
) -> Result<(), ConfigError> {
    let taken = taken_names(schema, at.dialect);
    let Some(table) = schema.tables.get_mut(name) else {
        return Err(at.err(format!("no table `{name}`")));
    };
    // Set when the change may have dropped foreign keys of other tables into this one.
    let mut children_uncertain: Option<String> = None;
    let cascade = |behavior: &Option<DropBehavior>| matches!(behavior, Some(DropBehavior::Cascade));
    use AlterTableOperation as Op;
    match operation {
        Op::AddColumn {
            column_def,
            if_not_exists,
            ..
        } => {
            if !(*if_not_exists && table.has_column(&ident(&column_def.name))) {
                keys::add_column(table, column_def, at, &taken)?;
            }
        }
        Op::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            for column in column_names.iter().map(ident) {
                if !table.has_column(&column) {
                    if *if_exists {
                        continue;
                    }
                    return Err(
                        at.err(format!("`{}` has no column `{column}` to drop", table.name))
                    );
                }
                drop_column(table, &column, at);
                // A key of another table that referenced this column is gone (PostgreSQL with
                // CASCADE) or broken (SQLite): it still restricts, but proves nothing.
                children_uncertain.get_or_insert(format!(
                    "{}: drops `{name}.{column}`, which foreign keys into `{name}` may reference",
                    at.place()
                ));
            }
        }
        Op::AddConstraint {
            constraint,
            not_valid,
        } => keys::add_constraint(table, constraint, *not_valid, at, &taken)?,
        Op::DropConstraint {
            name: dropped,
            drop_behavior,
            ..
        } => {
            let dropped = key_name(dropped, at.dialect);
            let kind = table.drop_named(&dropped, |_| true);
            if kind.is_none() {
                table.drop_unknown(&dropped, at);
            }
            let referenced = !matches!(kind, Some(KeyKind::ForeignKey(_) | KeyKind::Check));
            if cascade(drop_behavior) && referenced {
                children_uncertain = Some(format!(
                    "{}: drops `{dropped}` of `{name}` with CASCADE, which drops the foreign keys that use it",
                    at.place()
                ));
            }
        }
        Op::DropForeignKey { name: dropped, .. } => {
            let dropped = key_name(dropped, at.dialect);
            if table
                .drop_named(&dropped, |k| matches!(k, KeyKind::ForeignKey(_)))
                .is_none()
            {
                table.drop_unknown(&dropped, at);
            }
        }
        // MySQL's DROP INDEX / DROP KEY: any index, the primary key's is `PRIMARY`.
        Op::DropIndex { name: dropped } => {
            let dropped = key_name(dropped, at.dialect);
            let index = |k: &KeyKind| !matches!(k, KeyKind::ForeignKey(_) | KeyKind::Check);
            if table.drop_named(&dropped, index).is_none() {
                table.drop_unknown(&dropped, at);
            }
        }
        Op::DropPrimaryKey { drop_behavior } => {
            table
                .constraints
                .retain(|c| !matches!(c.kind, KeyKind::PrimaryKey(_)));
            table.sync_keys();
            if cascade(drop_behavior) {
                children_uncertain = Some(format!(
                    "{}: drops the primary key of `{name}` with CASCADE",
                    at.place()
                ));
            }
        }
        Op::RenameConstraint { old_name, new_name } => table.rename_key(
            &key_name(old_name, at.dialect),
            &key_name(new_name, at.dialect),
            at,
        ),
        Op::ValidateConstraint { name: validated } => {
            let validated = key_name(validated, at.dialect);
            for c in &mut table.constraints {
                if let (true, KeyKind::ForeignKey(fk)) = (c.name == validated, &mut c.kind) {
                    // Validation checks the old rows; a deferrable key is still not checked
                    // inside a transaction.
                    fk.enforced = !c.unchecked;
                }
            }
            table.sync_keys();
        }
        Op::AlterColumn { column_name, op } => {
            let column = ident(column_name);
            if !table.has_column(&column) {
                return Err(at.err(format!("`{}` has no column `{column}`", table.name)));
            }
            // A type change keeps the column's keys (PostgreSQL rebuilds their indexes).
            match op {
                AlterColumnOperation::SetNotNull => keys::set_not_null(table, &column, true),
                AlterColumnOperation::DropNotNull => keys::set_not_null(table, &column, false),
                _ => {}
            }
        }
        // MySQL redefines the column: its NOT NULL is whatever the new definition says, and
        // inline keys are added.
        Op::ModifyColumn {
            col_name: column,
            options,
            ..
        }
        | Op::ChangeColumn {
            new_name: column,
            options,
            ..
        } => redefine_column(table, &ident(column), options, at, &taken),
        Op::AttachPartitionOf { partition, .. } => {
            let child = object_name(partition);
            match schema.tables.get_mut(&child) {
                Some(child) => child.partition_of = Some(name.to_string()),
                None => {
                    return Err(at.err(format!(
                        "cannot attach `{child}`: no earlier migration creates it"
                    )))
                }
            }
        }
        // A detached partition keeps copies of the keys it had.
        Op::DetachPartitionOf { partition, .. } => {
            if let Some(child) = schema.tables.get_mut(&object_name(partition)) {
                child.partition_of = None;
                for c in &mut child.constraints {
                    c.inherited = false;
                }
            }
        }
        // PostgreSQL checks foreign keys with system triggers: `DISABLE TRIGGER ALL` turns them
        // off for the table's own keys and for the keys into it, and the rows written meanwhile
        // are never checked (ENABLE does not revisit them). Those keys restrict, but prove
        // nothing any more.
        Op::DisableTrigger { name: trigger } => {
            let trigger = trigger.value.to_lowercase();
            if trigger == "all" || trigger.starts_with("ri_constrainttrigger") {
                table::foreign_keys_unenforced(schema, name);
            }
        }
        // Already applied by the caller, which can reach other tables.
        Op::RenameColumn { .. } | Op::RenameTable { .. } => {}
        Op::EnableRowLevelSecurity
        | Op::DisableRowLevelSecurity
        | Op::ForceRowLevelSecurity
        | Op::NoForceRowLevelSecurity
        | Op::EnableTrigger { .. }
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
        | Op::AutoIncrement { .. }
        | Op::Algorithm { .. }
        | Op::Lock { .. }
        // Storage parameters (`SET (autovacuum_enabled = false)`) and generic options.
        | Op::SetOptionsParens { .. }
        | Op::ResetOptions { .. }
        | Op::GenericOptions { .. }
        // Inheritance shares rows, not keys (a child never has its parent's keys).
        | Op::Inherit { .. }
        | Op::NoInherit { .. } => {}
        other => {
            let text = other.to_string();
            let words: Vec<&str> = text.split_whitespace().take(3).collect();
            return Err(at.err(format!(
                "`ALTER TABLE {name} {}` may change columns and is not understood; {}",
                words.join(" "),
                super::migration::way_out(at)
            )));
        }
    }
    if let Some(why) = children_uncertain {
        table::mark_children_uncertain(schema, name, &why);
    }
    table::fill_parent_columns(schema);
    copy_to_partitions(schema, name);
    Ok(())
}

/// Drops a column and what the database does to the keys that use it.
fn drop_column(table: &mut TableDef, column: &str, at: &At<'_>) {
    table.columns.retain(|c| c.name != column);
    let uses = |columns: &Vec<String>| columns.iter().any(|c| c == column);
    if at.dialect == Dialect::Mysql {
        // MySQL takes the column out of each index (dropping an index left empty); MariaDB
        // refuses. A narrower key claims more: it restricts, but is no proof.
        let narrowed = table.constraints.iter().any(|c| match &c.kind {
            KeyKind::PrimaryKey(k) | KeyKind::Unique { columns: k, .. } => uses(k) && k.len() > 1,
            _ => false,
        });
        for c in &mut table.constraints {
            if let KeyKind::PrimaryKey(k)
            | KeyKind::Unique { columns: k, .. }
            | KeyKind::PartialUnique(k) = &mut c.kind
            {
                k.retain(|c| c != column);
            }
        }
        table.constraints.retain(|c| match &c.kind {
            KeyKind::PrimaryKey(k) | KeyKind::Unique { columns: k, .. } => !k.is_empty(),
            KeyKind::ForeignKey(fk) => !uses(&fk.columns),
            _ => true,
        });
        if narrowed {
            table.mark_keys_uncertain(format!(
                "{}: drops `{}.{column}`, part of a key MySQL narrows to the other columns",
                at.place(),
                table.name
            ));
        }
    } else {
        // PostgreSQL drops every index and constraint over the column; SQLite refuses to
        // drop a column a key uses.
        table.constraints.retain(|c| match &c.kind {
            KeyKind::PrimaryKey(k) | KeyKind::Unique { columns: k, .. } => !uses(k),
            KeyKind::ForeignKey(fk) => !uses(&fk.columns),
            _ => true,
        });
    }
    table.sync_keys();
}

/// MySQL's MODIFY / CHANGE: the new definition's NOT NULL (a primary key column stays NOT
/// NULL) and its inline keys.
fn redefine_column(
    table: &mut TableDef,
    column: &str,
    options: &[ColumnOption],
    at: &At<'_>,
    taken: &std::collections::BTreeSet<String>,
) {
    let not_null = options.iter().any(|o| matches!(o, ColumnOption::NotNull))
        || table.primary_key.iter().any(|c| c == column);
    keys::set_not_null(table, column, not_null);
    let single = vec![column.to_string()];
    for option in options {
        match option {
            ColumnOption::PrimaryKey(_) => table.add_key(
                KeyKind::PrimaryKey(single.clone()),
                None,
                Label::PrimaryKey,
                &single,
                at,
                taken,
            ),
            ColumnOption::Unique(_) => table.add_key(
                KeyKind::Unique {
                    columns: single.clone(),
                    index: false,
                },
                None,
                Label::Unique,
                &single,
                at,
                taken,
            ),
            _ => {}
        }
    }
}

/// Gives every partition of `parent` (transitively) the parent's keys: PostgreSQL creates the
/// parent's unique indexes and foreign keys on each partition, and drops them with the parent's.
pub(super) fn copy_to_partitions(schema: &mut Schema, parent: &str) {
    copy_keys_down(schema, parent, 0);
}

fn copy_keys_down(schema: &mut Schema, parent: &str, depth: usize) {
    // Partitions nest a few levels; the bound only guards against a cycle.
    if depth > schema.tables.len() {
        return;
    }
    let Some(parent_def) = schema.tables.get(parent) else {
        return;
    };
    let keys: Vec<super::Constraint> = parent_def
        .constraints
        .iter()
        .filter(|c| !matches!(c.kind, KeyKind::Index(_) | KeyKind::Check))
        .map(|c| super::Constraint {
            inherited: true,
            ..c.clone()
        })
        .collect();
    let uncertain = parent_def.keys_uncertain_why.clone();
    let children: Vec<String> = schema
        .tables
        .values()
        .filter(|t| t.partition_of.as_deref() == Some(parent))
        .map(|t| t.name.clone())
        .collect();
    for child in &children {
        if let Some(def) = schema.tables.get_mut(child) {
            def.constraints.retain(|c| !c.inherited);
            def.constraints.extend(keys.iter().cloned());
            def.sync_keys();
            if let Some(why) = &uncertain {
                def.mark_keys_uncertain(why.clone());
            }
        }
        copy_keys_down(schema, child, depth + 1);
    }
}
