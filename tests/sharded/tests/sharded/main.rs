//! sqlx-scopes on a sharded PostgreSQL. Starts three private PostgreSQL 15 clusters (a
//! coordinator and two shards, loopback ports 6500-6599, a temporary directory), partitions the
//! blog's tenant tables by site on the coordinator with postgres_fdw partitions on the shards,
//! and runs every scenario twice with the same scoped queries: on one server (the shared
//! PostgreSQL, 127.0.0.1:5432 or SCOPES_TEST_POSTGRES_URL) and on the coordinator. Then it proves
//! from the servers' logs that every query run with one scope value touched exactly one shard,
//! and shows that the unpinned control query touched every shard.
//!
//! Without the server programs (or the shared server) it says what did not run and passes;
//! under CI (a non-empty `CI`) that is a failure. A plain `main` (`harness = false`): the
//! clusters are started once for every scenario and stopped at the end.

mod cluster;
mod deployment;
mod proof;
mod scenarios;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use cluster::Binaries;
use deployment::{Deployment, MODULUS, NODES};
use proof::{Db, Registry};

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--list") {
        // `cargo test -- --list`: one test, this binary.
        println!("sharded: test");
        return ExitCode::SUCCESS;
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let did_not_run = |why: &str| {
        if ci {
            eprintln!("FAILED: CI is set and the sharded suite cannot run: {why}");
            ExitCode::FAILURE
        } else {
            eprintln!("\nNOTICE: the sharded PostgreSQL suite did NOT run: {why}; set CI=1 to make this fail\n");
            ExitCode::SUCCESS
        }
    };
    let binaries = match Binaries::find() {
        Ok(b) => b,
        Err(why) => return did_not_run(&why),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return did_not_run(&format!("no tokio runtime: {e}")),
    };
    let root = std::env::temp_dir().join(format!(
        "scopes-sharded-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    if let Err(e) = std::fs::create_dir_all(&root) {
        return did_not_run(&format!("cannot create {}: {e}", root.display()));
    }
    let code = run(&binaries, &runtime, &root, ci, &did_not_run);
    let _ = std::fs::remove_dir_all(&root);
    code
}

fn run(
    binaries: &Binaries,
    runtime: &tokio::runtime::Runtime,
    root: &std::path::Path,
    ci: bool,
    did_not_run: &dyn Fn(&str) -> ExitCode,
) -> ExitCode {
    let deployment = match Deployment::start(binaries, root) {
        Ok(d) => d,
        Err(why) => return did_not_run(&format!("the clusters did not start: {why}")),
    };
    eprintln!(
        "sharded: coordinator on port {}, shards on {:?}; {} tables hash-partitioned by site into {MODULUS} partitions over {NODES} shards: {}",
        deployment.coordinator.port,
        deployment.shards.iter().map(|s| s.port).collect::<Vec<_>>(),
        deployment.tables.len(),
        deployment
            .tables
            .iter()
            .map(|(t, c)| format!("{t}({c})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let single = runtime.block_on(single_server_admin());
    if let Err(why) = &single {
        if ci {
            eprintln!("FAILED: CI is set and the single server is unreachable: {why}");
            return ExitCode::FAILURE;
        }
        eprintln!("\nNOTICE: the one-server half of the sharded suite did NOT run: {why}\n");
    }
    let registry = Arc::new(Registry::default());
    let mut failed = Vec::new();
    for (n, (name, scenario)) in scenarios::ALL.iter().enumerate() {
        if let Ok(admin) = &single {
            let outcome = runtime
                .block_on(single_server_db(admin, name, n))
                .and_then(|pool| {
                    let db = Db {
                        pool,
                        session: name.to_string(),
                        registry: None,
                    };
                    catch(|| runtime.block_on(scenario(&db)))
                });
            report(name, "one server", outcome, &mut failed);
        }
        let session = format!("s_{name}");
        let outcome = runtime
            .block_on(deployment.database(&session))
            .and_then(|pool| {
                let db = Db {
                    pool,
                    session,
                    registry: Some(registry.clone()),
                };
                let result = catch(|| runtime.block_on(scenario(&db)));
                runtime.block_on(db.pool.close());
                result
            });
        report(name, "sharded coordinator", outcome, &mut failed);
    }
    let coordinator_log: PathBuf = deployment.coordinator.log_path();
    let shard_logs: Vec<PathBuf> = deployment.shards.iter().map(|s| s.log_path()).collect();
    // Stopping the servers flushes their logs.
    drop(deployment);
    let refs: Vec<&std::path::Path> = shard_logs.iter().map(PathBuf::as_path).collect();
    let evidence = proof::evaluate(&registry, &coordinator_log, &refs);
    eprintln!(
        "sharded: {} one-value scoped statements ({} distinct SQL texts) proven single-shard in {} executions ({} of them INSERTs, placed by the shards' logs); fan-out statements: {}",
        evidence.single_shard,
        evidence.distinct,
        evidence.executions,
        evidence.inserts,
        evidence
            .fan_outs
            .iter()
            .map(|(sql, partitions, nodes)| format!(
                "`{}` touched {partitions} of {MODULUS} partitions on {nodes} of {NODES} shards",
                one_line(sql)
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let unpinned_all = evidence.fan_outs.iter().any(|(sql, partitions, nodes)| {
        sql.contains("count(*) FROM posts")
            && *partitions == MODULUS as usize
            && *nodes == NODES as usize
    });
    if !unpinned_all {
        failed.push("the unpinned control query did not touch every shard".to_string());
    }
    failed.extend(evidence.failures);
    if failed.is_empty() && evidence.single_shard > 0 {
        eprintln!("sharded: ok");
        ExitCode::SUCCESS
    } else {
        for f in &failed {
            eprintln!("FAILED: {f}");
        }
        ExitCode::FAILURE
    }
}

fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn catch(f: impl FnOnce()) -> Result<(), String> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".to_string())
    })
}

fn report(name: &str, target: &str, outcome: Result<(), String>, failed: &mut Vec<String>) {
    match outcome {
        Ok(()) => eprintln!("scenario {name} on {target} ... ok"),
        Err(why) => {
            eprintln!("scenario {name} on {target} ... FAILED: {why}");
            failed.push(format!("{name} on {target}: {why}"));
        }
    }
}

/// The shared server's URL.
fn single_server_url() -> String {
    std::env::var("SCOPES_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

async fn single_server_admin() -> Result<sqlx::PgPool, String> {
    deployment::connect(&single_server_url(), None, "sharded-admin").await
}

/// A fresh, migrated and seeded schema on the shared server.
async fn single_server_db(
    admin: &sqlx::PgPool,
    name: &str,
    n: usize,
) -> Result<sqlx::PgPool, String> {
    let schema = format!("sharded_{}_{n}", std::process::id());
    deployment::exec(
        admin,
        &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
    )
    .await?;
    let pool = deployment::connect(&single_server_url(), Some(&schema), name).await?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| format!("migrate: {e}"))?;
    deployment::exec(&pool, deployment::SEED_GLOBAL).await?;
    deployment::exec(&pool, deployment::SEED_TENANTS).await?;
    Ok(pool)
}
