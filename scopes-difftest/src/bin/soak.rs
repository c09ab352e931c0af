//! Soak run: `soak --count N --dialect sqlite|postgres [--start SEED] [--url URL] [--leaks DIR]`.

use std::time::Instant;

use scopes_difftest::gen::Flavor;
use scopes_difftest::oracle::Oracle;
use scopes_difftest::runner;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let count: u64 = arg("--count")
        .and_then(|c| c.parse().ok())
        .unwrap_or(100_000);
    let start: u64 = arg("--start")
        .and_then(|c| c.parse().ok())
        .unwrap_or(1_000_000_000);
    let flavor = match arg("--dialect").as_deref() {
        Some("postgres") => Flavor::Postgres,
        Some("sqlite") | None => Flavor::Sqlite,
        Some(other) => {
            eprintln!("unknown dialect {other}: use sqlite or postgres");
            std::process::exit(2);
        }
    };
    let url = arg("--url").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into());
    let leaks_dir = arg("--leaks")
        .map(Into::into)
        .unwrap_or_else(runner::leaks_dir);
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
