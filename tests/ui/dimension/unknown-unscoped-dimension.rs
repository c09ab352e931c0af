#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn notes(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<i64>, sqlx_scopes::Error> {
    scoped_query_scalar!(unscoped(tenant), scope, "SELECT id FROM notes WHERE site_id = :site")
        .fetch_all(pool)
        .await
}

fn main() {}
