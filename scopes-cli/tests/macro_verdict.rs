//! The CLI reads `scoped_query!` calls with the macros' own front end, so it gives every file of
//! the macros' compile tests the compiler's verdict: the files that compile (tests/ui/pass and
//! the examples) pass the gate, and the files that fail to compile on their SQL are findings.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `scopes check --format json <path>` at the repository root: (exit code, finding codes).
fn check(path: &Path) -> (Option<i32>, Vec<String>) {
    let output = Command::new(env!("CARGO_BIN_EXE_scopes"))
        .current_dir(root())
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("the scopes binary runs");
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the JSON report parses");
    let codes = json["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter(|f| f["level"] == "error")
                .map(|f| f["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    (output.status.code(), codes)
}

fn rust_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("the directory exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.strip_prefix(root()).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    files.sort();
    files
}

#[test]
fn what_compiles_passes_ok() {
    let files: Vec<PathBuf> = ["tests/ui/pass", "examples"]
        .iter()
        .flat_map(|d| rust_files(d))
        .collect();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let (code, codes) = check(&file);
        assert_eq!((code, codes), (Some(0), vec![]), "{}", file.display());
    }
}

/// The compile-fail tests whose error is about the SQL or the call's shape. The others
/// (`argument-not-bindable`, `scope-argument-not-a-scope`, `scope-value-wrong-type`,
/// `scope-macro-unknown-dimension`) are Rust type errors or `scope!` errors, which only the
/// compiler sees.
#[test]
fn what_fails_is_a_finding_err() {
    let expected: &[(&str, &str, i32)] = &[
        (
            "tests/ui/filter/left-join-on-only.rs",
            "missing-scope-filter",
            1,
        ),
        (
            "tests/ui/filter/missing-scope-filter.rs",
            "missing-scope-filter",
            1,
        ),
        ("tests/ui/filter/or-bypass.rs", "missing-scope-filter", 1),
        ("tests/ui/filter/wrong-alias.rs", "missing-scope-filter", 1),
        (
            "tests/ui/write/fk-injection-insert.rs",
            "insert-parent-not-proven",
            1,
        ),
        ("tests/ui/write/unsafe-upsert.rs", "unsafe-upsert", 1),
        ("tests/ui/write/update-by-id.rs", "missing-scope-filter", 1),
        (
            "tests/ui/dimension/unknown-dimension.rs",
            "unknown-dimension",
            1,
        ),
        (
            "tests/ui/dimension/unknown-unscoped-dimension.rs",
            "invalid-marker",
            2,
        ),
        (
            "tests/ui/argument/scope-argument-missing.rs",
            "invalid-macro-input",
            2,
        ),
        (
            "tests/ui/argument/unscoped-query-uses-placeholder.rs",
            "invalid-macro-input",
            2,
        ),
        (
            "tests/ui/argument/wrong-argument-count.rs",
            "invalid-macro-input",
            2,
        ),
    ];
    let mut wrong = Vec::new();
    for (file, code, exit) in expected {
        let (got_exit, codes) = check(Path::new(file));
        if got_exit != Some(*exit) || !codes.iter().any(|c| c == code) {
            wrong.push(format!(
                "{file}: exit {got_exit:?}, codes {codes:?}; expected {code}, exit {exit}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
