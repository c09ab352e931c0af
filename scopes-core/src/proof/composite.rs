//! Composite tenant foreign keys: `FOREIGN KEY (org_id, product_id) REFERENCES products (org_id,
//! id)` makes the database guarantee that an order line's product is a product of the line's own
//! tenant. For a line proven in scope, `product_id` is then the `id` of a product in scope: a fact
//! the rest of the proof uses like any other (a join `p.id = l.product_id` on a certainly unique
//! `id` proves `p`; an INSERT ... SELECT of it is a reference in scope).
//!
//! Only keys that certainly hold for every row count (`TableDef::certain_foreign_keys`: not NOT
//! VALID, not DEFERRABLE, not ignored by MySQL, the table's keys not uncertain), the scope columns
//! must sit at the same position on both sides, and the referenced columns must include a certain
//! unique key of the parent. A one-column key proves nothing: it can point at any tenant's row.

use std::rc::Rc;

use super::facts::Name;
use crate::config::{Config, ScopeRule};
use crate::schema::{ForeignKey, TableDef};

/// What a proven row of a table guarantees through one of its composite keys: its `column`
/// holds `parent.parent_column` of a `parent` row in scope on `dim`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reach {
    /// The referencing column of the child (not its scope column).
    pub column: Name,
    /// The dimension both rows are scoped on.
    pub dim: Name,
    /// The parent table.
    pub parent: Name,
    /// The parent's column at the same position of the key.
    pub parent_column: Name,
}

/// Every [`Reach`] of a scoped table, from its certain composite keys that carry the scope
/// column. Empty without a schema, for an unscoped table, or a table scoped through a parent.
pub(crate) fn reach(config: &Config, table: &str) -> Rc<[Reach]> {
    let (Some(scope), Some(schema)) = (config.table_scope(table), config.schema.as_ref()) else {
        return Rc::from([]);
    };
    let Some(def) = schema.table(table) else {
        return Rc::from([]);
    };
    let mut out = Vec::new();
    for (dim, rule) in &scope.rules {
        let ScopeRule::Column(own) = rule else {
            continue;
        };
        for fk in def.certain_foreign_keys() {
            let Some(s) =
                scope_position(config, fk, dim).filter(|&s| fk.columns.get(s) == Some(own))
            else {
                continue;
            };
            for (i, (column, parent_column)) in
                fk.columns.iter().zip(&fk.parent_columns).enumerate()
            {
                // The key is checked only when none of its columns is NULL: every column but the
                // scope column (the proven row's scope value) and this one (a fact holds where
                // its value is not NULL) must be NOT NULL.
                let others_not_null = fk
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i && *j != s)
                    .all(|(_, c)| not_null(def, c));
                if i != s && others_not_null {
                    out.push(Reach {
                        column: Name::from(column.as_str()),
                        dim: Name::from(dim.as_str()),
                        parent: Name::from(fk.parent.as_str()),
                        parent_column: Name::from(parent_column.as_str()),
                    });
                }
            }
        }
    }
    out.into()
}

/// The position in a key of the parent's scope column for `dim`, when the parent is scoped on
/// `dim` by a column of its own and the referenced columns include a certain unique key of it.
pub(crate) fn scope_position(config: &Config, fk: &ForeignKey, dim: &str) -> Option<usize> {
    carried_position(config, fk, dim).filter(|_| references_a_key(config, fk))
}

/// The position in a key of the parent's scope column for `dim` (the parent scoped on `dim` by
/// a column of its own), whatever else is true of the key.
pub(crate) fn carried_position(config: &Config, fk: &ForeignKey, dim: &str) -> Option<usize> {
    let parent_scope = match config.table_scope(&fk.parent)?.rules.get(dim)? {
        ScopeRule::Column(c) => c,
        ScopeRule::ForeignKey { .. } => return None,
    };
    fk.parent_columns.iter().position(|c| c == parent_scope)
}

/// Whether the referenced columns include a certain unique key of the parent.
pub(crate) fn references_a_key(config: &Config, fk: &ForeignKey) -> bool {
    config
        .schema
        .as_ref()
        .and_then(|s| s.table(&fk.parent))
        .is_some_and(|p| {
            p.certain_unique_keys()
                .any(|k| k.iter().all(|c| fk.parent_columns.contains(c)))
        })
}

/// Whether the schema declares the column NOT NULL.
pub(crate) fn not_null(def: &TableDef, column: &str) -> bool {
    def.columns.iter().any(|c| c.name == column && c.not_null)
}
