#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn comment(pool: &sqlx::SqlitePool, scope: &Scope, post_id: i64) -> Result<(), sqlx_scopes::Error> {
    // `post_id` may belong to another site: the parent is not proven in scope.
    scoped_query!(scope, "INSERT INTO comments (post_id, body) VALUES (?, ?)", post_id, "hi")
        .execute(pool)
        .await?;
    Ok(())
}

fn main() {}
