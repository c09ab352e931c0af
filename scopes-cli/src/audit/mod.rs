//! `scopes audit`: checks a live PostgreSQL database (or, offline, the migrations) against
//! scopes.toml: the role, row-level security and its policies (`audit/live.rs`), and the keys
//! and indexes RLS cannot guard (`scopes_core::rls::keys`). Printing is `audit/report.rs`.

mod live;
mod report;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use scopes_core::rls::keys::{self, Finding};
use scopes_core::Config;

use crate::check::Status;
use crate::Error;

/// Options of `scopes audit`.
#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["database_url", "offline"]))]
pub struct AuditArgs {
    /// The scope contract.
    #[arg(long, value_name = "FILE", default_value = "scopes.toml")]
    pub config: PathBuf,

    /// The PostgreSQL database to audit, connecting as the application's role
    /// (`postgres://app@host/db`).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,

    /// Audit the migrations of scopes.toml instead of a database: foreign keys, unique keys
    /// and indexes (every dialect), and whether the generated RLS migration is up to date.
    #[arg(long)]
    pub offline: bool,

    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
}

/// Output formats of `scopes audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// One block per finding and a summary line.
    Text,
    /// One JSON document: `{"version": 1, "status": ..., "findings": [...]}`.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// The code of a stale generated RLS migration (offline).
pub const RLS_MIGRATION_STALE: &str = "rls-migration-stale";

/// Runs `scopes audit`: exit 0 without findings, 1 with, 2 when it cannot audit.
pub fn run(args: &AuditArgs, out: &mut dyn Write) -> Result<Status, Error> {
    let config = Config::load(&args.config)?;
    let (findings, target) = match &args.database_url {
        Some(url) if !args.offline => {
            let findings = live::audit(&config, url)?;
            (findings, redact(url))
        }
        _ => (offline(&config, args)?, "the migrations".to_string()),
    };
    report::write(args.format, &findings, &target, &args.config, out).map_err(Error::Output)?;
    out.flush().map_err(Error::Output)?;
    Ok(if findings.is_empty() {
        Status::Scoped
    } else {
        Status::Unscoped
    })
}

/// The checks that need no database: the keys and indexes of the migrations' schema, and, on
/// PostgreSQL, whether the last migration `scopes rls` wrote still matches scopes.toml.
fn offline(config: &Config, args: &AuditArgs) -> Result<Vec<Finding>, Error> {
    let Some(schema) = &config.schema else {
        return Err(Error::Usage(format!(
            "{} has no `migrations`: the offline audit reads the schema from them",
            args.config.display()
        )));
    };
    let mut findings = keys::check(config, schema);
    if config.dialect == scopes_core::Dialect::Postgres {
        if let Some(dir) = &config.migrations_dir {
            let latest = crate::rls::latest_state(&crate::rls::migrations(dir)?)?;
            if let Some((path, state)) = latest {
                if scopes_core::rls::render(Some(&state), config)?.is_some() {
                    findings.push(Finding {
                        code: RLS_MIGRATION_STALE,
                        relation: path.display().to_string(),
                        message: format!(
                            "the row-level security of the migrations ({}) is behind scopes.toml",
                            path.display()
                        ),
                        help: "run `scopes rls` and review the migration it writes".to_string(),
                    });
                }
            }
        }
    }
    Ok(findings)
}

/// The URL without its password, for output.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    let user = userinfo.split(':').next().unwrap_or_default();
    format!("{scheme}://{user}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_ok() {
        assert_eq!(
            redact("postgres://app:secret@127.0.0.1:5432/db"),
            "postgres://app@127.0.0.1:5432/db"
        );
        assert_eq!(redact("postgres://127.0.0.1/db"), "postgres://127.0.0.1/db");
    }
}
