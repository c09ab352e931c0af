//! The keys and columns a CREATE TABLE or ALTER TABLE declares: column definitions with their
//! inline constraints, and table constraints, each recorded on the table by name.
//! What a table does with a key (names, drops, uncertainty) is `schema/table.rs`.

use std::collections::BTreeSet;

use sqlparser::ast::{ColumnDef as SqlColumn, ColumnOption, Expr, Ident, TableConstraint};

use super::migration::At;
use super::naming::Label;
use super::table::{ident, index_columns, key_name, object_name};
use super::{ColumnDef, ForeignKey, KeyKind, TableDef};
use crate::config::{ConfigError, Dialect};

fn foreign_key(
    columns: Vec<String>,
    fk: &sqlparser::ast::ForeignKeyConstraint,
    enforced: bool,
) -> ForeignKey {
    ForeignKey {
        columns,
        parent: object_name(&fk.foreign_table),
        parent_columns: fk.referred_columns.iter().map(ident).collect(),
        enforced: enforced && !deferrable(fk) && !not_enforced(fk),
    }
}

/// `DEFERRABLE` or `INITIALLY DEFERRED`: the key is checked at commit, not after each
/// statement, so a transaction can see (and join through) rows that violate it.
fn deferrable(fk: &sqlparser::ast::ForeignKeyConstraint) -> bool {
    fk.characteristics.as_ref().is_some_and(|c| {
        c.deferrable == Some(true)
            || c.initially == Some(sqlparser::ast::DeferrableInitial::Deferred)
    })
}

/// `NOT ENFORCED`: the database does not check the key at all.
fn not_enforced(fk: &sqlparser::ast::ForeignKeyConstraint) -> bool {
    fk.characteristics
        .as_ref()
        .is_some_and(|c| c.enforced == Some(false))
}

/// Records that the key just added is deferrable or not enforced (so that a later VALIDATE does
/// not make it a proof).
fn mark_unchecked(table: &mut TableDef, fk: &sqlparser::ast::ForeignKeyConstraint) {
    if deferrable(fk) || not_enforced(fk) {
        if let Some(c) = table.constraints.last_mut() {
            c.unchecked = true;
        }
    }
}

/// Adds a column definition with its inline constraints.
pub(super) fn add_column(
    table: &mut TableDef,
    column: &SqlColumn,
    at: &At<'_>,
    taken: &BTreeSet<String>,
) -> Result<(), ConfigError> {
    let name = ident(&column.name);
    if table.has_column(&name) {
        return Err(at.err(format!("`{}` already has a column `{name}`", table.name)));
    }
    table.columns.push(ColumnDef {
        name: name.clone(),
        not_null: false,
    });
    column_options(table, &name, column, at, taken);
    Ok(())
}

/// Applies the inline constraints of a column definition (also MySQL's MODIFY / CHANGE).
pub(super) fn column_options(
    table: &mut TableDef,
    name: &str,
    column: &SqlColumn,
    at: &At<'_>,
    taken: &BTreeSet<String>,
) {
    let single = vec![name.to_string()];
    let keys_before = table.constraints.len();
    let mut on_conflict = None;
    for option in &column.options {
        let constraint_name = option.name.as_ref().map(|n| key_name(n, at.dialect));
        match &option.option {
            ColumnOption::NotNull => set_not_null(table, name, true),
            ColumnOption::Null => set_not_null(table, name, false),
            ColumnOption::PrimaryKey(_) => {
                let name_of_key = match at.dialect {
                    Dialect::Mysql => None,
                    _ => constraint_name,
                };
                table.add_key(
                    KeyKind::PrimaryKey(single.clone()),
                    name_of_key,
                    Label::PrimaryKey,
                    &single,
                    at,
                    taken,
                );
                // SQLite's INTEGER PRIMARY KEY is the rowid, never NULL.
                if at.dialect == Dialect::Sqlite
                    && column.data_type.to_string().eq_ignore_ascii_case("integer")
                {
                    set_not_null(table, name, true);
                }
            }
            ColumnOption::Unique(_) => table.add_key(
                KeyKind::Unique {
                    columns: single.clone(),
                    index: false,
                },
                constraint_name,
                Label::Unique,
                &single,
                at,
                taken,
            ),
            ColumnOption::ForeignKey(fk) => {
                table.add_key(
                    // MySQL parses a column-level REFERENCES and ignores it (MariaDB enforces
                    // it): it restricts, but is no proof.
                    KeyKind::ForeignKey(foreign_key(
                        single.clone(),
                        fk,
                        at.dialect != Dialect::Mysql,
                    )),
                    constraint_name,
                    Label::ForeignKey,
                    &single,
                    at,
                    taken,
                );
                mark_unchecked(table, fk);
            }
            // SQLite: the resolution of a conflict on this column's key.
            ColumnOption::OnConflict(keyword) => {
                let keyword = format!("{keyword:?}").to_lowercase();
                if keyword == "replace" || keyword == "ignore" {
                    on_conflict = Some(keyword);
                }
            }
            ColumnOption::Check(_) => table.add_key(
                KeyKind::Check,
                constraint_name,
                Label::Check,
                &single,
                at,
                taken,
            ),
            _ => {}
        }
    }
    if let Some(resolution) = on_conflict {
        for c in table.constraints.iter_mut().skip(keys_before) {
            if matches!(c.kind, KeyKind::PrimaryKey(_) | KeyKind::Unique { .. }) {
                c.on_conflict = Some(resolution.clone());
            }
        }
    }
}

pub(super) fn set_not_null(table: &mut TableDef, column: &str, not_null: bool) {
    if let Some(c) = table.column_mut(column) {
        c.not_null = not_null;
    }
}

/// Adds a table-level constraint. `not_valid`: PostgreSQL's `ADD CONSTRAINT ... NOT VALID`.
pub(super) fn add_constraint(
    table: &mut TableDef,
    constraint: &TableConstraint,
    not_valid: bool,
    at: &At<'_>,
    taken: &BTreeSet<String>,
) -> Result<(), ConfigError> {
    let name_of = |id: &Option<Ident>| id.as_ref().map(|n| key_name(n, at.dialect));
    match constraint {
        TableConstraint::PrimaryKey(pk) => {
            let columns = index_columns(&pk.columns);
            if !columns.all_plain {
                return Err(at.err(format!(
                    "the primary key of `{}` is not a list of columns",
                    table.name
                )));
            }
            let name = match at.dialect {
                Dialect::Mysql => None,
                _ => name_of(&pk.name),
            };
            table.add_key(
                KeyKind::PrimaryKey(columns.plain.clone()),
                name,
                Label::PrimaryKey,
                &columns.plain,
                at,
                taken,
            );
        }
        TableConstraint::Unique(unique) => {
            let columns = index_columns(&unique.columns);
            // MySQL names the index after `UNIQUE KEY <index_name>`, else after the symbol.
            let name = match at.dialect {
                Dialect::Mysql => name_of(&unique.index_name).or_else(|| name_of(&unique.name)),
                _ => name_of(&unique.name).or_else(|| name_of(&unique.index_name)),
            };
            let kind = if columns.all_plain {
                KeyKind::Unique {
                    columns: columns.plain,
                    index: false,
                }
            } else {
                // MySQL's prefix keys (`email(10)`) make no column unique.
                KeyKind::PartialUnique(columns.plain)
            };
            table.add_key(kind, name, Label::Unique, &columns.naming, at, taken);
        }
        TableConstraint::ForeignKey(fk) => {
            let columns: Vec<String> = fk.columns.iter().map(ident).collect();
            table.add_key(
                KeyKind::ForeignKey(foreign_key(columns.clone(), fk, !not_valid)),
                name_of(&fk.name),
                Label::ForeignKey,
                &columns,
                at,
                taken,
            );
            mark_unchecked(table, fk);
        }
        TableConstraint::Check(check) => {
            // PostgreSQL names an unnamed check after its one column, if it reads one.
            let mut read = BTreeSet::new();
            let _ = sqlparser::ast::visit_expressions(&*check.expr, |e| {
                if let Expr::Identifier(id) = e {
                    read.insert(ident(id));
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            let columns: Vec<String> = match read.len() {
                1 => read.into_iter().collect(),
                _ => Vec::new(),
            };
            table.add_key(
                KeyKind::Check,
                name_of(&check.name),
                Label::Check,
                &columns,
                at,
                taken,
            );
        }
        TableConstraint::Exclude(exclude) => {
            // Two rows conflict only when every element's operator holds: the `=` elements on
            // plain columns are columns they must agree on.
            let equal: Vec<String> = exclude
                .elements
                .iter()
                .filter(|e| e.operator.to_string() == "=")
                .filter_map(|e| match &e.column.column.expr {
                    Expr::Identifier(id) => Some(ident(id)),
                    _ => None,
                })
                .collect();
            let naming = index_columns(
                &exclude
                    .elements
                    .iter()
                    .map(|e| e.column.clone())
                    .collect::<Vec<_>>(),
            )
            .naming;
            table.add_key(
                KeyKind::PartialUnique(equal),
                name_of(&exclude.name),
                Label::Exclusion,
                &naming,
                at,
                taken,
            );
        }
        TableConstraint::PrimaryKeyUsingIndex(using) | TableConstraint::UniqueUsingIndex(using) => {
            let index = key_name(&using.index_name, at.dialect);
            let position = table.constraints.iter().position(|c| {
                c.name == index && matches!(c.kind, KeyKind::Unique { index: true, .. })
            });
            let Some(position) = position else {
                return Err(at.err(format!(
                    "unknown unique index `{index}` on `{}`",
                    table.name
                )));
            };
            let old = table.constraints.remove(position);
            let KeyKind::Unique { columns, .. } = old.kind else {
                return Err(at.err(format!(
                    "unknown unique index `{index}` on `{}`",
                    table.name
                )));
            };
            // The index becomes the constraint, renamed when a name is given.
            let name = name_of(&using.name).unwrap_or(old.name);
            let kind = if matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)) {
                KeyKind::PrimaryKey(columns.clone())
            } else {
                KeyKind::Unique {
                    columns: columns.clone(),
                    index: false,
                }
            };
            table.add_key(kind, Some(name), Label::Unique, &columns, at, taken);
            if old.guessed {
                if let Some(c) = table.constraints.last_mut() {
                    c.guessed = using.name.is_none();
                }
            }
        }
        TableConstraint::Index(index) => {
            let columns = index_columns(&index.columns);
            table.add_key(
                KeyKind::Index(columns.leading),
                name_of(&index.name),
                Label::Index,
                &columns.naming,
                at,
                taken,
            );
        }
        TableConstraint::FulltextOrSpatial(_) => {}
    }
    Ok(())
}
