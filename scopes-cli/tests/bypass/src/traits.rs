//! Fully qualified trait calls.
use sqlx::Executor;

pub async fn qualified(pool: &Pool, tx: &mut Tx, sql: String) {
    sqlx::Executor::execute(&mut *tx, "DELETE FROM posts").await; //~ unscoped-raw-sql
    Executor::fetch_optional(pool, "SELECT * FROM comments").await; //~ unscoped-raw-sql
    <&Pool as Executor>::fetch_all(pool, sql.as_str()).await; //~ dynamic-sql
    // Not a finding: the query argument is a builder, checked where it is built.
    Executor::execute(pool, sqlx::query("SELECT 1")).await;
}
