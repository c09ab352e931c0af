#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn posts(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<Post>, sqlx_scopes::Error> {
    scoped_query_as!(Post, scope,
        "SELECT p.id, p.title FROM posts p LEFT JOIN sites s ON s.id = p.site_id AND s.id = :site")
        .fetch_all(pool)
        .await
}

fn main() {}
