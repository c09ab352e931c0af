//! django-scopes' scenarios on the blog keyed for scale-out, written once and run on one server
//! and on the sharded coordinator with the same queries. A query run with one scope value is
//! marked `db.one(..)` (it must touch one shard), an unpinned or several-value one
//! `db.fan_out(..)`; the marks change nothing in the query.

use std::future::Future;
use std::pin::Pin;

use sqlx::FromRow;
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Error, Scope, ScopeError};

use crate::proof::Db;

type Run = for<'a> fn(&'a Db) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Every scenario, by name (the name is also its database and session name).
pub const ALL: &[(&str, Run)] = &[
    ("select_get_count", |db| Box::pin(select_get_count(db))),
    ("update_delete_insert", |db| {
        Box::pin(update_delete_insert(db))
    }),
    ("fk_path_many_empty_all", |db| {
        Box::pin(fk_path_many_empty_all(db))
    }),
    ("insert_through_parent", |db| {
        Box::pin(insert_through_parent(db))
    }),
    ("two_dimensions", |db| Box::pin(two_dimensions(db))),
    ("global_join", |db| Box::pin(global_join(db))),
    ("concurrency", |db| Box::pin(concurrency(db))),
    ("unpinned_fans_out", |db| Box::pin(unpinned_fans_out(db))),
];

#[derive(Debug, FromRow, PartialEq)]
struct Post {
    id: i64,
    title: String,
}

async fn titles(db: &Db, scope: &Scope) -> Result<Vec<String>, Error> {
    let q = scoped_query_as!(Post, scope,
        "SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.title <> 'deleted' ORDER BY p.id");
    let posts = db.one(q).fetch_all(&db.pool).await?;
    Ok(posts.into_iter().map(|p| p.title).collect())
}

/// The comments of the active sites, through their posts (the foreign-key path of the
/// single-server blog, joined on the composite key here).
async fn comments(db: &Db, scope: &Scope, one: bool) -> Result<Vec<String>, Error> {
    let q =
        scoped_query_scalar!(scope,
        "SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id AND p.site_id = c.site_id
         WHERE p.site_id = :site ORDER BY c.id");
    let q = if one { db.one(q) } else { db.fan_out(q) };
    q.fetch_all(&db.pool).await
}

async fn bookmarks(db: &Db, scope: &Scope, one: bool) -> Result<Vec<i64>, Error> {
    let q = scoped_query_scalar!(
        scope,
        "SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id AND p.site_id = b.site_id
         WHERE p.site_id = :site AND b.user_id = :user ORDER BY b.id"
    );
    let q = if one { db.one(q) } else { db.fan_out(q) };
    q.fetch_all(&db.pool).await
}

fn missing(err: Error) -> Vec<String> {
    match err {
        Error::Scope(ScopeError::Missing { dimensions }) => dimensions,
        other => panic!("expected a missing-scope error, got {other:?}"),
    }
}

async fn select_get_count(db: &Db) {
    assert_eq!(titles(db, &Scope::one("site", 1)).await.unwrap(), ["p1"]);
    assert_eq!(titles(db, &Scope::one("site", 2)).await.unwrap(), ["p2"]);
    let site1 = Scope::one("site", 1);
    let get = |id: i64| {
        db.one(scoped_query_as!(
            Post,
            site1,
            "SELECT id, title FROM posts WHERE id = $1 AND site_id = :site",
            id
        ))
    };
    assert!(get(1).fetch_optional(&db.pool).await.unwrap().is_some());
    assert!(get(2).fetch_optional(&db.pool).await.unwrap().is_none());
    let n: i64 = db
        .one(scoped_query_scalar!(
            site1,
            "SELECT COUNT(*) FROM posts WHERE site_id = :site"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        missing(titles(db, &Scope::one("user", 1)).await.unwrap_err()),
        ["site"]
    );
}

async fn update_delete_insert(db: &Db) {
    let site1 = Scope::one("site", 1);
    let r = db
        .one(scoped_query!(
            site1,
            "UPDATE posts SET title = $1 WHERE id = $2 AND site_id = :site",
            "stolen",
            2_i64
        ))
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(r.rows_affected(), 0);
    let r = db
        .one(scoped_query!(
            site1,
            "DELETE FROM posts WHERE site_id = :site"
        ))
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(r.rows_affected(), 2);
    db.one(scoped_query!(
        Scope::one("site", 2),
        "INSERT INTO posts (site_id, title, slug) VALUES (:site, $1, $2)",
        "new",
        "new"
    ))
    .execute(&db.pool)
    .await
    .unwrap();
    let left: Vec<String> = db
        .fan_out(scoped_query_scalar!(
            unscoped,
            "SELECT title FROM posts ORDER BY id"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, ["p2", "new"]);
}

async fn fk_path_many_empty_all(db: &Db) {
    let outer = Scope::one("site", 1);
    assert_eq!(comments(db, &outer, true).await.unwrap(), ["c1"]);
    assert_eq!(
        comments(db, &outer.with("site", 2), true).await.unwrap(),
        ["c2"]
    );
    assert_eq!(comments(db, &outer, true).await.unwrap(), ["c1"]);
    let many = Scope::many("site", [1, 2]);
    assert_eq!(comments(db, &many, false).await.unwrap(), ["c1", "c2"]);
    assert!(comments(db, &Scope::many::<i64>("site", []), false)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        comments(db, &Scope::all("site", "sharded test"), false)
            .await
            .unwrap(),
        ["c1", "c2"]
    );
}

/// A comment is inserted only under a post of the tenant: the parent is selected in scope, and
/// its site_id becomes the comment's (the composite key keeps them on one shard).
async fn insert_through_parent(db: &Db) {
    let site2 = Scope::one("site", 2);
    let insert = |post: i64| {
        db.one(scoped_query!(
            site2,
            "INSERT INTO comments (site_id, id, post_id, body)
             SELECT p.site_id, $1, p.id, $2 FROM posts p WHERE p.site_id = :site AND p.id = $3",
            10_i64 + post,
            "hello",
            post
        ))
    };
    let r = insert(2).execute(&db.pool).await.unwrap();
    assert_eq!(r.rows_affected(), 1);
    // Post 1 belongs to site 1: nothing is inserted.
    let r = insert(1).execute(&db.pool).await.unwrap();
    assert_eq!(r.rows_affected(), 0);
    assert_eq!(comments(db, &site2, true).await.unwrap(), ["c2", "hello"]);
}

async fn two_dimensions(db: &Db) {
    assert_eq!(
        missing(
            bookmarks(db, &Scope::one("org", 1), true)
                .await
                .unwrap_err()
        ),
        ["site", "user"]
    );
    assert_eq!(
        missing(
            bookmarks(db, &Scope::one("site", 1), true)
                .await
                .unwrap_err()
        ),
        ["user"]
    );
    let site1 = Scope::one("site", 1);
    assert_eq!(
        bookmarks(db, &site1.with("user", 1), true).await.unwrap(),
        [1]
    );
    assert_eq!(
        bookmarks(db, &site1.with("user", 1).with("site", 2), true)
            .await
            .unwrap(),
        [3]
    );
    assert_eq!(
        bookmarks(db, &site1.with("user", 2), true).await.unwrap(),
        [2]
    );
    assert_eq!(
        bookmarks(
            db,
            &Scope::many("site", [1, 2]).with_many("user", [1]),
            false
        )
        .await
        .unwrap(),
        [1, 3]
    );
    let notes: Vec<String> = db
        .one(scoped_query_scalar!(
            site1.with("user", 2),
            "SELECT n.body FROM notes n WHERE n.site_id = :site AND n.author_id = :user"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(notes, ["n12"]);
}

/// A tenant table joined with a global one: one shard, plus the coordinator's local table.
async fn global_join(db: &Db) {
    let authors: Vec<String> = db
        .one(scoped_query_scalar!(
            Scope::one("site", 1),
            "SELECT DISTINCT u.name FROM users u JOIN posts p ON p.author_id = u.id
             WHERE p.site_id = :site ORDER BY u.name"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(authors, ["u1", "u2"]);
}

async fn concurrency(db: &Db) {
    let mut tasks = Vec::new();
    for i in 0..32_i64 {
        let db = db.clone();
        let site = 1 + i % 2;
        tasks.push(tokio::spawn(async move {
            let scope = Scope::one("site", site);
            for _ in 0..5 {
                let sites: Vec<i64> = db
                    .one(scoped_query_scalar!(
                        scope,
                        "SELECT site_id FROM posts WHERE site_id = :site"
                    ))
                    .fetch_all(&db.pool)
                    .await
                    .unwrap();
                assert!(
                    !sites.is_empty() && sites.iter().all(|s| *s == site),
                    "task {i} saw {sites:?}"
                );
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// The control: a query marked `unscoped` is not pinned, and reads every shard.
async fn unpinned_fans_out(db: &Db) {
    let n: i64 = db
        .fan_out(scoped_query_scalar!(unscoped, "SELECT count(*) FROM posts"))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 3);
}
