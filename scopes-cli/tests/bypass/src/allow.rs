//! Allow comments count only as real comments, never as text in a string literal.
pub async fn allow(pool: &Pool) {
    sqlx::query("SELECT id FROM posts -- // scopes: allow(not a comment)").fetch_all(pool).await; //~ unscoped-raw-sql
    let _ = "// scopes: allow(also not a comment)";
    sqlx::query("DELETE FROM notes").execute(pool).await; //~ unscoped-raw-sql
    // scopes: allow(nightly purge of every tenant, reviewed)
    sqlx::query("DELETE FROM comments").execute(pool).await;
}
