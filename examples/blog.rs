//! The example blog: two sites (tenants) in one embedded SQLite database, read through scoped
//! queries. `cargo run --example blog` needs nothing but cargo.

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{FromRow, SqlitePool};
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

// One marker type per dimension of scopes.toml: `Site` and `User`, with their value types.
// `Scope<Site>` in a signature says which tenant dimensions the queries inside need; a caller
// with a token that lacks one does not compile.
sqlx_scopes::dimensions!();

#[derive(Debug, FromRow)]
struct Post {
    id: i64,
    title: String,
}

#[derive(Debug, FromRow)]
struct Comment {
    post_title: String,
    body: String,
}

/// The posts of the scope's site(s): `:site` is filled from the `Scope`, never from an argument.
async fn posts(pool: &SqlitePool, scope: &Scope<Site>) -> Result<Vec<Post>, sqlx_scopes::Error> {
    scoped_query_as!(
        Post,
        scope,
        "SELECT p.id, p.title
           FROM posts p
          WHERE p.site_id = :site AND p.published = ?
          ORDER BY p.id",
        true
    )
    .fetch_all(pool)
    .await
}

/// Comments are scoped through their post (`comments = { site = "post_id -> posts.id" }`).
async fn comments(
    pool: &SqlitePool,
    scope: &Scope<Site>,
) -> Result<Vec<Comment>, sqlx_scopes::Error> {
    scoped_query_as!(
        Comment,
        scope,
        "SELECT p.title AS post_title, c.body
           FROM comments c
           JOIN posts p ON p.id = c.post_id
          WHERE p.site_id = :site
          ORDER BY c.id"
    )
    .fetch_all(pool)
    .await
}

async fn seed(pool: &SqlitePool) -> Result<(), sqlx_scopes::Error> {
    // Seeding is an explicit, greppable opt-out: it writes every tenant's rows.
    scoped_query!(unscoped,
        "INSERT INTO sites (id, name, domain) VALUES (1, 'Cooking', 'cook.example'), (2, 'Cycling', 'bike.example')")
    .execute(pool)
    .await?;
    for (site, title, body) in [
        (1_i64, "Sourdough basics", "Feed the starter twice a day."),
        (1, "Knife care", "Hone before every use."),
        (2, "Chain maintenance", "Degrease, then oil sparingly."),
    ] {
        // Writes take the tenant from the scope too: this post can only land in `site`.
        let scope = Site::one(site);
        let slug = title.to_lowercase().replace(' ', "-");
        scoped_query!(
            scope,
            "INSERT INTO posts (site_id, title, slug, published) VALUES (:site, ?, ?, TRUE)",
            title,
            slug
        )
        .execute(pool)
        .await?;
        scoped_query!(
            scope,
            "INSERT INTO comments (post_id, body)
             SELECT p.id, ? FROM posts p WHERE p.site_id = :site AND p.slug = ?",
            body,
            slug
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Queries that run with an explicit "all" scope are recorded here.
    tracing_subscriber::fmt()
        .with_target(true)
        .without_time()
        .with_ansi(false)
        .init();

    let path = std::env::temp_dir().join(format!("sqlx-scopes-blog-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new().connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    seed(&pool).await?;
    println!("database: {}", path.display());

    for (site, name) in [(1_i64, "Cooking"), (2, "Cycling")] {
        // In a web app this comes from the authenticated request (the host name, a session).
        let scope = Site::one(site);
        println!("\n== site {site} ({name})");
        for post in posts(&pool, &scope).await? {
            println!("  post #{}: {}", post.id, post.title);
        }
        for c in comments(&pool, &scope).await? {
            println!("  comment on {:?}: {}", c.post_title, c.body);
        }
    }

    // Several tenants at once: the same query, the scope holds a set.
    let both = Site::many([1, 2]);
    let titles: Vec<String> = posts(&pool, &both)
        .await?
        .into_iter()
        .map(|p| p.title)
        .collect();
    println!("\n== sites 1 and 2: {titles:?}");

    // A missing dimension never means "every tenant". With a typed token it does not compile
    // (`posts(&pool, &User::one(1))`: expected `&Scope<Site>`); a dynamic token, built from
    // data at run time, gets an error before anything is sent.
    let wrong = Scope::one("user", 1);
    let err = scoped_query_scalar!(wrong, "SELECT COUNT(*) FROM posts WHERE site_id = :site")
        .fetch_one(&pool)
        .await
        .map(|n: i64| n)
        .unwrap_err();
    println!("\n== a dynamic scope without `site`: {err}");

    // An admin count across every site: explicit, with a reason that is logged on each run.
    let admin = Site::all("admin dashboard: total post count");
    let total: i64 =
        scoped_query_scalar!(admin, "SELECT COUNT(*) FROM posts WHERE site_id = :site")
            .fetch_one(&pool)
            .await?;
    println!("\n== admin: {total} posts on all sites");

    pool.close().await;
    let _ = std::fs::remove_file(&path);
    Ok(())
}
