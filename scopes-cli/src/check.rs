//! Checking files: read, apply the leading marker comment, call `scopes_core::check`, and classify
//! the result into an exit status. Printing lives in `report/`.

use std::fs;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use scopes_core::{Code, Config, Diagnostic, Markers, Report};

use crate::directive;

/// The verdict of a file or of a whole run, ordered so that the worst one wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Every statement is proven scoped (exit 0).
    Scoped,
    /// At least one statement is not scoped (exit 1).
    Unscoped,
    /// Something could not be checked: unreadable file, unparseable SQL, bad marker (exit 2).
    Error,
}

impl Status {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Scoped => 0,
            Status::Unscoped => 1,
            Status::Error => 2,
        }
    }

    /// The lowercase name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scoped => "scoped",
            Status::Unscoped => "unscoped",
            Status::Error => "error",
        }
    }
}

/// Whether a diagnostic means "could not be checked" (exit 2) rather than "not scoped" (exit 1).
/// A marker that is malformed or names an undeclared dimension is a usage error, like bad SQL.
pub fn is_failure(code: Code) -> bool {
    code.is_analysis_failure() || code == Code::InvalidMarker
}

/// One checked file.
#[derive(Debug)]
pub struct FileCheck {
    /// The path as found (relative when the argument was).
    pub path: PathBuf,
    /// The file's text; empty when it could not be read.
    pub sql: String,
    /// The opt-out marker of its leading comment.
    pub markers: Markers,
    /// Why the file could not be checked at all (unreadable, analyzer crash), naming the file.
    pub error: Option<String>,
    /// The analysis; a malformed marker is reported here as an `invalid-marker` diagnostic.
    pub report: Report,
}

impl FileCheck {
    /// The file's path for output, with `/` separators on every platform.
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// The file's verdict.
    pub fn status(&self) -> Status {
        if self.error.is_some()
            || self
                .report
                .all_diagnostics()
                .iter()
                .any(|d| is_failure(d.code))
        {
            Status::Error
        } else if self.report.is_scoped() {
            Status::Scoped
        } else {
            Status::Unscoped
        }
    }

    /// Problems found: diagnostics, plus one for a file that could not be checked.
    pub fn problem_count(&self) -> usize {
        self.report.all_diagnostics().len() + usize::from(self.error.is_some())
    }
}

/// A whole `scopes check` run: what the reporters print.
#[derive(Debug)]
pub struct Run {
    /// The config file given (or defaulted).
    pub config_path: PathBuf,
    /// The loaded config (the reporters read the scope rules for `--explain`).
    pub config: Config,
    /// Every file, in the order checked.
    pub files: Vec<FileCheck>,
    /// Rust sources checked.
    pub rust_files: usize,
    /// Problems (and warnings) found in Rust sources (and the `.sql` files their file macros
    /// name).
    pub findings: Vec<crate::rust::Finding>,
    /// The checked `scoped_query*` invocations of the Rust sources (`--explain` prints them).
    pub invocations: Vec<crate::rust::Invocation>,
    /// With `--target citus`: how each statement runs on Citus, by its path and 1-based line
    /// and column (`--explain` prints it under the statement).
    pub routes: std::collections::BTreeMap<(String, usize, usize), scopes_core::citus::Route>,
}

impl Run {
    /// The worst file status; `Scoped` when there are no files.
    pub fn status(&self) -> Status {
        self.files
            .iter()
            .map(FileCheck::status)
            .chain(self.findings.iter().map(crate::rust::Finding::status))
            .max()
            .unwrap_or(Status::Scoped)
    }

    /// Statements analyzed, over every file and every checked `scoped_query*` invocation.
    pub fn statement_count(&self) -> usize {
        self.files
            .iter()
            .map(|f| f.report.statements.len())
            .chain(self.invocations.iter().map(|i| i.report.statements.len()))
            .sum()
    }

    /// Problems found, over every file (warnings are not problems).
    pub fn problem_count(&self) -> usize {
        self.files
            .iter()
            .map(FileCheck::problem_count)
            .sum::<usize>()
            + self
                .findings
                .iter()
                .filter(|f| f.level != crate::rust::Level::Warning)
                .count()
    }

    /// Warnings found (they do not change the exit code).
    pub fn warning_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == crate::rust::Level::Warning)
            .count()
    }
}

/// Reads and checks one file. Never fails: problems become part of the result.
pub fn check_file(path: PathBuf, config: &Config) -> FileCheck {
    let sql = match fs::read_to_string(&path) {
        Ok(sql) => sql,
        Err(err) => {
            let error = format!("cannot read {}: {err}", path.display());
            return FileCheck {
                path,
                sql: String::new(),
                markers: Markers::None,
                error: Some(error),
                report: Report::default(),
            };
        }
    };
    // A bad directive (malformed, or naming an undeclared dimension) stops the check, as a bad
    // marker does in the macros: reported alone, at the directive.
    let directives = match directive::read(&sql, config) {
        Ok(directives) => directives,
        Err(bad) => {
            let mut diagnostic =
                Diagnostic::new(Code::InvalidMarker, bad.message, bad.span).label(bad.label);
            if let Some(help) = bad.help {
                diagnostic = diagnostic.help(help);
            }
            let report = Report {
                statements: Vec::new(),
                diagnostics: vec![diagnostic],
            };
            return FileCheck {
                path,
                sql,
                markers: Markers::None,
                error: None,
                report,
            };
        }
    };
    // An analyzer bug must not lose the other files' results or exit with 101: it fails this
    // file closed (exit 2), after the panic hook has printed the details.
    let (markers, report) = match panic::catch_unwind(AssertUnwindSafe(|| {
        check_statements(&sql, config, &directives)
    })) {
        Ok((markers, mut report)) => {
            point_at_marker(&mut report, &sql);
            (markers, report)
        }
        Err(_) => {
            let error = format!("internal error: the analyzer crashed on {}", path.display());
            return FileCheck {
                path,
                sql,
                markers: Markers::None,
                error: Some(error),
                report: Report::default(),
            };
        }
    };
    FileCheck {
        path,
        sql,
        markers,
        error: None,
        report,
    }
}

/// Checks every statement of `sql` with the directive that precedes it (between the end of the
/// statement before and its start), or every statement with the file's `unscoped-file`. Returns
/// the marker shown for the file (the file's, else the first statement's) and the report.
fn check_statements(
    sql: &str,
    config: &Config,
    directives: &[directive::Directive],
) -> (Markers, Report) {
    use directive::Directive;
    if directives
        .iter()
        .any(|d| matches!(d, Directive::File { .. }))
    {
        return (Markers::All, scopes_core::check(sql, config, &Markers::All));
    }
    let mut report = scopes_core::check(sql, config, &Markers::None);
    let mut previous_end = 0;
    let mut by_markers: Vec<(Markers, Report)> = Vec::new();
    let mut shown = None;
    for index in 0..report.statements.len() {
        let Some(span) = report.statements.get(index).map(|s| s.span.clone()) else {
            break;
        };
        let markers = directives.iter().rev().find_map(|d| match d {
            Directive::Statement { span: at, markers }
                if at.start >= previous_end && at.end <= span.start =>
            {
                Some(markers.clone())
            }
            _ => None,
        });
        previous_end = span.end;
        if index == 0 {
            shown = markers.clone();
        }
        let Some(markers) = markers else {
            continue;
        };
        if !by_markers.iter().any(|(m, _)| *m == markers) {
            let other = scopes_core::check(sql, config, &markers);
            by_markers.push((markers.clone(), other));
        }
        let statement = by_markers
            .iter()
            .find(|(m, _)| *m == markers)
            .and_then(|(_, r)| r.statements.get(index).cloned());
        if let (Some(statement), Some(slot)) = (statement, report.statements.get_mut(index)) {
            *slot = statement;
        }
    }
    (shown.unwrap_or_default(), report)
}

/// The analyzer gets markers as data (the macro has no comment to point at), so it reports a bad
/// one at an empty span; in a file, the marker comment is the place to underline.
fn point_at_marker(report: &mut Report, sql: &str) {
    let diagnostics = report.diagnostics.iter_mut().chain(
        report
            .statements
            .iter_mut()
            .flat_map(|s| s.diagnostics.iter_mut()),
    );
    for diagnostic in diagnostics {
        if diagnostic.code == Code::InvalidMarker && diagnostic.span.is_empty() {
            diagnostic.span = marker_span(sql);
        }
    }
}

/// The byte range of the leading `-- scopes:` comment line (without its newline), found the way
/// `Markers::from_leading_comment` finds it; the whole text when there is none.
fn marker_span(sql: &str) -> Range<usize> {
    let mut start = 0;
    for line in sql.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let trimmed = text.trim();
        if !trimmed.is_empty() {
            let Some(comment) = trimmed.strip_prefix("--") else {
                break;
            };
            if comment.trim_start().starts_with("scopes:") {
                let indent = text.len() - text.trim_start().len();
                return start + indent..start + text.trim_end().len();
            }
        }
        start += line.len();
    }
    0..sql.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_span_ok() {
        let sql = "-- hi\n\n  -- scopes: unscopd \nSELECT 1";
        let span = marker_span(sql);
        assert_eq!(&sql[span], "-- scopes: unscopd");
        assert_eq!(marker_span("SELECT 1"), 0..8);
    }

    #[test]
    fn status_order_ok() {
        assert!(Status::Error > Status::Unscoped && Status::Unscoped > Status::Scoped);
        assert_eq!(
            [Status::Unscoped, Status::Error, Status::Scoped]
                .iter()
                .max(),
            Some(&Status::Error)
        );
    }

    #[test]
    fn is_failure_ok() {
        assert!(is_failure(Code::SyntaxError));
        assert!(is_failure(Code::InvalidMarker));
        assert!(!is_failure(Code::MissingScopeFilter));
    }
}
