//! The distribution DDL `scopes citus` writes: reference tables, then the distributed tables
//! co-located with the first one, each after the tables its foreign keys reference.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::placement::{Distribution, Placement, SchemaProblem};

impl Distribution {
    /// The Citus DDL that distributes this schema, or what Citus would refuse in it.
    ///
    /// Reference tables come first (a distributed table's foreign key may reference one), then
    /// the distributed tables; within each group a table follows the tables it references.
    /// The first distributed table is the co-location anchor of all the others.
    ///
    /// ```
    /// use scopes_core::{citus::Distribution, schema::Schema, Config, Dialect};
    /// let text = "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\n[tables]\nsites = { site = \"id\" }\nposts = { site = \"site_id\" }\n";
    /// let mut config = Config::parse(text, "scopes.toml".as_ref()).unwrap();
    /// let mut schema = Schema::default();
    /// schema.apply_sql("CREATE TABLE sites (id INT PRIMARY KEY);
    ///     CREATE TABLE posts (site_id INT REFERENCES sites (id), id INT, PRIMARY KEY (site_id, id));
    ///     CREATE TABLE tags (id INT PRIMARY KEY);", "1_init.sql".as_ref(), config.dialect).unwrap();
    /// config.schema = Some(schema);
    /// let ddl = Distribution::new(&config, None).unwrap().ddl().unwrap();
    /// assert!(ddl.contains("SELECT create_reference_table('tags');"));
    /// assert!(ddl.contains("SELECT create_distributed_table('sites', 'id');"));
    /// assert!(ddl.contains("SELECT create_distributed_table('posts', 'site_id', colocate_with => 'sites');"));
    /// ```
    pub fn ddl(&self) -> Result<String, Vec<SchemaProblem>> {
        if !self.problems().is_empty() {
            return Err(self.problems().to_vec());
        }
        let reference = self.ordered(|p| matches!(p, Placement::Reference));
        let distributed = self.ordered(|p| matches!(p, Placement::Distributed { .. }));
        let dim = &self.dimension;
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "-- Citus distribution of the tables of scopes.toml, written by `scopes citus`.\n\
             -- Every table scoped on `{dim}` is hash-distributed on its scope column and co-located\n\
             -- with the others; every table not listed in [tables] is a reference table (copied to\n\
             -- every node). Run it once, after the migrations (and `CREATE EXTENSION citus`)."
        );
        if !reference.is_empty() {
            let _ = writeln!(out, "\n-- Reference tables, referenced tables first.");
            for table in &reference {
                let _ = writeln!(out, "SELECT create_reference_table({});", literal(table));
            }
        }
        if let Some((anchor, rest)) = distributed.split_first() {
            let _ = writeln!(
                out,
                "\n-- Distributed tables on `{dim}`, referenced tables first, co-located with `{anchor}`."
            );
            let column = |t: &str| {
                self.tables
                    .get(t)
                    .and_then(Placement::distribution_column)
                    .unwrap_or_default()
                    .to_string()
            };
            let _ = writeln!(
                out,
                "SELECT create_distributed_table({}, {});",
                literal(anchor),
                literal(&column(anchor))
            );
            for table in rest {
                let _ = writeln!(
                    out,
                    "SELECT create_distributed_table({}, {}, colocate_with => {});",
                    literal(table),
                    literal(&column(table)),
                    literal(anchor)
                );
            }
        }
        Ok(out)
    }

    /// The tables of one kind, each after the tables of that kind it references (a cycle is
    /// broken by name).
    fn ordered(&self, kind: impl Fn(&Placement) -> bool) -> Vec<String> {
        let members: BTreeSet<&String> = self
            .tables
            .iter()
            .filter(|(_, p)| kind(p))
            .map(|(t, _)| t)
            .collect();
        let mut waits: BTreeMap<&String, BTreeSet<&String>> =
            members.iter().map(|t| (*t, BTreeSet::new())).collect();
        for (child, parent) in &self.references {
            if child != parent && members.contains(parent) {
                if let Some(w) = waits.get_mut(child) {
                    w.insert(parent);
                }
            }
        }
        // Among the tables ready, the most referenced first: the tenant table itself
        // (`sites`) becomes the co-location anchor, not whichever name sorts first.
        let mut referenced: BTreeMap<&String, usize> = BTreeMap::new();
        for w in waits.values() {
            for parent in w {
                *referenced.entry(parent).or_default() += 1;
            }
        }
        let rank = |t: &String| {
            (
                std::cmp::Reverse(referenced.get(t).copied().unwrap_or(0)),
                t.clone(),
            )
        };
        let mut out: Vec<String> = Vec::new();
        while !waits.is_empty() {
            let ready = waits
                .iter()
                .filter(|(_, w)| w.is_empty())
                .map(|(t, _)| *t)
                .min_by_key(|t| rank(t))
                .or_else(|| waits.keys().next().copied());
            let Some(next) = ready else { break };
            waits.remove(next);
            for w in waits.values_mut() {
                w.remove(next);
            }
            out.push(next.clone());
        }
        out
    }
}

/// A SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
