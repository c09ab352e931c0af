//! The case-file format shared by the corpus, the real-world reductions and the fix harness:
//!
//! ```sql
//! -- pass: a descriptive name
//! SELECT ...;
//! -- fail(missing-scope-filter): another name
//! SELECT ...;
//! -- dialects: postgres mysql      (optional, before a case: the dialects it runs in)
//! -- unscoped(user)                (optional, before a case: the marker passed to the check)
//! ```
// Test support: a malformed case file panics (the workspace denies panics in library code).
#![allow(clippy::panic)]

use scopes_core::{Dialect, Markers};

/// Every dialect: what a case runs in without a `-- dialects:` line.
pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

/// One case of a file.
pub struct Case {
    /// The name after `pass:` or `fail(code):`.
    pub name: String,
    /// The diagnostic code a `fail` case must be rejected with; `None` for `pass`.
    pub expect: Option<String>,
    /// The dialects it runs in.
    pub dialects: Vec<Dialect>,
    /// The marker passed to the check.
    pub markers: Markers,
    /// The statement, trimmed.
    pub sql: String,
    /// The 1-based line of its header.
    pub line: usize,
}

/// Splits a case file into its cases; a malformed header or an unknown dialect panics.
pub fn parse(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut dialects = ALL.to_vec();
    let mut markers = Markers::None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let header = if let Some(name) = t.strip_prefix("-- pass:") {
            Some((name, None))
        } else if let Some(rest) = t.strip_prefix("-- fail(") {
            let (code, name) = rest.split_once("):").expect("-- fail(code): name");
            Some((name, Some(code.to_string())))
        } else {
            None
        };
        if let Some(rest) = t.strip_prefix("-- dialects:") {
            dialects = rest
                .split_whitespace()
                .map(|d| match d {
                    "sqlite" => Dialect::Sqlite,
                    "postgres" => Dialect::Postgres,
                    "mysql" => Dialect::Mysql,
                    other => panic!("line {}: unknown dialect {other}", i + 1),
                })
                .collect();
        } else if t == "-- unscoped" {
            markers = Markers::All;
        } else if let Some(rest) = t.strip_prefix("-- unscoped(") {
            markers = Markers::parse_list(rest.trim_end_matches(')')).expect("a marker list");
        } else if let Some((name, expect)) = header {
            cases.push(Case {
                name: name.trim().to_string(),
                expect,
                dialects: std::mem::replace(&mut dialects, ALL.to_vec()),
                markers: std::mem::take(&mut markers),
                sql: String::new(),
                line: i + 1,
            });
        } else if let Some(c) = cases.last_mut() {
            if !(t.starts_with("--") && c.sql.trim().is_empty()) {
                c.sql.push_str(line);
                c.sql.push('\n');
            }
        }
    }
    for c in &mut cases {
        c.sql = c.sql.trim().to_string();
    }
    cases
}
