//! The real-world reductions of `tests/cases/realworld/` (issue 11), checked against that
//! directory's own scopes.toml and migrations (PostgreSQL, dimension `org`).
//!
//! Same case format as `tests/corpus.rs`. Every `fail(code)` case must be rejected with that
//! code (soundness, no exception). Every `pass` case must be accepted, except those listed in
//! `KNOWN_REJECTED` (safe statements the analyzer cannot prove yet, each with the reason): the
//! list may only shrink, and a listed case that is accepted now fails the test until it is
//! removed from the list.

use std::path::{Path, PathBuf};

use scopes_core::{check, Config, Dialect};

#[path = "common/cases.rs"]
mod cases;
use cases::parse as parse_cases;

/// Safe statements still rejected, by case name, with the reason.
const KNOWN_REJECTED: &[(&str, &str)] = &[
    (
        "INSERT ... SELECT without FROM, then ON CONFLICT",
        "parser: sqlparser 0.64 does not parse INSERT ... SELECT without FROM ... ON CONFLICT",
    ),
    (
        "DELETE restricted by (scope column, key) IN a scoped CTE",
        "row-value IN over a scoped source",
    ),
    (
        "the same tuple with the placeholder in the subquery's scope position",
        "row-value IN over a scoped source",
    ),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/realworld")
}

#[test]
fn realworld() {
    let config = Config::load(&dir().join("scopes.toml")).expect("realworld/scopes.toml loads");
    assert_eq!(config.dialect, Dialect::Postgres);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("realworld dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let (mut safe, mut accepted, mut unsafe_, mut total) = (0, 0, 0, 0);
    let mut still_rejected = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        for case in parse_cases(&text) {
            assert!(
                case.dialects == [Dialect::Postgres] || case.dialects == cases::ALL,
                "{}:{}: realworld cases are PostgreSQL",
                file.display(),
                case.line
            );
            total += 1;
            let report = check(&case.sql, &config, &case.markers);
            let diags = report.all_diagnostics();
            let where_ = format!("{}:{} `{}`", file.display(), case.line, case.name);
            let known = KNOWN_REJECTED.iter().any(|(n, _)| *n == case.name);
            match &case.expect {
                None => {
                    safe += 1;
                    if diags.is_empty() {
                        accepted += 1;
                        if known {
                            failures.push(format!(
                                "{where_}: accepted now, remove it from KNOWN_REJECTED"
                            ));
                        }
                    } else {
                        let rendered = diags
                            .iter()
                            .map(|d| scopes_core::render::render(d, &case.sql, None))
                            .collect::<Vec<_>>()
                            .join("\n");
                        still_rejected.push(format!("{where_}:\n{rendered}"));
                        if !known {
                            failures.push(format!("{where_}: expected pass, got:\n{rendered}"));
                        }
                    }
                }
                Some(code) => {
                    unsafe_ += 1;
                    if !diags.iter().any(|d| d.code.as_str() == code) {
                        failures.push(format!(
                            "{where_}: expected {code}, got [{}]",
                            diags
                                .iter()
                                .map(|d| d.code.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "realworld: {total} cases; {accepted} of {safe} safe accepted; {unsafe_} unsafe cases"
    );
    for r in &still_rejected {
        eprintln!("still rejected: {r}");
    }
    assert!(total >= 51, "the realworld set shrank to {total} cases");
    assert!(
        failures.is_empty(),
        "{} realworld failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
