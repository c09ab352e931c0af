//! The harness of the second line's suite: per test a fresh database owned by a fresh owner
//! role (which runs the migrations) and a fresh application role that is neither superuser,
//! BYPASSRLS nor owner; PgBouncer in transaction mode started in a temp dir on a loopback port.
//! Everything is dropped when the value is dropped. Server tests fail under CI (any non-empty
//! `CI`) when a server or PgBouncer is missing, and otherwise say that they did not run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Executor, PgPool};

/// Whether this run is CI's (any non-empty `CI`): missing servers fail rather than skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty())
}

/// Says, once per process and past the test harness's capture, that something did not run.
pub fn notice(what: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\nNOTICE: {what} did NOT run; set CI=true to make this fail\n"
    );
}

/// The server's URL (`SCOPES_TEST_POSTGRES_URL`, default the local trust-auth server).
pub fn server_url() -> String {
    std::env::var("SCOPES_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// One test's database and roles.
pub struct Env {
    /// The database's name.
    pub db: String,
    /// The role that owns the tables and runs the migrations (not a superuser).
    pub owner: String,
    /// The application's role: no SUPERUSER, no BYPASSRLS, owns nothing.
    pub app: String,
    base: PgConnectOptions,
}

impl Env {
    /// Creates the database and roles, or `None` (with a notice) when the server is
    /// unreachable outside CI.
    pub async fn new() -> Option<Env> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let url = server_url();
        let base: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
        let base = base.disable_statement_logging();
        let admin = match PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(base.clone())
            .await
        {
            Ok(pool) => pool,
            Err(e) if under_ci() => panic!("CI is set and PostgreSQL at {url} is unreachable: {e}"),
            Err(e) => {
                notice(&format!(
                    "the row-level security suite ({url} unreachable: {e})"
                ));
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tag = format!(
            "{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            nanos % 100_000
        );
        let env = Env {
            db: format!("scopes_rls_{tag}"),
            owner: format!("scopes_rls_owner_{tag}"),
            app: format!("scopes_rls_app_{tag}"),
            base,
        };
        for sql in [
            format!("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS", env.owner),
            format!(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT",
                env.app
            ),
            format!("CREATE DATABASE {} OWNER {}", env.db, env.owner),
        ] {
            admin
                .execute(sqlx::AssertSqlSafe(sql))
                .await
                .expect("create roles and database");
        }
        admin.close().await;
        Some(env)
    }

    /// Connection options for `role` on this test's database (trust auth).
    pub fn options(&self, role: &str) -> PgConnectOptions {
        self.base.clone().database(&self.db).username(role)
    }

    /// A URL for `role` on this test's database (what `scopes audit --database-url` takes).
    pub fn url(&self, role: &str) -> String {
        format!(
            "postgres://{role}@{}:{}/{}",
            self.base.get_host(),
            self.base.get_port(),
            self.db
        )
    }

    /// The superuser the server URL names.
    pub fn superuser(&self) -> String {
        self.base.get_username().to_string()
    }

    /// A pool of the superuser the server URL names, on this database (seeding, killing).
    pub async fn admin(&self) -> PgPool {
        pool(self.base.clone().database(&self.db), 2).await
    }

    /// A pool of the application's role on this database.
    pub async fn app_pool(&self, size: u32) -> PgPool {
        pool(self.options(&self.app), size).await
    }

    /// Runs the migrations of `dir` as the owner, then grants the application's role what an
    /// application needs (and nothing it could bypass the policies with).
    pub async fn migrate(&self, dir: &Path) {
        let owner = pool(self.options(&self.owner), 1).await;
        let migrator = sqlx::migrate::Migrator::new(dir)
            .await
            .expect("read the migrations");
        migrator.run(&owner).await.expect("run the migrations");
        self.grant(&owner).await;
        owner.close().await;
    }

    /// Grants the application's role DML on every table and the sequences.
    pub async fn grant(&self, owner: &PgPool) {
        let sql = format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};",
            app = self.app
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(owner)
            .await
            .expect("grant");
    }

    /// A pool of the owner role.
    pub async fn owner_pool(&self) -> PgPool {
        pool(self.options(&self.owner), 2).await
    }
}

async fn pool(options: PgConnectOptions, size: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .expect("connect")
}

impl Drop for Env {
    /// Drops the database (closing its connections) and both roles, on a runtime of its own
    /// (a test's runtime may be shutting down).
    fn drop(&mut self) {
        let (base, db, owner, app) = (
            self.base.clone(),
            self.db.clone(),
            self.owner.clone(),
            self.app.clone(),
        );
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let Ok(mut conn) = base.connect().await else {
                    return;
                };
                for sql in [
                    format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
                    format!("DROP ROLE IF EXISTS {owner}"),
                    format!("DROP ROLE IF EXISTS {app}"),
                ] {
                    let _ = conn.execute(sqlx::AssertSqlSafe(sql)).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// The migrations of this suite (the blog schema and its generated RLS migration).
pub fn migrations() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// PgBouncer in transaction-pooling mode in front of one database, in a temp dir, on a
/// loopback port of 6400-6499; killed when dropped.
pub struct Bouncer {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    dir: tempfile::TempDir,
}

/// The PgBouncer binary, if installed.
pub fn pgbouncer_binary() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")]);
    candidates
        .map(|dir| dir.join("pgbouncer"))
        .find(|p| p.is_file())
}

impl Bouncer {
    /// Starts PgBouncer for `env`'s database with `pool_size` server connections, or `None`
    /// (with a notice) when it is not installed outside CI.
    pub async fn start(env: &Env, pool_size: u32) -> Option<Bouncer> {
        let Some(binary) = pgbouncer_binary() else {
            if under_ci() {
                panic!("CI is set and PgBouncer is not installed (.ci/run installs it)");
            }
            notice("the PgBouncer tests (pgbouncer is not installed)");
            return None;
        };
        let server: PgConnectOptions = server_url().parse().expect("a PostgreSQL URL");
        let dir = tempfile::tempdir().expect("temp dir");
        // PgBouncer refuses to run as root: it then runs as `postgres` (-u), which must be
        // able to read its files and write its log.
        let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        });
        set_mode(dir.path(), 0o777);
        {
            let port = free_port();
            let config = format!(
                "[databases]\n{db} = host={host} port={server_port} dbname={db}\n\n[pgbouncer]\n\
                 listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = trust\nauth_file = {dir}/userlist.txt\n\
                 pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 500\n\
                 server_reset_query = DEALLOCATE ALL\nserver_reset_query_always = 1\n\
                 ignore_startup_parameters = extra_float_digits\n\
                 logfile = {dir}/pgbouncer.log\npidfile = {dir}/pgbouncer.pid\n",
                db = env.db,
                host = server.get_host(),
                server_port = server.get_port(),
                dir = dir.path().display(),
            );
            let ini = dir.path().join("pgbouncer.ini");
            std::fs::write(&ini, config).expect("write pgbouncer.ini");
            std::fs::write(
                dir.path().join("userlist.txt"),
                format!("\"{}\" \"\"\n", env.app),
            )
            .expect("write userlist.txt");
            set_mode(&ini, 0o644);
            set_mode(&dir.path().join("userlist.txt"), 0o644);
            let mut command = Command::new(&binary);
            if root {
                command.args(["-u", "postgres"]);
            }
            let child = command
                .arg(&ini)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start pgbouncer");
            let mut bouncer = Bouncer { child, port, dir };
            if bouncer.ready().await {
                return Some(bouncer);
            }
            panic!("PgBouncer did not start on port {port}: {}", bouncer.log());
        }
    }

    /// Connection options for the application's role through PgBouncer. sqlx's statement
    /// cache is off: PgBouncer 1.18 in transaction mode cannot keep a client's prepared
    /// statements (it resets each server connection with DEALLOCATE ALL).
    pub fn options(&self, env: &Env) -> PgConnectOptions {
        env.options(&env.app)
            .host("127.0.0.1")
            .port(self.port)
            .statement_cache_capacity(0)
    }

    async fn ready(&mut self) -> bool {
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// PgBouncer's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pgbouncer.log")).unwrap_or_default()
    }
}

/// A loopback port of 6400-6499 that nothing listens on now.
fn free_port() -> u16 {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let start = (std::process::id() as usize + NEXT.fetch_add(1, Ordering::SeqCst) * 7) % 100;
    (0..100)
        .map(|i| 6400 + ((start + i) % 100) as u16)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port in 6400-6499")
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three sites, two users; every scoped table has rows of at least two sites.
pub const SEED: &str = "
INSERT INTO sites (id, name, domain) VALUES (1, 'site1', 'one.example'), (2, 'site2', 'two.example'), (3, 'site3', 'three.example');
INSERT INTO users (id, name) VALUES (1, 'u1'), (2, 'u2');
INSERT INTO posts (id, site_id, author_id, title, slug, published) VALUES
    (1, 1, 1, 'p1', 'p1', TRUE), (2, 2, 1, 'p2', 'p2', TRUE), (3, 1, 2, 'draft', 'draft', FALSE), (4, 3, 1, 'p4', 'p4', TRUE);
INSERT INTO comments (id, site_id, post_id, author_id, body) VALUES (1, 1, 1, 2, 'c1'), (2, 2, 2, 2, 'c2'), (3, 3, 4, 1, 'c3');
INSERT INTO tags (id, name) VALUES (1, 't1');
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1), (2, 1), (4, 1);
INSERT INTO bookmarks (id, post_id, user_id) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 4, 1);
INSERT INTO comment_groups (id, site_id, name) VALUES (1, 1, 'g1'), (2, 2, 'g2');
INSERT INTO comment_group_members (site_id, group_id, comment_id) VALUES (1, 1, 1), (2, 2, 2);
INSERT INTO notes (id, site_id, author_id, body) VALUES (1, 1, 1, 'n11'), (2, 1, 2, 'n12'), (3, 2, 1, 'n21'), (4, 3, 1, 'n31');
SELECT setval('posts_id_seq', 100), setval('comments_id_seq', 100), setval('notes_id_seq', 100),
       setval('bookmarks_id_seq', 100), setval('comment_groups_id_seq', 100);
";

/// Every relation of the example schema that scopes.toml scopes, with the explicit filter
/// (for `site = $1`, `user = $2`) that selects the rows the policies must leave visible.
pub const SCOPED: &[(&str, &str)] = &[
    ("sites", "id = $1"),
    ("posts", "site_id = $1"),
    ("comments", "site_id = $1"),
    (
        "post_tags",
        "post_id IN (SELECT id FROM posts WHERE site_id = $1)",
    ),
    (
        "bookmarks",
        "post_id IN (SELECT id FROM posts WHERE site_id = $1) AND user_id = $2",
    ),
    ("comment_groups", "site_id = $1"),
    ("comment_group_members", "site_id = $1"),
    ("notes", "site_id = $1 AND author_id = $2"),
    ("published_posts", "site_id = $1"),
];

/// A migrated and seeded test database with a pool of the application's role (`size`
/// connections, straight to the server), or `None` when the server is unreachable outside CI.
pub async fn seeded(size: u32) -> Option<(Env, PgPool)> {
    let env = Env::new().await?;
    env.migrate(&migrations()).await;
    let admin = env.admin().await;
    sqlx::raw_sql(SEED).execute(&admin).await.expect("seed");
    admin.close().await;
    let app = env.app_pool(size).await;
    Some((env, app))
}
