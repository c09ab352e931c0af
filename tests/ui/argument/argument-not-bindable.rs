#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

/// Not a type sqlx can bind: reported as sqlx's own `Encode` / `Type` errors, with the
/// argument marked.
pub struct PostFilter;

pub async fn posts(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<Post>, sqlx_scopes::Error> {
    scoped_query_as!(Post, scope, "SELECT id, title FROM posts WHERE site_id = :site AND id = ?", PostFilter)
        .fetch_all(pool)
        .await
}

fn main() {}
