//! The example blog over HTTP (axum 0.8): two sites (tenants) chosen by the Host header, one
//! embedded in-memory SQLite database, every query scoped by the request's `Scope`.
//!
//! `cargo run --example axum_blog`, then e.g.
//! `curl -H 'Host: site1.test' localhost:3000/posts` or
//! `curl -H 'Authorization: Bearer admin' localhost:3000/admin/posts`.
//! (Apps enable the `axum` feature of sqlx-scopes and import `sqlx_scopes::axum`.)
//! `tests/axum_isolation.rs` drives the same router with tower's `oneshot`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use scopes_runtime::axum::{host, ScopeLayer, ScopeRejection};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{FromRow, SqlitePool};
use sqlx_scopes::{scoped_query, scoped_query_as, Scope};

// `Site` (and `User`) from scopes.toml: handlers take `Scope<Site>`, so a query that also needs
// `user` does not compile in them.
sqlx_scopes::dimensions!();

/// A post as the API returns it.
#[derive(Debug, Serialize, Deserialize, FromRow, PartialEq)]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// A comment as the API returns it.
#[derive(Debug, Serialize, Deserialize, FromRow, PartialEq)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub body: String,
}

/// The body of POST/PUT /posts.
#[derive(Debug, Serialize, Deserialize)]
pub struct PostInput {
    pub title: String,
    pub body: String,
}

/// The body of POST /posts/{id}/comments.
#[derive(Debug, Serialize, Deserialize)]
pub struct CommentInput {
    pub body: String,
}

/// The admin token of this demo (a real app authenticates its staff properly).
pub const ADMIN_TOKEN: &str = "Bearer admin";

/// Handler errors: database or scope errors are 500s, rows outside the scope are 404s.
pub enum AppError {
    NotFound,
    Forbidden,
    Db(sqlx_scopes::Error),
}

impl From<sqlx_scopes::Error> for AppError {
    fn from(e: sqlx_scopes::Error) -> Self {
        AppError::Db(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not found").into_response(),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden").into_response(),
            AppError::Db(e) => {
                tracing::error!(error = %e, "query failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }
}

type Result<T, E = AppError> = std::result::Result<T, E>;

async fn list_posts(State(pool): State<SqlitePool>, scope: Scope<Site>) -> Result<Json<Vec<Post>>> {
    let posts = scoped_query_as!(
        Post,
        &scope,
        "SELECT id, title, body FROM posts WHERE site_id = :site ORDER BY id"
    )
    .fetch_all(&pool)
    .await?;
    Ok(Json(posts))
}

async fn get_post(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Path(id): Path<i64>,
) -> Result<Json<Post>> {
    scoped_query_as!(
        Post,
        &scope,
        "SELECT id, title, body FROM posts WHERE id = ? AND site_id = :site",
        id
    )
    .fetch_optional(&pool)
    .await?
    .map(Json)
    .ok_or(AppError::NotFound)
}

async fn create_post(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Json(input): Json<PostInput>,
) -> Result<(StatusCode, Json<Post>)> {
    let slug = input.title.to_lowercase().replace(' ', "-");
    // The site comes from the scope: a client cannot choose where the post lands.
    let done = scoped_query!(
        &scope,
        "INSERT INTO posts (site_id, title, slug, body, published) VALUES (:site, ?, ?, ?, TRUE)",
        input.title,
        slug,
        input.body
    )
    .execute(&pool)
    .await?;
    let Json(post) = get_post(State(pool), scope, Path(done.last_insert_rowid())).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

async fn update_post(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Path(id): Path<i64>,
    Json(input): Json<PostInput>,
) -> Result<Json<Post>> {
    let done = scoped_query!(
        &scope,
        "UPDATE posts SET title = ?, body = ? WHERE id = ? AND site_id = :site",
        input.title,
        input.body,
        id
    )
    .execute(&pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    get_post(State(pool), scope, Path(id)).await
}

async fn delete_post(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let done = scoped_query!(
        &scope,
        "DELETE FROM posts WHERE id = ? AND site_id = :site",
        id
    )
    .execute(&pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn list_comments(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Path(post_id): Path<i64>,
) -> Result<Json<Vec<Comment>>> {
    // 404 unless the post is in scope.
    let _ = get_post(State(pool.clone()), scope.clone(), Path(post_id)).await?;
    let comments = scoped_query_as!(
        Comment,
        &scope,
        "SELECT c.id, c.post_id, c.body
           FROM comments c JOIN posts p ON p.id = c.post_id
          WHERE c.post_id = ? AND p.site_id = :site
          ORDER BY c.id",
        post_id
    )
    .fetch_all(&pool)
    .await?;
    Ok(Json(comments))
}

async fn create_comment(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Path(post_id): Path<i64>,
    Json(input): Json<CommentInput>,
) -> Result<(StatusCode, Json<Comment>)> {
    // INSERT ... SELECT from a post in scope: another site's post id inserts nothing.
    let done = scoped_query!(
        &scope,
        "INSERT INTO comments (post_id, body)
         SELECT p.id, ? FROM posts p WHERE p.id = ? AND p.site_id = :site",
        input.body,
        post_id
    )
    .execute(&pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let comment = scoped_query_as!(
        Comment,
        &scope,
        "SELECT c.id, c.post_id, c.body
           FROM comments c JOIN posts p ON p.id = c.post_id
          WHERE c.id = ? AND p.site_id = :site",
        done.last_insert_rowid()
    )
    .fetch_one(&pool)
    .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

async fn delete_comment(
    State(pool): State<SqlitePool>,
    scope: Scope<Site>,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let done = scoped_query!(
        &scope,
        "DELETE FROM comments
          WHERE id = ? AND post_id IN (SELECT id FROM posts WHERE site_id = :site)",
        id
    )
    .execute(&pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Every site's posts, for staff: an explicit "all" scope whose reason is logged on each query.
async fn admin_posts(
    State(pool): State<SqlitePool>,
    headers: HeaderMap,
) -> Result<Json<Vec<Post>>> {
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(ADMIN_TOKEN)
    {
        return Err(AppError::Forbidden);
    }
    let scope = Site::all("admin route: list the posts of every site");
    tracing::info!(?scope, "admin listing with an audited all-sites scope");
    let posts = scoped_query_as!(
        Post,
        &scope,
        "SELECT id, title, body FROM posts WHERE site_id = :site ORDER BY id"
    )
    .fetch_all(&pool)
    .await?;
    Ok(Json(posts))
}

/// The site ids by domain, read once at startup (an explicit, greppable unscoped query: the
/// tenant table itself is what resolves tenants).
pub async fn site_domains(pool: &SqlitePool) -> Result<HashMap<String, i64>, sqlx_scopes::Error> {
    #[derive(FromRow)]
    struct Site {
        id: i64,
        domain: String,
    }
    let sites = scoped_query_as!(Site, unscoped, "SELECT id, domain FROM sites")
        .fetch_all(pool)
        .await?;
    Ok(sites.into_iter().map(|s| (s.domain, s.id)).collect())
}

/// The application: tenant routes behind the `ScopeLayer` (tenant by Host header; unknown or
/// missing host is rejected, never "all sites"), the admin route outside it.
pub fn router(pool: SqlitePool, domains: HashMap<String, i64>) -> Router {
    let domains = Arc::new(domains);
    let resolver = move |parts: &Parts| -> Result<Scope, ScopeRejection> {
        let host = host(parts).ok_or_else(|| ScopeRejection::bad_request("missing Host header"))?;
        domains
            .get(&host.to_ascii_lowercase())
            // The layer stores the dynamic token; `Scope<Site>` handlers check it against the type.
            .map(|&site| Site::one(site).into_dynamic())
            .ok_or_else(|| ScopeRejection::not_found(format!("no site at {host}")))
    };
    Router::new()
        .route("/posts", get(list_posts).post(create_post))
        .route(
            "/posts/{id}",
            get(get_post).put(update_post).delete(delete_post),
        )
        .route(
            "/posts/{id}/comments",
            get(list_comments).post(create_comment),
        )
        .route("/comments/{id}", axum::routing::delete(delete_comment))
        .layer(ScopeLayer::new(resolver))
        .route("/admin/posts", get(admin_posts))
        .with_state(pool)
}

/// A fresh in-memory database with the migrations applied and two sites seeded:
/// site 1 at `site1.test`, site 2 at `site2.test`, each with one post and one comment.
pub async fn database() -> Result<SqlitePool, Box<dyn std::error::Error>> {
    let options = SqliteConnectOptions::new().in_memory(true);
    // One connection: every connection to `:memory:` would be a separate database.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    // Seeding writes every tenant's rows: an explicit opt-out.
    scoped_query!(
        unscoped,
        "INSERT INTO sites (id, name, domain)
         VALUES (1, 'Site one', 'site1.test'), (2, 'Site two', 'site2.test')"
    )
    .execute(&pool)
    .await?;
    for site in [1_i64, 2] {
        let scope = Site::one(site);
        let title = format!("Hello from site {site}");
        let slug = format!("hello-{site}");
        scoped_query!(
            &scope,
            "INSERT INTO posts (site_id, title, slug, body, published) VALUES (:site, ?, ?, 'first post', TRUE)",
            title,
            slug
        )
        .execute(&pool)
        .await?;
        scoped_query!(
            &scope,
            "INSERT INTO comments (post_id, body)
             SELECT p.id, 'first comment' FROM posts p WHERE p.site_id = :site AND p.slug = ?",
            slug
        )
        .execute(&pool)
        .await?;
    }
    Ok(pool)
}

/// The router over a freshly seeded database.
pub async fn app() -> Result<Router, Box<dyn std::error::Error>> {
    let pool = database().await?;
    let domains = site_domains(&pool).await?;
    Ok(router(pool, domains))
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_ansi(false).init();
    let app = app().await?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{addr} (Host: site1.test or site2.test)");
    axum::serve(listener, app).await?;
    Ok(())
}
