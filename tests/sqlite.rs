//! django-scopes' scenarios ported to SQL, on embedded SQLite: every tenant sees only its rows.

mod common;

use sqlx::FromRow;
use sqlx_scopes::{scoped_query_as, scoped_query_scalar, Error, Scope, ScopeError};

#[derive(Debug, FromRow, PartialEq)]
struct Post {
    id: i64,
    title: String,
}

async fn titles(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<String>, Error> {
    let posts = scoped_query_as!(Post, scope,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.title <> 'deleted' ORDER BY p.id")
    .fetch_all(pool)
    .await?;
    Ok(posts.into_iter().map(|p| p.title).collect())
}

#[tokio::test]
async fn unscoped_table_needs_no_scope_ok() {
    let pool = common::sqlite().await;
    let names: Vec<String> = scoped_query_scalar!(unscoped, "SELECT name FROM sites ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(names, ["site1", "site2"]);
}

#[tokio::test]
async fn missing_dimension_err() {
    let pool = common::sqlite().await;
    let scope = Scope::one("user", 1);
    let err = titles(&pool, &scope).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "a scope on dimension \"site\" needs to be active for this query"
    );
    assert!(matches!(err, Error::Scope(ScopeError::Missing { .. })));
}

#[tokio::test]
async fn each_tenant_sees_its_rows_ok() {
    let pool = common::sqlite().await;
    assert_eq!(titles(&pool, &Scope::one("site", 1)).await.unwrap(), ["p1"]);
    assert_eq!(titles(&pool, &Scope::one("site", 2)).await.unwrap(), ["p2"]);
}

#[tokio::test]
async fn sql_of_one_value_is_handwritten_ok() {
    let scope = Scope::one("site", 1);
    let q = scoped_query_as!(
        Post,
        scope,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id = ?",
        1_i64
    );
    assert_eq!(
        q.sql().unwrap(),
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = ?2 AND p.id = ?1"
    );
}
