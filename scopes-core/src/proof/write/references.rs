//! Cross-tenant references: an INSERT or UPDATE that sets a foreign key into a scoped table must
//! prove that the row it points at is in scope, or a row of one tenant could reference (and
//! later reach, through joins) a row of another.
//!
//! Every foreign key into a scoped table counts, whatever its width (the schema's full key list:
//! a key that may exist restricts). One is discharged when the written values prove the
//! referenced row in scope:
//! - a column whose value alone identifies the parent row (the only column of a one-column key,
//!   or a column referencing a certainly unique parent column) holds the key of a parent row in
//!   scope; or
//! - the key certainly holds, carries the parent's scope column, and the value written there (or
//!   kept there) is the scope value, not NULL: the database then only accepts a parent of the
//!   same tenant (composite tenant keys, `proof/composite.rs`); or
//! - a column of the key is set to the NULL literal: the key is not checked and references no row.

use std::ops::Range;

use super::super::composite;
use super::super::facts::{Fact, Facts, Name};
use crate::config::ScopeRule;
use crate::diagnostic::{Code, Diagnostic};
use crate::proof::Analyzer;

/// A foreign key of a written table into a table scoped on a checked dimension.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The referencing columns, in key order.
    pub columns: Vec<String>,
    /// The parent table.
    pub parent: String,
    /// The referenced columns, in key order.
    pub parent_columns: Vec<String>,
    /// The parent's checked dimensions.
    pub dims: Vec<String>,
    /// Per dimension: the position of the parent's scope column in the key.
    carried: Vec<(String, usize)>,
    /// Whether the database guarantees a key with the parent's scope column a same-tenant
    /// parent: more than one column, certain to hold, referencing a certain unique key.
    pins: bool,
    /// Positions whose value alone identifies the referenced row.
    identifying: Vec<usize>,
}

/// What a write puts into one column of a key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Written {
    /// Facts of the value (where it is not NULL).
    pub facts: Facts,
    /// Whether it may be NULL.
    pub maybe_null: bool,
    /// Whether it is the NULL literal (in every row written).
    pub null_literal: bool,
}

impl Reference {
    /// The dimensions the written values do not prove the referenced row in scope on; `values`
    /// holds one entry per key column (`None`: not known).
    pub(crate) fn unproven(&self, values: &[Option<Written>]) -> Vec<String> {
        if values.iter().flatten().any(|w| w.null_literal) {
            return Vec::new();
        }
        self.dims
            .iter()
            .filter(|dim| {
                let key = |i: usize| Fact::Key {
                    table: Name::from(self.parent.as_str()),
                    column: Name::from(self.parent_columns.get(i).map_or("", String::as_str)),
                    dim: Name::from(dim.as_str()),
                };
                let identified = self.identifying.iter().any(|&i| {
                    values
                        .get(i)
                        .and_then(Option::as_ref)
                        .is_some_and(|w| w.facts.contains(&key(i)))
                });
                let pinned = self.pins
                    && self.carried.iter().any(|(d, s)| {
                        d == *dim
                            && values.get(*s).and_then(Option::as_ref).is_some_and(|w| {
                                !w.maybe_null
                                    && w.facts.contains(&Fact::Scope(Name::from(d.as_str())))
                            })
                    });
                !identified && !pinned
            })
            .cloned()
            .collect()
    }

    /// Whether the key has more than one column.
    pub(crate) fn composite(&self) -> bool {
        self.columns.len() > 1
    }
}

impl Analyzer<'_> {
    /// The foreign keys of `table` into tables scoped on a checked dimension, other than the
    /// one-column keys its own scope rules already check.
    pub(crate) fn references(&self, table: &str) -> Vec<Reference> {
        let Some(schema) = self.config.schema.as_ref() else {
            return Vec::new();
        };
        let Some(def) = schema.table(table) else {
            return Vec::new();
        };
        let own: Vec<String> = self
            .config
            .table_scope(table)
            .map(|s| s.rules.values().map(super::rule_column).collect())
            .unwrap_or_default();
        let certain: Vec<&crate::schema::ForeignKey> = def.certain_foreign_keys().collect();
        def.foreign_keys
            .iter()
            .filter_map(|fk| {
                if let [column] = fk.columns.as_slice() {
                    if own.contains(column) {
                        return None;
                    }
                }
                let dims: Vec<String> = self
                    .config
                    .table_scope(&fk.parent)?
                    .rules
                    .keys()
                    .filter(|d| self.checks(d))
                    .cloned()
                    .collect();
                if dims.is_empty() {
                    return None;
                }
                let pins = fk.columns.len() > 1
                    && certain.contains(&fk)
                    && composite::references_a_key(self.config, fk);
                let carried = dims
                    .iter()
                    .filter_map(|d| {
                        Some((d.clone(), composite::carried_position(self.config, fk, d)?))
                    })
                    .collect();
                let parent = schema.table(&fk.parent);
                let identifying = match fk.parent_columns.as_slice() {
                    [_] => vec![0],
                    many => (0..many.len())
                        .filter(|&i| {
                            parent.is_some_and(|p| {
                                p.certain_unique_keys()
                                    .any(|k| k.len() == 1 && k.first() == many.get(i))
                            })
                        })
                        .collect(),
                };
                Some(Reference {
                    columns: fk.columns.clone(),
                    parent: fk.parent.clone(),
                    parent_columns: fk.parent_columns.clone(),
                    dims,
                    carried,
                    pins,
                    identifying,
                })
            })
            .collect()
    }

    /// The diagnostic for a reference not proven in scope on `dims`.
    pub(crate) fn reference_diag(
        &self,
        table: &str,
        r: &Reference,
        dims: &[String],
        span: Range<usize>,
    ) -> Diagnostic {
        let dim_list = dims
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let parent = &r.parent;
        if !r.composite() {
            let column = r.columns.first().map_or("", String::as_str);
            let parent_column = r.parent_columns.first().map_or("?", String::as_str);
            return Diagnostic::new(
                Code::CrossTenantReference,
                format!("`{table}.{column}` references `{parent}` (scoped on {dim_list}) with a value not proven to be a `{parent}.{parent_column}` in scope: the row could reference another tenant's row"),
                span,
            )
            .label(format!("needs a `{parent}` in scope"))
            .help(format!("take `{column}` from a scoped `{parent}` row: INSERT ... SELECT <p>.{parent_column}, ... FROM {parent} <p> WHERE <p's scope filter>, or a scalar subquery on it"));
        }
        let columns = r.columns.join(", ");
        let parent_columns = r.parent_columns.join(", ");
        let dim = dims.first().map_or("<dimension>", String::as_str);
        let carried: Vec<&String> = r
            .carried
            .iter()
            .filter(|(d, _)| dims.contains(d))
            .filter_map(|(_, s)| r.columns.get(*s))
            .collect();
        let scope_column = |t: &str| match self.config.table_scope(t)?.rules.get(dim)? {
            ScopeRule::Column(c) => Some(c.clone()),
            ScopeRule::ForeignKey { .. } => None,
        };
        let theirs = scope_column(parent).unwrap_or_else(|| "<scope column>".into());
        let ours = scope_column(table).unwrap_or_else(|| "<scope column>".into());
        let carry_help = format!("make the key carry the scope column, `FOREIGN KEY ({ours}, {columns}) REFERENCES {parent} ({theirs}, {parent_columns})` (with a unique key on the referenced columns), and set `{ours}` to `:{dim}`; or take the values from a scoped `{parent}` row");
        let (why, help) = match carried.first() {
            Some(column) if r.pins => (
                format!("`{table}.{column}` is not proven to be set to `:{dim}`"),
                format!("set `{column}` to `:{dim}`, or take the values from a scoped `{parent}` row"),
            ),
            Some(_) => (
                format!("the key carries `{parent}.{theirs}`, but is not certain to hold for every row: DEFERRABLE, NOT VALID, NOT ENFORCED, checks turned off, not referencing a unique key, or keys the migrations leave uncertain"),
                format!("declare the key NOT DEFERRABLE and validated, referencing a primary or unique key of `{parent}`; or take the values from a scoped `{parent}` row"),
            ),
            None => (
                format!("the key does not carry `{parent}.{theirs}`"),
                carry_help,
            ),
        };
        Diagnostic::new(
            Code::CrossTenantReference,
            format!("`{table}` ({columns}) references `{parent}` ({parent_columns}), scoped on {dim_list}, with values not proven to be a `{parent}` row in scope ({why}): the row could reference another tenant's row"),
            span,
        )
        .label(format!("needs a `{parent}` in scope"))
        .help(help)
    }
}
