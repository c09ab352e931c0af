//! A user-only token given to a statement that filters on `site`.
sqlx_scopes::dimensions!();
use sqlx_scopes::{scoped_query_scalar, Scope};

pub async fn titles(pool: &sqlx::SqlitePool, scope: Scope<User>) -> Result<Vec<String>, sqlx_scopes::Error> {
    scoped_query_scalar!(scope, "SELECT title FROM posts WHERE site_id = :site")
        .fetch_all(pool)
        .await
}

fn main() {}
