//! Typed tokens: every form compiles, dynamic tokens keep working in the same places.
sqlx_scopes::dimensions!();
use std::sync::Arc;

use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub async fn posts(pool: &sqlx::SqlitePool, scope: &Scope<Site>) -> Result<Vec<Post>, sqlx_scopes::Error> {
    scoped_query_as!(Post, scope, "SELECT id, title FROM posts WHERE site_id = :site")
        .fetch_all(pool)
        .await
}

pub async fn notes(pool: &sqlx::SqlitePool, scope: &Scope<(Site, User)>) -> Result<(), sqlx_scopes::Error> {
    scoped_query!(scope, "DELETE FROM notes WHERE site_id = :site AND author_id = :user")
        .execute(pool)
        .await?;
    // `unscoped(user)`: the statement needs `site` only, and a larger token is fine.
    let _: Vec<i64> = scoped_query_scalar!(unscoped(user), scope, "SELECT id FROM notes WHERE site_id = :site")
        .fetch_all(pool)
        .await?;
    // Order in the tuple does not matter; neither do references or `Arc`.
    let swapped: Scope<(User, Site)> = User::one(1).with::<Site>(2);
    let _: Vec<i64> = scoped_query_scalar!(&swapped, "SELECT id FROM notes WHERE site_id = :site AND author_id = :user")
        .fetch_all(pool)
        .await?;
    let shared = Arc::new(Site::one(1));
    let _: Vec<i64> = scoped_query_scalar!(shared, "SELECT id FROM posts WHERE site_id = :site")
        .fetch_all(pool)
        .await?;
    Ok(())
}

pub async fn unscoped_user(pool: &sqlx::SqlitePool, scope: &Scope<Site>) -> Result<Vec<i64>, sqlx_scopes::Error> {
    scoped_query_scalar!(unscoped(user), scope, "SELECT id FROM notes WHERE site_id = :site")
        .fetch_all(pool)
        .await
}

pub async fn dynamic(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<Post>, sqlx_scopes::Error> {
    scoped_query_as!(Post, scope, "SELECT id, title FROM posts WHERE site_id = :site")
        .fetch_all(pool)
        .await
}

pub async fn both(pool: &sqlx::SqlitePool) -> Result<(), sqlx_scopes::Error> {
    let site = Site::one(1);
    posts(pool, &site).await?;
    // A typed token is a dynamic token (`Deref`, `From`).
    dynamic(pool, &site).await?;
    let plain: Scope = site.clone().into();
    dynamic(pool, &plain).await?;
    let typed: Scope<Site> = Scope::from_dynamic(Scope::one("site", 2))?;
    posts(pool, &typed).await?;
    notes(pool, &site.with::<User>(3)).await?;
    notes(pool, &Site::many([1, 2]).with_all::<User>("moderation")).await?;
    notes(pool, &site.with::<User>(3).set::<Site, _>(2)).await?;
    let _all: Scope<Site> = Site::all("report");
    Ok(())
}

fn main() {}
