//! The JSON format: one stable document per run, built from serde mirror structs (core types
//! stay serde-free). The schema is documented in `scopes-cli/JSON.md`; bump [`VERSION`] on any
//! incompatible change.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use scopes_core::render::{line_col, render};
use scopes_core::{Diagnostic, Markers};

use super::{proof_kind_name, unproven_dimensions};
use crate::check::{FileCheck, Run};

/// The version of the document's schema.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document {
    version: u32,
    config: String,
    status: &'static str,
    exit_code: u8,
    summary: Summary,
    files: Vec<File>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<Finding>,
}

/// A problem found in a Rust source (see "Rust sources" in JSON.md).
#[derive(Serialize)]
struct Finding {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    code: String,
    message: String,
    status: &'static str,
    level: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    statements: usize,
    problems: usize,
    #[serde(skip_serializing_if = "is_zero")]
    warnings: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

#[derive(Serialize)]
struct File {
    path: String,
    status: &'static str,
    error: Option<String>,
    marker: Option<Marker>,
    statements: Vec<Statement>,
    diagnostics: Vec<Diag>,
}

#[derive(Serialize)]
struct Marker {
    all: bool,
    dimensions: Vec<String>,
}

#[derive(Serialize)]
struct Span {
    start: usize,
    end: usize,
}

impl From<&Range<usize>> for Span {
    fn from(range: &Range<usize>) -> Self {
        Span {
            start: range.start,
            end: range.end,
        }
    }
}

#[derive(Serialize)]
struct Statement {
    span: Span,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    scoped: bool,
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
struct Occurrence {
    table: String,
    alias: Option<String>,
    access: &'static str,
    span: Span,
    line: usize,
    column: usize,
    proofs: Vec<Proof>,
    unproven: Vec<String>,
}

#[derive(Serialize)]
struct Proof {
    dimension: String,
    kind: &'static str,
    detail: String,
}

#[derive(Serialize)]
struct Diag {
    code: &'static str,
    message: String,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    span: Span,
    label: String,
    help: Option<String>,
    fix: Option<Fix>,
    rendered: String,
}

#[derive(Serialize)]
struct Fix {
    span: Span,
    replacement: String,
}

/// Writes the run as one pretty-printed JSON document and a newline.
pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        version: VERSION,
        config: run.config_path.to_string_lossy().replace('\\', "/"),
        status: run.status().as_str(),
        exit_code: run.status().exit_code(),
        summary: Summary {
            files: run.files.len() + run.rust_files,
            statements: run.statement_count(),
            problems: run.problem_count(),
            warnings: run.warning_count(),
        },
        files: run.files.iter().map(|f| file(run, f)).collect(),
        findings: run
            .findings
            .iter()
            .map(|f| Finding {
                path: f.path.clone(),
                line: f.line,
                column: f.column,
                end_line: f.end_line,
                end_column: f.end_column,
                code: f.code.clone(),
                message: f.message.clone(),
                status: f.status().as_str(),
                level: f.level.as_str(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn file(run: &Run, check: &FileCheck) -> File {
    let path = check.display_path();
    let sql = check.sql.as_str();
    let statements = check
        .report
        .statements
        .iter()
        .map(|statement| {
            let (line, column) = line_col(sql, statement.span.start);
            let (end_line, end_column) = line_col(sql, statement.span.end);
            Statement {
                span: Span::from(&statement.span),
                line,
                column,
                end_line,
                end_column,
                scoped: statement.diagnostics.is_empty(),
                occurrences: statement
                    .occurrences
                    .iter()
                    .map(|occurrence| {
                        let (line, column) = line_col(sql, occurrence.span.start);
                        Occurrence {
                            table: occurrence.table.clone(),
                            alias: occurrence.alias.clone(),
                            access: occurrence.access,
                            span: Span::from(&occurrence.span),
                            line,
                            column,
                            proofs: occurrence
                                .proofs
                                .iter()
                                .map(|p| Proof {
                                    dimension: p.dimension.clone(),
                                    kind: proof_kind_name(p.kind),
                                    detail: p.detail.clone(),
                                })
                                .collect(),
                            unproven: unproven_dimensions(run, occurrence),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let diagnostics = check
        .report
        .all_diagnostics()
        .into_iter()
        .map(|d| diag(d, sql, &path))
        .collect();
    File {
        status: check.status().as_str(),
        error: check.error.clone(),
        marker: marker(&check.markers),
        statements,
        diagnostics,
        path,
    }
}

fn diag(diagnostic: &Diagnostic, sql: &str, path: &str) -> Diag {
    let (line, column) = line_col(sql, diagnostic.span.start);
    let (end_line, end_column) = line_col(sql, diagnostic.span.end.max(diagnostic.span.start));
    Diag {
        code: diagnostic.code.as_str(),
        message: diagnostic.message.clone(),
        file: path.to_string(),
        line,
        column,
        end_line,
        end_column,
        span: Span::from(&diagnostic.span),
        label: diagnostic.label.clone(),
        help: diagnostic.help.clone(),
        fix: diagnostic.fix.as_ref().map(|fix| Fix {
            span: Span::from(&fix.span),
            replacement: fix.replacement.clone(),
        }),
        rendered: render(diagnostic, sql, Some(path)),
    }
}

fn marker(markers: &Markers) -> Option<Marker> {
    match markers {
        Markers::None => None,
        Markers::All => Some(Marker {
            all: true,
            dimensions: Vec::new(),
        }),
        Markers::Dimensions(dims) => Some(Marker {
            all: false,
            dimensions: dims.iter().cloned().collect(),
        }),
    }
}
