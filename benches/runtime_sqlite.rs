//! Run-time cost of a scoped query against the identical hand-written sqlx query, on SQLite in
//! memory: one value (`p.site_id = ?1`) and several values (`json_each`), and a typed token
//! (`Scope<Site>`) against the dynamic one in the same process. `scripts/bench-runtime.sh`
//! runs this and the PostgreSQL bench and prints the ratios.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/interleave.rs"]
mod interleave;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::FromRow;
use sqlx_scopes::{scoped_query_as, Scope};

sqlx_scopes::dimensions!();

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
    let pool = rt.block_on(async {
        let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.expect("sqlite");
        sqlx::migrate!("./migrations").run(&pool).await.expect("migrate");
        sqlx::raw_sql(
            "INSERT INTO sites (id, name, domain) VALUES (1, 'a', 'a'), (2, 'b', 'b');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
             INSERT INTO posts (site_id, title, slug) SELECT 1 + i % 2, 'post ' || i, 'p' || i FROM n;",
        )
        .execute(&pool)
        .await
        .expect("seed");
        pool
    });
    let one = Scope::one("site", 1);
    let many = Scope::many("site", [1, 2]);
    let typed_one: Scope<Site> = Site::one(1);
    let typed_many: Scope<Site> = Site::many([1, 2]);

    interleave::compare(
        "sqlite one",
        &rt,
        || {
            sqlx::query_as::<_, Post>(
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = ?1 AND p.id < 20",
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
        "sqlite many",
        &rt,
        || {
            sqlx::query_as::<_, Post>("SELECT p.id, p.title FROM posts p WHERE p.site_id IN (SELECT value FROM json_each(?1)) AND p.id < 20").bind("[1,2]").fetch_all(&pool)
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

    // Typed against dynamic: the same expansion binds the same values; only the compile-time
    // check differs. ("hand-written" below is the dynamic token, "scoped" the typed one.)
    interleave::compare(
        "sqlite one, dynamic vs typed token",
        &rt,
        || {
            scoped_query_as!(
                Post,
                one,
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
            )
            .fetch_all(&pool)
        },
        || {
            scoped_query_as!(
                Post,
                typed_one,
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
            )
            .fetch_all(&pool)
        },
    );
    interleave::compare(
        "sqlite many, dynamic vs typed token",
        &rt,
        || {
            scoped_query_as!(
                Post,
                many,
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
            )
            .fetch_all(&pool)
        },
        || {
            scoped_query_as!(
                Post,
                typed_many,
                "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id < 20"
            )
            .fetch_all(&pool)
        },
    );

    let mut g = c.benchmark_group("sqlite");
    g.bench_function("one/handwritten", |b| {
        b.iter(|| {
            rt.block_on(
                sqlx::query_as::<_, Post>(
                    "SELECT p.id, p.title FROM posts p WHERE p.site_id = ?1 AND p.id < 20",
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
    g.bench_function("one/typed", |b| {
        b.iter(|| {
            rt.block_on(
                scoped_query_as!(
                    Post,
                    typed_one,
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
                    "SELECT p.id, p.title FROM posts p WHERE p.site_id IN (SELECT value FROM json_each(?1)) AND p.id < 20",
                )
                .bind("[1,2]")
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
