//! Soak run: `soak --count N --dialect sqlite|postgres [--start SEED] [--url URL] [--leaks DIR]`.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use scopes_difftest::gen::Flavor;
use scopes_difftest::oracle::Oracle;
use scopes_difftest::runner;

/// Generates statements, checks them, and executes every accepted one against a database
/// holding several tenants; exits 1 when an accepted statement touched another tenant's rows.
#[derive(Parser)]
struct Args {
    /// How many statements to generate.
    #[arg(long, default_value_t = 100_000)]
    count: u64,
    /// The first seed (each statement has its own seed, so any finding can be replayed).
    #[arg(long, default_value_t = 1_000_000_000)]
    start: u64,
    /// The database the statements are executed on.
    #[arg(long, value_enum, default_value_t = Dialect::Sqlite)]
    dialect: Dialect,
    /// PostgreSQL connection URL (for `--dialect postgres`).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    url: String,
    /// Where leaks are recorded as regression cases.
    #[arg(long)]
    leaks: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Dialect {
    Sqlite,
    Postgres,
}

fn main() {
    let args = Args::parse();
    let count = args.count;
    let start = args.start;
    let flavor = match args.dialect {
        Dialect::Sqlite => Flavor::Sqlite,
        Dialect::Postgres => Flavor::Postgres,
    };
    let url = args.url;
    let leaks_dir = args.leaks.unwrap_or_else(runner::leaks_dir);
    let config = runner::load_config(flavor).unwrap_or_else(|e| {
        eprintln!("config: {e}");
        std::process::exit(2);
    });
    let oracle = match flavor {
        Flavor::Sqlite => Oracle::sqlite(config),
        Flavor::Postgres => Oracle::postgres(&url, config),
    };
    let mut oracle = oracle.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let t0 = Instant::now();
    let report = |s: &runner::Stats| {
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "[{secs:>8.1}s] {:.0} statements/s; {}",
            s.total as f64 / secs.max(1e-9),
            s.summary()
        );
    };
    let stats = runner::run(
        &mut oracle,
        start..start + count,
        200,
        (count / 20).max(1),
        report,
    );
    report(&stats);
    for f in stats.leaks.iter().chain(&stats.crashes) {
        println!(
            "\nFINDING seed {}: {}\n  generated: {}\n  minimized: {}",
            f.seed, f.message, f.sql, f.minimized
        );
    }
    for e in &oracle.rewrite_examples {
        println!("\nrewrite failure (executed through the splice): {e}");
    }
    for f in &stats.leaks {
        match runner::record_leak(&leaks_dir, flavor, f) {
            Ok(p) => println!("recorded {}", p.display()),
            Err(e) => eprintln!("cannot record leak: {e}"),
        }
    }
    if !stats.leaks.is_empty() || !stats.crashes.is_empty() {
        std::process::exit(1);
    }
}
