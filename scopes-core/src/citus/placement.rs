//! Where each table lives on Citus: distributed on its scope column, a reference table, or
//! nowhere Citus accepts; and the schema problems Citus would refuse. Statements are routed in
//! `route.rs`, the DDL is written in `ddl.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::{Config, ConfigError, ScopeRule};
use crate::schema::{KeyKind, Schema, TableDef};

/// Where one table lives on Citus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Hash-distributed on `column`, co-located with every other distributed table.
    Distributed {
        /// The distribution column (lowercase).
        column: String,
    },
    /// A view listed in `[tables]`: PostgreSQL expands it into its tables, so a statement is
    /// routed on its scope column like a table's.
    View {
        /// Its scope column on the distribution dimension.
        column: String,
    },
    /// Not listed in `[tables]`: a reference table, copied to every node.
    Reference,
    /// Scoped on the distribution dimension through a foreign key, with no column of its own to
    /// distribute on (no composite foreign key carries the parent's distribution column).
    ForeignKeyScoped {
        /// The referencing column of the path.
        column: String,
        /// The parent table of the path.
        parent: String,
        /// The referenced column of the parent.
        parent_column: String,
    },
    /// Listed in `[tables]`, but not scoped on the distribution dimension.
    OffDimension,
}

impl Placement {
    /// The column a statement must pin for one shard: distributed tables and scoped views.
    pub fn distribution_column(&self) -> Option<&str> {
        match self {
            Placement::Distributed { column } | Placement::View { column } => Some(column),
            _ => None,
        }
    }
}

/// A schema Citus would refuse, with what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    /// Kebab-case kind: `missing-distribution-column`, `off-dimension-table`,
    /// `key-without-distribution-column`, `foreign-key-without-distribution-column`,
    /// `reference-to-distributed-foreign-key`, `no-schema`.
    pub code: &'static str,
    /// The table at fault (empty for `no-schema`).
    pub table: String,
    /// What is wrong, naming the table, key and columns.
    pub message: String,
    /// What to change.
    pub help: String,
}

/// The tables of a scopes.toml on Citus, for one distribution dimension.
#[derive(Debug, Clone)]
pub struct Distribution {
    /// The dimension whose scope column is every distributed table's distribution column.
    pub dimension: String,
    /// Every table of `[tables]` and of the schema, by lowercase name.
    pub tables: BTreeMap<String, Placement>,
    /// Foreign keys between tables of the schema, as (referencing, referenced).
    pub(crate) references: Vec<(String, String)>,
    /// What Citus would refuse.
    problems: Vec<SchemaProblem>,
}

impl Distribution {
    /// Places every table for `dimension`, or for the one dimension that scopes every table of
    /// `[tables]` when `dimension` is `None`.
    ///
    /// ```
    /// use scopes_core::{citus::{Distribution, Placement}, Config};
    /// let text = "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\n[tables]\nposts = { site = \"site_id\" }\n";
    /// let config = Config::parse(text, "scopes.toml".as_ref()).unwrap();
    /// let d = Distribution::new(&config, None).unwrap();
    /// assert_eq!(d.dimension, "site");
    /// assert_eq!(d.tables["posts"], Placement::Distributed { column: "site_id".into() });
    /// ```
    pub fn new(config: &Config, dimension: Option<&str>) -> Result<Distribution, ConfigError> {
        let dimension = pick_dimension(config, dimension)?;
        let schema = config.schema.as_ref();
        let mut tables = BTreeMap::new();
        for (name, scope) in &config.tables {
            let is_view = schema.is_some_and(|s| s.table(name).is_none() && s.view(name).is_some());
            let placement = match scope.rules.get(&dimension) {
                None => Placement::OffDimension,
                Some(ScopeRule::Column(column)) if is_view => Placement::View {
                    column: column.clone(),
                },
                Some(ScopeRule::Column(column)) => Placement::Distributed {
                    column: column.clone(),
                },
                Some(ScopeRule::ForeignKey {
                    column,
                    parent,
                    parent_column,
                }) => Placement::ForeignKeyScoped {
                    column: column.clone(),
                    parent: parent.clone(),
                    parent_column: parent_column.clone(),
                },
            };
            tables.insert(name.clone(), placement);
        }
        if let Some(schema) = schema {
            for name in schema.tables.keys() {
                tables.entry(name.clone()).or_insert(Placement::Reference);
            }
            discover_columns(schema, &mut tables);
        }
        let references = schema
            .map(|s| {
                s.tables
                    .values()
                    .flat_map(|t| {
                        t.foreign_keys
                            .iter()
                            .map(|fk| (t.name.clone(), fk.parent.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut distribution = Distribution {
            dimension,
            tables,
            references,
            problems: Vec::new(),
        };
        distribution.problems = match schema {
            Some(schema) => distribution.schema_problems(schema),
            None => vec![SchemaProblem {
                code: "no-schema",
                table: String::new(),
                message: "scopes.toml sets no `migrations`, so the keys and foreign keys Citus requires cannot be checked".into(),
                help: "set `migrations = \"<dir>\"` in scopes.toml".into(),
            }],
        };
        Ok(distribution)
    }

    /// The placement of a table (case-insensitive, qualifier ignored).
    pub fn placement(&self, table: &str) -> Option<&Placement> {
        self.tables.get(crate::schema::normalized(table).as_ref())
    }

    /// What Citus would refuse in this schema, table by table; empty when it can be distributed.
    pub fn problems(&self) -> &[SchemaProblem] {
        &self.problems
    }

    fn schema_problems(&self, schema: &Schema) -> Vec<SchemaProblem> {
        let mut problems = Vec::new();
        for (name, placement) in &self.tables {
            match placement {
                Placement::ForeignKeyScoped { .. } => problems.push(self.missing_column(name)),
                Placement::OffDimension => problems.push(SchemaProblem {
                    code: "off-dimension-table",
                    table: name.clone(),
                    message: format!(
                        "`{name}` is not scoped on `{dim}`, the distribution dimension, so it has no column to be co-located with the other tables on",
                        dim = self.dimension
                    ),
                    help: format!(
                        "add `{dim} = \"...\"` to `{name}` in [tables] (a column or a foreign-key path), or distribute on another dimension",
                        dim = self.dimension
                    ),
                }),
                Placement::Distributed { column } => {
                    if let Some(def) = schema.table(name) {
                        problems.extend(key_problems(def, column));
                        problems.extend(self.foreign_key_problems(schema, def, column));
                    }
                }
                Placement::Reference => {
                    if let Some(def) = schema.table(name) {
                        for fk in &def.foreign_keys {
                            let distributed = matches!(
                                self.tables.get(&fk.parent),
                                Some(
                                    Placement::Distributed { .. }
                                        | Placement::ForeignKeyScoped { .. }
                                        | Placement::OffDimension
                                )
                            );
                            if distributed {
                                problems.push(SchemaProblem {
                                    code: "reference-to-distributed-foreign-key",
                                    table: name.clone(),
                                    message: format!(
                                        "`{name}` is global (a reference table on Citus) and its foreign key ({}) references `{}`, a tenant table: Citus supports foreign keys from reference tables only to reference tables",
                                        fk.columns.join(", "),
                                        fk.parent
                                    ),
                                    help: format!(
                                        "list `{name}` in [tables] so that it is distributed with `{}`, or drop the foreign key",
                                        fk.parent
                                    ),
                                });
                            }
                        }
                    }
                }
                Placement::View { .. } => {}
            }
        }
        problems
    }

    /// The problem of a foreign-key-scoped table: the column and the composite key to add.
    fn missing_column(&self, name: &str) -> SchemaProblem {
        let Some(Placement::ForeignKeyScoped {
            column,
            parent,
            parent_column,
        }) = self.tables.get(name)
        else {
            return SchemaProblem {
                code: "missing-distribution-column",
                table: name.to_string(),
                message: format!("`{name}` has no distribution column"),
                help: String::new(),
            };
        };
        // The column to add is named like the distribution column at the end of the path.
        let root = self
            .root_column(parent)
            .unwrap_or_else(|| format!("{}_id", self.dimension));
        SchemaProblem {
            code: "missing-distribution-column",
            table: name.to_string(),
            message: format!(
                "`{name}` is scoped on `{dim}` through `{column} -> {parent}.{parent_column}` and has no column of its own that Citus can distribute it on",
                dim = self.dimension
            ),
            help: format!(
                "add the column and a composite foreign key that carries it (`ALTER TABLE {name} ADD COLUMN {root} <type of {parent}.{root}> NOT NULL; ALTER TABLE {name} ADD FOREIGN KEY ({root}, {column}) REFERENCES {parent} ({root}, {parent_column});`, with {parent} keyed on ({root}, {parent_column})), then scope `{name}` on it: `{name} = {{ {dim} = \"{root}\" }}`",
                dim = self.dimension
            ),
        }
    }

    /// The distribution column at the end of a foreign-key path starting at `table`.
    fn root_column(&self, table: &str) -> Option<String> {
        let mut current = table.to_string();
        for _ in 0..=self.tables.len() {
            match self.tables.get(&current)? {
                Placement::Distributed { column } | Placement::View { column } => {
                    return Some(column.clone())
                }
                Placement::ForeignKeyScoped { parent, .. } => current = parent.clone(),
                _ => return None,
            }
        }
        None
    }

    fn foreign_key_problems(
        &self,
        schema: &Schema,
        def: &TableDef,
        column: &str,
    ) -> Vec<SchemaProblem> {
        let mut problems = Vec::new();
        for fk in &def.foreign_keys {
            let parent_column = match self.tables.get(&fk.parent) {
                Some(Placement::Distributed { column }) => column,
                _ => continue,
            };
            let parent_columns = referenced_columns(schema, fk);
            let paired = fk
                .columns
                .iter()
                .zip(&parent_columns)
                .any(|(c, p)| c == column && p == parent_column);
            if !paired {
                let mut columns = vec![column.to_string()];
                columns.extend(fk.columns.iter().filter(|c| *c != column).cloned());
                let mut referenced = vec![parent_column.clone()];
                referenced.extend(
                    parent_columns
                        .iter()
                        .filter(|c| *c != parent_column)
                        .cloned(),
                );
                problems.push(SchemaProblem {
                    code: "foreign-key-without-distribution-column",
                    table: def.name.clone(),
                    message: format!(
                        "the foreign key {}({}) -> {}({}) does not pair the distribution columns `{}.{column}` and `{}.{parent_column}`: Citus supports foreign keys between distributed tables only on their distribution columns",
                        def.name,
                        fk.columns.join(", "),
                        fk.parent,
                        parent_columns.join(", "),
                        def.name,
                        fk.parent,
                    ),
                    help: format!(
                        "make it FOREIGN KEY ({}) REFERENCES {} ({}), with UNIQUE ({}) on {}",
                        columns.join(", "),
                        fk.parent,
                        referenced.join(", "),
                        referenced.join(", "),
                        fk.parent
                    ),
                });
            }
        }
        problems
    }
}

/// Primary and unique keys must include the distribution column.
fn key_problems(def: &TableDef, column: &str) -> Vec<SchemaProblem> {
    let mut problems = Vec::new();
    let name = &def.name;
    if !def.primary_key.is_empty() && !def.primary_key.iter().any(|c| c == column) {
        let constraint = def
            .constraints
            .iter()
            .find(|c| matches!(c.kind, KeyKind::PrimaryKey(_)))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| format!("{name}_pkey"));
        let key = def.primary_key.join(", ");
        problems.push(SchemaProblem {
            code: "key-without-distribution-column",
            table: name.clone(),
            message: format!(
                "the primary key of `{name}` ({key}) does not include its distribution column `{column}`: Citus cannot enforce it across shards"
            ),
            help: format!(
                "`ALTER TABLE {name} DROP CONSTRAINT {constraint}, ADD PRIMARY KEY ({column}, {key});` (then re-create the foreign keys that reference it on the new key)"
            ),
        });
    }
    for unique in &def.unique_keys {
        if !unique.iter().any(|c| c == column) {
            let key = unique.join(", ");
            problems.push(SchemaProblem {
                code: "key-without-distribution-column",
                table: name.clone(),
                message: format!(
                    "UNIQUE ({key}) of `{name}` does not include its distribution column `{column}`: Citus cannot enforce it across shards"
                ),
                help: format!(
                    "make it UNIQUE ({column}, {key}) (unique per tenant), or drop it"
                ),
            });
        }
    }
    problems
}

/// The referenced columns of a foreign key: as written, or the parent's primary key.
fn referenced_columns(schema: &Schema, fk: &crate::schema::ForeignKey) -> Vec<String> {
    if fk.parent_columns.is_empty() {
        schema
            .table(&fk.parent)
            .map(|p| p.primary_key.clone())
            .unwrap_or_default()
    } else {
        fk.parent_columns.clone()
    }
}

/// A foreign-key-scoped table is distributable when a composite foreign key to its parent
/// carries the parent's distribution column next to the path's column: that column of the
/// child is its distribution column (`FOREIGN KEY (site_id, post_id) REFERENCES posts
/// (site_id, id)` for `comments = { site = "post_id -> posts.id" }`). Parents first.
fn discover_columns(schema: &Schema, tables: &mut BTreeMap<String, Placement>) {
    loop {
        let mut found = None;
        for (name, placement) in tables.iter() {
            let Placement::ForeignKeyScoped {
                column,
                parent,
                parent_column,
            } = placement
            else {
                continue;
            };
            let Some(Placement::Distributed {
                column: parent_distribution,
            }) = tables.get(parent)
            else {
                continue;
            };
            let Some(def) = schema.table(name) else {
                continue;
            };
            let carried = def.foreign_keys.iter().find_map(|fk| {
                if fk.parent != *parent {
                    return None;
                }
                let referenced = referenced_columns(schema, fk);
                let pairs: Vec<(&String, &String)> = fk.columns.iter().zip(&referenced).collect();
                let path = pairs
                    .iter()
                    .any(|(c, p)| *c == column && *p == parent_column);
                let own = pairs
                    .iter()
                    .find(|(c, p)| *p == parent_distribution && *c != column)
                    .map(|(c, _)| (*c).clone());
                own.filter(|_| path)
            });
            if let Some(own) = carried {
                found = Some((name.clone(), own));
                break;
            }
        }
        match found {
            Some((name, column)) => {
                tables.insert(name, Placement::Distributed { column });
            }
            None => break,
        }
    }
}

/// The distribution dimension: the one named, or the one that scopes every table.
fn pick_dimension(config: &Config, named: Option<&str>) -> Result<String, ConfigError> {
    let path = config
        .source
        .clone()
        .unwrap_or_else(|| PathBuf::from("scopes.toml"));
    let invalid = |message: String| ConfigError::Invalid {
        path: path.clone(),
        line: 1,
        message,
    };
    if let Some(name) = named {
        if config.dimensions.contains_key(name) {
            return Ok(name.to_string());
        }
        let known: Vec<&str> = config.dimensions.keys().map(String::as_str).collect();
        return Err(invalid(format!(
            "the distribution dimension `{name}` is not declared in [dimensions]: use one of: {}",
            known.join(", ")
        )));
    }
    let candidates: Vec<&String> = config
        .dimensions
        .keys()
        .filter(|d| config.tables.values().all(|t| t.rules.contains_key(*d)))
        .collect();
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(invalid(
            "no dimension scopes every table in [tables], so none can be the distribution column of all of them: name the distribution dimension (`--distribute-by <dimension>`)".into(),
        )),
        many => Err(invalid(format!(
            "{} each scope every table in [tables]: name the distribution dimension (`--distribute-by <dimension>`)",
            many.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(" and ")
        ))),
    }
}
