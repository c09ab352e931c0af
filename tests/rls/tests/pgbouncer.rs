//! The second line behind PgBouncer in transaction-pooling mode: many clients share a few server
//! connections, and a scope bound with `Scope::begin` never reaches another transaction.

use std::time::Duration;

use scopes_tests_rls::{seeded, Bouncer, Env};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};
use sqlx_scopes::{scoped_query_as, scoped_query_scalar, Scope};

async fn bounced(env: &Env, bouncer: &Bouncer, size: u32) -> PgPool {
    let options: PgConnectOptions = bouncer.options(env);
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("connect through PgBouncer: {e}\n{}", bouncer.log()))
}

#[derive(Debug, sqlx::FromRow)]
struct Post {
    id: i64,
    site_id: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_tenants_through_transaction_pooling_ok() {
    let Some((env, direct)) = seeded(1).await else {
        return;
    };
    direct.close().await;
    // 4 server connections for 64 tasks on a 16-connection client pool: every server
    // connection serves many tenants' transactions in turn.
    let Some(bouncer) = Bouncer::start(&env, 4).await else {
        return;
    };
    let pool = bounced(&env, &bouncer, 16).await;
    let mut tasks = Vec::new();
    for task in 0..64i64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let site = task % 3 + 1;
            let scope = Scope::one("site", site).with("user", 1);
            let mut pids = Vec::new();
            for round in 0..5 {
                let mut tx = scope.begin(&pool).await.unwrap();
                let posts = scoped_query_as!(Post, scope,
                    "SELECT p.id, p.site_id FROM posts p WHERE p.site_id = :site ORDER BY p.id")
                    .fetch_all(&mut *tx)
                    .await
                    .unwrap();
                let expected: &[i64] = match site { 1 => &[1, 3], 2 => &[2], _ => &[4] };
                assert_eq!(posts.iter().map(|p| p.id).collect::<Vec<_>>(), expected);
                assert!(posts.iter().all(|p| p.site_id == site), "{posts:?}");
                let comments: i64 = scoped_query_scalar!(scope,
                    "SELECT count(*) FROM comments c WHERE c.site_id = :site")
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                assert_eq!(comments, 1);
                // Raw SQL, no filter: the policies keep it in the task's tenant.
                let row = sqlx::query(
                    "SELECT pg_backend_pid(),
                            ARRAY(SELECT DISTINCT site_id FROM posts ORDER BY 1),
                            ARRAY(SELECT DISTINCT site_id FROM comments ORDER BY 1),
                            ARRAY(SELECT DISTINCT p.site_id FROM bookmarks b JOIN posts p ON p.id = b.post_id ORDER BY 1),
                            ARRAY(SELECT DISTINCT site_id FROM notes ORDER BY 1)",
                )
                .fetch_one(&mut *tx)
                .await
                .unwrap();
                pids.push(row.get::<i32, _>(0));
                for column in 1..=4 {
                    let sites: Vec<i64> = row.get(column);
                    assert_eq!(sites, [site], "task {task}, round {round}, column {column}");
                }
                if round % 2 == 0 {
                    tx.commit().await.unwrap();
                } else {
                    tx.rollback().await.unwrap();
                }
                // A raw transaction right after, with no scope: nothing visible, nothing set.
                let mut raw = pool.begin().await.unwrap();
                let row = sqlx::query(
                    "SELECT coalesce(current_setting('sqlx_scopes.site', true), ''),
                            (SELECT count(*) FROM posts) + (SELECT count(*) FROM comments) + (SELECT count(*) FROM notes)",
                )
                .fetch_one(&mut *raw)
                .await
                .unwrap();
                assert_eq!(row.get::<String, _>(0), "");
                assert_eq!(row.get::<i64, _>(1), 0, "task {task}: a raw transaction saw rows");
                raw.commit().await.unwrap();
            }
            pids
        }));
    }
    let mut servers = std::collections::BTreeSet::new();
    for task in tasks {
        servers.extend(task.await.unwrap());
    }
    assert!(
        servers.len() <= 4,
        "PgBouncer's pool has 4 server connections: {servers:?}"
    );
}

#[tokio::test]
async fn raw_query_after_a_scoped_transaction_on_the_same_server_connection_ok() {
    let Some((env, direct)) = seeded(1).await else {
        return;
    };
    direct.close().await;
    // One server connection: every transaction, whichever client sends it, runs on it.
    let Some(bouncer) = Bouncer::start(&env, 1).await else {
        return;
    };
    let scoped = bounced(&env, &bouncer, 1).await;
    let raw = bounced(&env, &bouncer, 1).await;
    let mut tx = Scope::one("site", 1)
        .with("user", 1)
        .begin(&scoped)
        .await
        .unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM posts")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 2);
    tx.commit().await.unwrap();
    let mut other = raw.begin().await.unwrap();
    let row = sqlx::query("SELECT pg_backend_pid(), coalesce(current_setting('sqlx_scopes.site', true), ''), (SELECT count(*) FROM posts)")
        .fetch_one(&mut *other)
        .await
        .unwrap();
    assert_eq!(row.get::<i32, _>(0), pid, "the same server connection");
    assert_eq!(row.get::<String, _>(1), "");
    assert_eq!(row.get::<i64, _>(2), 0);
    other.commit().await.unwrap();
}

#[tokio::test]
async fn killed_server_connection_behind_pgbouncer_leaves_no_setting_ok() {
    let Some((env, direct)) = seeded(1).await else {
        return;
    };
    direct.close().await;
    let Some(bouncer) = Bouncer::start(&env, 1).await else {
        return;
    };
    let pool = bounced(&env, &bouncer, 1).await;
    let admin = env.admin().await;
    let mut tx = Scope::one("site", 2)
        .with("user", 1)
        .begin(&pool)
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
    pool.close().await;
    let pool = bounced(&env, &bouncer, 1).await;
    let mut tx = pool.begin().await.unwrap();
    let row = sqlx::query("SELECT pg_backend_pid(), coalesce(current_setting('sqlx_scopes.site', true), ''), (SELECT count(*) FROM posts)")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_ne!(row.get::<i32, _>(0), pid);
    assert_eq!(row.get::<String, _>(1), "");
    assert_eq!(row.get::<i64, _>(2), 0);
}
