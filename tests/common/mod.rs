//! Shared fixtures: django-scopes' two-tenant data set, on a fresh SQLite database.
#![allow(dead_code)]

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

/// Two sites, one post and one comment each, a "deleted" post in site 1, bookmarks
/// (post1, u1), (post1, u2), (post2, u1), a comment group in site 1, notes per site and user.
pub const SEED: &str = "
INSERT INTO sites (id, name, domain) VALUES (1, 'site1', 'one.example'), (2, 'site2', 'two.example');
INSERT INTO users (id, name) VALUES (1, 'u1'), (2, 'u2');
INSERT INTO posts (id, site_id, author_id, title, slug, published) VALUES
    (1, 1, 1, 'p1', 'p1', TRUE), (2, 2, 1, 'p2', 'p2', TRUE), (3, 1, 2, 'deleted', 'deleted', FALSE);
INSERT INTO comments (id, post_id, author_id, body) VALUES (1, 1, 2, 'c1'), (2, 2, 2, 'c2');
INSERT INTO bookmarks (id, post_id, user_id) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1);
INSERT INTO comment_groups (id, site_id, name) VALUES (1, 1, 'g1');
INSERT INTO comment_group_members (group_id, comment_id) VALUES (1, 1);
INSERT INTO notes (id, site_id, author_id, body) VALUES (1, 1, 1, 'n11'), (2, 1, 2, 'n12'), (3, 2, 1, 'n21');
";

/// A fresh migrated and seeded SQLite database in a temporary file (so a pool can hold
/// several connections), removed when the process exits is not needed: names are unique.
pub async fn sqlite() -> SqlitePool {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "sqlx-scopes-test-{}-{}.db",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_file(&path);
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .expect("open sqlite");
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .expect("migrate");
    sqlx::raw_sql(SEED).execute(&pool).await.expect("seed");
    pool
}
