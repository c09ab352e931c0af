#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn tag(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<(), sqlx_scopes::Error> {
    scoped_query!(scope,
        "INSERT INTO sites (id, name, domain) VALUES (:site, ?, ?) ON CONFLICT (domain) DO UPDATE SET name = excluded.name",
        "x", "x.example")
        .execute(pool)
        .await?;
    Ok(())
}

fn main() {}
