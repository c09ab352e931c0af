//! The SQLite scenarios with typed tokens (`Scope<Site>`, `Scope<(Site, User)>`): the same rows
//! as with dynamic tokens, and the SQL bound is the same.

mod common;

use sqlx::{FromRow, SqlitePool};
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Error, Scope};

sqlx_scopes::dimensions!();

#[derive(Debug, FromRow, PartialEq)]
struct Post {
    id: i64,
    title: String,
}

async fn titles(pool: &SqlitePool, scope: &Scope<Site>) -> Result<Vec<String>, Error> {
    let posts = scoped_query_as!(
        Post,
        scope,
        "SELECT p.id, p.title FROM posts p
         WHERE p.site_id = :site AND p.title <> 'deleted'
         ORDER BY p.id"
    )
    .fetch_all(pool)
    .await?;
    Ok(posts.into_iter().map(|p| p.title).collect())
}

async fn comments(pool: &SqlitePool, scope: &Scope<Site>) -> Result<Vec<String>, Error> {
    scoped_query_scalar!(scope,
        "SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.site_id = :site ORDER BY c.id")
    .fetch_all(pool)
    .await
}

async fn bookmarks(pool: &SqlitePool, scope: &Scope<(Site, User)>) -> Result<Vec<i64>, Error> {
    scoped_query_scalar!(
        scope,
        "SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id
         WHERE p.site_id = :site AND b.user_id = :user ORDER BY b.id"
    )
    .fetch_all(pool)
    .await
}

/// A function that stays dynamic: typed tokens pass as they are (`Deref`).
async fn dynamic_titles(pool: &SqlitePool, scope: &Scope) -> Result<Vec<String>, Error> {
    scoped_query_scalar!(
        scope,
        "SELECT p.title FROM posts p WHERE p.site_id = :site AND p.title <> 'deleted' ORDER BY p.id"
    )
    .fetch_all(pool)
    .await
}

#[tokio::test]
async fn each_tenant_sees_its_rows_typed_ok() {
    let pool = common::sqlite().await;
    assert_eq!(titles(&pool, &Site::one(1)).await.unwrap(), ["p1"]);
    assert_eq!(titles(&pool, &Site::one(2)).await.unwrap(), ["p2"]);
    assert_eq!(dynamic_titles(&pool, &Site::one(2)).await.unwrap(), ["p2"]);
    // The dynamic token gives the same rows through the dynamic function.
    assert_eq!(
        dynamic_titles(&pool, &Scope::one("site", 1)).await.unwrap(),
        titles(&pool, &Site::one(1)).await.unwrap()
    );
}

#[tokio::test]
async fn foreign_key_path_and_modes_typed_ok() {
    let pool = common::sqlite().await;
    assert_eq!(comments(&pool, &Site::one(1)).await.unwrap(), ["c1"]);
    assert_eq!(
        comments(&pool, &Site::many([1, 2])).await.unwrap(),
        ["c1", "c2"]
    );
    assert!(comments(&pool, &Site::many([])).await.unwrap().is_empty());
    assert_eq!(
        comments(&pool, &Site::all("support console"))
            .await
            .unwrap(),
        ["c1", "c2"]
    );
}

#[tokio::test]
async fn nested_override_typed_ok() {
    let pool = common::sqlite().await;
    let outer = Site::one(1);
    let inner = outer.set::<Site, _>(2);
    assert_eq!(comments(&pool, &inner).await.unwrap(), ["c2"]);
    assert_eq!(
        comments(&pool, &outer).await.unwrap(),
        ["c1"],
        "the outer token is unchanged"
    );
}

#[tokio::test]
async fn two_dimensions_typed_ok() {
    let pool = common::sqlite().await;
    let site1 = Site::one(1);
    assert_eq!(bookmarks(&pool, &site1.with::<User>(1)).await.unwrap(), [1]);
    assert_eq!(bookmarks(&pool, &site1.with::<User>(2)).await.unwrap(), [2]);
    assert_eq!(
        bookmarks(&pool, &site1.with::<User>(1).set::<Site, _>(2))
            .await
            .unwrap(),
        [3]
    );
    assert_eq!(
        bookmarks(&pool, &site1.with_all::<User>("moderation"))
            .await
            .unwrap(),
        [1, 2]
    );
    assert_eq!(
        bookmarks(&pool, &Site::many([1, 2]).with::<User>(1))
            .await
            .unwrap(),
        [1, 3]
    );
    // A larger token serves a statement that needs fewer dimensions.
    assert_eq!(
        titles_of(&pool, &site1.with::<User>(1)).await.unwrap(),
        ["p1"]
    );
}

async fn titles_of(pool: &SqlitePool, scope: &Scope<(Site, User)>) -> Result<Vec<String>, Error> {
    scoped_query_scalar!(
        scope,
        "SELECT title FROM posts WHERE site_id = :site AND title <> 'deleted' ORDER BY id"
    )
    .fetch_all(pool)
    .await
}

#[tokio::test]
async fn writes_typed_ok() {
    let pool = common::sqlite().await;
    let site2 = Site::one(2);
    scoped_query!(
        site2,
        "INSERT INTO posts (site_id, title, slug) VALUES (:site, ?, ?)",
        "new",
        "new"
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(titles(&pool, &site2).await.unwrap(), ["p2", "new"]);
    let renamed = scoped_query!(
        Site::one(1),
        "UPDATE posts SET title = ? WHERE id = ? AND site_id = :site",
        "stolen",
        2_i64
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        renamed.rows_affected(),
        0,
        "site 1 cannot rename site 2's post"
    );
    // Several values cannot fill a column: the same run-time error as a dynamic token.
    let err = scoped_query!(
        Site::many([1, 2]),
        "INSERT INTO posts (site_id, title, slug) VALUES (:site, ?, ?)",
        "x",
        "x"
    )
    .execute(&pool)
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this query needs a single value for dimension \"site\", but the scope holds several values"
    );
}

#[tokio::test]
async fn unscoped_dimension_typed_ok() {
    let pool = common::sqlite().await;
    // `unscoped(user)`: a site-only token is enough.
    let notes: Vec<String> = scoped_query_scalar!(
        unscoped(user),
        Site::one(1),
        "SELECT body FROM notes WHERE site_id = :site ORDER BY id"
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(notes, ["n11", "n12"]);
}

#[tokio::test]
async fn typed_sql_is_dynamic_sql_ok() {
    let typed = Site::one(1);
    let dynamic = Scope::one("site", 1);
    let sql = "SELECT p.id, p.title FROM posts p WHERE p.site_id = ?2 AND p.id = ?1";
    let q = scoped_query_as!(
        Post,
        typed,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id = ?",
        1_i64
    );
    assert_eq!(q.sql().unwrap(), sql);
    let q = scoped_query_as!(
        Post,
        dynamic,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id = ?",
        1_i64
    );
    assert_eq!(q.sql().unwrap(), sql);
}

#[tokio::test]
async fn from_dynamic_ok_and_err() {
    let pool = common::sqlite().await;
    let typed = Scope::<Site>::from_dynamic(Scope::one("site", 2)).unwrap();
    assert_eq!(titles(&pool, &typed).await.unwrap(), ["p2"]);
    let err = Scope::<(Site, User)>::from_dynamic(Scope::one("site", 2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a scope on dimension \"user\" needs to be active for this query"
    );
    let err = Scope::<Site>::from_dynamic(Scope::one("site", "one.example")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the scope value of dimension \"site\" is a string, but scopes.toml declares i64"
    );
    let back: Scope = typed.into();
    assert_eq!(dynamic_titles(&pool, &back).await.unwrap(), ["p2"]);
}
