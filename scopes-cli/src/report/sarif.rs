//! The SARIF 2.1.0 format, for code-scanning upload: one run, rules = the diagnostic codes that
//! occur, one result per problem (level `error`, or `warning` for a warning) with its file
//! (relative URI) and region.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::problems;
use crate::check::Run;

/// The SARIF schema the document declares.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A one-line description of a diagnostic code, for the rule's `shortDescription`.
fn describe(code: &str) -> String {
    match code {
        crate::rust::UNSCOPED_RAW_SQL => {
            "Raw sqlx SQL that bypasses the scoped macros and is not proven scoped".to_string()
        }
        crate::rust::DYNAMIC_SQL => {
            "SQL built at run time: its tenant scope cannot be checked".to_string()
        }
        crate::rust::ALLOW_WITHOUT_REASON => {
            "A `// scopes: allow()` comment without a reason".to_string()
        }
        crate::rust::UNUSED_ALLOW => {
            "A `// scopes: allow(...)` comment that silences nothing".to_string()
        }
        other => match other.parse::<scopes_core::Code>() {
            Ok(code) => code.description().to_string(),
            Err(_) => format!("sqlx-scopes: {}", other.replace('-', " ")),
        },
    }
}

/// The SARIF document of a run.
pub fn document(run: &Run) -> Value {
    let problems = problems(run);
    let codes: BTreeSet<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": describe(code) },
            })
        })
        .collect();
    let results: Vec<Value> = problems
        .iter()
        .map(|p| {
            json!({
                "ruleId": p.code,
                "level": p.level.as_str(),
                "message": { "text": p.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&p.path) },
                        "region": {
                            "startLine": p.line,
                            "startColumn": p.column,
                            "endLine": p.end_line.max(p.line),
                            "endColumn": if p.end_line > p.line { p.end_column } else { p.end_column.max(p.column) },
                        }
                    }
                }]
            })
        })
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": SCHEMA,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "scopes",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}

/// A path as a relative URI reference (SARIF's `artifactLocation.uri`): `/` separators kept,
/// every byte outside RFC 3986's unreserved characters, sub-delimiters, `:` and `@` percent-encoded
/// (a space, `%`, `#`, `?`, non-ASCII). A `:` in the first segment would read as a scheme, so it is
/// encoded there.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut first_segment = true;
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/".contains(&byte)
            || (byte == b':' && !first_segment);
        if byte == b'/' {
            first_segment = false;
        }
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Writes the run as SARIF.
pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(run))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_ok() {
        assert_eq!(uri("src/bad.rs"), "src/bad.rs");
        assert_eq!(uri("../a b/#1é.sql"), "../a%20b/%231%C3%A9.sql");
        assert_eq!(uri("c:d/e:f"), "c%3Ad/e:f");
    }
}
