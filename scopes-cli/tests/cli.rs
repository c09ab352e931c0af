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
