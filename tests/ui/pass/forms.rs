//! Every valid form of the macros compiles without a database.
use sqlx_scopes::{scope, scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn all_forms(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<(), sqlx_scopes::Error> {
    let _: Vec<Post> =
        scoped_query_as!(Post, scope, "SELECT id, title FROM posts WHERE site_id = :site AND id > ?", 0_i64)
            .fetch_all(pool)
            .await?;
    let _: Option<i64> = scoped_query_scalar!(scope, "SELECT COUNT(*) FROM posts WHERE site_id = :site")
        .fetch_optional(pool)
        .await?;
    scoped_query!(scope, "DELETE FROM notes WHERE site_id = :site AND author_id = :user")
        .execute(&mut *pool.acquire().await?)
        .await?;
    // Global tables need no placeholder; a scope may still be passed.
    let _: Vec<String> = scoped_query_scalar!(scope, "SELECT name FROM tags").fetch_all(pool).await?;
    let _: Vec<String> = scoped_query_scalar!(unscoped, "SELECT title FROM posts").fetch_all(pool).await?;
    let _: Vec<i64> = scoped_query_scalar!(unscoped(user), scope, "SELECT id FROM notes WHERE site_id = :site")
        .fetch_all(pool)
        .await?;
    Ok(())
}

pub fn scopes(ids: Vec<i64>) -> [Scope; 3] {
    [scope!(site = 1_i64, user = 2_i64), scope!(site in ids), scope!(site = all("nightly report"))]
}

fn main() {}
