//! django-scopes' scenarios ported to SQL, on embedded SQLite with two tenants: each tenant
//! sees and changes only its own rows, and a missing scope is an error, never "everything".

mod common;

use sqlx::{FromRow, SqlitePool};
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Error, Scope, ScopeError};

#[derive(Debug, FromRow, PartialEq)]
struct Post {
    id: i64,
    title: String,
}

async fn titles(pool: &SqlitePool, scope: &Scope) -> Result<Vec<String>, Error> {
    let posts = scoped_query_as!(
        Post,
        scope,
        "SELECT p.id, p.title FROM posts p
         WHERE p.site_id = :site AND p.title <> 'deleted' -- a custom 'manager' filter composes
         ORDER BY p.id"
    )
    .fetch_all(pool)
    .await?;
    Ok(posts.into_iter().map(|p| p.title).collect())
}

async fn comments(pool: &SqlitePool, scope: &Scope) -> Result<Vec<String>, Error> {
    scoped_query_scalar!(scope,
        "SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = :site ORDER BY c.id")
    .fetch_all(pool)
    .await
}

async fn bookmarks(pool: &SqlitePool, scope: &Scope) -> Result<Vec<i64>, Error> {
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
async fn unscoped_table_needs_no_scope_ok() {
    let pool = common::sqlite().await;
    let names: Vec<String> = scoped_query_scalar!(unscoped, "SELECT name FROM sites ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(names, ["site1", "site2"]);
}

#[tokio::test]
async fn require_scope_err() {
    let pool = common::sqlite().await;
    let scope = Scope::one("user", 1);
    let err = titles(&pool, &scope).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "a scope on dimension \"site\" needs to be active for this query"
    );
    let count = scoped_query_scalar!(scope, "SELECT COUNT(*) FROM posts WHERE site_id = :site")
        .fetch_one(&pool)
        .await;
    let count: Result<i64, _> = count;
    assert_eq!(missing(count.unwrap_err()), ["site"]);
}

#[tokio::test]
async fn scope_bound_when_built_ok() {
    let pool = common::sqlite().await;
    let q = {
        let scope = Scope::one("site", 1);
        scoped_query_as!(
            Post,
            scope,
            "SELECT id, title FROM posts WHERE site_id = :site AND id = 1"
        )
    };
    // The token is gone; the query keeps its values.
    assert_eq!(
        q.fetch_all(&pool).await.unwrap(),
        [Post {
            id: 1,
            title: "p1".into()
        }]
    );
}

#[tokio::test]
async fn each_tenant_sees_its_rows_ok() {
    let pool = common::sqlite().await;
    assert_eq!(titles(&pool, &Scope::one("site", 1)).await.unwrap(), ["p1"]);
    assert_eq!(titles(&pool, &Scope::one("site", 2)).await.unwrap(), ["p2"]);
}

#[tokio::test]
async fn get_by_id_ok() {
    let pool = common::sqlite().await;
    let site1 = Scope::one("site", 1);
    let get = |id: i64| {
        scoped_query_as!(
            Post,
            site1,
            "SELECT id, title FROM posts WHERE id = ? AND site_id = :site",
            id
        )
    };
    assert_eq!(
        get(1).fetch_optional(&pool).await.unwrap().map(|p| p.title),
        Some("p1".into())
    );
    assert_eq!(get(2).fetch_optional(&pool).await.unwrap(), None);
    assert!(matches!(
        get(2).fetch_one(&pool).await,
        Err(Error::Database(sqlx::Error::RowNotFound))
    ));
}

#[tokio::test]
async fn count_and_distinct_keep_filter_ok() {
    let pool = common::sqlite().await;
    for (site, expected) in [(1_i64, 2_i64), (2, 1)] {
        let scope = Scope::one("site", site);
        let n: i64 =
            scoped_query_scalar!(scope, "SELECT COUNT(*) FROM posts WHERE site_id = :site")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(n, expected);
        let distinct: Vec<i64> = scoped_query_scalar!(
            scope,
            "SELECT DISTINCT 3 AS c FROM posts p WHERE p.site_id = :site"
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(distinct, [3]);
    }
}

#[tokio::test]
async fn update_and_delete_stay_in_scope_ok() {
    let pool = common::sqlite().await;
    let site1 = Scope::one("site", 1);
    let renamed = scoped_query!(
        site1,
        "UPDATE posts SET title = ? WHERE id = ? AND site_id = :site",
        "stolen",
        2_i64
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        renamed.rows_affected(),
        0,
        "site 1 cannot rename site 2's post"
    );
    let deleted = scoped_query!(site1, "DELETE FROM posts WHERE site_id = :site")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 2);
    let left: Vec<String> = scoped_query_scalar!(unscoped, "SELECT title FROM posts ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, ["p2"]);
}

#[tokio::test]
async fn insert_takes_the_scope_value_ok() {
    let pool = common::sqlite().await;
    let site2 = Scope::one("site", 2);
    scoped_query!(
        site2,
        "INSERT INTO posts (site_id, title, slug) VALUES (:site, ?, ?)",
        "new",
        "new"
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(titles(&pool, &site2).await.unwrap(), ["p2", "new"]);
    // Inserting needs one tenant: several values or "all" cannot fill a column.
    let both = Scope::many("site", [1, 2]);
    let err = scoped_query!(
        both,
        "INSERT INTO posts (site_id, title, slug) VALUES (:site, ?, ?)",
        "x",
        "x"
    )
    .execute(&pool)
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this query needs a single value for dimension \"site\", but the scope holds several values"
    );
}

#[tokio::test]
async fn foreign_key_path_ok() {
    let pool = common::sqlite().await;
    assert_eq!(
        comments(&pool, &Scope::one("site", 1)).await.unwrap(),
        ["c1"]
    );
    assert_eq!(
        comments(&pool, &Scope::one("site", 2)).await.unwrap(),
        ["c2"]
    );
}

#[tokio::test]
async fn nested_override_and_restore_ok() {
    let pool = common::sqlite().await;
    let outer = Scope::one("site", 1);
    let inner = outer.with("site", 2);
    assert_eq!(comments(&pool, &inner).await.unwrap(), ["c2"]);
    assert_eq!(
        comments(&pool, &outer).await.unwrap(),
        ["c1"],
        "the outer token is unchanged"
    );
}

#[tokio::test]
async fn several_values_and_empty_set_ok() {
    let pool = common::sqlite().await;
    assert_eq!(
        comments(&pool, &Scope::many("site", [1])).await.unwrap(),
        ["c1"]
    );
    assert_eq!(
        comments(&pool, &Scope::many("site", [1, 2])).await.unwrap(),
        ["c1", "c2"]
    );
    assert!(comments(&pool, &Scope::many::<i64>("site", []))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn explicit_all_and_unscoped_ok() {
    let pool = common::sqlite().await;
    let admin = Scope::one("site", 1).with_all("site", "support console");
    assert_eq!(comments(&pool, &admin).await.unwrap(), ["c1", "c2"]);
    let all: Vec<String> = scoped_query_scalar!(unscoped, "SELECT body FROM comments ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(all, ["c1", "c2"]);
}

#[tokio::test]
async fn two_dimensions_ok() {
    let pool = common::sqlite().await;
    let none = Scope::one("org", 9);
    assert_eq!(
        missing(bookmarks(&pool, &none).await.unwrap_err()),
        ["site", "user"]
    );
    assert_eq!(
        missing(bookmarks(&pool, &Scope::one("site", 1)).await.unwrap_err()),
        ["user"]
    );
    assert_eq!(
        missing(bookmarks(&pool, &Scope::one("user", 1)).await.unwrap_err()),
        ["site"]
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
        bookmarks(&pool, &site1.with_all("user", "moderation"))
            .await
            .unwrap(),
        [1, 2]
    );
    assert_eq!(
        bookmarks(&pool, &Scope::many("site", [1, 2]).with("user", 1))
            .await
            .unwrap(),
        [1, 3]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tasks_never_mix_ok() {
    let pool = common::sqlite().await;
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
                tokio::task::yield_now().await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn sql_of_one_value_is_handwritten_ok() {
    let scope = Scope::one("site", 1);
    let q = scoped_query_as!(
        Post,
        scope,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id = ?",
        1_i64
    );
    assert_eq!(
        q.sql().unwrap(),
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = ?2 AND p.id = ?1"
    );
}

#[tokio::test]
async fn works_in_transactions_ok() {
    let pool = common::sqlite().await;
    let scope = Scope::one("site", 1);
    let mut tx = pool.begin().await.unwrap();
    scoped_query!(
        scope,
        "DELETE FROM comments WHERE post_id IN (SELECT id FROM posts WHERE site_id = :site)"
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let inside: Vec<String> =
        scoped_query_scalar!(unscoped, "SELECT body FROM comments ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    assert_eq!(inside, ["c2"], "only site 1's comment is gone");
    tx.rollback().await.unwrap();
    assert_eq!(
        comments(&pool, &Scope::many("site", [1, 2])).await.unwrap(),
        ["c1", "c2"]
    );
}

/// Collects `tracing` events as text, for the audit test.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn all_is_audited_ok() {
    let pool = common::sqlite().await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    comments(&pool, &Scope::one("site", 1)).await.unwrap();
    assert!(
        captured.0.lock().unwrap().is_empty(),
        "one value is not audited"
    );
    comments(&pool, &Scope::all("site", "support ticket 42"))
        .await
        .unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("sqlx_scopes::audit"), "{log}");
    assert!(
        log.contains("support ticket 42") && log.contains("dimension=\"site\""),
        "{log}"
    );
}

#[tokio::test]
async fn file_variant_ok() {
    let pool = common::sqlite().await;
    let posts = sqlx_scopes::scoped_query_file_as!(
        Post,
        Scope::one("site", 1),
        "tests/queries/site_posts.sql"
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(posts.iter().map(|p| p.id).collect::<Vec<_>>(), [3, 1]);
}

#[tokio::test]
async fn wrong_value_type_err() {
    let pool = common::sqlite().await;
    // scopes.toml declares `site = "i64"`; `scope!(site = "x")` would not compile.
    let err = titles(&pool, &Scope::one("site", "one.example"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the scope value of dimension \"site\" is a string, but scopes.toml declares i64"
    );
}

/// More caller arguments than the compact expansion's bind bytes can name (64): the macro
/// spells every variant out instead, with the same results.
async fn titles_in_65(pool: &SqlitePool, scope: &Scope) -> Result<Vec<String>, Error> {
    scoped_query_scalar!(
        scope,
        "SELECT p.title FROM posts p WHERE p.site_id = :site AND p.id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY p.id",
        1_i64, 2_i64, 3_i64, 4_i64, 5_i64, 6_i64, 7_i64, 8_i64, 9_i64, 10_i64, 11_i64, 12_i64, 13_i64,
            14_i64, 15_i64, 16_i64, 17_i64, 18_i64, 19_i64, 20_i64, 21_i64, 22_i64, 23_i64, 24_i64, 25_i64, 26_i64,
            27_i64, 28_i64, 29_i64, 30_i64, 31_i64, 32_i64, 33_i64, 34_i64, 35_i64, 36_i64, 37_i64, 38_i64, 39_i64,
            40_i64, 41_i64, 42_i64, 43_i64, 44_i64, 45_i64, 46_i64, 47_i64, 48_i64, 49_i64, 50_i64, 51_i64, 52_i64,
            53_i64, 54_i64, 55_i64, 56_i64, 57_i64, 58_i64, 59_i64, 60_i64, 61_i64, 62_i64, 63_i64, 64_i64, 65_i64
    )
    .fetch_all(pool)
    .await
}

#[tokio::test]
async fn many_arguments_ok() {
    let pool = common::sqlite().await;
    assert_eq!(
        titles_in_65(&pool, &Scope::one("site", 1)).await.unwrap(),
        ["p1", "deleted"]
    );
    assert_eq!(
        titles_in_65(&pool, &Scope::one("site", 2)).await.unwrap(),
        ["p2"]
    );
    let both = Scope::many("site", [1, 2]);
    assert_eq!(
        titles_in_65(&pool, &both).await.unwrap(),
        ["p1", "p2", "deleted"]
    );
    assert_eq!(
        titles_in_65(&pool, &Scope::many("site", Vec::<i64>::new()))
            .await
            .unwrap(),
        Vec::<String>::new()
    );
    let err = titles_in_65(&pool, &Scope::one("user", 1))
        .await
        .unwrap_err();
    assert_eq!(missing(err), ["site"]);
}
