//! The bypass corpus: Rust sources written the way services get around a gate (renames,
//! re-exports, qualified trait calls, helper macros, closures, query builders, dynamic text,
//! unbound placeholders, allow comments in strings), and safe code that must stay quiet. Each
//! file under tests/bypass/src marks every finding it expects with a `//~ code` comment (or
//! `//~ code@column`) on the line the finding is reported at; nothing else may be found.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

type Found = BTreeSet<(String, u64, Option<u64>, String)>;

fn expected(dir: &Path) -> Found {
    let mut expected = Found::new();
    for entry in std::fs::read_dir(dir.join("src")).expect("the corpus exists") {
        let path = entry.expect("a corpus entry").path();
        let name = format!(
            "src/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).expect("a corpus file");
        for (i, line) in text.lines().enumerate() {
            if let Some((_, mark)) = line.split_once("//~ ") {
                let (code, column) = match mark.trim().split_once('@') {
                    Some((code, column)) => (code, column.parse().ok()),
                    None => (mark.trim(), None),
                };
                expected.insert((name.clone(), i as u64 + 1, column, code.to_string()));
            }
        }
    }
    expected
}

#[test]
fn bypass_corpus_err() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bypass");
    let expected = expected(&dir);
    let output = Command::new(env!("CARGO_BIN_EXE_scopes"))
        .current_dir(&dir)
        .args(["check", "--format", "json", "src", "generated"])
        .output()
        .expect("the scopes binary runs");
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the JSON report parses");
    let columns: BTreeSet<(String, u64)> = expected
        .iter()
        .filter(|e| e.2.is_some())
        .map(|e| (e.0.clone(), e.1))
        .collect();
    let found: Found = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let path = f["path"].as_str().unwrap_or_default().to_string();
            let line = f["line"].as_u64().unwrap_or_default();
            let column = columns
                .contains(&(path.clone(), line))
                .then(|| f["column"].as_u64().unwrap_or_default());
            (
                path,
                line,
                column,
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed: {missed:#?}\nfalse alarms: {extra:#?}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(output.status.code(), Some(1));
    println!(
        "bypass corpus: {} expected findings, all found",
        expected.len()
    );
}
