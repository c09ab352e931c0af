//! The sharded deployment: a coordinator and two shard clusters. On the coordinator every
//! distributed table of the blog (the tables scopes.toml scopes on `site`, placed by
//! `scopes_core::citus` as `scopes citus` places them) is hash-partitioned on its distribution
//! column into `MODULUS` partitions, each a postgres_fdw foreign table on the shard holding that
//! partition; the global tables stay local on the coordinator (and are copied to every shard
//! schema, whose own foreign keys reference them). On a shard, partition `k` is schema `p<k>`,
//! holding the whole blog schema from the same migration: the tables of one tenant share a
//! schema, so their composite foreign keys hold within the shard (co-location).

use std::path::Path;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use crate::cluster::{Binaries, Cluster};

/// Partitions of every distributed table (Citus' shard count), over the shard clusters.
pub const MODULUS: u32 = 4;
/// Shard clusters.
pub const NODES: u32 = 2;

/// Global rows, on the coordinator and on every shard schema.
pub const SEED_GLOBAL: &str = "
INSERT INTO users (id, name) VALUES (1, 'u1'), (2, 'u2');
INSERT INTO tags (id, name) VALUES (1, 'rust'), (2, 'sql');
";

/// django-scopes' two tenants: a post and a comment each, a deleted post in site 1, bookmarks
/// (post1, u1), (post1, u2), (post2, u1), notes per site and author.
pub const SEED_TENANTS: &str = "
INSERT INTO sites (id, name, domain) VALUES (1, 'site1', 'one.example'), (2, 'site2', 'two.example');
INSERT INTO posts (site_id, id, author_id, title, slug, published) VALUES
    (1, 1, 1, 'p1', 'p1', TRUE), (2, 2, 1, 'p2', 'p2', TRUE), (1, 3, 2, 'deleted', 'deleted', FALSE);
INSERT INTO comments (site_id, id, post_id, author_id, body) VALUES (1, 1, 1, 2, 'c1'), (2, 2, 2, 2, 'c2');
INSERT INTO bookmarks (site_id, id, post_id, user_id) VALUES (1, 1, 1, 1), (1, 2, 1, 2), (2, 3, 2, 1);
INSERT INTO notes (site_id, id, author_id, body) VALUES (1, 1, 1, 'n11'), (1, 2, 2, 'n12'), (2, 3, 1, 'n21');
SELECT setval('posts_id_seq', 10);
";

/// The shard cluster holding partition `k`: contiguous blocks, as a shard count spreads over
/// nodes.
pub fn node_of(k: u32) -> u32 {
    k * NODES / MODULUS
}

/// The running clusters and what to partition.
pub struct Deployment<'b> {
    pub coordinator: Cluster<'b>,
    pub shards: Vec<Cluster<'b>>,
    /// (table, distribution column), from scopes.toml.
    pub tables: Vec<(String, String)>,
}

impl<'b> Deployment<'b> {
    /// Starts the clusters under `root`.
    pub fn start(binaries: &'b Binaries, root: &Path) -> Result<Deployment<'b>, String> {
        let tables = distributed_tables()?;
        let mut shards = Vec::new();
        for i in 0..NODES {
            // Every statement that changes data is logged: the evidence of where a row went.
            shards.push(Cluster::start(
                binaries,
                root,
                &format!("shard{i}"),
                &[("log_statement", "mod")],
            )?);
        }
        // Every statement's executed plan is logged (auto_explain, JSON, with actual loops): the
        // evidence of which partitions a statement touched. Remote sessions carry the local
        // session's application_name, so the shards' logs tell the scenarios apart.
        let coordinator = Cluster::start(
            binaries,
            root,
            "coordinator",
            &[
                ("shared_preload_libraries", "auto_explain"),
                ("auto_explain.log_min_duration", "0"),
                ("auto_explain.log_analyze", "on"),
                ("auto_explain.log_timing", "off"),
                ("auto_explain.log_verbose", "on"),
                ("auto_explain.log_format", "json"),
                ("postgres_fdw.application_name", "%a"),
            ],
        )?;
        Ok(Deployment {
            coordinator,
            shards,
            tables,
        })
    }

    /// A fresh database `name` on every cluster, partitioned, seeded; a pool on the coordinator
    /// whose sessions are named `name` (the logs' key).
    pub async fn database(&self, name: &str) -> Result<PgPool, String> {
        let err = |what: &str, e: &dyn std::fmt::Display| format!("{name}: {what}: {e}");
        for (i, shard) in self.shards.iter().enumerate() {
            let admin = connect(&shard.url("postgres"), None, "setup").await?;
            exec(&admin, &format!("CREATE DATABASE {name}")).await?;
            admin.close().await;
            for k in (0..MODULUS).filter(|k| node_of(*k) as usize == i) {
                let db = connect(&shard.url(name), None, "setup").await?;
                exec(&db, &format!("CREATE SCHEMA p{k}")).await?;
                db.close().await;
                let schema = connect(&shard.url(name), Some(&format!("p{k}")), "setup").await?;
                sqlx::migrate!("./migrations")
                    .run(&schema)
                    .await
                    .map_err(|e| err("migrate shard", &e))?;
                exec(&schema, SEED_GLOBAL).await?;
                schema.close().await;
            }
        }
        let admin = connect(&self.coordinator.url("postgres"), None, "setup").await?;
        exec(&admin, &format!("CREATE DATABASE {name}")).await?;
        admin.close().await;
        let db = connect(&self.coordinator.url(name), None, "setup").await?;
        let mut ddl = String::from(
            "CREATE EXTENSION postgres_fdw; CREATE SCHEMA local; CREATE SCHEMA app;\n",
        );
        for (i, shard) in self.shards.iter().enumerate() {
            ddl.push_str(&format!(
                "CREATE SERVER shard{i} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '{}', dbname '{name}');\n\
                 CREATE USER MAPPING FOR postgres SERVER shard{i} OPTIONS (user 'postgres');\n",
                shard.port
            ));
        }
        exec(&db, &ddl).await?;
        db.close().await;
        let local = connect(&self.coordinator.url(name), Some("local"), "setup").await?;
        sqlx::migrate!("./migrations")
            .run(&local)
            .await
            .map_err(|e| err("migrate coordinator", &e))?;
        let mut ddl = String::new();
        for (table, column) in &self.tables {
            ddl.push_str(&format!(
                "CREATE TABLE app.{table} (LIKE local.{table} INCLUDING DEFAULTS) PARTITION BY HASH ({column});\n"
            ));
            for k in 0..MODULUS {
                ddl.push_str(&format!(
                    "CREATE FOREIGN TABLE app.{table}__p{k} PARTITION OF app.{table} FOR VALUES WITH (MODULUS {MODULUS}, REMAINDER {k}) \
                     SERVER shard{} OPTIONS (schema_name 'p{k}', table_name '{table}');\n",
                    node_of(k)
                ));
            }
        }
        exec(&local, &ddl).await?;
        exec(&local, SEED_GLOBAL).await?;
        local.close().await;
        let seed = connect(&self.coordinator.url(name), Some("app,local"), "seed").await?;
        exec(&seed, SEED_TENANTS).await?;
        seed.close().await;
        connect(&self.coordinator.url(name), Some("app,local"), name).await
    }
}

/// The tables `scopes citus` distributes, with their distribution columns.
fn distributed_tables() -> Result<Vec<(String, String)>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scopes.toml");
    let config = scopes_core::Config::load(&path).map_err(|e| e.to_string())?;
    let distribution =
        scopes_core::citus::Distribution::new(&config, None).map_err(|e| e.to_string())?;
    if !distribution.problems().is_empty() {
        return Err(format!(
            "scopes citus refuses the schema: {:?}",
            distribution.problems()
        ));
    }
    Ok(distribution
        .tables
        .iter()
        .filter_map(|(t, p)| match p {
            scopes_core::citus::Placement::Distributed { column } => {
                Some((t.clone(), column.clone()))
            }
            _ => None,
        })
        .collect())
}

/// A pool on `url`, with a search_path and an application_name.
pub async fn connect(url: &str, search_path: Option<&str>, app: &str) -> Result<PgPool, String> {
    let mut options: PgConnectOptions = url.parse().map_err(|e| format!("{url}: {e}"))?;
    options = options.application_name(app).disable_statement_logging();
    if let Some(path) = search_path {
        options = options.options([("search_path", path)]);
    }
    PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| format!("connect {url}: {e}"))
}

/// Runs SQL text (several statements) as is.
pub async fn exec(pool: &PgPool, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(|e| format!("{e}: in\n{sql}"))
}
