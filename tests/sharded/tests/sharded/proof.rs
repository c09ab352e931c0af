//! The single-shard evidence. The scenarios mark the queries they run with one scope value
//! (`Db::one`) and the ones that must fan out (`Db::fan_out`); after the run, the coordinator's
//! log gives every executed plan (auto_explain: which foreign partitions ran) and the shards'
//! logs every row a statement wrote (which partition's schema received it).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use sqlx_scopes::Scoped;

use crate::deployment::{node_of, MODULUS};

/// What a marked query must do on the sharded deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expect {
    /// One scope value: every execution touches exactly one shard.
    One,
    /// Unpinned, several values or all: it may touch several (reported, not required).
    FanOut,
}

/// The marked queries: (scenario's session name, SQL as sent, expectation).
#[derive(Default)]
pub struct Registry(Mutex<BTreeSet<(String, String, Expect)>>);

/// A database a scenario runs on: one server or the coordinator.
#[derive(Clone)]
pub struct Db {
    pub pool: PgPool,
    /// The session name on the coordinator (the logs' key).
    pub session: String,
    /// Where marks go; `None` on the single server (nothing to prove there).
    pub registry: Option<Arc<Registry>>,
}

impl Db {
    /// Marks a query run with one scope value: it must touch one shard. Returns it unchanged.
    pub fn one<Q>(&self, query: Scoped<Q>) -> Scoped<Q> {
        self.mark(&query, Expect::One);
        query
    }

    /// Marks a query that reads every tenant (unpinned) or several: reported with its shards.
    pub fn fan_out<Q>(&self, query: Scoped<Q>) -> Scoped<Q> {
        self.mark(&query, Expect::FanOut);
        query
    }

    fn mark<Q>(&self, query: &Scoped<Q>, expect: Expect) {
        if let (Some(registry), Ok(sql)) = (&self.registry, query.sql()) {
            if let Ok(mut marks) = registry.0.lock() {
                marks.insert((self.session.clone(), sql.to_string(), expect));
            }
        }
    }
}

/// One plan from the coordinator's log.
struct Plan {
    session: String,
    text: String,
    /// Partitions whose foreign scan or foreign modify ran.
    partitions: BTreeSet<u32>,
}

/// One row written on a shard: (session, partition, statement).
struct Write {
    session: String,
    partition: u32,
    insert: bool,
}

/// What the logs show.
#[derive(Default)]
pub struct Evidence {
    /// One-value statements proven single-shard, per scenario (and their executions).
    pub single_shard: usize,
    /// Distinct SQL texts among them.
    pub distinct: usize,
    pub executions: usize,
    /// Of them, INSERTs whose rows all went to one partition (shard logs).
    pub inserts: usize,
    /// Per fan-out statement: the partitions and nodes it touched.
    pub fan_outs: Vec<(String, usize, usize)>,
    /// What does not hold.
    pub failures: Vec<String>,
}

/// Reads the logs and checks every mark.
pub fn evaluate(registry: &Registry, coordinator_log: &Path, shard_logs: &[&Path]) -> Evidence {
    let mut evidence = Evidence::default();
    let plans = read_plans(coordinator_log, &mut evidence.failures);
    let writes: Vec<Write> = shard_logs
        .iter()
        .flat_map(|p| read_writes(p, &mut evidence.failures))
        .collect();
    let marks = registry.0.lock().map(|m| m.clone()).unwrap_or_default();
    // Every statement a scenario ran on the tenant tables is marked: none escapes the proof.
    let sessions: BTreeSet<&String> = marks.iter().map(|(s, _, _)| s).collect();
    for plan in &plans {
        let marked = marks
            .iter()
            .any(|(s, sql, _)| *s == plan.session && *sql == plan.text);
        if sessions.contains(&plan.session) && !plan.partitions.is_empty() && !marked {
            evidence.failures.push(format!(
                "{}: `{}` touched partitions {:?} without a mark",
                plan.session, plan.text, plan.partitions
            ));
        }
    }
    let mut distinct = BTreeSet::new();
    for (session, sql, expect) in &marks {
        let runs: Vec<&Plan> = plans
            .iter()
            .filter(|p| &p.session == session && &p.text == sql)
            .collect();
        if runs.is_empty() {
            evidence
                .failures
                .push(format!("{session}: no plan logged for `{sql}`"));
            continue;
        }
        let insert = sql.trim_start().to_uppercase().starts_with("INSERT");
        match expect {
            Expect::One => {
                let mut ok = true;
                for run in &runs {
                    let touched = run.partitions.len();
                    // A VALUES insert shows no partition in its plan: its rows are routed after
                    // planning, and the shards' logs say where they went (below).
                    if touched > 1 || (touched == 0 && !insert) {
                        ok = false;
                        evidence.failures.push(format!(
                            "{session}: `{sql}` touched partitions {:?}, expected exactly one",
                            run.partitions
                        ));
                    }
                }
                if insert {
                    let targets: BTreeSet<u32> = writes
                        .iter()
                        .filter(|w| &w.session == session && w.insert)
                        .map(|w| w.partition)
                        .collect();
                    if targets.len() == 1 {
                        evidence.inserts += 1;
                    } else {
                        ok = false;
                        evidence.failures.push(format!(
                            "{session}: the rows of `{sql}` went to partitions {targets:?}, expected exactly one"
                        ));
                    }
                }
                if ok {
                    distinct.insert(sql.clone());
                    evidence.single_shard += 1;
                    evidence.executions += runs.len();
                }
            }
            Expect::FanOut => {
                let partitions: BTreeSet<u32> = runs
                    .iter()
                    .flat_map(|r| r.partitions.iter().copied())
                    .collect();
                let nodes: BTreeSet<u32> = partitions.iter().map(|k| node_of(*k)).collect();
                evidence
                    .fan_outs
                    .push((sql.clone(), partitions.len(), nodes.len()));
            }
        }
    }
    evidence.distinct = distinct.len();
    evidence
}

/// The messages of a server's JSON log, with their session name.
fn messages(path: &Path, failures: &mut Vec<String>) -> Vec<(String, String)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            failures.push(format!("cannot read {}: {e}", path.display()));
            return Vec::new();
        }
    };
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|v| {
            let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            (field("application_name"), field("message"))
        })
        .collect()
}

fn read_plans(path: &Path, failures: &mut Vec<String>) -> Vec<Plan> {
    messages(path, failures)
        .into_iter()
        .filter_map(|(session, message)| {
            let json = message.split_once("plan:")?.1;
            let plan: serde_json::Value = serde_json::from_str(json.trim()).ok()?;
            let text = plan.get("Query Text")?.as_str()?.to_string();
            let mut partitions = BTreeSet::new();
            if let Some(root) = plan.get("Plan") {
                collect(root, &mut partitions);
            }
            Some(Plan {
                session,
                text,
                partitions,
            })
        })
        .collect()
}

/// The partitions of the foreign scans (and foreign modifies) that ran at least once.
fn collect(node: &serde_json::Value, partitions: &mut BTreeSet<u32>) {
    let foreign = node.get("Node Type").and_then(|t| t.as_str()) == Some("Foreign Scan");
    let ran = node
        .get("Actual Loops")
        .and_then(serde_json::Value::as_u64)
        .is_some_and(|n| n > 0);
    if foreign && ran {
        for key in ["Relation Name", "Relations"] {
            if let Some(names) = node.get(key).and_then(|v| v.as_str()) {
                partitions.extend(partition_numbers(names, "__p"));
            }
        }
    }
    if let Some(children) = node.get("Plans").and_then(|p| p.as_array()) {
        for child in children {
            collect(child, partitions);
        }
    }
}

/// Every `<marker><digits>` in the text, as numbers below MODULUS.
fn partition_numbers(text: &str, marker: &str) -> Vec<u32> {
    text.match_indices(marker)
        .filter_map(|(i, m)| {
            let digits: String = text[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok().filter(|k| *k < MODULUS)
        })
        .collect()
}

/// The rows postgres_fdw wrote on a shard: `INSERT INTO p<k>.<table>(...)` statements.
fn read_writes(path: &Path, failures: &mut Vec<String>) -> Vec<Write> {
    messages(path, failures)
        .into_iter()
        .filter_map(|(session, message)| {
            let statement = message
                .split_once(": ")
                .map_or(message.as_str(), |(_, s)| s);
            let insert = statement.starts_with("INSERT INTO p");
            let target = statement
                .strip_prefix("INSERT INTO ")
                .or_else(|| statement.strip_prefix("UPDATE "))
                .or_else(|| statement.strip_prefix("DELETE FROM "))?;
            let partition = *partition_numbers(target.split('.').next()?, "p").first()?;
            Some(Write {
                session,
                partition,
                insert,
            })
        })
        .collect()
}
