//! Executor calls on text that is not a literal, and scope placeholders nothing binds.
use sqlx::{AssertSqlSafe, Executor};

pub async fn dynamic(pool: &Pool, path: &str, id: i64) {
    let sql = std::fs::read_to_string(path).unwrap();
    pool.execute(AssertSqlSafe(sql)).await; //~ dynamic-sql
    let text = std::fs::read_to_string(path)?;
    pool.execute(text.as_str()).await; //~ dynamic-sql
    sqlx::query_as::<_, (i64,)>("SELECT id FROM posts WHERE site_id = :site").bind(id); //~ unbound-placeholder
}
