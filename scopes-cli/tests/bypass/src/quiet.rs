//! Safe code: no finding in this file.
use sqlx::Executor;

pub struct JobRunner;

pub async fn setup(pool: &Pool, runner: &JobRunner, tx: &mut Tx) {
    sqlx::query("CREATE TABLE posts_archive (id INTEGER)").execute(pool).await;
    sqlx::query("CREATE TEMPORARY TABLE scratch (id INTEGER)").execute(pool).await;
    sqlx::query("DROP TABLE scratch").execute(pool).await;
    sqlx::query("PRAGMA foreign_keys = ON").execute(pool).await;
    pool.execute("BEGIN").await;
    pool.execute("COMMIT").await;
    tx.execute("SET search_path TO app").await;
    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool).await;
    sqlx::query("TRUNCATE scratch").execute(pool).await;
    runner.execute("nightly-job").await;
    other_crate::query!("SELECT * FROM posts");
    query("SELECT * FROM posts");
    let cache = Cache::new();
    cache.fetch_all("posts").await;
}

fn query(_: &str) {}
