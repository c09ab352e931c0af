//! End to end: runs the built `scopes` binary on the fixtures and pins exit codes and output.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

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
const RUST_PROBLEMS: [(&str, u64, u64, &str); 24] = [
    ("queries/unscoped_posts.sql", 2, 6, "missing-scope-filter"),
    ("src/allowed.rs", 6, 5, "allow-without-reason"),
    ("src/allowed.rs", 7, 32, "unscoped-raw-sql"),
    ("src/bad.rs", 5, 70, "missing-scope-filter"),
    ("src/bad.rs", 7, 16, "missing-scope-link"),
    ("src/bad.rs", 9, 51, "missing-scope-filter"),
    ("src/bad.rs", 10, 42, "missing-scope-filter"),
    ("src/executor.rs", 6, 18, "dynamic-sql"),
    ("src/executor.rs", 8, 21, "dynamic-sql"),
    ("src/executor.rs", 9, 24, "dynamic-sql"),
    ("src/executor.rs", 11, 23, "dynamic-sql"),
    ("src/executor.rs", 12, 19, "dynamic-sql"),
    ("src/glob.rs", 5, 26, "unscoped-raw-sql"),
    ("src/imports.rs", 6, 26, "unscoped-raw-sql"),
    ("src/imports.rs", 7, 43, "unscoped-raw-sql"),
    ("src/local_query.rs", 9, 32, "unscoped-raw-sql"),
    ("src/raw.rs", 3, 32, "unscoped-raw-sql"),
    ("src/raw.rs", 4, 58, "unscoped-raw-sql"),
    ("src/raw.rs", 5, 31, "unscoped-raw-sql"),
    ("src/raw.rs", 6, 31, "unscoped-raw-sql"),
    ("src/raw.rs", 7, 18, "dynamic-sql"),
    ("src/raw.rs", 9, 20, "dynamic-sql"),
    ("src/raw.rs", 10, 51, "dynamic-sql"),
    ("src/raw.rs", 11, 59, "unscoped-raw-sql"),
];

/// The warnings of the Rust fixture crate: allow comments that silence nothing.
const RUST_WARNINGS: [(&str, u64, u64, &str); 2] = [
    ("src/unused_allow.rs", 3, 5, "unused-allow"),
    ("src/unused_allow.rs", 5, 5, "unused-allow"),
];

fn sorted(mut found: Vec<(String, u64, u64, String)>) -> Vec<(String, u64, u64, String)> {
    found.sort();
    found
}

/// The problems and warnings of the fixture crate, sorted.
fn expected_rust_findings() -> Vec<(String, u64, u64, String)> {
    sorted(
        RUST_PROBLEMS
            .iter()
            .chain(&RUST_WARNINGS)
            .map(|(p, l, c, code)| (p.to_string(), *l, *c, code.to_string()))
            .collect(),
    )
}

#[test]
fn check_rust_text_err() {
    let out = scopes("rust/app", &["check", "."]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let levels = RUST_PROBLEMS
        .iter()
        .map(|p| ("error", p))
        .chain(RUST_WARNINGS.iter().map(|w| ("warning", w)));
    for (level, (path, line, column, code)) in levels {
        let expected = format!("{level}[{code}]");
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
    assert_eq!(json["summary"]["files"], 10);
    assert_eq!(json["summary"]["problems"], RUST_PROBLEMS.len());
    assert_eq!(json["summary"]["warnings"], RUST_WARNINGS.len());
    // One statement per checked scoped_query* invocation.
    assert_eq!(json["summary"]["statements"], 11);
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
    assert_eq!(sorted(found), expected_rust_findings());
    for finding in json["findings"].as_array().expect("findings") {
        let warning = finding["code"] == "unused-allow";
        let (level, status) = if warning {
            ("warning", "scoped")
        } else {
            ("error", "unscoped")
        };
        assert_eq!(finding["level"], level, "{finding}");
        assert_eq!(finding["status"], status, "{finding}");
    }
}

/// The official SARIF 2.1.0 schema (OASIS SARIF TC; see sarif-schema-2.1.0.NOTICE.md), compiled
/// once per test binary.
fn sarif_schema() -> &'static jsonschema::Validator {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(&path).expect("the vendored SARIF schema is readable");
        let schema: serde_json::Value =
            serde_json::from_str(&text).expect("the vendored SARIF schema is JSON");
        jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
    })
}

/// Validates a SARIF document against the official SARIF 2.1.0 schema, then checks what the
/// schema leaves open and code scanning needs (declared rules, relative URIs, positive regions).
/// Returns the results as (uri, line, column, rule).
fn validate_sarif(sarif: &serde_json::Value) -> Vec<(String, u64, u64, String)> {
    let errors: Vec<String> = sarif_schema()
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}\n{sarif:#}");
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
            let level = if rule == "unused-allow" {
                "warning"
            } else {
                "error"
            };
            assert_eq!(result["level"], level);
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
    assert_eq!(sorted(validate_sarif(&sarif)), expected_rust_findings());
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
    assert_eq!(
        lines.len(),
        RUST_PROBLEMS.len() + RUST_WARNINGS.len(),
        "{}",
        out.stdout
    );
    let levels = RUST_PROBLEMS
        .iter()
        .map(|p| ("error", p))
        .chain(RUST_WARNINGS.iter().map(|w| ("warning", w)));
    for (level, (path, line, column, code)) in levels {
        let prefix = format!("::{level} file={path},line={line},col={column},");
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
        "checked 2 files, 5 statements: 0 problems\n",
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

/// The schema check is not vacuous: documents that break SARIF 2.1.0 are rejected.
#[test]
fn sarif_schema_rejects_invalid_ok() {
    let out = scopes("rust/app", &["check", "--format", "sarif", "src/raw.rs"]);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert!(sarif_schema().is_valid(&sarif));
    let mut bad_level = sarif.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    let mut bad_version = sarif.clone();
    bad_version["version"] = "2.0.0".into();
    let mut bad_line = sarif.clone();
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let mut no_driver = sarif;
    no_driver["runs"][0]["tool"] = serde_json::json!({});
    for doc in [bad_level, bad_version, bad_line, no_driver] {
        assert!(!sarif_schema().is_valid(&doc), "{doc:#}");
    }
}

/// Paths that are not plain URI characters are percent-encoded, so the document stays valid.
#[test]
fn check_sarif_odd_path_err() {
    let dir = std::env::temp_dir().join(format!("scopes-cli-sarif-{}", std::process::id()));
    let file = dir.join("a dir/bad #1é.sql");
    std::fs::create_dir_all(dir.join("a dir")).expect("temp dir");
    std::fs::write(&file, "SELECT title FROM posts").expect("temp file");
    let config = fixtures().join("blog/scopes.toml");
    let out = scopes(
        "blog",
        &[
            "check",
            "--format",
            "sarif",
            "--config",
            config.to_str().expect("UTF-8 fixture path"),
            file.to_str().expect("UTF-8 temp path"),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(uri.ends_with("/a%20dir/bad%20%231%C3%A9.sql"), "{uri}");
}

#[test]
fn check_sarif_syntax_and_unreadable_err() {
    let out = scopes(
        "blog",
        &[
            "check",
            "--format",
            "sarif",
            "broken",
            "unreadable",
            "markers/malformed.sql",
            "good",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    let rules: Vec<String> = validate_sarif(&sarif)
        .into_iter()
        .map(|(.., rule)| rule)
        .collect();
    assert_eq!(rules, ["syntax-error", "file-error", "invalid-marker"]);
}

#[test]
fn check_sarif_empty_ok() {
    let out = scopes("blog", &["check", "--format", "sarif", "good"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert!(validate_sarif(&sarif).is_empty());
}

/// `--explain` on Rust sources: each checked scoped_query* invocation, with its statements and
/// occurrences located in the Rust file (or in the .sql file of a file macro).
#[test]
fn explain_rust_err() {
    let args = ["src/good.rs", "src/bad.rs"];
    let out = scopes("rust/app", &[&["explain"][..], &args].concat());
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    for line in [
        "src/good.rs:5:17: `scoped_query_as!`\nsrc/good.rs:6:10: statement 1: scoped\n  `posts` as `p` (read) at 6:36\n    site: filter: p.site_id = :site\n",
        "src/good.rs:13:5: `scoped_query_file!` reads queries/site_posts.sql\nqueries/site_posts.sql:1:1: statement 1: scoped\n",
        "src/bad.rs:9:5: `scoped_query!` marked `unscoped(user)`\nsrc/bad.rs:9:36: statement 1: not scoped (1 problem)\n  `notes` (read) at 9:51\n    user: exempt: marked unscoped\n    site: not proven\n",
        // A literal with escapes: everything at the literal's start.
        "src/bad.rs:10:26: statement 1: not scoped (1 problem)\n  `posts` (read) at 10:26\n",
    ] {
        assert!(out.stdout.contains(line), "{line}\n{}", out.stdout);
    }
    // The problems are still reported after the explanations.
    assert!(
        out.stdout.contains("--> src/bad.rs:5:70\n"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .ends_with("checked 2 files, 10 statements: 5 problems\n"));
    // `explain` is `check --explain`.
    let check = scopes("rust/app", &[&["check", "--explain"][..], &args].concat());
    assert_eq!((check.code, &check.stdout), (out.code, &out.stdout));
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn explain_sql_ok() {
    let out = scopes("blog", &["explain", "good"]);
    let check = scopes("blog", &["check", "--explain", "good"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert_eq!(out.stdout, check.stdout);
    assert!(out
        .stdout
        .contains("good/list_posts.sql:2:1: statement 1: scoped\n"));
}

/// Without --explain, nothing of the proofs is printed for Rust sources.
#[test]
fn check_rust_no_explain_ok() {
    let out = scopes("rust/app", &["check", "src/good.rs"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert_eq!(out.stdout, "checked 1 file, 5 statements: 0 problems\n");
}

/// github lines of a run, as (level, path, line, column, code).
fn github_findings(stdout: &str) -> Vec<(String, String, u64, u64, String)> {
    stdout
        .lines()
        .map(|line| {
            let (head, _) = line.split_once("::").map_or((line, ""), |(_, rest)| {
                rest.split_once("::").unwrap_or((rest, ""))
            });
            let (level, props) = head.split_once(' ').expect("level and properties");
            let prop = |key: &str| {
                props
                    .split(',')
                    .find_map(|p| p.strip_prefix(&format!("{key}=")))
                    .expect("property present")
                    .to_string()
            };
            (
                level.to_string(),
                prop("file"),
                prop("line").parse().expect("line number"),
                prop("col").parse().expect("column number"),
                prop("title"),
            )
        })
        .collect()
}

fn owned(found: &[(&str, &str, u64, u64, &str)]) -> Vec<(String, String, u64, u64, String)> {
    found
        .iter()
        .map(|(l, p, line, col, c)| (l.to_string(), p.to_string(), *line, *col, c.to_string()))
        .collect()
}

/// `executor.execute(sql)` with text that is not a literal is dynamic SQL; builders called with
/// an executor (`query.execute(&pool)`), `&mut` arguments, two-argument calls and arguments that
/// do not look like text are not flagged; an allow comment silences one site.
#[test]
fn check_rust_executor_methods_err() {
    let out = scopes(
        "rust/app",
        &["check", "--format", "github", "src/executor.rs"],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let expected = [
        ("error", "src/executor.rs", 6, 18, "dynamic-sql"),
        ("error", "src/executor.rs", 8, 21, "dynamic-sql"),
        ("error", "src/executor.rs", 9, 24, "dynamic-sql"),
        ("error", "src/executor.rs", 11, 23, "dynamic-sql"),
        ("error", "src/executor.rs", 12, 19, "dynamic-sql"),
    ];
    assert_eq!(
        github_findings(&out.stdout),
        owned(&expected),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("title=dynamic-sql::`.fetch_all` runs SQL"));
}

/// A bare `query(..)` is sqlx's only when the file imports it from sqlx (by name, renamed, or by
/// `use sqlx::*`); `sqlx::query(..)` always is.
#[test]
fn check_rust_bare_query_err() {
    let out = scopes(
        "rust/app",
        &[
            "check",
            "--format",
            "github",
            "src/imports.rs",
            "src/glob.rs",
            "src/local_query.rs",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let expected = [
        ("error", "src/imports.rs", 6, 26, "unscoped-raw-sql"),
        ("error", "src/imports.rs", 7, 43, "unscoped-raw-sql"),
        ("error", "src/glob.rs", 5, 26, "unscoped-raw-sql"),
        ("error", "src/local_query.rs", 9, 32, "unscoped-raw-sql"),
    ];
    assert_eq!(
        github_findings(&out.stdout),
        owned(&expected),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("title=unscoped-raw-sql::`fetch_rows` bypasses"));
}

/// An allow comment that silences nothing is a warning: reported in every format, exit code 0.
#[test]
fn check_unused_allow_ok() {
    let out = scopes("rust/app", &["check", "src/unused_allow.rs"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert!(out
        .stdout
        .contains("warning[unused-allow]: this `// scopes: allow(...)` silences nothing"));
    assert!(out.stdout.contains("--> src/unused_allow.rs:3:5\n"));
    assert!(out
        .stdout
        .ends_with("checked 1 file, 1 statement: 0 problems, 2 warnings\n"));

    let out = scopes(
        "rust/app",
        &["check", "--format", "github", "src/unused_allow.rs"],
    );
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    let expected = [
        ("warning", "src/unused_allow.rs", 3, 5, "unused-allow"),
        ("warning", "src/unused_allow.rs", 5, 5, "unused-allow"),
    ];
    assert_eq!(
        github_findings(&out.stdout),
        owned(&expected),
        "{}",
        out.stdout
    );

    let out = scopes(
        "rust/app",
        &["check", "--format", "json", "src/unused_allow.rs"],
    );
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    assert_eq!(json["status"], "scoped");
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["summary"]["problems"], 0);
    assert_eq!(json["summary"]["warnings"], 2);
    assert_eq!(json["findings"][0]["level"], "warning");
    assert_eq!(json["findings"][0]["status"], "scoped");

    let out = scopes(
        "rust/app",
        &["check", "--format", "sarif", "src/unused_allow.rs"],
    );
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert_eq!(validate_sarif(&sarif).len(), 2);
    assert_eq!(sarif["runs"][0]["results"][1]["level"], "warning");
}

/// An allow comment that silences a site is used, so it is not reported; one silencing a
/// problem and one silencing nothing in the same file are told apart.
#[test]
fn check_allow_used_ok() {
    let out = scopes(
        "rust/app",
        &["check", "--format", "github", "src/allowed.rs"],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let expected = [
        ("error", "src/allowed.rs", 6, 5, "allow-without-reason"),
        ("error", "src/allowed.rs", 7, 32, "unscoped-raw-sql"),
    ];
    assert_eq!(
        github_findings(&out.stdout),
        owned(&expected),
        "{}",
        out.stdout
    );
}
