//! Run-time cost of a scoped query against the identical hand-written sqlx query, on PostgreSQL
//! (127.0.0.1:5432, or SCOPES_TEST_POSTGRES_URL): one value (`= $1`) and several (`= ANY($1)`).
//! Built in the tests/postgres package, whose scopes.toml says `dialect = "postgres"`.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/interleave.rs"]
mod interleave;
use sqlx::postgres::PgPoolOptions;
use sqlx::FromRow;
use sqlx_scopes::{scoped_query_as, Scope};

#[derive(FromRow)]
#[allow(dead_code)]
struct Post {
    id: i64,
    title: String,
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = std::env::var("SCOPES_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let Ok(pool) = rt.block_on(async {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql("SET search_path = scopes_bench").execute(conn).await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::raw_sql(
            "DROP SCHEMA IF EXISTS scopes_bench CASCADE; CREATE SCHEMA scopes_bench;
             CREATE TABLE scopes_bench.posts (id BIGINT PRIMARY KEY, site_id BIGINT NOT NULL, title TEXT NOT NULL);
             CREATE INDEX ON scopes_bench.posts (site_id);
             INSERT INTO scopes_bench.posts SELECT i, 1 + i % 2, 'post ' || i FROM generate_series(1, 200) i;
             ANALYZE scopes_bench.posts;",
        )
        .execute(&pool)
        .await?;
        Ok::<_, sqlx::Error>(pool)
    }) else {
        eprintln!("NOTICE: PostgreSQL unreachable at {url}: the PostgreSQL benchmark did not run");
        return;
    };
    let one = Scope::one("site", 1);
    let many = Scope::many("site", [1, 2]);

    interleave::compare(
        "postgres one",
        &rt,
        || {
            sqlx::query_as::<_, Post>(
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = $1 AND p.id < 20",
            )
            .bind(1_i64)
            .fetch_all(&pool)
        },
        || {
            scoped_query_as!(
                Post,
                one,
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
            )
            .fetch_all(&pool)
        },
    );
    interleave::compare(
        "postgres many",
        &rt,
        || {
            sqlx::query_as::<_, Post>(
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = ANY($1) AND p.id < 20",
            )
            .bind(vec![1_i64, 2])
            .fetch_all(&pool)
        },
        || {
            scoped_query_as!(
                Post,
                many,
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
            )
            .fetch_all(&pool)
        },
    );

    let mut g = c.benchmark_group("postgres");
    g.bench_function("one/handwritten", |b| {
        b.iter(|| {
            rt.block_on(
                sqlx::query_as::<_, Post>(
                    "SELECT p.id, p.title FROM posts p WHERE p.site_id = $1 AND p.id < 20",
                )
                .bind(1_i64)
                .fetch_all(&pool),
            )
            .expect("query")
        })
    });
    g.bench_function("one/scoped", |b| {
        b.iter(|| {
            rt.block_on(
                scoped_query_as!(
                    Post,
                    one,
                    "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
                )
                .fetch_all(&pool),
            )
            .expect("query")
        })
    });
    g.bench_function("many/handwritten", |b| {
        b.iter(|| {
            rt.block_on(
                sqlx::query_as::<_, Post>(
                    "SELECT p.id, p.title FROM posts p WHERE p.site_id = ANY($1) AND p.id < 20",
                )
                .bind(vec![1_i64, 2])
                .fetch_all(&pool),
            )
            .expect("query")
        })
    });
    g.bench_function("many/scoped", |b| {
        b.iter(|| {
            rt.block_on(
                scoped_query_as!(
                    Post,
                    many,
                    "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
                )
                .fetch_all(&pool),
            )
            .expect("query")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
