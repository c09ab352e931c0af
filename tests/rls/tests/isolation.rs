//! The second line on a direct pool: after the generated migration, raw SQL as the application's
//! role (no superuser, no BYPASSRLS, owns nothing) sees and writes only the bound scope.

use scopes_tests_rls::{seeded, SCOPED};
use sqlx::{Executor, PgPool, Row};
use sqlx_scopes::{scoped_query_as, scoped_query_scalar, Scope};

/// The rows of `table` as JSON text, sorted: through `executor` with no filter at all.
async fn raw_rows<'c, E: Executor<'c, Database = sqlx::Postgres>>(
    executor: E,
    table: &str,
) -> Vec<String> {
    let sql = format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY 1");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_all(executor)
        .await
        .expect("raw select")
}

/// The rows the explicit filter selects, read as the superuser (no policy applies).
async fn filtered_rows(
    admin: &PgPool,
    table: &str,
    filter: &str,
    site: i64,
    user: i64,
) -> Vec<String> {
    let sql = format!("SELECT row_to_json(t)::text FROM {table} t WHERE {filter} ORDER BY 1");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(site)
        .bind(user)
        .fetch_all(admin)
        .await
        .expect("filtered select")
}

fn sqlstate(err: &sqlx::Error) -> String {
    err.as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.to_string())
        .unwrap_or_else(|| format!("not a database error: {err}"))
}

#[tokio::test]
async fn raw_select_every_table_sees_only_the_bound_scope_ok() {
    let Some((env, app)) = seeded(2).await else {
        return;
    };
    let admin = env.admin().await;
    for site in 1..=3i64 {
        for user in 1..=2i64 {
            let scope = Scope::one("site", site).with("user", user);
            let mut tx = scope.begin(&app).await.unwrap();
            for (table, filter) in SCOPED {
                let seen = raw_rows(&mut *tx, table).await;
                let expected = filtered_rows(&admin, table, filter, site, user).await;
                assert_eq!(seen, expected, "{table}, site {site}, user {user}");
            }
            tx.commit().await.unwrap();
        }
    }
    // The data set is not trivially empty: site 1 / user 1 sees rows of every table.
    let mut tx = Scope::one("site", 1)
        .with("user", 1)
        .begin(&app)
        .await
        .unwrap();
    for (table, _) in SCOPED {
        assert!(!raw_rows(&mut *tx, table).await.is_empty(), "{table}");
    }
    // Two dimensions combine with AND: notes of site 1 by user 1 only (not user 2's, not site 2's).
    let notes: Vec<i64> = sqlx::query_scalar("SELECT id FROM notes ORDER BY id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(notes, [1]);
}

#[tokio::test]
async fn no_scope_sees_nothing_ok() {
    let Some((_env, app)) = seeded(1).await else {
        return;
    };
    // Autocommit, a bare transaction, and a transaction after a scoped one on the same
    // connection (the pool has one): every table is empty.
    for (table, _) in SCOPED {
        assert_eq!(raw_rows(&app, table).await, Vec::<String>::new(), "{table}");
    }
    let scope = Scope::one("site", 1).with("user", 1);
    let mut tx = scope.begin(&app).await.unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert!(!raw_rows(&mut *tx, "posts").await.is_empty());
    tx.commit().await.unwrap();
    let mut tx = app.begin().await.unwrap();
    let same: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(same, pid, "the pool has one connection");
    // The setting reads as '' after a transaction-local set: the policies treat it as unset.
    let left: Option<String> =
        sqlx::query_scalar("SELECT current_setting('sqlx_scopes.site', true)")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(left.as_deref(), Some(""));
    for (table, _) in SCOPED {
        assert_eq!(
            raw_rows(&mut *tx, table).await,
            Vec::<String>::new(),
            "{table}"
        );
    }
}

#[tokio::test]
async fn writes_to_another_tenant_fail_or_affect_nothing_ok() {
    let Some((env, app)) = seeded(1).await else {
        return;
    };
    let admin = env.admin().await;
    let before: Vec<String> = raw_rows(&admin, "posts").await;
    let scope = Scope::one("site", 1).with("user", 1);
    let mut tx = scope.begin(&app).await.unwrap();
    for sql in [
        "UPDATE posts SET title = 'x' WHERE id = 2",
        "DELETE FROM posts WHERE id = 4",
        "DELETE FROM notes WHERE id = 3",
        "UPDATE notes SET body = 'x' WHERE id = 2",
        "DELETE FROM bookmarks WHERE post_id = 2",
        "UPDATE comments SET body = 'x'  WHERE site_id = 2",
    ] {
        let done = sqlx::query(sql).execute(&mut *tx).await.unwrap();
        assert_eq!(done.rows_affected(), 0, "{sql}");
    }
    // Own rows can be written.
    let done = sqlx::query("UPDATE posts SET title = 'mine' WHERE id = 1")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
    tx.rollback().await.unwrap();
    // Rows that would land in another tenant are refused (each in its own transaction).
    for sql in [
        "INSERT INTO posts (site_id, title, slug) VALUES (2, 't', 'new')",
        "UPDATE posts SET site_id = 2 WHERE id = 1",
        "INSERT INTO notes (site_id, author_id, body) VALUES (1, 2, 'other user')",
        "INSERT INTO bookmarks (post_id, user_id) VALUES (2, 1)",
        "INSERT INTO post_tags (post_id, tag_id) VALUES (4, 1)",
    ] {
        let mut tx = scope.begin(&app).await.unwrap();
        let err = sqlx::query(sql).execute(&mut *tx).await.unwrap_err();
        assert_eq!(sqlstate(&err), "42501", "{sql}: {err}");
    }
    assert_eq!(raw_rows(&admin, "posts").await, before);
}

#[tokio::test]
async fn several_values_all_and_empty_set_ok() {
    let Some((_env, app)) = seeded(1).await else {
        return;
    };
    let sites = |scope: Scope| {
        let app = app.clone();
        async move {
            let mut tx = scope.begin(&app).await.unwrap();
            let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT site_id FROM posts ORDER BY 1")
                .fetch_all(&mut *tx)
                .await
                .unwrap();
            let tags: i64 = sqlx::query_scalar("SELECT count(*) FROM post_tags")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            (ids, tags)
        }
    };
    assert_eq!(sites(Scope::many("site", [1, 3])).await, (vec![1, 3], 2));
    assert_eq!(sites(Scope::many::<i64>("site", [])).await, (vec![], 0));
    assert_eq!(
        sites(Scope::all("site", "billing report")).await,
        (vec![1, 2, 3], 3)
    );
    // "All" on one dimension leaves the other bound: notes of user 2 in every site.
    let mut tx = Scope::all("site", "support")
        .with("user", 2)
        .begin(&app)
        .await
        .unwrap();
    let notes: Vec<i64> = sqlx::query_scalar("SELECT id FROM notes ORDER BY id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(notes, [2]);
}

#[derive(Debug, sqlx::FromRow, PartialEq)]
struct Post {
    id: i64,
    title: String,
}

#[tokio::test]
async fn scoped_macros_and_raw_sqlx_share_the_transaction_ok() {
    let Some((_env, app)) = seeded(1).await else {
        return;
    };
    let scope = Scope::one("site", 1);
    let mut tx = scope.begin(&app).await.unwrap();
    let posts = scoped_query_as!(
        Post,
        scope,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site ORDER BY p.id"
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(posts.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 3]);
    let raw: Vec<i64> = sqlx::query_scalar("SELECT id FROM posts ORDER BY id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(raw, [1, 3]);
    // A macro whose scope names another tenant than the transaction's finds nothing: both
    // lines must agree for a row to be seen.
    let other = Scope::one("site", 2);
    let n: i64 = scoped_query_scalar!(
        other,
        "SELECT count(*) FROM posts p WHERE p.site_id = :site"
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(n, 0);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn foreign_key_injection_blocked_ok() {
    let Some((env, app)) = seeded(1).await else {
        return;
    };
    let scope = Scope::one("site", 1).with("user", 1);
    // A comment of site 1 pointing at site 2's post: the composite key refuses it, though the
    // post is invisible (foreign-key checks bypass RLS; the key carries the scope).
    let mut tx = scope.begin(&app).await.unwrap();
    let err = sqlx::query("INSERT INTO comments (site_id, post_id, body) VALUES (1, 2, 'x')")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err), "23503", "{err}");
    tx.rollback().await.unwrap();
    // A bookmark (scoped through posts) on site 2's post: its policy checks the parent.
    let mut tx = scope.begin(&app).await.unwrap();
    let err = sqlx::query("INSERT INTO bookmarks (post_id, user_id) VALUES (2, 1)")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err), "42501", "{err}");
    tx.rollback().await.unwrap();
    // Without the composite key (a single-column reference), the same insert goes through:
    // RLS alone cannot stop it. The audit reports this key (tests/audit.rs).
    let owner = env.owner_pool().await;
    sqlx::raw_sql(
        "ALTER TABLE comments DROP CONSTRAINT comments_site_id_post_id_fkey;
         ALTER TABLE comments ADD FOREIGN KEY (post_id) REFERENCES posts (id);",
    )
    .execute(&owner)
    .await
    .unwrap();
    let mut tx = scope.begin(&app).await.unwrap();
    let done = sqlx::query("INSERT INTO comments (site_id, post_id, body) VALUES (1, 2, 'x')")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        done.rows_affected(),
        1,
        "the injection the composite key prevents"
    );
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn killed_connection_leaves_no_setting_ok() {
    let Some((env, app)) = seeded(1).await else {
        return;
    };
    let admin = env.admin().await;
    let mut tx = Scope::one("site", 2)
        .with("user", 1)
        .begin(&app)
        .await
        .unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .fetch_one(&admin)
        .await
        .unwrap();
    assert!(killed);
    assert!(sqlx::query("SELECT 1").execute(&mut *tx).await.is_err());
    drop(tx);
    // The pool replaces the dead connection; the new one starts with nothing bound.
    for _ in 0..3 {
        let mut conn = app.acquire().await.unwrap();
        let row = sqlx::query(
            "SELECT pg_backend_pid(), current_setting('sqlx_scopes.site', true), (SELECT count(*) FROM posts)",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        let (now, setting, posts): (i32, Option<String>, i64) =
            (row.get(0), row.get(1), row.get(2));
        assert_ne!(now, pid);
        assert_eq!(setting.unwrap_or_default(), "");
        assert_eq!(posts, 0);
    }
}

#[tokio::test]
async fn bind_into_an_open_transaction_ok() {
    let Some((_env, app)) = seeded(1).await else {
        return;
    };
    let mut conn = app.acquire().await.unwrap();
    let mut tx = Scope::one("site", 3).begin_on(&mut conn).await.unwrap();
    let sites: Vec<i64> = sqlx::query_scalar("SELECT site_id FROM posts")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(sites, [3]);
    // Rebinding inside the transaction replaces the scope for the dimensions it holds.
    Scope::one("site", 2).bind(&mut tx).await.unwrap();
    let sites: Vec<i64> = sqlx::query_scalar("SELECT site_id FROM posts")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(sites, [2]);
    tx.rollback().await.unwrap();
}
