#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn rename(pool: &sqlx::SqlitePool, scope: &Scope, id: i64) -> Result<(), sqlx_scopes::Error> {
    scoped_query!(scope, "UPDATE posts SET title = ? WHERE id = ?", "x", id)
        .execute(pool)
        .await?;
    Ok(())
}

fn main() {}
