//! A site-only token given to a statement that also filters on `user`.
sqlx_scopes::dimensions!();
use sqlx_scopes::{scoped_query_scalar, Scope};

pub async fn bookmarks(pool: &sqlx::SqlitePool, scope: &Scope<Site>) -> Result<Vec<i64>, sqlx_scopes::Error> {
    scoped_query_scalar!(
        scope,
        "SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id
         WHERE p.site_id = :site AND b.user_id = :user"
    )
    .fetch_all(pool)
    .await
}

fn main() {}
