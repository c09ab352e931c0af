//! The reporters on hand-built reports: pins the text, `--explain` and JSON formats independently
//! of the analyzer's verdicts.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use scopes_cli::check::{FileCheck, Run};
use scopes_cli::opt::Format;
use scopes_cli::report::{self, Options};
use scopes_cli::Status;
use scopes_core::{
    Code, Config, Diagnostic, Dialect, KeyType, Markers, Occurrence, Proof, ProofKind, Report,
    ScopeRule, StatementReport, TableScope,
};

fn config() -> Config {
    let dimensions = BTreeMap::from([
        ("site".to_string(), KeyType::I64.into()),
        ("user".to_string(), KeyType::I64.into()),
    ]);
    let mut tables = BTreeMap::new();
    tables.insert(
        "posts".to_string(),
        TableScope {
            table: "posts".into(),
            rules: BTreeMap::from([("site".to_string(), ScopeRule::Column("site_id".into()))]),
        },
    );
    tables.insert(
        "notes".to_string(),
        TableScope {
            table: "notes".into(),
            rules: BTreeMap::from([
                ("site".to_string(), ScopeRule::Column("site_id".into())),
                ("user".to_string(), ScopeRule::Column("author_id".into())),
            ]),
        },
    );
    Config::new(Dialect::Sqlite, dimensions, tables, None)
}

fn occurrence(sql: &str, needle: &str, table: &str, proofs: Vec<Proof>) -> Occurrence {
    let start = sql.find(needle).unwrap_or(0);
    Occurrence {
        table: table.into(),
        alias: needle.split(' ').nth(1).map(str::to_string),
        span: start..start + needle.len(),
        access: "read",
        proofs,
        pinned: Vec::new(),
    }
}

fn proof(dimension: &str, kind: ProofKind, detail: &str) -> Proof {
    Proof {
        dimension: dimension.into(),
        kind,
        detail: detail.into(),
    }
}

fn file(path: &str, sql: &str, markers: Markers, report: Report) -> FileCheck {
    FileCheck {
        path: PathBuf::from(path),
        sql: sql.into(),
        markers,
        error: None,
        report,
    }
}

/// A scoped file with two statements, a file with an unproven dimension, a marker, an unreadable
/// file and a syntax error.
fn run() -> Run {
    let good = "SELECT p.id FROM posts p WHERE p.site_id = :site;\nSELECT 1;\n";
    let good_report = Report {
        statements: vec![
            StatementReport {
                span: 0..49,
                occurrences: vec![occurrence(
                    good,
                    "posts p",
                    "posts",
                    vec![proof("site", ProofKind::Filter, "p.site_id = :site")],
                )],
                placeholders: Vec::new(),
                diagnostics: Vec::new(),
            },
            StatementReport {
                span: 50..59,
                occurrences: Vec::new(),
                placeholders: Vec::new(),
                diagnostics: Vec::new(),
            },
        ],
        diagnostics: Vec::new(),
    };

    let bad = "-- scopes: unscoped(user)\nSELECT n.body\nFROM notes n\nWHERE n.id = ?";
    let start = bad.find("notes n").unwrap_or(0);
    let missing = Diagnostic::new(
        Code::MissingScopeFilter,
        "`notes` (as `n`) is read without a filter on `n.site_id`",
        start..start + 7,
    )
    .label("not filtered on `site`")
    .help("add `AND n.site_id = :site` to the WHERE clause")
    .fix(bad.len()..bad.len(), " AND n.site_id = :site");
    let bad_report = Report {
        statements: vec![StatementReport {
            span: 26..bad.len(),
            occurrences: vec![occurrence(
                bad,
                "notes n",
                "notes",
                vec![proof(
                    "user",
                    ProofKind::Exempt,
                    "`-- scopes: unscoped(user)`",
                )],
            )],
            placeholders: Vec::new(),
            diagnostics: vec![missing],
        }],
        diagnostics: Vec::new(),
    };

    let broken = "SELECT p.id\nFROM posts p WHERE (";
    let broken_report = Report {
        statements: Vec::new(),
        diagnostics: vec![Diagnostic::new(
            Code::SyntaxError,
            "expected an expression, found EOF",
            broken.len()..broken.len(),
        )
        .label("expected an expression")],
    };

    let mut unreadable = file("sql/latin1.sql", "", Markers::None, Report::default());
    unreadable.error =
        Some("cannot read sql/latin1.sql: stream did not contain valid UTF-8".into());

    let user = Markers::parse_list("user").unwrap_or_default();
    Run {
        config_path: PathBuf::from("scopes.toml"),
        config: config(),
        files: vec![
            file("sql/good.sql", good, Markers::None, good_report),
            file("sql/notes.sql", bad, user, bad_report),
            file("sql/broken.sql", broken, Markers::None, broken_report),
            unreadable,
        ],
        rust_files: 0,
        findings: Vec::new(),
        invocations: Vec::new(),
        routes: Default::default(),
    }
}

fn write(format: Format, run: &Run, explain: bool) -> String {
    let mut out = Vec::new();
    let options = Options {
        explain,
        styled: false,
    };
    report::write(format, run, &options, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("reports are UTF-8")
}

#[test]
fn status_ok() {
    let run = run();
    let statuses: Vec<Status> = run.files.iter().map(FileCheck::status).collect();
    assert_eq!(
        statuses,
        [
            Status::Scoped,
            Status::Unscoped,
            Status::Error,
            Status::Error
        ]
    );
    assert_eq!(run.status(), Status::Error);
    assert_eq!((run.statement_count(), run.problem_count()), (3, 3));
}

#[test]
fn text_ok() {
    insta::assert_snapshot!(write(Format::Text, &run(), false));
}

#[test]
fn text_explain_ok() {
    insta::assert_snapshot!(write(Format::Text, &run(), true));
}

#[test]
fn text_empty_ok() {
    let run = Run {
        config_path: PathBuf::from("scopes.toml"),
        config: config(),
        files: Vec::new(),
        rust_files: 0,
        findings: Vec::new(),
        invocations: Vec::new(),
        routes: Default::default(),
    };
    assert_eq!(run.status(), Status::Scoped);
    assert_eq!(
        write(Format::Text, &run, true),
        "checked 0 files, 0 statements: 0 problems\n"
    );
}

#[test]
fn text_styled_ok() {
    let mut out = Vec::new();
    let options = Options {
        explain: false,
        styled: true,
    };
    report::write(Format::Text, &run(), &options, &mut out).expect("writing to a Vec");
    assert!(out.contains(&0x1b), "styled text has ANSI escapes");
}

#[test]
fn json_ok() {
    let json = write(Format::Json, &run(), false);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["exit_code"], 2);
    let notes = &doc["files"][1];
    assert_eq!(
        notes["statements"][0]["occurrences"][0]["unproven"][0],
        "site"
    );
    assert_eq!(notes["diagnostics"][0]["line"], 3);
    assert_eq!(notes["diagnostics"][0]["column"], 6);
    assert_eq!(
        notes["diagnostics"][0]["fix"]["replacement"],
        " AND n.site_id = :site"
    );
    // --explain changes nothing in JSON: proofs are always there.
    assert_eq!(json, write(Format::Json, &run(), true));
    insta::assert_snapshot!(json);
}
