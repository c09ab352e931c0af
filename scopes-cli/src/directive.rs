//! The `-- scopes:` directives of a `.sql` file. `-- scopes: unscoped` and `-- scopes:
//! unscoped(dim, ...)` opt out the one statement they precede (a statement appended later to
//! the file is checked like any other); `-- scopes: unscoped-file <reason>` opts out every
//! statement of the file, and says so. A bad directive stops the file's check.

use std::ops::Range;

use scopes_core::{Config, Markers};

/// A directive and what it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// Opts out the next statement.
    Statement {
        /// The directive line (without its newline).
        span: Range<usize>,
        /// What it exempts.
        markers: Markers,
    },
    /// Opts out the whole file.
    File {
        /// The directive line.
        span: Range<usize>,
        /// Why.
        reason: String,
    },
}

/// A directive that cannot be used: where, what, a label and a help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDirective {
    /// The directive line.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// The label under the directive.
    pub label: &'static str,
    /// What to write instead.
    pub help: Option<&'static str>,
}

/// Every directive of `sql`, in order: a line whose first text is `-- scopes:`.
pub fn read(sql: &str, config: &Config) -> Result<Vec<Directive>, BadDirective> {
    let mut found = Vec::new();
    let mut start = 0;
    for line in sql.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let indent = text.len() - text.trim_start().len();
        let span = start + indent..start + text.trim_end().len();
        start += line.len();
        let Some(rest) = text
            .trim()
            .strip_prefix("--")
            .map(str::trim_start)
            .and_then(|c| c.strip_prefix("scopes:"))
        else {
            continue;
        };
        let rest = rest.trim();
        let bad = |message: String, label, help| BadDirective {
            span: span.clone(),
            message,
            label,
            help,
        };
        if let Some(reason) = rest.strip_prefix("unscoped-file") {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(bad(
                    "`-- scopes: unscoped-file` needs a reason".to_string(),
                    "no reason",
                    Some("write `-- scopes: unscoped-file <why every statement of this file may cross tenants>`"),
                ));
            }
            found.push(Directive::File {
                span,
                reason: reason.to_string(),
            });
            continue;
        }
        let markers = Markers::from_leading_comment(&format!("-- scopes: {rest}\n"))
            .map_err(|m| bad(m, "malformed marker", None))?
            .unwrap_or_default();
        scopes_macros_core::marker::check_declared(&markers, config)
            .map_err(|e| bad(e.message, "undeclared dimension", Some(e.help)))?;
        found.push(Directive::Statement { span, markers });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "dialect = \"sqlite\"\n[dimensions]\nuser = \"i64\"\n",
            "scopes.toml".as_ref(),
        )
        .unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn read_ok() {
        let sql =
            "-- scopes: unscoped(user)\nSELECT 1;\n  -- scopes: unscoped-file nightly export\n";
        let found = read(sql, &config());
        assert_eq!(
            found,
            Ok(vec![
                Directive::Statement {
                    span: 0..25,
                    markers: Markers::Dimensions(["user".to_string()].into()),
                },
                Directive::File {
                    span: 38..77,
                    reason: "nightly export".to_string(),
                },
            ])
        );
    }

    #[test]
    fn read_err() {
        for sql in [
            "-- scopes: unscopd\nSELECT 1",
            "-- scopes: unscoped(tenant)\nSELECT 1",
            "-- scopes: unscoped-file\nSELECT 1",
        ] {
            assert!(read(sql, &config()).is_err(), "{sql}");
        }
    }
}
