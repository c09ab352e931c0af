//! Soak run: `soak --count N --dialect sqlite|postgres [--start SEED] [--url URL] [--leaks DIR]`.
//! `soak --show-generator-leaks N` instead prints up to N generated statements that leak when
//! run without the analyzer: a look at what the generator feeds the differential test.

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
    /// Print up to this many generated statements that leak when executed without the analyzer
    /// (SQLite), then exit: shows what the generator's unscoped statements look like.
    #[arg(long, value_name = "N")]
    show_generator_leaks: Option<usize>,
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
    if let Some(limit) = args.show_generator_leaks {
        show_generator_leaks(&mut oracle, flavor, start..start + count, limit);
        return;
    }
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

/// Executes generated statements without the analyzer and prints those that leak.
fn show_generator_leaks(
    oracle: &mut Oracle,
    flavor: Flavor,
    seeds: std::ops::Range<u64>,
    limit: usize,
) {
    use scopes_difftest::gen::generate;
    use scopes_difftest::oracle::Verdict;
    let mut shown = 0;
    for seed in seeds {
        let g = generate(seed, flavor);
        if g.near_miss {
            continue;
        }
        if let Verdict::Leak(m) = oracle.judge_unchecked(&g.sql, g.write, (seed % 3) as usize) {
            println!("{seed}: {}\n   {m}", g.sql);
            shown += 1;
            if shown >= limit {
                break;
            }
        }
    }
}
