//! `.sql` directives: `-- scopes: unscoped` opts out only the statement it precedes;
//! `-- scopes: unscoped-file <reason>` opts out the whole file.

use std::path::Path;
use std::process::Command;

fn check(file: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_scopes"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/blog"))
        .args(["check", "--color", "never", file])
        .output()
        .expect("the scopes binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn statement_directive_is_not_file_wide_err() {
    let (code, out) = check("directives/appended.sql");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("directives/appended.sql:6:19"), "{out}");
    assert!(out.contains("1 problem"), "{out}");
}

#[test]
fn file_directive_ok() {
    let (code, out) = check("directives/whole_file.sql");
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn file_directive_without_reason_err() {
    let (code, out) = check("directives/no_reason.sql");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("needs a reason"), "{out}");
}
