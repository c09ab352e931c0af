//! Checking cost against the bare sqlparser parse of the same statements, in the same process.
//! Targets: check <= 1.5x parse, and >= 20,000 typical 300-character statements per second on
//! one core.
//!
//! Run: `cargo bench -p scopes-core --bench check` (pin it to one core with
//! `taskset -c 1 ...` for the per-core figure).
//!
//! Not criterion: criterion measures one function to completion before the next, so on a
//! shared machine a noisy minute lands on one side of the ratio. Here parse and check alternate
//! in short rounds, and the best and median round of each are reported: the best round is the
//! cost without interference, the median shows how much there was.
//!
//! The allocator is mimalloc, as in the `scopes` binary; the proc macros run inside rustc,
//! which brings its own fast allocator.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use scopes_core::{check, Config, Markers};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

/// Realistic statements of a multi-tenant blog, about 300 characters each.
const STATEMENTS: &[&str] = &[
    "SELECT p.id, p.title, p.slug, p.published, u.name AS author FROM posts p LEFT JOIN users u ON u.id = p.author_id WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND p.site_id = :site AND p.published = true AND p.title LIKE $1 ORDER BY p.id DESC LIMIT 20 OFFSET $2",
    "SELECT c.id, c.body, u.name FROM comments c JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND p.site_id = :site AND p.id = $1 AND c.body IS NOT NULL ORDER BY c.id ASC LIMIT 100",
    "SELECT p.id, p.title, (SELECT count(*) FROM comments c WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND c.post_id = p.id) AS comment_count FROM posts p WHERE p.site_id = :site AND p.published = true ORDER BY comment_count DESC, p.id LIMIT 10",
    "UPDATE posts SET title = $1, body = $2, published = $3 WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND id = $4 AND site_id = :site AND NOT EXISTS (SELECT 1 FROM posts q WHERE q.site_id = :site AND q.slug = $5 AND q.id <> $4)",
    "INSERT INTO comments (post_id, author_id, body) SELECT p.id, $2, $3 FROM posts p WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND p.id = $1 AND p.site_id = :site AND p.published = true AND length($3) > 0 RETURNING id, post_id, body",
    "DELETE FROM comments WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND id = $1 AND post_id IN (SELECT id FROM posts WHERE site_id = :site AND published = true) AND author_id = $2 AND body NOT LIKE '%pinned%' AND id > 0",
    "WITH recent AS (SELECT id, title, site_id FROM posts WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND site_id = :site ORDER BY id DESC LIMIT 50) SELECT r.id, r.title, count(c.id) AS n FROM recent r LEFT JOIN comments c ON c.post_id = r.id GROUP BY r.id, r.title ORDER BY n DESC",
    "SELECT t.name, count(*) AS uses FROM post_tags pt JOIN tags t ON t.id = pt.tag_id JOIN posts p ON p.id = pt.post_id WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND p.site_id = :site AND p.published = true GROUP BY t.name HAVING count(*) > $1 ORDER BY uses DESC LIMIT 25",
    "SELECT b.id, p.title FROM bookmarks b JOIN posts p ON p.id = b.post_id WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND p.site_id = :site AND b.user_id = :user AND p.published = true AND p.title <> '' ORDER BY b.id DESC LIMIT 50 OFFSET $1",
    "INSERT INTO posts (site_id, author_id, title, slug, body, published) VALUES (:site, $1, $2, $3, $4, false) ON CONFLICT (site_id, slug) DO UPDATE SET title = excluded.title, body = excluded.body RETURNING id",
    "SELECT n.id, n.body FROM notes n WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND n.site_id = :site AND n.author_id = :user AND n.body LIKE $1 UNION ALL SELECT c.id, c.body FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site) AND c.author_id = :user",
    "SELECT p.id, p.title FROM posts p WHERE ($9 IS NULL OR $9 = 'editor-view') AND ($10 IS NULL OR $10 <> 'archived') AND p.site_id = :site AND p.id IN (SELECT pt.post_id FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = $1) AND p.published = true ORDER BY p.id LIMIT 30",
];

/// Rounds of each measurement; each round runs every statement `REPEAT` times.
const ROUNDS: usize = 60;
const REPEAT: usize = 50;

fn config() -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Config::load(&root.join("scopes.toml")).expect("scopes.toml loads")
}

fn round(mut f: impl FnMut(&str)) -> Duration {
    let start = Instant::now();
    for _ in 0..REPEAT {
        for s in STATEMENTS {
            f(s);
        }
    }
    start.elapsed()
}

/// Best and median of the rounds, per statement.
fn summary(mut rounds: Vec<Duration>) -> (f64, f64) {
    rounds.sort();
    let per = |d: Duration| d.as_secs_f64() / (REPEAT * STATEMENTS.len()) as f64;
    (per(rounds[0]), per(rounds[rounds.len() / 2]))
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let config = config();
    let mut lengths = 0;
    for s in STATEMENTS {
        assert!(
            check(s, &config, &Markers::None).is_scoped(),
            "benchmark statement not scoped: {s}"
        );
        lengths += s.len();
    }
    let rounds = if quick { 1 } else { ROUNDS };
    let (mut parse, mut checked) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        parse.push(round(|s| {
            black_box(Parser::parse_sql(&SQLiteDialect {}, s).expect("parses"));
        }));
        checked.push(round(|s| {
            black_box(check(s, &config, &Markers::None));
        }));
    }
    let (parse_best, parse_median) = summary(parse);
    let (check_best, check_median) = summary(checked);
    println!(
        "{} statements, {} characters on average, {rounds} alternating rounds of {REPEAT} passes",
        STATEMENTS.len(),
        lengths / STATEMENTS.len()
    );
    println!("                       best round               median round");
    for (name, best, median) in [
        ("sqlparser parse", parse_best, parse_median),
        ("scopes check", check_best, check_median),
    ] {
        println!(
            "{name:<20} {:>7.1} us {:>8.0}/s    {:>7.1} us {:>8.0}/s",
            best * 1e6,
            1.0 / best,
            median * 1e6,
            1.0 / median
        );
    }
    let ratio = check_best / parse_best;
    println!(
        "check / parse: {ratio:.3} (best), {:.3} (median); target <= 1.5",
        check_median / parse_median
    );
    println!(
        "check throughput: {:.0} statements/s (best); target >= 20000 on one core",
        1.0 / check_best
    );
}
