//! The cost of the second line: the same scoped queries (the SQL the macros send for one
//! value) with the generated row-level security policies applied, and with them bypassed (the
//! compile-time-only path), on 2,000 tenants, 1M posts (a denormalized, indexed scope column)
//! and 2M comments (scoped through posts: the parent-`EXISTS` policy). Its own database,
//! generated server-side and dropped after. Not run by `cargo test`:
//!
//! `cargo run --release -p scopes-tests-rls --bin rls_bench [-- --rounds N --batch N]`

use std::time::{Duration, Instant};

use scopes_tests_rls::Env;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};
use sqlx_scopes::Scope;

const SITES: i64 = 2_000;
const POSTS: i64 = 1_000_000;
const COMMENTS: i64 = 2_000_000;

const SCHEMA: &str = "
CREATE TABLE sites (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id BIGINT PRIMARY KEY, site_id BIGINT NOT NULL REFERENCES sites (id),
    title TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (site_id, id));
CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id), body TEXT NOT NULL);
INSERT INTO sites SELECT g, 'site ' || g FROM generate_series(1, 2000) g;
INSERT INTO posts SELECT g, 1 + g % 2000, 'title ' || g, repeat('x', 200) FROM generate_series(1, 1000000) g;
INSERT INTO comments SELECT g, 1 + g % 1000000, 'comment ' || g FROM generate_series(1, 2000000) g;
CREATE INDEX comments_post_idx ON comments (post_id, id);
";

const CONFIG: &str = r#"
dialect = "postgres"
[dimensions]
site = "i64"
[tables]
sites    = { site = "id" }
posts    = { site = "site_id" }
comments = { site = "post_id -> posts.id" }
"#;

/// The queries: name, SQL (`$1` the site, `$2` an id of that site), which id `$2` takes.
const QUERIES: &[(&str, &str, Option<Id>)] = &[
    ("point, denormalized (posts)", "SELECT id, title FROM posts WHERE site_id = $1 AND id = $2", Some(Id::Post)),
    ("list of 50, denormalized (posts)", "SELECT id, title FROM posts WHERE site_id = $1 ORDER BY id DESC LIMIT 50", None),
    ("point, parent EXISTS (comments)", "SELECT c.id, c.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = $1 AND c.id = $2", Some(Id::Comment)),
    ("list of 50, parent EXISTS (comments)", "SELECT c.id, c.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = $1 ORDER BY c.id DESC LIMIT 50", None),
];

#[derive(Clone, Copy)]
enum Id {
    Post,
    Comment,
}

/// A post or comment id of `site` (posts: site = 1 + id % 2000; comments: post = 1 + id % 1M).
fn id_of(kind: Id, site: i64, k: i64) -> i64 {
    let post = (site - 1) + SITES * (1 + k % (POSTS / SITES - 1));
    match kind {
        Id::Post => post,
        Id::Comment => post - 1 + POSTS * (k % 2),
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rounds = arg("--rounds", 11);
    let batch = arg("--batch", 200);
    let Some(env) = Env::new().await else {
        eprintln!("PostgreSQL is unreachable: nothing measured");
        return;
    };
    let bypass = format!("{}_bypass", env.app);
    let started = Instant::now();
    let owner = env.owner_pool().await;
    sqlx::raw_sql(SCHEMA)
        .execute(&owner)
        .await
        .expect("generate the data set");
    let config = scopes_core::Config::parse(CONFIG, "scopes.toml".as_ref()).expect("config");
    let policies = scopes_core::rls::render(None, &config)
        .expect("policies")
        .expect("some");
    sqlx::raw_sql(sqlx::AssertSqlSafe(policies))
        .execute(&owner)
        .await
        .expect("apply the policies");
    env.grant(&owner).await;
    let admin = env.admin().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE ROLE {bypass} LOGIN NOSUPERUSER BYPASSRLS;
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO {bypass};"
    )))
    .execute(&admin)
    .await
    .expect("bypass role");
    println!("data set: {SITES} tenants, {POSTS} posts, {COMMENTS} comments, generated and indexed in {:.0?}", started.elapsed());
    let rls = env.app_pool(1).await;
    let plain = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(env.options(&bypass))
        .await
        .expect("connect the bypass role");

    println!("\nquery inside a bound transaction, {rounds} rounds of {batch} (interleaved); median per query, median of round ratios");
    println!("| query | compile-time only | with RLS | ratio |");
    println!("| --- | --- | --- | --- |");
    for (name, sql, kind) in QUERIES {
        let mut times = (Vec::new(), Vec::new());
        let mut ratios = Vec::new();
        for round in 0..rounds {
            let a = batch_time(&plain, sql, *kind, batch, round).await;
            let b = batch_time(&rls, sql, *kind, batch, round).await;
            ratios.push(b.as_secs_f64() / a.as_secs_f64());
            times.0.push(a / batch as u32);
            times.1.push(b / batch as u32);
        }
        println!(
            "| {name} | {:.1?} | {:.1?} | {:.3} (rounds {:.3}–{:.3}) |",
            median(&mut times.0),
            median(&mut times.1),
            median_f(&mut ratios.clone()),
            ratios.iter().cloned().fold(f64::INFINITY, f64::min),
            ratios.iter().cloned().fold(0.0, f64::max)
        );
    }

    println!(
        "\nper transaction: pool query (compile-time only) vs Scope::begin + query + commit (RLS)"
    );
    let (mut direct, mut bound) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let t = Instant::now();
        for k in 0..batch {
            let site = site_of(round, k);
            let _: Option<(i64, String)> = sqlx::query_as(QUERIES[0].1)
                .bind(site)
                .bind(id_of(Id::Post, site, k as i64))
                .fetch_optional(&plain)
                .await
                .expect("query");
        }
        direct.push(t.elapsed() / batch as u32);
        let t = Instant::now();
        for k in 0..batch {
            let site = site_of(round, k);
            let mut tx = Scope::one("site", site).begin(&rls).await.expect("begin");
            let _: Option<(i64, String)> = sqlx::query_as(QUERIES[0].1)
                .bind(site)
                .bind(id_of(Id::Post, site, k as i64))
                .fetch_optional(&mut *tx)
                .await
                .expect("query");
            tx.commit().await.expect("commit");
        }
        bound.push(t.elapsed() / batch as u32);
    }
    let (d, b) = (median(&mut direct), median(&mut bound));
    println!("point query: {d:.1?} on the pool, {b:.1?} as a bound transaction ({:.2}x: BEGIN, the set_config statement and COMMIT are three more round trips)", b.as_secs_f64() / d.as_secs_f64());

    println!("\ntenant-wide count with no filter of its own (RLS alone) vs the explicit filter, 3 runs each, best");
    for (name, table, filtered) in [
        (
            "posts (denormalized)",
            "posts",
            "SELECT count(*) FROM posts WHERE site_id = $1",
        ),
        (
            "comments (parent EXISTS)",
            "comments",
            "SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = $1",
        ),
    ] {
        let mut explicit = Duration::MAX;
        let mut policy = Duration::MAX;
        for run in 0..3 {
            let site = 1 + run * 7;
            let t = Instant::now();
            let n1: i64 = sqlx::query_scalar(filtered)
                .bind(site)
                .fetch_one(&plain)
                .await
                .expect("count");
            explicit = explicit.min(t.elapsed());
            let mut tx: Transaction<'_, Postgres> =
                Scope::one("site", site).begin(&rls).await.expect("begin");
            let t = Instant::now();
            let n2: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                    .fetch_one(&mut *tx)
                    .await
                    .expect("count");
            policy = policy.min(t.elapsed());
            assert_eq!(n1, n2, "RLS alone counts what the filter counts");
        }
        println!("{name}: explicit filter {explicit:.2?}, RLS alone {policy:.2?}");
    }

    rls.close().await;
    plain.close().await;
    owner.close().await;
    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP OWNED BY {bypass}")))
        .execute(&admin)
        .await;
    admin.close().await;
    drop(env);
    let server = PgPool::connect(&scopes_tests_rls::server_url())
        .await
        .expect("connect");
    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {bypass}")))
        .execute(&server)
        .await;
}

fn site_of(round: usize, k: usize) -> i64 {
    // A fixed pseudo-random walk over the tenants, the same for both modes.
    1 + ((round * 7919 + k * 104_729) as i64 % SITES)
}

/// `batch` executions of `sql` on one transaction bound to each query's tenant in turn.
async fn batch_time(
    pool: &PgPool,
    sql: &'static str,
    kind: Option<Id>,
    batch: usize,
    round: usize,
) -> Duration {
    let mut elapsed = Duration::ZERO;
    for k in 0..batch {
        let site = site_of(round, k);
        let mut tx = Scope::one("site", site).begin(pool).await.expect("begin");
        let t = Instant::now();
        let mut query = sqlx::query_as(sql).bind(site);
        if let Some(kind) = kind {
            query = query.bind(id_of(kind, site, k as i64));
        }
        let rows: Vec<(i64, String)> = query.fetch_all(&mut *tx).await.expect("query");
        elapsed += t.elapsed();
        assert!(!rows.is_empty(), "{sql} found nothing for site {site}");
        tx.commit().await.expect("commit");
    }
    elapsed
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn median_f(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
