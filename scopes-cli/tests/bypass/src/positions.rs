//! Findings inside literals with escapes and raw strings land where the table is written.
pub async fn positions(pool: &Pool) {
    sqlx::query("SELECT \"title\"\n FROM posts").fetch_all(pool).await; //~ unscoped-raw-sql@42
    sqlx::query(r#"SELECT "x" FROM
        comments"#).fetch_all(pool).await; //~ unscoped-raw-sql@9
}
