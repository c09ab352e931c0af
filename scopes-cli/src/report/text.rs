//! The text format: rustc-style diagnostics (`scopes_core::render`), the `--explain` proofs, and a
//! summary line.

use std::io::{self, Write};

use scopes_core::render::{line_col, render, render_styled};
use scopes_core::StatementReport;

use super::{marker_text, plural, proof_kind_name, unproven_dimensions, Options};
use crate::check::{FileCheck, Run};
use crate::rust::{Invocation, Level, Origin};

/// Writes the run as text.
pub fn write(run: &Run, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    for file in &run.files {
        let path = file.display_path();
        if let Some(err) = &file.error {
            writeln!(out, "error: {err}\n")?;
            continue;
        }
        if options.explain {
            explain(run, file, &path, out)?;
        }
        for diagnostic in file.report.all_diagnostics() {
            let rendered = if options.styled {
                render_styled(diagnostic, &file.sql, Some(&path))
            } else {
                render(diagnostic, &file.sql, Some(&path))
            };
            writeln!(out, "{rendered}\n")?;
        }
    }
    if options.explain {
        for invocation in &run.invocations {
            explain_invocation(run, invocation, out)?;
        }
    }
    let mut sources = std::collections::HashMap::new();
    for finding in &run.findings {
        let source = sources
            .entry(finding.path.clone())
            .or_insert_with(|| std::fs::read_to_string(&finding.path).ok());
        write_finding(finding, source.as_deref(), out)?;
    }
    let warnings = match run.warning_count() {
        0 => String::new(),
        n => format!(", {}", plural(n, "warning")),
    };
    writeln!(
        out,
        "checked {}, {}: {}{warnings}",
        plural(run.files.len() + run.rust_files, "file"),
        plural(run.statement_count(), "statement"),
        plural(run.problem_count(), "problem"),
    )
}

/// The explanation of a .sql file: its marker, then its statements.
fn explain(run: &Run, file: &FileCheck, path: &str, out: &mut dyn Write) -> io::Result<()> {
    if let Some(marker) = marker_text(&file.markers) {
        writeln!(out, "{path}: marker `-- scopes: {marker}`")?;
    }
    explain_statements(
        run,
        path,
        &file.report.statements,
        &|offset| line_col(&file.sql, offset),
        out,
    )?;
    if !file.report.statements.is_empty() || file.markers != scopes_core::Markers::None {
        writeln!(out)?;
    }
    Ok(())
}

/// The explanation of a `scoped_query*` invocation: a header at the macro (with its marker, and
/// the file a file macro reads), then its statements located in the Rust file (or that file).
fn explain_invocation(run: &Run, invocation: &Invocation, out: &mut dyn Write) -> io::Result<()> {
    let marker = marker_text(&invocation.markers)
        .map(|m| format!(" marked `{m}`"))
        .unwrap_or_default();
    let reads = match invocation.origin {
        Origin::File => format!(" reads {}", invocation.sql_path),
        Origin::Literal { .. } => String::new(),
    };
    writeln!(
        out,
        "{}:{}:{}: `{}!`{marker}{reads}",
        invocation.path, invocation.line, invocation.column, invocation.name
    )?;
    if invocation.report.statements.is_empty() {
        writeln!(out, "  no statement analyzed (see its problems)")?;
    }
    explain_statements(
        run,
        &invocation.sql_path,
        &invocation.report.statements,
        &|offset| invocation.position(offset),
        out,
    )?;
    writeln!(out)
}

/// Per statement and per scoped-table occurrence, how each dimension was proven: what a reviewer
/// needs to trust an accepted statement. `position` maps a byte offset of the SQL to the 1-based
/// (line, column) shown with `path`.
fn explain_statements(
    run: &Run,
    path: &str,
    statements: &[StatementReport],
    position: &dyn Fn(usize) -> (usize, usize),
    out: &mut dyn Write,
) -> io::Result<()> {
    for (index, statement) in statements.iter().enumerate() {
        let (line, column) = position(statement.span.start);
        writeln!(
            out,
            "{path}:{line}:{column}: statement {}: {}",
            index + 1,
            verdict(statement)
        )?;
        if let Some(route) = run.routes.get(&(path.to_string(), line, column)) {
            writeln!(out, "  citus: {route}")?;
        }
        if statement.occurrences.is_empty() {
            writeln!(out, "  no scoped table")?;
        }
        for occurrence in &statement.occurrences {
            let (line, column) = position(occurrence.span.start);
            let alias = occurrence
                .alias
                .as_ref()
                .map(|a| format!(" as `{a}`"))
                .unwrap_or_default();
            writeln!(
                out,
                "  `{}`{alias} ({}) at {line}:{column}",
                occurrence.table, occurrence.access
            )?;
            for proof in &occurrence.proofs {
                writeln!(
                    out,
                    "    {}: {}: {}",
                    proof.dimension,
                    proof_kind_name(proof.kind),
                    proof.detail
                )?;
            }
            for dimension in unproven_dimensions(run, occurrence) {
                writeln!(out, "    {dimension}: not proven")?;
            }
        }
    }
    Ok(())
}

fn verdict(statement: &StatementReport) -> String {
    // `--target citus` adds its problems to the statement's: scoped, but not on one shard.
    let routing = statement
        .diagnostics
        .iter()
        .filter(|d| d.code == scopes_core::Code::NotSingleShard)
        .count();
    match (statement.diagnostics.len(), routing) {
        (0, _) => "scoped".to_string(),
        (n, r) if n == r => format!("scoped, not single-shard ({})", plural(n, "problem")),
        (n, _) => format!("not scoped ({})", plural(n, "problem")),
    }
}

/// A Rust-source finding, rustc-style: header, location, and the source line with a caret under
/// the problem (when the file can be read again).
fn write_finding(
    finding: &crate::rust::Finding,
    source: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let level = match finding.level {
        Level::Warning => "warning",
        Level::Error | Level::Failure => "error",
    };
    writeln!(out, "{level}[{}]: {}", finding.code, finding.message)?;
    let gutter = " ".repeat(finding.line.to_string().len());
    writeln!(
        out,
        "{gutter}--> {}:{}:{}",
        finding.path, finding.line, finding.column
    )?;
    let line = source.and_then(|s| s.lines().nth(finding.line.saturating_sub(1)));
    if let Some(line) = line {
        let width = if finding.end_line == finding.line && finding.end_column > finding.column {
            finding.end_column - finding.column
        } else {
            1
        };
        let pad: String = line
            .chars()
            .take(finding.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(out, "{gutter} |")?;
        writeln!(out, "{} | {line}", finding.line)?;
        writeln!(out, "{gutter} | {pad}{}", "^".repeat(width))?;
    }
    writeln!(out)
}
