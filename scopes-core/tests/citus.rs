//! The golden cases of `tests/citus/golden.toml`: statements and schemas from Citus's regression
//! tests and documentation, with what Citus does, checked against `scopes_core::citus`.
//! Every case is checked and every failure reported at once; the one invariant that makes the
//! check trustworthy is asserted for all of them: sqlx-scopes never says "router" (one shard)
//! where Citus does not.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use scopes_core::citus::{self, Distribution, RouteKind};
use scopes_core::schema::Schema;
use scopes_core::{check, Config, Markers};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Golden {
    schema: BTreeMap<String, SchemaDef>,
    query: Vec<QueryCase>,
    schema_case: Vec<SchemaCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaDef {
    source: String,
    scopes: String,
    ddl: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryCase {
    schema: String,
    source: String,
    citus: String,
    sql: String,
    expect: Option<String>,
    note: Option<String>,
    values: Option<String>,
    markers: Option<String>,
    /// For a rejected case: "scope" (not proven scoped) or "routing" (scoped, not one shard).
    rejected_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaCase {
    source: String,
    citus: String,
    code: Option<String>,
    schema: Option<String>,
    scopes: Option<String>,
    ddl: Option<String>,
}

fn golden() -> Golden {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/citus/golden.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn config(scopes: &str, ddl: &str) -> Config {
    let text = format!("dialect = \"postgres\"\n{scopes}");
    let mut config = Config::parse(&text, "scopes.toml".as_ref()).unwrap();
    let mut schema = Schema::default();
    schema
        .apply_sql(ddl, "1_schema.sql".as_ref(), config.dialect)
        .unwrap();
    config.schema = Some(schema);
    config
}

/// A source names the repository (`citus` or `citus_docs`) and where in it.
fn check_source(source: &str, failures: &mut Vec<String>) {
    let ok = (source.starts_with("citus src/") || source.starts_with("citus_docs "))
        && source.len() > 20;
    if !ok {
        failures.push(format!(
            "source `{source}` does not name citus or citus_docs and a place in it"
        ));
    }
}

/// sqlx-scopes' verdict on a statement run with one or several values.
fn verdict(kind: RouteKind, many: bool) -> &'static str {
    match kind {
        RouteKind::SingleShard | RouteKind::ReferenceOnly if many => "multi-shard",
        RouteKind::SingleShard | RouteKind::ReferenceOnly => "router",
        RouteKind::FanOut => "multi-shard",
        RouteKind::NotRoutable | RouteKind::NotScoped => "rejected",
    }
}

#[test]
fn golden_query_cases_ok() {
    let golden = golden();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (name, def) in &golden.schema {
        check_source(&def.source, &mut failures);
        assert!(!name.is_empty());
    }
    for case in &golden.query {
        check_source(&case.source, &mut failures);
        let Some(def) = golden.schema.get(&case.schema) else {
            failures.push(format!("{}: unknown schema `{}`", case.source, case.schema));
            continue;
        };
        let config = config(&def.scopes, &def.ddl);
        let markers = match case.markers.as_deref() {
            None => Markers::None,
            Some("unscoped") => Markers::All,
            Some(list) => {
                Markers::parse_list(list.trim_start_matches("unscoped(").trim_end_matches(')'))
                    .unwrap()
            }
        };
        let distribution = Distribution::new(&config, None).unwrap();
        let report = check(&case.sql, &config, &markers);
        let routes = citus::route(&case.sql, &report, &config, &distribution, &markers);
        assert_eq!(routes.len(), 1, "{}: one statement", case.sql);
        let many = case.values.as_deref() == Some("many");
        let ours = verdict(routes[0].kind, many);
        let from_citus = match case.citus.as_str() {
            "router" => "router",
            "multi-shard" => "multi-shard",
            "error" => "rejected",
            other => {
                failures.push(format!("{}: unknown citus verdict `{other}`", case.source));
                continue;
            }
        };
        let expected = case.expect.as_deref().unwrap_or(from_citus);
        if expected != from_citus && case.note.is_none() && case.citus != "error" {
            failures.push(format!(
                "{}: differs from Citus without a note",
                case.source
            ));
        }
        if ours == "router" && case.citus != "router" {
            failures.push(format!(
                "UNSOUND: {}: sqlx-scopes says router, Citus says {}\n  {}",
                case.source, case.citus, case.sql
            ));
        }
        if ours != expected {
            let problems: Vec<String> = report
                .all_diagnostics()
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .chain(routes[0].diagnostics.iter().map(|d| d.message.clone()))
                .collect();
            failures.push(format!(
                "{}: expected {expected}, got {ours} ({:?})\n  {}\n  {problems:?}",
                case.source, routes[0].kind, case.sql
            ));
        }
        let by = match routes[0].kind {
            RouteKind::NotScoped => Some("scope"),
            RouteKind::NotRoutable => Some("routing"),
            _ => None,
        };
        if ours == expected && by != case.rejected_by.as_deref() {
            failures.push(format!(
                "{}: rejected_by {:?}, got {by:?}",
                case.source, case.rejected_by
            ));
        }
        *counts
            .entry((case.citus.clone(), ours.to_string()))
            .or_default() += 1;
    }
    // The counts go into the docs (docs/SCALING.md), so print them with the run.
    eprintln!(
        "{} golden query cases (Citus verdict -> sqlx-scopes verdict): {counts:?}",
        golden.query.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(golden.query.len() >= 50, "the golden set shrank");
}

#[test]
fn golden_schema_cases_ok() {
    let golden = golden();
    let mut failures = Vec::new();
    for case in &golden.schema_case {
        check_source(&case.source, &mut failures);
        let (scopes, ddl) = match (&case.schema, &case.scopes, &case.ddl) {
            (Some(name), None, None) => {
                let def = &golden.schema[name];
                (def.scopes.clone(), def.ddl.clone())
            }
            (None, Some(s), Some(d)) => (s.clone(), d.clone()),
            _ => panic!("{}: give `schema`, or `scopes` and `ddl`", case.source),
        };
        let config = config(&scopes, &ddl);
        let distribution = Distribution::new(&config, None).unwrap();
        let codes: Vec<&str> = distribution.problems().iter().map(|p| p.code).collect();
        match (case.citus.as_str(), &case.code) {
            ("accepted", None) => match distribution.ddl() {
                Ok(ddl) if ddl.contains("create_distributed_table") => {}
                Ok(ddl) => {
                    failures.push(format!("{}: no distributed table in\n{ddl}", case.source))
                }
                Err(problems) => failures.push(format!("{}: refused: {problems:?}", case.source)),
            },
            ("error", Some(code)) => {
                if !codes.contains(&code.as_str()) || distribution.ddl().is_ok() {
                    failures.push(format!("{}: expected {code}, got {codes:?}", case.source));
                }
            }
            (other, code) => failures.push(format!("{}: bad case {other} {code:?}", case.source)),
        }
    }
    eprintln!("{} golden schema cases", golden.schema_case.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(golden.schema_case.len() >= 10, "the golden set shrank");
}
