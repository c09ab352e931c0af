//! django-scopes' scenarios on PostgreSQL (127.0.0.1:5432, user postgres, db test; override with
//! SCOPES_TEST_POSTGRES_URL). Each test runs in a fresh schema. When the server is unreachable
//! the suite fails under any non-empty CI, and otherwise says it did not run.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, FromRow, PgPool};
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Error, Scope, ScopeError};

const SEED: &str = "
INSERT INTO sites (id, name, domain) VALUES (1, 'site1', 'one.example'), (2, 'site2', 'two.example');
INSERT INTO users (id, name) VALUES (1, 'u1'), (2, 'u2');
INSERT INTO posts (id, site_id, author_id, title, slug, published) VALUES
    (1, 1, 1, 'p1', 'p1', TRUE), (2, 2, 1, 'p2', 'p2', TRUE), (3, 1, 2, 'deleted', 'deleted', FALSE);
INSERT INTO comments (id, post_id, author_id, body) VALUES (1, 1, 2, 'c1'), (2, 2, 2, 'c2');
INSERT INTO bookmarks (id, post_id, user_id) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1);
INSERT INTO notes (id, site_id, author_id, body) VALUES (1, 1, 1, 'n11'), (2, 1, 2, 'n12'), (3, 2, 1, 'n21');
SELECT setval('posts_id_seq', 10);
";

/// A pool on a fresh, migrated and seeded schema, or `None` (with a notice) when the server is
/// unreachable outside CI.
async fn pool() -> Option<PgPool> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let url = std::env::var("SCOPES_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let base: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
    let admin = match PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect_with(base.clone())
        .await
    {
        Ok(p) => p,
        Err(e) if std::env::var("CI").is_ok_and(|v| !v.is_empty()) => {
            panic!("CI is set and PostgreSQL at {url} is unreachable: {e}")
        }
        Err(e) => {
            // Written past the test harness's capture, once, so it shows in a passing run.
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\nNOTICE: the PostgreSQL suite did NOT run: {url} is unreachable ({e}); set CI=true to make this fail\n"
                );
            });
            return None;
        }
    };
    let schema = format!(
        "scopes_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    )))
    .execute(&admin)
    .await
    .expect("create schema");
    let options = base
        .options([("search_path", schema.as_str())])
        .disable_statement_logging();
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .expect("connect");
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .expect("migrate");
    sqlx::raw_sql(SEED).execute(&pool).await.expect("seed");
    Some(pool)
}

#[derive(Debug, FromRow, PartialEq)]
struct Post {
    id: i64,
    title: String,
}

async fn titles(pool: &PgPool, scope: &Scope) -> Result<Vec<String>, Error> {
    let posts = scoped_query_as!(Post, scope,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.title <> 'deleted' ORDER BY p.id")
    .fetch_all(pool)
    .await?;
    Ok(posts.into_iter().map(|p| p.title).collect())
}

async fn comments(pool: &PgPool, scope: &Scope) -> Result<Vec<String>, Error> {
    scoped_query_scalar!(scope,
        "SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = :site ORDER BY c.id")
    .fetch_all(pool)
    .await
}

async fn bookmarks(pool: &PgPool, scope: &Scope) -> Result<Vec<i64>, Error> {
    scoped_query_scalar!(
        scope,
        "SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id
         WHERE p.site_id = :site AND b.user_id = :user ORDER BY b.id"
    )
    .fetch_all(pool)
    .await
}

fn missing(err: Error) -> Vec<String> {
    match err {
        Error::Scope(ScopeError::Missing { dimensions }) => dimensions,
        other => panic!("expected a missing-scope error, got {other:?}"),
    }
}

#[tokio::test]
async fn select_get_count_per_tenant_ok() {
    let Some(pool) = pool().await else { return };
    assert_eq!(titles(&pool, &Scope::one("site", 1)).await.unwrap(), ["p1"]);
    assert_eq!(titles(&pool, &Scope::one("site", 2)).await.unwrap(), ["p2"]);
    let site1 = Scope::one("site", 1);
    let get = |id: i64| {
        scoped_query_as!(
            Post,
            site1,
            "SELECT id, title FROM posts WHERE id = $1 AND site_id = :site",
            id
        )
    };
    assert!(get(1).fetch_optional(&pool).await.unwrap().is_some());
    assert!(get(2).fetch_optional(&pool).await.unwrap().is_none());
    let n: i64 = scoped_query_scalar!(site1, "SELECT COUNT(*) FROM posts WHERE site_id = :site")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        missing(titles(&pool, &Scope::one("user", 1)).await.unwrap_err()),
        ["site"]
    );
}

#[tokio::test]
async fn update_delete_insert_stay_in_scope_ok() {
    let Some(pool) = pool().await else { return };
    let site1 = Scope::one("site", 1);
    let r = scoped_query!(
        site1,
        "UPDATE posts SET title = $1 WHERE id = $2 AND site_id = :site",
        "stolen",
        2_i64
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(r.rows_affected(), 0);
    let r = scoped_query!(site1, "DELETE FROM posts WHERE site_id = :site")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(r.rows_affected(), 2);
    scoped_query!(
        Scope::one("site", 2),
        "INSERT INTO posts (site_id, title, slug) VALUES (:site, $1, $2)",
        "new",
        "new"
    )
    .execute(&pool)
    .await
    .unwrap();
    let left: Vec<String> = scoped_query_scalar!(unscoped, "SELECT title FROM posts ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, ["p2", "new"]);
}

#[tokio::test]
async fn fk_path_nested_many_empty_all_ok() {
    let Some(pool) = pool().await else { return };
    let outer = Scope::one("site", 1);
    assert_eq!(comments(&pool, &outer).await.unwrap(), ["c1"]);
    assert_eq!(
        comments(&pool, &outer.with("site", 2)).await.unwrap(),
        ["c2"]
    );
    assert_eq!(comments(&pool, &outer).await.unwrap(), ["c1"]);
    let many = Scope::many("site", [1, 2]);
    assert_eq!(comments(&pool, &many).await.unwrap(), ["c1", "c2"]);
    let q = scoped_query_scalar!(
        many,
        "SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = :site"
    );
    assert!(
        q.sql().unwrap().ends_with("WHERE p.site_id = ANY($1)"),
        "{:?}",
        q.sql().ok()
    );
    let both: Vec<String> = q.fetch_all(&pool).await.unwrap();
    assert_eq!(both.len(), 2);
    assert!(comments(&pool, &Scope::many::<i64>("site", []))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        comments(&pool, &Scope::all("site", "test")).await.unwrap(),
        ["c1", "c2"]
    );
}

#[tokio::test]
async fn two_dimensions_ok() {
    let Some(pool) = pool().await else { return };
    assert_eq!(
        missing(bookmarks(&pool, &Scope::one("org", 1)).await.unwrap_err()),
        ["site", "user"]
    );
    assert_eq!(
        missing(bookmarks(&pool, &Scope::one("site", 1)).await.unwrap_err()),
        ["user"]
    );
    let site1 = Scope::one("site", 1);
    assert_eq!(bookmarks(&pool, &site1.with("user", 1)).await.unwrap(), [1]);
    assert_eq!(
        bookmarks(&pool, &site1.with("user", 1).with("site", 2))
            .await
            .unwrap(),
        [3]
    );
    assert_eq!(bookmarks(&pool, &site1.with("user", 2)).await.unwrap(), [2]);
    assert_eq!(
        bookmarks(&pool, &Scope::many("site", [1, 2]).with_many("user", [1]))
            .await
            .unwrap(),
        [1, 3]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tasks_never_mix_ok() {
    let Some(pool) = pool().await else { return };
    let mut tasks = Vec::new();
    for i in 0..64_i64 {
        let pool = pool.clone();
        let site = 1 + i % 2;
        let scope = Scope::one("site", site);
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                let sites: Vec<i64> =
                    scoped_query_scalar!(scope, "SELECT site_id FROM posts WHERE site_id = :site")
                        .fetch_all(&pool)
                        .await
                        .unwrap();
                assert!(
                    !sites.is_empty() && sites.iter().all(|s| *s == site),
                    "task {i} saw {sites:?}"
                );
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}
