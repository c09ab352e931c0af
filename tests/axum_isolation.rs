//! Tenant isolation of the axum example (`examples/axum_blog.rs`), driven through the real
//! router with tower's `oneshot`: site 1 (`site1.test`) never reads, changes, deletes or
//! comments on site 2's rows, even by guessing ids.

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/axum_blog.rs"]
mod blog;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use scopes_runtime::axum::{ScopeLayer, ScopeRejection, MISSING_LAYER};
use serde_json::{json, Value};
use sqlx_scopes::Scope;
use tower::ServiceExt;

/// Site 1's seeded post and comment are id 1, site 2's are id 2.
const POST_1: i64 = 1;
const POST_2: i64 = 2;
const COMMENT_2: i64 = 2;

async fn send(
    app: &Router,
    method: &str,
    host: Option<&str>,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(host) = host {
        req = req.header(header::HOST, host);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn json(app: &Router, host: &str, uri: &str) -> Value {
    let (status, body) = send(app, "GET", Some(host), uri, None).await;
    assert_eq!(status, StatusCode::OK, "GET {uri} on {host}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn app() -> Router {
    blog::app().await.unwrap()
}

const S1: Option<&str> = Some("site1.test");
const S2: Option<&str> = Some("site2.test");

#[tokio::test]
async fn each_site_lists_only_its_posts() {
    let app = app().await;
    assert_eq!(ids(&json(&app, "site1.test", "/posts").await), [POST_1]);
    assert_eq!(ids(&json(&app, "site2.test", "/posts").await), [POST_2]);
    // The port does not matter.
    assert_eq!(
        ids(&json(&app, "site1.test:8080", "/posts").await),
        [POST_1]
    );
}

#[tokio::test]
async fn guessing_ids_of_another_site_is_404() {
    let app = app().await;
    let (status, _) = send(&app, "GET", S1, &format!("/posts/{POST_2}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app, "GET", S1, &format!("/posts/{POST_2}/comments"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = send(&app, "GET", S2, &format!("/posts/{POST_2}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn another_sites_post_cannot_be_updated_or_deleted() {
    let app = app().await;
    let update = json!({ "title": "pwned", "body": "pwned" });
    let (status, _) = send(&app, "PUT", S1, &format!("/posts/{POST_2}"), Some(update)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app, "DELETE", S1, &format!("/posts/{POST_2}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app, "DELETE", S1, &format!("/comments/{COMMENT_2}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let post = json(&app, "site2.test", &format!("/posts/{POST_2}")).await;
    assert_eq!(post["title"], "Hello from site 2");
    let comments = json(&app, "site2.test", &format!("/posts/{POST_2}/comments")).await;
    assert_eq!(ids(&comments), [COMMENT_2]);
}

#[tokio::test]
async fn commenting_on_another_sites_post_creates_nothing() {
    let app = app().await;
    let comment = json!({ "body": "injected" });
    let (status, _) = send(
        &app,
        "POST",
        S1,
        &format!("/posts/{POST_2}/comments"),
        Some(comment.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let comments = json(&app, "site2.test", &format!("/posts/{POST_2}/comments")).await;
    assert_eq!(ids(&comments), [COMMENT_2], "no comment landed on site 2");

    // The same request on one's own post works.
    let (status, body) = send(
        &app,
        "POST",
        S1,
        &format!("/posts/{POST_1}/comments"),
        Some(comment),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(created["post_id"], POST_1);
    assert_eq!(created["body"], "injected");
}

#[tokio::test]
async fn own_crud_works_and_stays_in_the_site() {
    let app = app().await;
    let (status, body) = send(
        &app,
        "POST",
        S1,
        "/posts",
        Some(json!({ "title": "New one", "body": "text" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(ids(&json(&app, "site1.test", "/posts").await), [POST_1, id]);
    assert_eq!(ids(&json(&app, "site2.test", "/posts").await), [POST_2]);
    // Site 2 cannot see, change or delete it either.
    let (status, _) = send(&app, "GET", S2, &format!("/posts/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(&app, "DELETE", S2, &format!("/posts/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = send(
        &app,
        "PUT",
        S1,
        &format!("/posts/{id}"),
        Some(json!({ "title": "Renamed", "body": "new text" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        json(&app, "site1.test", &format!("/posts/{id}")).await["title"],
        "Renamed"
    );

    // Deleting one's own post (its comments go with it).
    let (status, _) = send(&app, "DELETE", S1, &format!("/posts/{POST_1}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(ids(&json(&app, "site1.test", "/posts").await), [id]);
    assert_eq!(ids(&json(&app, "site2.test", "/posts").await), [POST_2]);
    let (status, _) = send(&app, "DELETE", S2, &format!("/comments/{COMMENT_2}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn missing_or_unknown_host_is_rejected_never_all_sites() {
    let app = app().await;
    let (status, body) = send(&app, "GET", None, "/posts", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, "missing Host header");
    let (status, body) = send(&app, "GET", Some("evil.test"), "/posts", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, "no site at evil.test");
    let (status, _) = send(
        &app,
        "POST",
        Some("evil.test"),
        "/posts",
        Some(json!({ "title": "x", "body": "y" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_route_sees_every_site_with_an_explicit_all_scope() {
    let app = app().await;
    let (status, _) = send(&app, "GET", S1, "/admin/posts", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let req = Request::builder()
        .uri("/admin/posts")
        .header(header::AUTHORIZATION, blog::ADMIN_TOKEN)
        .body(Body::empty())
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let posts: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(ids(&posts), [POST_1, POST_2]);
}

#[tokio::test]
async fn extractor_without_the_layer_is_a_500_naming_the_layer() {
    async fn handler(scope: Scope) -> String {
        format!("{scope:?}")
    }
    let app = Router::new().route("/", get(handler));
    let (status, body) = send(&app, "GET", S1, "/", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, MISSING_LAYER);
    assert!(body.contains("ScopeLayer"));
}

#[tokio::test]
async fn typed_extractor_checks_the_resolved_scope() {
    use blog::{Site, User};
    async fn site(scope: Scope<Site>) -> String {
        format!("{scope:?}")
    }
    async fn site_and_user(scope: Scope<(Site, User)>) -> String {
        format!("{scope:?}")
    }
    let resolver = |_: &axum::http::request::Parts| -> Result<Scope, ScopeRejection> {
        Ok(Scope::one("site", 1))
    };
    let app = Router::new()
        .route("/site", get(site))
        .route("/both", get(site_and_user))
        .layer(ScopeLayer::new(resolver));
    let (status, body) = send(&app, "GET", S1, "/site", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "Scope { site: 1 }");
    // The resolver gives no `user`: a server bug, answered 500, never more rows.
    let (status, body) = send(&app, "GET", S1, "/both", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("dimension \"user\""), "{body}");
}
