//! The generator itself: deterministic, mostly valid SQL, and a real share of unscoped statements.

use scopes_difftest::gen::{generate, Flavor};
use scopes_difftest::oracle::{Oracle, Verdict};
use scopes_difftest::runner;

#[test]
fn same_seed_same_statement() {
    for seed in 0..200 {
        assert_eq!(
            generate(seed, Flavor::Sqlite).sql,
            generate(seed, Flavor::Sqlite).sql
        );
    }
}

/// Runs generated statements without the analyzer: most must execute, and both scoped and
/// unscoped ones must occur, or the differential test has nothing to tell apart.
#[test]
fn generated_sql_runs_on_sqlite() {
    let config = runner::load_config(Flavor::Sqlite).expect("the difftest's scopes.toml loads");
    let mut oracle = Oracle::sqlite(config).expect("sqlite");
    let (mut ok, mut fail, mut leak) = (0, 0, 0);
    let mut errors = std::collections::BTreeMap::<String, (u32, String)>::new();
    for seed in 0..1500u64 {
        let g = generate(seed, Flavor::Sqlite);
        match oracle.judge_unchecked(&g.sql, g.write, (seed % 3) as usize) {
            Verdict::BothFail(e) => {
                fail += 1;
                let key: String = e.chars().take(60).collect();
                errors.entry(key).or_insert((0, g.sql.clone())).0 += 1;
            }
            Verdict::Leak(_) => leak += 1,
            _ => ok += 1,
        }
    }
    eprintln!("scoped {ok}, unscoped {leak}, failing {fail}");
    for (e, (n, sql)) in &errors {
        eprintln!("{n:>5} {e}\n      e.g. {sql}");
    }
    assert!(
        fail * 5 < ok + leak,
        "too many generated statements fail to run"
    );
    assert!(leak > 100 && ok > 100);
}
