//! End to end: runs the built `scopes` binary on the fixtures and pins exit codes and output.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Output {
    /// Exit code, stdout and stderr in one text, for snapshots.
    fn transcript(&self) -> String {
        format!(
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `scopes <args>` in a fixture directory, without colors.
fn scopes(dir: &str, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_scopes"))
        .current_dir(fixtures().join(dir))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the scopes binary runs");
    Output {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn check_good_ok() {
    let out = scopes("blog", &["check", "good"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_good_explain_ok() {
    let out = scopes(
        "blog",
        &[
            "check",
            "--explain",
            "good",
            "markers/unscoped_all.sql",
            "markers/unscoped_user.sql",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_markers_ok() {
    let out = scopes(
        "blog",
        &[
            "check",
            "markers/unscoped_all.sql",
            "markers/unscoped_user.sql",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_bad_err() {
    let out = scopes("blog", &["check", "bad"]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    for file in ["missing_filter", "or_bypass", "update_and_select"] {
        assert!(
            out.stdout.contains(&format!("bad/{file}.sql:")),
            "{file}: {}",
            out.stdout
        );
    }
    insta::assert_snapshot!(out.transcript());
}

/// "Paginate before scope": the LIMIT picks rows of every tenant before the outer filter. Kept
/// apart from `bad/` so that a miss shows up as this test's name, not as a snapshot change.
#[test]
fn check_paginate_before_scope_err() {
    let out = scopes("blog", &["check", "leaks/paginate_before_scope.sql"]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(
        out.stdout.contains("leaks/paginate_before_scope.sql:2:"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_good_and_bad_err() {
    let out = scopes("blog", &["check", "good", "bad/missing_filter.sql"]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_syntax_error_err() {
    let out = scopes("blog", &["check", "broken/syntax.sql"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(out.stdout.contains("error[syntax-error]"), "{}", out.stdout);
    assert!(out.stdout.contains("broken/syntax.sql:"), "{}", out.stdout);
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_exit_2_wins_over_1_err() {
    let out = scopes("blog", &["check", "bad", "broken", "good"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
}

#[test]
fn check_malformed_marker_err() {
    let out = scopes("blog", &["check", "markers/malformed.sql"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stdout.contains("markers/malformed.sql:2:1"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_unreadable_file_err() {
    let out = scopes("blog", &["check", "unreadable"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stdout
            .contains("error: cannot read unreadable/latin1.sql"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_broken_config_err() {
    let out = scopes("broken_config", &["check", "query.sql"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.starts_with("error: scopes.toml:"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_missing_config_err() {
    let out = scopes("blog", &["check", "--config", "nope.toml", "good"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stderr.starts_with("error: cannot read nope.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_config_flag_ok() {
    let out = scopes("blog/good", &["check", "--config", "../scopes.toml", "."]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
}

#[test]
fn check_missing_path_err() {
    let out = scopes("blog", &["check", "no/such/dir"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stderr.starts_with("error: cannot read no/such/dir"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_err() {
    for args in [
        &["check"][..],
        &["check", "--format", "xml", "good"],
        &["frobnicate"],
        &[],
    ] {
        let out = scopes("blog", args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.transcript());
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
}

#[test]
fn help_ok() {
    let out = scopes("blog", &["check", "--help"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn check_json_ok() {
    let out = scopes(
        "blog",
        &[
            "check",
            "--format",
            "json",
            "good/list_posts.sql",
            "bad/missing_filter.sql",
            "markers/unscoped_user.sql",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["files"][0]["status"], "scoped");
    assert_eq!(doc["files"][1]["status"], "unscoped");
    assert_eq!(
        doc["files"][1]["diagnostics"][0]["file"],
        "bad/missing_filter.sql"
    );
    assert_eq!(doc["files"][2]["marker"]["dimensions"][0], "user");
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_json_errors_err() {
    let out = scopes(
        "blog",
        &[
            "check",
            "--format",
            "json",
            "broken",
            "unreadable",
            "markers/malformed.sql",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["status"], "error");
    assert_eq!(doc["files"][0]["diagnostics"][0]["code"], "syntax-error");
    assert_eq!(
        doc["files"][1]["error"]
            .as_str()
            .map(|e| e.starts_with("cannot read unreadable/latin1.sql")),
        Some(true)
    );
    assert_eq!(doc["files"][2]["diagnostics"][0]["code"], "invalid-marker");
    assert_eq!(doc["files"][2]["diagnostics"][0]["line"], 2);
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_color_always_ok() {
    let out = scopes(
        "blog",
        &["check", "--color", "always", "markers/malformed.sql"],
    );
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(out.stdout.contains('\u{1b}'), "{}", out.stdout);
    let out = scopes(
        "blog",
        &["check", "--color", "never", "markers/malformed.sql"],
    );
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
}

#[test]
fn check_empty_dir_ok() {
    let dir = std::env::temp_dir().join(format!("scopes-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nothing/here")).expect("temp dir");
    let out = scopes("blog", &["check", dir.to_str().expect("UTF-8 temp path")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert_eq!(out.stdout, "checked 0 files, 0 statements: 0 problems\n");
}

#[test]
fn check_marker_unknown_dimension_err() {
    let out = scopes("blog", &["check", "markers/unknown_dimension.sql"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stdout.contains("error[invalid-marker]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("markers/unknown_dimension.sql:2:1"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.transcript());
}

/// The problems of the Rust fixture crate, as (path, line, column, code): every bypass and every
/// unscoped statement, nothing else.
const RUST_PROBLEMS: [(&str, u64, u64, &str); 15] = [
    ("queries/unscoped_posts.sql", 2, 6, "missing-scope-filter"),
    ("src/allowed.rs", 6, 5, "allow-without-reason"),
    ("src/allowed.rs", 7, 32, "unscoped-raw-sql"),
    ("src/bad.rs", 5, 70, "missing-scope-filter"),
    ("src/bad.rs", 7, 16, "missing-scope-link"),
    ("src/bad.rs", 9, 51, "missing-scope-filter"),
    ("src/bad.rs", 10, 26, "missing-scope-filter"),
    ("src/raw.rs", 3, 32, "unscoped-raw-sql"),
    ("src/raw.rs", 4, 58, "unscoped-raw-sql"),
    ("src/raw.rs", 5, 31, "unscoped-raw-sql"),
    ("src/raw.rs", 6, 31, "unscoped-raw-sql"),
    ("src/raw.rs", 7, 18, "dynamic-sql"),
    ("src/raw.rs", 9, 20, "dynamic-sql"),
    ("src/raw.rs", 10, 51, "dynamic-sql"),
    ("src/raw.rs", 11, 59, "unscoped-raw-sql"),
];

fn sorted(mut found: Vec<(String, u64, u64, String)>) -> Vec<(String, u64, u64, String)> {
    found.sort();
    found
}

fn expected_rust_problems() -> Vec<(String, u64, u64, String)> {
    sorted(
        RUST_PROBLEMS
            .iter()
            .map(|(p, l, c, code)| (p.to_string(), *l, *c, code.to_string()))
            .collect(),
    )
}

#[test]
fn check_rust_text_err() {
    let out = scopes("rust/app", &["check", "."]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    for (path, line, column, code) in RUST_PROBLEMS {
        let expected = format!("error[{code}]");
        let location = format!("--> {path}:{line}:{column}\n");
        assert!(
            out.stdout.contains(&expected) && out.stdout.contains(&location),
            "{location}: {}",
            out.stdout
        );
    }
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_rust_json_err() {
    let out = scopes("rust/app", &["check", "--format", "json", "."]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    assert_eq!(json["status"], "unscoped");
    assert_eq!(json["summary"]["files"], 5);
    let found = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(sorted(found), expected_rust_problems());
}

/// Checks the parts of SARIF 2.1.0 that code scanning requires, by hand (no schema download).
fn validate_sarif(sarif: &serde_json::Value) -> Vec<(String, u64, u64, String)> {
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"]
        .as_str()
        .is_some_and(|s| s.starts_with("https://") && s.contains("sarif")));
    let runs = sarif["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "scopes");
    assert!(driver["informationUri"]
        .as_str()
        .is_some_and(|s| s.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules is an array");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), rules.len(), "every rule has an id");
    for rule in rules {
        assert!(rule["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
    }
    let results = runs[0]["results"].as_array().expect("results is an array");
    results
        .iter()
        .map(|result| {
            let rule = result["ruleId"].as_str().expect("ruleId");
            assert!(ids.contains(&rule), "{rule} is a declared rule");
            assert_eq!(result["level"], "error");
            assert!(result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()));
            let location = &result["locations"][0]["physicalLocation"];
            let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
            assert!(
                !uri.starts_with('/') && !uri.contains('\\'),
                "relative uri {uri}"
            );
            let region = &location["region"];
            let number = |key: &str| {
                region[key]
                    .as_u64()
                    .filter(|n| *n >= 1)
                    .unwrap_or_else(|| panic!("{key} is a positive integer"))
            };
            let (line, column) = (number("startLine"), number("startColumn"));
            let (end_line, end_column) = (number("endLine"), number("endColumn"));
            assert!((end_line, end_column) >= (line, column));
            (uri.to_string(), line, column, rule.to_string())
        })
        .collect()
}

#[test]
fn check_rust_sarif_err() {
    let out = scopes("rust/app", &["check", "--format", "sarif", "."]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert_eq!(sorted(validate_sarif(&sarif)), expected_rust_problems());
}

#[test]
fn check_sql_sarif_err() {
    let out = scopes("blog", &["check", "--format", "sarif", "bad"]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    let found = validate_sarif(&sarif);
    assert!(!found.is_empty());
    assert!(found.iter().all(|(uri, ..)| uri.starts_with("bad/")));
}

#[test]
fn check_rust_github_err() {
    let out = scopes("rust/app", &["check", "--format", "github", "."]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), RUST_PROBLEMS.len(), "{}", out.stdout);
    for (path, line, column, code) in RUST_PROBLEMS {
        let prefix = format!("::error file={path},line={line},col={column},");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&prefix) && l.contains(&format!(",title={code}::"))),
            "{prefix}: {}",
            out.stdout
        );
    }
}

#[test]
fn check_rust_good_ok() {
    let out = scopes("rust/app", &["check", "src/good.rs", "src/lib.rs"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert_eq!(
        out.stdout,
        "checked 2 files, 0 statements: 0 problems\n",
        "{}",
        out.transcript()
    );
}

#[test]
fn check_rust_invalid_marker_err() {
    let out = scopes(
        "rust/app",
        &["check", "--format", "github", "../invalid_marker.rs"],
    );
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stdout
            .starts_with("::error file=../invalid_marker.rs,line=3,col=19,"),
        "{}",
        out.transcript()
    );
}

#[test]
fn check_rust_absolute_path_err() {
    let dir = fixtures().join("rust/app");
    let out = scopes(
        "rust/app",
        &[
            "check",
            "--format",
            "github",
            &dir.join("src/bad.rs").to_string_lossy(),
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("::error file=src/bad.rs,line=5,col=70,")),
        "{}",
        out.transcript()
    );
}

#[test]
fn check_rust_workspace_err() {
    // Each crate uses its own scopes.toml: `posts` is scoped in crate a only.
    let out = scopes("rust/workspace", &["check", "--format", "github", "."]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.transcript());
    assert!(
        lines[0].starts_with(
            "::error file=crates/a/src/lib.rs,line=2,col=36,endLine=2,endColumn=41,title=unscoped-raw-sql::"
        ),
        "{}",
        out.transcript()
    );
}
