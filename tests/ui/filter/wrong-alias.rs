#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn comments(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<i64>, sqlx_scopes::Error> {
    // The filter is on `p2`, but `c` is linked to `p`.
    scoped_query_scalar!(scope,
        "SELECT c.id FROM comments c JOIN posts p ON p.id = c.post_id, posts p2 WHERE p2.site_id = :site")
        .fetch_all(pool)
        .await
}

fn main() {}
