//! Generated code, excluded by scopes.toml: never checked.
pub async fn generated(pool: &Pool) {
    sqlx::query("DELETE FROM posts").execute(pool).await;
}
