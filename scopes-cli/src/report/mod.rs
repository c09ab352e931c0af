//! Reporters, one module per `--format`: each writes a whole [`Run`] to a writer. A new format
//! (sarif, github) is a new module and one arm in [`write()`].

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::{self, Write};

use scopes_core::{Markers, ProofKind};

use scopes_core::render::line_col;

use crate::check::Run;
use crate::opt::Format;
use crate::rust::{Finding, Level};

/// Options shared by the reporters; a format ignores those it has no use for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Print how each occurrence was proven (text; JSON always carries the proofs).
    pub explain: bool,
    /// Use ANSI colors (text).
    pub styled: bool,
}

/// Writes the run in the given format.
pub fn write(format: Format, run: &Run, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::write(run, options, out),
        Format::Json => json::write(run, out),
        Format::Sarif => sarif::write(run, out),
        Format::Github => github::write(run, out),
    }
}

/// Every problem of the run as a flat, positioned list: the diagnostics of the .sql files
/// (a file that could not be read becomes a `file-error` at 1:1), then the Rust findings
/// (warnings included: each carries its level).
pub fn problems(run: &Run) -> Vec<Finding> {
    let mut problems = Vec::new();
    for file in &run.files {
        let path = file.display_path();
        if let Some(error) = &file.error {
            problems.push(Finding {
                path: path.clone(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                code: "file-error".to_string(),
                message: error.clone(),
                level: Level::Failure,
            });
        }
        for diagnostic in file.report.all_diagnostics() {
            problems.push(Finding::of_diagnostic(
                path.clone(),
                line_col(&file.sql, diagnostic.span.start),
                line_col(&file.sql, diagnostic.span.end),
                diagnostic,
            ));
        }
    }
    problems.extend(run.findings.iter().cloned());
    problems
}

/// The stable kebab-case name of a proof kind, shared by every format.
pub fn proof_kind_name(kind: ProofKind) -> &'static str {
    match kind {
        ProofKind::Filter => "filter",
        ProofKind::ForeignKeyLink => "foreign-key-link",
        ProofKind::PushedFilter => "pushed-filter",
        ProofKind::InsertedValues => "inserted-values",
        ProofKind::Exempt => "exempt",
        ProofKind::UnusedOuterJoin => "unused-outer-join",
    }
}

/// The marker as written in SQL (`unscoped`, `unscoped(a, b)`), or `None` without one.
pub fn marker_text(markers: &Markers) -> Option<String> {
    match markers {
        Markers::None => None,
        Markers::All => Some("unscoped".to_string()),
        Markers::Dimensions(dims) => {
            let list: Vec<&str> = dims.iter().map(String::as_str).collect();
            Some(format!("unscoped({})", list.join(", ")))
        }
    }
}

/// The dimensions of a table's scope rules that an occurrence has no proof for, sorted.
pub fn unproven_dimensions(run: &Run, occurrence: &scopes_core::Occurrence) -> Vec<String> {
    let Some(scope) = run.config.table_scope(&occurrence.table) else {
        return Vec::new();
    };
    scope
        .rules
        .keys()
        .filter(|dim| !occurrence.proofs.iter().any(|p| &p.dimension == *dim))
        .cloned()
        .collect()
}

/// `1 file`, `2 files`.
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_text_ok() {
        assert_eq!(marker_text(&Markers::None), None);
        assert_eq!(marker_text(&Markers::All).as_deref(), Some("unscoped"));
        let dims = Markers::parse_list("user, site").ok();
        assert_eq!(
            dims.as_ref().and_then(marker_text).as_deref(),
            Some("unscoped(site, user)")
        );
    }

    #[test]
    fn plural_ok() {
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(0, "problem"), "0 problems");
    }
}
