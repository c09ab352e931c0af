//! End to end: `scopes check --target citus` and `scopes citus` on the `citus` fixtures (a blog
//! keyed for Citus, and the same blog before, which Citus would refuse); pins exit codes and
//! output.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Output {
    fn transcript(&self) -> String {
        format!(
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `scopes <args>` in `tests/fixtures/<dir>`, without colors.
fn scopes(dir: &str, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_scopes"))
        .current_dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(dir),
        )
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
fn check_target_citus_routed_ok() {
    let out = scopes(
        "citus",
        &[
            "check",
            "--target",
            "citus",
            "--explain",
            "sql/routed.sql",
            "sql/fanout.sql",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert_eq!(out.stdout.matches("single shard (router)").count(), 5);
    assert_eq!(
        out.stdout
            .matches("fan-out to every shard (unscoped")
            .count(),
        1
    );
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_target_citus_unpinned_err() {
    let out = scopes(
        "citus",
        &[
            "check",
            "--target",
            "citus",
            "sql/unpinned.sql",
            "src/queries.rs",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert_eq!(out.stdout.matches("error[not-single-shard]").count(), 2);
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn check_without_target_ok() {
    // The same statements are scoped: only the target makes them a problem.
    let out = scopes("citus", &["check", "sql/unpinned.sql", "src/queries.rs"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
}

#[test]
fn check_target_citus_json_err() {
    let out = scopes(
        "citus",
        &[
            "check",
            "--target",
            "citus",
            "--format",
            "json",
            "sql/unpinned.sql",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(
        out.stdout.contains("\"not-single-shard\""),
        "{}",
        out.stdout
    );
}

#[test]
fn check_target_citus_refused_schema_err() {
    let out = scopes(
        "citus/refused",
        &["check", "--target", "citus", "--explain", "comments.sql"],
    );
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(out
        .stdout
        .contains("error[missing-distribution-column]: `comments`"));
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn citus_ddl_ok() {
    let out = scopes("citus", &["citus"]);
    assert_eq!(out.code, Some(0), "{}", out.transcript());
    assert!(out.stderr.is_empty());
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn citus_ddl_refused_err() {
    let out = scopes("citus/refused", &["citus"]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(out.stdout.is_empty(), "no DDL on stdout: {}", out.stdout);
    assert!(out.stderr.contains(
        "ALTER TABLE comments ADD FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id)"
    ));
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn citus_distribute_by_err() {
    let out = scopes("citus", &["citus", "--distribute-by", "org"]);
    assert_eq!(out.code, Some(2), "{}", out.transcript());
    assert!(
        out.stderr.contains("`org` is not declared"),
        "{}",
        out.stderr
    );
    let out = scopes("citus", &["citus", "--distribute-by", "user"]);
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(out.stderr.contains("off-dimension-table"), "{}", out.stderr);
}
