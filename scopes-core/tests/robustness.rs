//! No panic, no hang, no stack overflow on any input: property tests over arbitrary and
//! SQL-shaped text, and deep or huge statements that must end in an error in bounded time.
// A test crate: unwrap and panic are how it fails (the workspace denies them in library code).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use scopes_core::{check, Code, Config, Dialect, Markers};

fn config(dialect: Dialect) -> &'static Config {
    static CONFIGS: OnceLock<[Config; 3]> = OnceLock::new();
    let all = CONFIGS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let base = Config::load(&root.join("scopes.toml")).expect("scopes.toml loads");
        [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql].map(|d| {
            let mut c = base.clone();
            c.dialect = d;
            c
        })
    });
    match dialect {
        Dialect::Sqlite => &all[0],
        Dialect::Postgres => &all[1],
        Dialect::Mysql => &all[2],
    }
}

fn codes(sql: &str, dialect: Dialect) -> Vec<Code> {
    check(sql, config(dialect), &Markers::None)
        .all_diagnostics()
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn deeply_nested_subqueries_proven_or_too_complex() {
    // Ten levels are proven; from forty on the analysis budget ends it as too complex.
    for (depth, want) in [
        (10, vec![]),
        (40, vec![Code::TooComplex]),
        (63, vec![Code::TooComplex]),
        (64, vec![Code::TooComplex]),
        (200, vec![Code::TooComplex]),
    ] {
        let mut sql = "SELECT id FROM posts WHERE site_id = :site".to_string();
        for _ in 0..depth {
            sql = format!("SELECT id FROM posts WHERE site_id = :site AND id IN ({sql})");
        }
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            assert_eq!(codes(&sql, d), want, "depth {depth} on {d:?}");
        }
    }
}

#[test]
fn deeply_nested_derived_tables_proven_or_too_complex() {
    for (depth, want) in [(5, vec![]), (30, vec![]), (100, vec![Code::TooComplex])] {
        let mut sql = "SELECT site_id, id FROM posts".to_string();
        for i in 0..depth {
            sql = format!("SELECT * FROM ({sql}) t{i}");
        }
        sql.push_str(&format!(" WHERE t{}.site_id = :site", depth - 1));
        assert_eq!(codes(&sql, Dialect::Postgres), want, "depth {depth}");
    }
}

#[test]
fn long_and_chain_ok() {
    let mut sql = "SELECT id FROM posts WHERE site_id = :site".to_string();
    for i in 0..5_000 {
        sql.push_str(&format!(" AND id <> {i}"));
    }
    assert_eq!(codes(&sql, Dialect::Sqlite), vec![]);
}

#[test]
fn long_or_chain_is_a_missing_filter() {
    let mut sql = "SELECT id FROM posts WHERE site_id = :site".to_string();
    for i in 0..5_000 {
        sql.push_str(&format!(" OR id = {i}"));
    }
    // The OR branches read every site's posts: a missing filter, found without running out of
    // budget.
    let c = codes(&sql, Dialect::Postgres);
    assert!(!c.is_empty(), "accepted");
    assert!(c.iter().all(|c| *c == Code::MissingScopeFilter), "{c:?}");
}

#[test]
fn longest_accepted_chain_bounded() {
    // Just under the length limit: the deepest AST `parse` can produce.
    let mut sql = "SELECT id FROM posts WHERE site_id = :site".to_string();
    while sql.len() < scopes_core::parse::MAX_SQL_LEN - 16 {
        sql.push_str(" AND 1=1");
    }
    assert_eq!(codes(&sql, Dialect::Sqlite), vec![]);
}

#[test]
fn huge_statement_too_complex() {
    let sql = format!("SELECT '{}' FROM posts", "x".repeat(2 * 1024 * 1024));
    assert_eq!(codes(&sql, Dialect::Sqlite), vec![Code::TooComplex]);
}

#[test]
fn many_joins_bounded() {
    let mut sql = "SELECT 1 FROM posts p0".to_string();
    for i in 1..60 {
        sql.push_str(&format!(
            " JOIN posts p{i} ON p{i}.site_id = p{}.site_id",
            i - 1
        ));
    }
    sql.push_str(" WHERE p0.site_id = :site");
    assert_eq!(codes(&sql, Dialect::Postgres), vec![]);
}

/// SQL-shaped fragments, glued at random: near misses of real statements.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "SELECT",
        "*",
        "id",
        "p.id",
        "FROM",
        "posts",
        "p",
        "comments",
        "c",
        "JOIN",
        "LEFT JOIN",
        "ON",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "site_id",
        "p.site_id",
        "c.post_id",
        "=",
        ":site",
        ":user",
        ":",
        "(",
        ")",
        ",",
        "IN",
        "EXISTS",
        "UNION",
        "WITH",
        "t",
        "AS",
        "LIMIT",
        "1",
        "GROUP BY",
        "HAVING",
        "count(*)",
        "INSERT INTO",
        "VALUES",
        "UPDATE",
        "SET",
        "DELETE",
        "RETURNING",
        "ON CONFLICT",
        "DO UPDATE",
        "DO NOTHING",
        "excluded.title",
        "'x'",
        "$1",
        "?",
        ";",
        "--",
        "/*",
        "*/",
        "CASE",
        "WHEN",
        "THEN",
        "END",
        "LATERAL",
        "RECURSIVE",
        "OVER",
        "PARTITION BY",
        "ORDER BY",
        "\"",
        "`",
        "é",
        "\n",
        "NULL",
        "sites",
        "notes",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let _ = check(&s, config(d), &Markers::None);
        }
    }

    #[test]
    fn sql_shaped_text_never_panics(parts in prop::collection::vec(fragment(), 0..40)) {
        let sql = parts.join(" ");
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let r = check(&sql, config(d), &Markers::None);
            // Every diagnostic's span lies inside the text.
            for diag in r.all_diagnostics() {
                prop_assert!(diag.span.start <= diag.span.end && diag.span.end <= sql.len());
            }
        }
    }
}
