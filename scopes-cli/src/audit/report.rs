//! Printing the audit's findings: text (one block each and a summary), JSON, SARIF 2.1.0.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

use scopes_core::rls::keys::Finding;
use serde_json::json;

use super::AuditFormat;

/// Writes the findings about `target` (the database, or "the migrations").
pub(super) fn write(
    format: AuditFormat,
    findings: &[Finding],
    target: &str,
    config: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        AuditFormat::Text => text(findings, target, out),
        AuditFormat::Json => {
            let document = json!({
                "version": 1,
                "target": target,
                "status": if findings.is_empty() { "clean" } else { "findings" },
                "findings": findings.iter().map(|f| json!({
                    "code": f.code,
                    "relation": f.relation,
                    "message": f.message,
                    "help": f.help,
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)
        }
        AuditFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(findings, config))?;
            writeln!(out)
        }
    }
}

fn text(findings: &[Finding], target: &str, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        writeln!(out, "error[{}]: {}", f.code, f.message)?;
        let mut lines = f.help.lines();
        if let Some(first) = lines.next() {
            writeln!(out, "  = help: {first}")?;
        }
        for line in lines {
            writeln!(out, "          {line}")?;
        }
        writeln!(out)?;
    }
    match findings.len() {
        0 => writeln!(out, "audit of {target}: no findings"),
        1 => writeln!(out, "audit of {target}: 1 finding"),
        n => writeln!(out, "audit of {target}: {n} findings"),
    }
}

fn sarif(findings: &[Finding], config: &Path) -> serde_json::Value {
    let codes: BTreeSet<&str> = findings.iter().map(|f| f.code).collect();
    let uri = config.to_string_lossy().replace('\\', "/");
    json!({
        "version": "2.1.0",
        "$schema": crate::report::sarif::SCHEMA,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "scopes",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": codes.iter().map(|code| json!({
                        "id": code,
                        "name": code,
                        "shortDescription": { "text": format!("sqlx-scopes audit: {}", code.replace('-', " ")) },
                    })).collect::<Vec<_>>(),
                }
            },
            "results": findings.iter().map(|f| json!({
                "ruleId": f.code,
                "level": "error",
                "message": { "text": format!("{} (help: {})", f.message, f.help) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri } },
                    "logicalLocations": [{ "name": f.relation }],
                }],
            })).collect::<Vec<_>>(),
        }]
    })
}
