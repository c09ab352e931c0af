//! The SQL case corpus: `tests/cases/*.sql`, each file a list of cases:
//!
//! ```sql
//! -- pass: a descriptive name
//! SELECT ...;
//! -- fail(missing-scope-filter): another name
//! SELECT ...;
//! -- dialects: postgres mysql      (optional, before a case: the dialects it runs in)
//! -- unscoped(user)                (optional, before a case: the marker passed to the check)
//! ```
//! A `pass` case must be proven scoped; a `fail(code)` case must be rejected with at least one
//! diagnostic of that code. Each file's rendered diagnostics are one insta snapshot.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use scopes_core::{check, Config, Dialect};

#[path = "common/cases.rs"]
mod cases;
use cases::parse as parse_cases;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config(dialect: Dialect) -> Config {
    let mut c =
        Config::load(&root().join("scopes.toml")).expect("the repository's scopes.toml loads");
    c.dialect = dialect;
    c
}

fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
    }
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let configs = [
        config(Dialect::Sqlite),
        config(Dialect::Postgres),
        config(Dialect::Mysql),
    ];
    let mut failures = Vec::new();
    let mut total = 0;
    let (mut passes, mut fails) = (0, 0);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        let mut snapshot = String::new();
        for case in parse_cases(&text) {
            total += 1;
            if case.expect.is_some() {
                fails += 1;
            } else {
                passes += 1;
            }
            for cfg in configs
                .iter()
                .filter(|c| case.dialects.contains(&c.dialect))
            {
                let report = check(&case.sql, cfg, &case.markers);
                let diags = report.all_diagnostics();
                let where_ = format!(
                    "{}:{} `{}` [{}]",
                    file.display(),
                    case.line,
                    case.name,
                    dialect_name(cfg.dialect)
                );
                match &case.expect {
                    None if !diags.is_empty() => failures.push(format!(
                        "{where_}: expected pass, got:\n{}",
                        diags
                            .iter()
                            .map(|d| scopes_core::render::render(d, &case.sql, None))
                            .collect::<Vec<_>>()
                            .join("\n")
                    )),
                    Some(code) if !diags.iter().any(|d| d.code.as_str() == code) => {
                        failures.push(format!(
                            "{where_}: expected {code}, got [{}]",
                            diags
                                .iter()
                                .map(|d| d.code.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    }
                    _ => {}
                }
                if cfg.dialect == case.dialects[0] && case.expect.is_some() {
                    snapshot.push_str(&format!(
                        "=== {} ({})\n",
                        case.name,
                        dialect_name(cfg.dialect)
                    ));
                    for d in &diags {
                        snapshot.push_str(&scopes_core::render::render(d, &case.sql, None));
                        snapshot.push('\n');
                    }
                }
            }
        }
        if failures.is_empty() {
            insta::with_settings!({ snapshot_path => "cases/snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(stem, snapshot);
            });
        }
    }
    eprintln!("corpus: {total} cases ({passes} pass, {fails} fail)");
    assert!(total >= 250, "the corpus shrank to {total} cases");
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Without migrations the analyzer knows fewer columns: it may prove less, never more. Every
/// `fail` case must still be rejected (views and functions are unknown without a schema, so
/// cases about them are skipped).
#[test]
fn corpus_without_schema_stays_sound() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut failures = Vec::new();
    let (mut proven, mut pass_cases) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        for case in parse_cases(&std::fs::read_to_string(&file).unwrap()) {
            let schema_only = matches!(
                case.expect.as_deref(),
                Some(
                    "unknown-table"
                        | "unscoped-view"
                        | "cross-tenant-reference"
                        | "unsafe-upsert"
                        | "scope-key-write"
                )
            ) || case.sql.contains("post_stats")
                || case.name.contains("schema order");
            for d in &case.dialects {
                let mut cfg = config(*d);
                cfg.schema = None;
                let report = check(&case.sql, &cfg, &case.markers);
                match &case.expect {
                    None => {
                        pass_cases += 1;
                        if report.is_scoped() {
                            proven += 1;
                        }
                    }
                    Some(code) if !schema_only && report.is_scoped() => failures.push(format!(
                        "{}:{} `{}` [{}]: expected {code} without a schema, got accepted",
                        file.display(),
                        case.line,
                        case.name,
                        dialect_name(*d)
                    )),
                    _ => {}
                }
            }
        }
    }
    eprintln!("without a schema: {proven} of {pass_cases} safe case runs still proven");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
