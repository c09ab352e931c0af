//! Regression inputs from the differential test and the fuzzers, kept in tests/regressions/.
//!
//! `leaks/*.sql`: statements the analyzer accepted although they are not scoped. A header line
//! `-- dialect: sqlite|postgres` picks the config; `-- status: fixed` means the analyzer must
//! reject it now; `-- status: open` is a known finding awaiting a fix or a decision (reported,
//! not failed, so that recording a finding does not break everyone's build).
//! `rewrite/*.sql`: accepted statements whose rewrite failed (same header; `fixed` ones must
//! rewrite, and every variant must parse).
//! `crashes/<target>/*`: inputs that made a fuzz target panic or hang; they must not any more.
//! `schema/<case>/`: a scopes.toml, its migrations and a `check.sql` of statements, each after a
//! `-- expect: accepted` or `-- expect: rejected <code>` line; or an `expect-config-error` file
//! holding text the config error must contain. They pin how the migrations loader models what it
//! cannot pin down: stricter, never looser.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use scopes_core::schema::Schema;
use scopes_core::{Config, Dialect, Markers};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions")
}

/// The cases of one folder. A missing or empty folder fails: a regression test that loops over
/// nothing passes without testing anything.
fn files(sub: &str) -> Vec<PathBuf> {
    let dir = root().join(sub);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.retain(|p| p.is_file());
    out.sort();
    assert!(!out.is_empty(), "{} holds no cases", dir.display());
    out
}

fn config(dialect: &str) -> Config {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = match dialect {
        "postgres" => repo.join("scopes-difftest/scopes-postgres.toml"),
        _ => repo.join("scopes.toml"),
    };
    Config::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("--"))
        .find_map(|l| {
            l.trim()
                .strip_prefix(key)?
                .trim()
                .strip_prefix(':')
                .map(str::trim)
        })
}

#[test]
fn recorded_leaks_are_rejected_once_fixed() {
    let mut failures = Vec::new();
    for path in files("leaks") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let dialect = header(&text, "dialect").unwrap_or("sqlite");
        let status = header(&text, "status").unwrap_or("fixed");
        let report = scopes_core::check(&text, &config(dialect), &Markers::None);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match (status, report.is_scoped()) {
            ("open", true) => println!("known open finding (still accepted): {name}"),
            ("open", false) => {
                println!("{name} is rejected now: change its header to `-- status: fixed`")
            }
            (_, true) => failures.push(name),
            (_, false) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "fixed leaks accepted again: {failures:?}"
    );
}

/// Inputs that once crashed (or that look like they could): each must end in a rejection, not a
/// panic and not an acceptance.
#[test]
fn crash_inputs_are_rejected() {
    let configs = [config("sqlite"), config("postgres")];
    for path in files("crashes/check") {
        let sql = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        for c in &configs {
            let report = scopes_core::check(&sql, c, &Markers::None);
            assert!(
                !report.is_scoped() && !report.all_diagnostics().is_empty(),
                "{} is accepted",
                path.display()
            );
        }
    }
    for path in files("crashes/config") {
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        let parsed = Config::parse(
            &text,
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../scopes.toml"),
        );
        assert!(parsed.is_err(), "{} loads", path.display());
    }
    for path in files("crashes/migrations") {
        let sql = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let mut schema = Schema::default();
            let applied = schema.apply_sql(&sql, Path::new("regression.sql"), dialect);
            assert!(
                applied.is_err(),
                "{} applies on {dialect:?}",
                path.display()
            );
        }
    }
}

#[test]
fn recorded_rewrite_failures_rewrite_once_fixed() {
    let mut failures = Vec::new();
    for path in files("rewrite") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let dialect = header(&text, "dialect").unwrap_or("sqlite");
        let status = header(&text, "status").unwrap_or("fixed");
        let config = config(dialect);
        let report = scopes_core::check(&text, &config, &Markers::None);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ok =
            report.is_scoped() && scopes_core::rewrite::rewrite(&text, &config, &report).is_ok();
        match (status, ok) {
            ("open", false) => println!("known open rewrite failure: {name}"),
            ("open", true) => {
                println!("{name} rewrites now: change its header to `-- status: fixed`")
            }
            (_, false) => failures.push(name),
            (_, true) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "fixed rewrite failures are back: {failures:?}"
    );
}

/// Splits `check.sql` into (expectation, SQL) blocks, each starting at an `-- expect:` line.
fn expectations(text: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(expect) = line.strip_prefix("-- expect:") {
            blocks.push((expect.trim().to_string(), String::new()));
        } else if let Some((_, sql)) = blocks.last_mut() {
            sql.push_str(line);
            sql.push('\n');
        }
    }
    blocks
}

#[test]
fn schema_cases_hold() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in std::fs::read_dir(root().join("schema")).expect("tests/regressions/schema") {
        let dir = case.expect("readable").path();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = Config::load(&dir.join("scopes.toml"));
        if let Ok(expected) = std::fs::read_to_string(dir.join("expect-config-error")) {
            match loaded {
                Err(e) if e.to_string().contains(expected.trim()) => checked += 1,
                other => failures.push(format!(
                    "{name}: expected a config error containing `{}`, got {other:?}",
                    expected.trim()
                )),
            }
            continue;
        }
        let config = match loaded {
            Ok(config) => config,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let text = std::fs::read_to_string(dir.join("check.sql"))
            .unwrap_or_else(|e| panic!("{name}/check.sql: {e}"));
        let blocks = expectations(&text);
        assert!(
            !blocks.is_empty(),
            "{name}/check.sql has no `-- expect:` line"
        );
        for (expect, sql) in blocks {
            checked += 1;
            let report = scopes_core::check(&sql, &config, &Markers::None);
            let codes: Vec<&str> = report
                .all_diagnostics()
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            let ok = match expect.split_once(' ') {
                None if expect == "accepted" => report.is_scoped(),
                Some(("rejected", code)) => codes.contains(&code.trim()),
                _ => panic!("{name}: unknown expectation `{expect}`"),
            };
            if !ok {
                failures.push(format!(
                    "{name}: expected {expect}, got {codes:?} for {}",
                    sql.trim()
                ));
            }
        }
    }
    assert!(checked > 0, "no schema case ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
