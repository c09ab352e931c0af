//! `scopes rls`: writes the migration with PostgreSQL row-level security for scopes.toml.
//! The SQL comes from `scopes_core::rls`; this module finds the last generated migration (its
//! state block says what the database has), names the new file, and writes it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use scopes_core::rls::{self, State};
use scopes_core::Config;

use crate::check::Status;
use crate::Error;

/// Options of `scopes rls`.
#[derive(Debug, Clone, Args)]
pub struct RlsArgs {
    /// The scope contract.
    #[arg(long, value_name = "FILE", default_value = "scopes.toml")]
    pub config: PathBuf,

    /// The sqlx migrations directory to write to (default: `migrations` of scopes.toml).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write nothing: exit 1 when a migration would be written (the policies in the
    /// migrations are behind scopes.toml), 0 when they are up to date.
    #[arg(long)]
    pub check: bool,
}

/// The name every generated migration ends with.
const FILE_SUFFIX: &str = "_sqlx_scopes_rls.sql";

/// Runs `scopes rls`.
pub fn run(args: &RlsArgs, out: &mut dyn Write) -> Result<Status, Error> {
    let config = Config::load(&args.config)?;
    let Some(dir) = args.out.clone().or_else(|| config.migrations_dir.clone()) else {
        return Err(Error::Usage(format!(
            "{} has no `migrations` directory: pass --out DIR (the sqlx migrations directory)",
            args.config.display()
        )));
    };
    let existing = migrations(&dir)?;
    let previous = latest_state(&existing)?;
    let rendered = rls::render(previous.as_ref().map(|(_, s)| s), &config)?;
    let mut write = |message: String| -> Result<(), Error> {
        writeln!(out, "{message}").map_err(Error::Output)
    };
    let Some(sql) = rendered else {
        let since = previous
            .as_ref()
            .map(|(path, _)| format!(" ({} matches scopes.toml)", path.display()))
            .unwrap_or_default();
        write(format!(
            "row-level security is up to date{since}: nothing to write"
        ))?;
        return Ok(Status::Scoped);
    };
    let statements = sql
        .lines()
        .filter(|l| !l.starts_with("--") && l.trim_end().ends_with(';'))
        .count();
    if args.check {
        write(format!(
            "row-level security is behind scopes.toml: `scopes rls` would write a migration of {statements} statements"
        ))?;
        return Ok(Status::Unscoped);
    }
    let version = next_version(existing.iter().map(|(v, _)| *v).max(), now_version());
    let path = dir.join(format!("{version}{FILE_SUFFIX}"));
    std::fs::write(&path, sql).map_err(|source| Error::Path {
        path: path.clone(),
        source,
    })?;
    write(format!(
        "wrote {} ({statements} statements): review it, then run it with your migrations",
        path.display()
    ))?;
    Ok(Status::Scoped)
}

/// Every up-migration of `dir` with its version, sorted by version.
pub(crate) fn migrations(dir: &Path) -> Result<Vec<(u64, PathBuf)>, Error> {
    let io = |source| Error::Path {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".sql") || name.ends_with(".down.sql") {
            continue;
        }
        if let Some(version) = name
            .split_once('_')
            .and_then(|(v, _)| v.parse::<u64>().ok())
        {
            files.push((version, path));
        }
    }
    files.sort();
    Ok(files)
}

/// The state block of the newest migration `scopes rls` wrote, with its path.
pub(crate) fn latest_state(files: &[(u64, PathBuf)]) -> Result<Option<(PathBuf, State)>, Error> {
    for (_, path) in files.iter().rev() {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Path {
            path: path.clone(),
            source,
        })?;
        if let Some(state) = State::parse(&text) {
            return Ok(Some((path.clone(), state)));
        }
    }
    Ok(None)
}

/// A version after every existing one: the current UTC time as sqlx writes it
/// (`YYYYMMDDhhmmss`), or the latest version plus one when that is later.
fn next_version(latest: Option<u64>, now: u64) -> u64 {
    match latest {
        Some(latest) if latest >= now => latest + 1,
        _ => now,
    }
}

/// The current UTC time as `YYYYMMDDhhmmss`.
fn now_version() -> u64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    timestamp(secs)
}

/// Seconds since 1970 as `YYYYMMDDhhmmss` (the civil-from-days algorithm, proleptic Gregorian).
fn timestamp(secs: u64) -> u64 {
    let days = secs / 86_400;
    let rest = secs % 86_400;
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    ((((year * 100 + month) * 100 + day) * 100 + hour) * 100 + minute) * 100 + second
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_ok() {
        assert_eq!(timestamp(0), 19_700_101_000_000);
        // 2024-02-29 13:45:07 UTC
        assert_eq!(timestamp(1_709_214_307), 20_240_229_134_507);
    }

    #[test]
    fn next_version_ok() {
        assert_eq!(next_version(None, 20_250_101_000_000), 20_250_101_000_000);
        assert_eq!(
            next_version(Some(20_240_101_000_001), 20_250_101_000_000),
            20_250_101_000_000
        );
        assert_eq!(
            next_version(Some(20_990_101_000_000), 20_250_101_000_000),
            20_990_101_000_001
        );
    }
}
