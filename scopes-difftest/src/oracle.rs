//! The oracle: check a statement, bind the scope values by splicing at the reported placeholder
//! spans, run it on the full database and on the tenant's filtered copy, and compare.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use scopes_core::rewrite::{rewrite, Bind};
use scopes_core::{Config, Markers};

use crate::data::{self, Snapshot, Tenant, Val, TENANTS};
use crate::db::{Db, Outcome};
use crate::gen::Flavor;

/// What happened to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The analyzer rejected it (nothing to execute).
    Rejected,
    /// Accepted, and it behaved exactly as on the tenant's copy.
    Agree,
    /// Accepted, and it failed on both databases (a run-time error such as a type error).
    BothFail(String),
    /// Accepted; it failed with a unique violation only on the full database: another tenant
    /// holds the key. The uniqueness oracle: documented, not closable at compile time.
    UniqueOracle,
    /// Accepted; `DO NOTHING` / `OR IGNORE` silently skipped a row only on the full database
    /// because another tenant holds the key (nothing outside the tenant changed). The same
    /// existence oracle as [`Verdict::UniqueOracle`], without the error.
    SilentSkip,
    /// Accepted, and not scoped: the message says how it differs.
    Leak(String),
    /// The analyzer panicked.
    Crash(String),
}

/// Scope values substituted into a statement the analyzer accepted.
#[derive(Debug, Clone)]
pub struct Bound {
    /// The SQL with `:dim` replaced by numbered parameters.
    pub sql: String,
    /// The dimension of each parameter, in parameter order.
    pub dims: Vec<String>,
}

/// Runs the analyzer; `Ok(None)` when it rejects, `Err` when it panics or reports spans that do
/// not match the text. An accepted statement comes with the rewrite's error, if it had one.
pub fn analyze(
    sql: &str,
    config: &Config,
    flavor: Flavor,
) -> Result<Option<(Bound, Option<String>)>, String> {
    let report = catch_unwind(AssertUnwindSafe(|| {
        scopes_core::check(sql, config, &Markers::None)
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })?;
    if !report.is_scoped() {
        return Ok(None);
    }
    let mut spans: Vec<(std::ops::Range<usize>, String)> = report
        .statements
        .iter()
        .flat_map(|s| {
            s.placeholders
                .iter()
                .map(|p| (p.span.clone(), p.dimension.clone()))
        })
        .collect();
    spans.sort_by_key(|(r, _)| r.start);
    let mut dims: Vec<String> = Vec::new();
    for (_, d) in &spans {
        if !dims.contains(d) {
            dims.push(d.clone());
        }
    }
    let mut out = sql.to_string();
    for (range, d) in spans.iter().rev() {
        let n = dims.iter().position(|x| x == d).map_or(0, |i| i + 1);
        let param = match flavor {
            Flavor::Sqlite => format!("?{n}"),
            Flavor::Postgres => format!("${n}"),
        };
        if out.get(range.clone()) != Some(&format!(":{d}")[..]) {
            return Err(format!(
                "placeholder span {range:?} does not cover `:{d}` in {sql}"
            ));
        }
        out.replace_range(range.clone(), &param);
    }
    // A placeholder the report missed would make the statement fail on both databases and
    // hide whatever it does: refuse instead.
    if out.contains(":site") || out.contains(":user") {
        return Err(format!(
            "a scope placeholder is missing from the report: {sql}"
        ));
    }
    let spliced = Bound { sql: out, dims };
    // Execute what the runtime sends, the rewrite's single-value variant (variant 0), when the
    // rewrite works; otherwise the splice, and the rewrite failure is reported on its own.
    let rewritten = match rewrite(sql, config, &report) {
        Ok(r) => r,
        Err(e) => return Ok(Some((spliced, Some(e.to_string())))),
    };
    let Some(Ok(v)) = rewritten.variants.first().map(|v| v.sql.clone()) else {
        return Ok(Some((spliced, Some("no single-value variant".into()))));
    };
    let mut rdims = Vec::new();
    for b in &v.binds {
        match b {
            Bind::One(d) => rdims.push(d.clone()),
            other => return Ok(Some((spliced, Some(format!("unexpected bind {other:?}"))))),
        }
    }
    Ok(Some((
        Bound {
            sql: v.sql,
            dims: rdims,
        },
        None,
    )))
}

/// The databases of one run: the full one and one filtered copy per tenant.
pub struct Oracle {
    rt: tokio::runtime::Runtime,
    full: Db,
    copies: Vec<Db>,
    /// The analyzer's config (dialect, tables, schema).
    pub config: Config,
    /// The SQL flavour.
    pub flavor: Flavor,
    pg_schemas: Vec<String>,
    /// Accepted statements whose rewrite failed (executed through the splice instead).
    pub rewrite_failures: u64,
    /// The first few rewrite failures.
    pub rewrite_examples: Vec<String>,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

impl Oracle {
    /// In-memory SQLite databases.
    pub fn sqlite(config: Config) -> Result<Oracle, String> {
        let rt = runtime()?;
        let seed = data::seed();
        let (full, copies) = rt
            .block_on(async {
                let full = Db::sqlite(&seed).await?;
                let mut copies = Vec::new();
                for t in TENANTS {
                    copies.push(Db::sqlite(&data::filtered(&seed, t)).await?);
                }
                Ok::<_, sqlx::Error>((full, copies))
            })
            .map_err(|e| format!("sqlite setup: {e}"))?;
        Ok(Oracle {
            rt,
            full,
            copies,
            config,
            flavor: Flavor::Sqlite,
            pg_schemas: vec![],
            rewrite_failures: 0,
            rewrite_examples: vec![],
        })
    }

    /// PostgreSQL schemas (named after this process, dropped on drop) in the database at `url`.
    pub fn postgres(url: &str, config: Config) -> Result<Oracle, String> {
        let rt = runtime()?;
        let seed = data::seed();
        let pid = std::process::id();
        let names: Vec<String> = (0..=TENANTS.len())
            .map(|i| format!("difftest_{pid}_{i}"))
            .collect();
        let (full, copies) = rt
            .block_on(async {
                let full = Db::postgres(url, &names[0], &seed).await?;
                let mut copies = Vec::new();
                for (i, t) in TENANTS.iter().enumerate() {
                    copies
                        .push(Db::postgres(url, &names[i + 1], &data::filtered(&seed, *t)).await?);
                }
                Ok::<_, sqlx::Error>((full, copies))
            })
            .map_err(|e| format!("postgres setup: {e}"))?;
        Ok(Oracle {
            rt,
            full,
            copies,
            config,
            flavor: Flavor::Postgres,
            pg_schemas: names,
            rewrite_failures: 0,
            rewrite_examples: vec![],
        })
    }

    /// Checks and, if accepted, executes and compares one statement as tenant `TENANTS[tenant]`.
    pub fn judge(&mut self, sql: &str, write: bool, tenant: usize) -> Verdict {
        let bound = match analyze(sql, &self.config, self.flavor) {
            Ok(None) => return Verdict::Rejected,
            Ok(Some((b, rewrite_error))) => {
                if let Some(e) = rewrite_error {
                    self.rewrite_failures += 1;
                    if self.rewrite_examples.len() < 5 {
                        self.rewrite_examples
                            .push(format!("{e}\n  statement: {sql}"));
                    }
                }
                b
            }
            Err(e) => return Verdict::Crash(e),
        };
        self.execute(&bound, write, tenant)
    }

    /// Executes without asking the analyzer (binding by text): the ground truth of whether a
    /// generated statement is scoped, used to measure the generator and the analyzer's precision.
    pub fn judge_unchecked(&mut self, sql: &str, write: bool, tenant: usize) -> Verdict {
        let mut dims: Vec<(usize, String)> = ["site", "user"]
            .iter()
            .filter_map(|d| sql.find(&format!(":{d}")).map(|i| (i, d.to_string())))
            .collect();
        dims.sort();
        let dims: Vec<String> = dims.into_iter().map(|(_, d)| d).collect();
        let mut out = sql.to_string();
        for (i, d) in dims.iter().enumerate() {
            let param = match self.flavor {
                Flavor::Sqlite => format!("?{}", i + 1),
                Flavor::Postgres => format!("${}", i + 1),
            };
            out = out.replace(&format!(":{d}"), &param);
        }
        self.execute(&Bound { sql: out, dims }, write, tenant)
    }

    fn execute(&mut self, bound: &Bound, write: bool, tenant: usize) -> Verdict {
        let t = TENANTS[tenant % TENANTS.len()];
        let binds: Vec<i64> = bound
            .dims
            .iter()
            .map(|d| if d == "user" { t.user } else { t.site })
            .collect();
        let copy = &mut self.copies[tenant % TENANTS.len()];
        let full = &mut self.full;
        let (a, b) = self.rt.block_on(async {
            let a = full.run(&bound.sql, &binds, write).await;
            let b = copy.run(&bound.sql, &binds, write).await;
            (a, b)
        });
        match (a, b) {
            (Err(e), Err(_)) => Verdict::BothFail(e.message),
            (Err(e), Ok(_)) if e.unique && write => Verdict::UniqueOracle,
            (Err(e), Ok(_)) => {
                Verdict::Leak(format!("fails only on the full database: {}", e.message))
            }
            (Ok(_), Err(e)) if e.unique && skips(&bound.sql) => Verdict::SilentSkip,
            (Ok(_), Err(e)) => {
                Verdict::Leak(format!("fails only on the tenant's copy: {}", e.message))
            }
            (Ok(a), Ok(b)) => compare(
                &bound.sql,
                &self.full.before,
                &a,
                &b,
                t,
                bound.dims.iter().any(|d| d == "user"),
            ),
        }
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let schemas = std::mem::take(&mut self.pg_schemas);
        let full = &mut self.full;
        self.rt.block_on(async {
            for s in &schemas {
                let _ = full.drop_schema(s).await;
            }
        });
    }
}

/// Rows of `a` missing from `b` (multisets, both sorted).
fn minus(a: &[Vec<Val>], b: &[Vec<Val>]) -> Vec<Vec<Val>> {
    let mut counts: BTreeMap<&Vec<Val>, i64> = BTreeMap::new();
    for r in b {
        *counts.entry(r).or_default() += 1;
    }
    let mut out = Vec::new();
    for r in a {
        let c = counts.entry(r).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            out.push(r.clone());
        }
    }
    out
}

fn show(rows: &[Vec<Val>]) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(4)
        .map(|r| {
            format!(
                "({})",
                r.iter().map(Val::to_string).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    let more = if rows.len() > 4 {
        format!(" and {} more", rows.len() - 4)
    } else {
        String::new()
    };
    format!("[{}]{more}", shown.join(", "))
}

fn diff_tables(x: &Snapshot, y: &Snapshot) -> Option<String> {
    let mut out = Vec::new();
    for (table, rows) in x {
        let other = y.get(table).map(Vec::as_slice).unwrap_or(&[]);
        let (gone, new) = (minus(rows, other), minus(other, rows));
        if !gone.is_empty() || !new.is_empty() {
            out.push(format!(
                "{table}: {} only before/full {}, only after/copy {}",
                gone.len() + new.len(),
                show(&gone),
                show(&new)
            ));
        }
    }
    (!out.is_empty()).then(|| out.join("; "))
}

fn skips(sql: &str) -> bool {
    sql.contains("DO NOTHING") || sql.contains("OR IGNORE")
}

fn compare(
    sql: &str,
    before: &Snapshot,
    a: &Outcome,
    b: &Outcome,
    t: Tenant,
    user_active: bool,
) -> Verdict {
    if let (Some(after_full), Some(after_copy)) = (&a.after, &b.after) {
        // Outside the scope: only the dimensions the statement names are active.
        let (_, out_before) = data::split(before, t, user_active);
        let (_, out_after) = data::split(after_full, t, user_active);
        if let Some(d) = diff_tables(&out_before, &out_after) {
            return Verdict::Leak(format!("changed rows outside the tenant: {d}"));
        }
        // The tenant's own rows (every dimension, as the copy holds them) must end up the same.
        let (in_full, _) = data::split(after_full, t, true);
        let (in_copy, _) = data::split(after_copy, t, true);
        if let Some(d) = diff_tables(&in_full, &in_copy) {
            // Rows present only on the copy, with a statement that skips conflicting rows: the
            // full database skipped them because another tenant holds the key.
            let subset = in_full
                .iter()
                .all(|(tb, rows)| minus(rows, &in_copy[tb]).is_empty());
            if subset && skips(sql) {
                return Verdict::SilentSkip;
            }
            return Verdict::Leak(format!(
                "the tenant's rows differ from the copy's after the write: {d}"
            ));
        }
    }
    if a.rows != b.rows {
        return Verdict::Leak(format!(
            "returned rows differ: only on the full database {}, only on the tenant's copy {}",
            show(&minus(&a.rows, &b.rows)),
            show(&minus(&b.rows, &a.rows))
        ));
    }
    // SQLite reports a stale count for reads (sqlite3_changes of the last write): writes only.
    if a.after.is_some() && a.affected != b.affected {
        return Verdict::Leak(format!(
            "rows affected differ: {} on the full database, {} on the tenant's copy",
            a.affected, b.affected
        ));
    }
    Verdict::Agree
}
