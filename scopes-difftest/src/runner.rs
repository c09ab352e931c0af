//! Runs seeded statements through the oracle, counts verdicts, minimizes and records findings.

use std::ops::Range;
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};

use scopes_core::Config;

use crate::data::TENANTS;
use crate::gen::{self, Flavor};
use crate::oracle::{Oracle, Verdict};
use crate::shrink;

/// An accepted statement that is not scoped (or that crashed the analyzer).
#[derive(Debug, Clone)]
pub struct Finding {
    /// The generator seed.
    pub seed: u64,
    /// The statement as generated.
    pub sql: String,
    /// The minimized statement (still accepted, still failing).
    pub minimized: String,
    /// How it differs, or the panic message.
    pub message: String,
}

/// Verdict counts of a run.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Statements generated.
    pub total: u64,
    /// Accepted by the analyzer.
    pub accepted: u64,
    /// Accepted and identical on the tenant's copy.
    pub agree: u64,
    /// Accepted, failing on both databases.
    pub both_fail: u64,
    /// Accepted, hitting another tenant's unique key (an error only on the full database).
    pub unique_oracle: u64,
    /// Accepted, a row skipped by DO NOTHING / OR IGNORE only on the full database.
    pub silent_skip: u64,
    /// Statements with a deliberate near miss, and how many of those were accepted.
    pub near_miss: (u64, u64),
    /// Accepted writes.
    pub accepted_writes: u64,
    /// Accepted statements the rewrite could not turn into runtime SQL (run through the splice).
    pub rewrite_failures: u64,
    /// Leaks (accepted, not scoped).
    pub leaks: Vec<Finding>,
    /// Analyzer panics.
    pub crashes: Vec<Finding>,
}

impl Stats {
    /// The share of generated statements the analyzer accepted, in percent.
    pub fn accepted_pct(&self) -> f64 {
        100.0 * self.accepted as f64 / self.total.max(1) as f64
    }

    /// One line for logs.
    pub fn summary(&self) -> String {
        format!(
            "{} statements, {} accepted ({:.1}%; {} writes), {} agree, {} fail on both, {} uniqueness-oracle ({} silent skips), near misses {} ({} accepted), {} leaks, {} crashes, {} rewrite failures",
            self.total,
            self.accepted,
            self.accepted_pct(),
            self.accepted_writes,
            self.agree,
            self.both_fail,
            self.unique_oracle,
            self.silent_skip,
            self.near_miss.0,
            self.near_miss.1,
            self.leaks.len(),
            self.crashes.len(),
            self.rewrite_failures,
        )
    }
}

/// The repository root (this crate's parent directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Loads the analyzer config for a flavour: the example scopes.toml, or its postgres twin.
pub fn load_config(flavor: Flavor) -> Result<Config, String> {
    let path = match flavor {
        Flavor::Sqlite => repo_root().join("scopes.toml"),
        Flavor::Postgres => Path::new(env!("CARGO_MANIFEST_DIR")).join("scopes-postgres.toml"),
    };
    match catch_unwind(|| Config::load(&path)) {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("Config::load panicked on {}", path.display())),
    }
}

/// Runs `seeds`, stopping early once `max_findings` leaks are found (each is minimized).
/// `progress` is called every `every` statements.
pub fn run(
    oracle: &mut Oracle,
    seeds: Range<u64>,
    max_findings: usize,
    every: u64,
    mut progress: impl FnMut(&Stats),
) -> Stats {
    let mut stats = Stats::default();
    for seed in seeds {
        let g = gen::generate(seed, oracle.flavor);
        let tenant = (seed % TENANTS.len() as u64) as usize;
        let verdict = oracle.judge(&g.sql, g.write, tenant);
        stats.total += 1;
        if g.near_miss {
            stats.near_miss.0 += 1;
        }
        if !matches!(verdict, Verdict::Rejected | Verdict::Crash(_)) {
            stats.accepted += 1;
            stats.accepted_writes += u64::from(g.write);
            if g.near_miss {
                stats.near_miss.1 += 1;
            }
        }
        match verdict {
            Verdict::Rejected => {}
            Verdict::Agree => stats.agree += 1,
            Verdict::BothFail(_) => stats.both_fail += 1,
            Verdict::UniqueOracle => stats.unique_oracle += 1,
            Verdict::SilentSkip => stats.silent_skip += 1,
            Verdict::Leak(message) => {
                // Keep the same kind of statement and of difference while shrinking: a write cut
                // down to a SELECT must not count (SQLite reports a stale row count for reads).
                let kind = |m: &str| m.split(':').next().unwrap_or_default().to_string();
                let want = kind(&message);
                let minimized = shrink::shrink(&g.sql, 2000, |s| {
                    is_write(s) == g.write
                        && matches!(oracle.judge(s, g.write, tenant), Verdict::Leak(m) if kind(&m) == want)
                });
                stats.leaks.push(Finding {
                    seed,
                    sql: g.sql,
                    minimized,
                    message,
                });
            }
            Verdict::Crash(message) => {
                stats.crashes.push(Finding {
                    seed,
                    minimized: g.sql.clone(),
                    sql: g.sql,
                    message,
                });
            }
        }
        stats.rewrite_failures = oracle.rewrite_failures;
        if every > 0 && stats.total % every == 0 {
            progress(&stats);
        }
        if stats.leaks.len() + stats.crashes.len() >= max_findings {
            break;
        }
    }
    stats
}

/// Writes a leak as a regression case for the analyzer (scopes-core/tests/regressions/leaks/).
pub fn record_leak(dir: &Path, flavor: Flavor, f: &Finding) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let dialect = match flavor {
        Flavor::Sqlite => "sqlite",
        Flavor::Postgres => "postgres",
    };
    let path = dir.join(format!("{dialect}-seed-{}.sql", f.seed));
    let one_line = |s: &str| s.replace('\n', " ");
    let text = format!(
        "-- dialect: {dialect}\n-- status: open\n-- found by: scopes-difftest, seed {} ({})\n-- why: {}\n-- generated: {}\n{};\n",
        f.seed,
        match f.seed % 3 {
            0 => "site 1, user 1",
            1 => "site 2, user 2",
            _ => "site 3, user 1",
        },
        one_line(&f.message),
        one_line(&f.sql),
        f.minimized
    );
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Where leaks are recorded: the analyzer's regression inputs.
pub fn leaks_dir() -> PathBuf {
    repo_root().join("scopes-core/tests/regressions/leaks")
}

/// Seeds whose leak is recorded with `-- status: open` (awaiting an analyzer fix or a decision):
/// the seeded tests report them without failing, so recording a finding does not break CI.
pub fn known_open(flavor: Flavor) -> std::collections::BTreeSet<u64> {
    let prefix = match flavor {
        Flavor::Sqlite => "sqlite-seed-",
        Flavor::Postgres => "postgres-seed-",
    };
    let Ok(dir) = std::fs::read_dir(leaks_dir()) else {
        return Default::default();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let seed = name
                .strip_prefix(prefix)?
                .strip_suffix(".sql")?
                .parse()
                .ok()?;
            let text = std::fs::read_to_string(e.path()).ok()?;
            text.lines()
                .any(|l| l.trim() == "-- status: open")
                .then_some(seed)
        })
        .collect()
}

/// Prints every finding of a seeded run; returns how many are not recorded as known open.
pub fn print_findings(flavor: Flavor, stats: &Stats) -> usize {
    let known = known_open(flavor);
    let mut unexpected = 0;
    for f in stats.leaks.iter().chain(&stats.crashes) {
        let tag = if known.contains(&f.seed) {
            "known open finding"
        } else {
            unexpected += 1;
            "FINDING"
        };
        println!(
            "\n{tag} seed {}: {}\n  generated: {}\n  minimized: {}",
            f.seed, f.message, f.sql, f.minimized
        );
    }
    unexpected
}

/// Whether a statement writes (INSERT, UPDATE, DELETE, REPLACE anywhere as a word).
fn is_write(sql: &str) -> bool {
    sql.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| {
            ["INSERT", "UPDATE", "DELETE", "REPLACE"].contains(&w.to_ascii_uppercase().as_str())
        })
}
