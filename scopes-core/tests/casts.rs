//! Cast scope placeholders (`:site::bigint`, `CAST(:site AS bigint)`): which casts are the scope
//! value, and the exact SQL of every runtime variant in each dialect (issue 11).

use std::path::Path;

use scopes_core::rewrite::{rewrite, Mode};
use scopes_core::{check, Config, Dialect, Markers};

fn config(dialect: Dialect, site_type: &str) -> Config {
    let mut c = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../scopes.toml"))
        .expect("the repository's scopes.toml loads");
    c.dialect = dialect;
    let ty = scopes_core::DimensionType::parse(site_type).expect("a dimension type");
    c.dimensions.insert("site".into(), ty);
    c
}

/// The SQL of the one-value, several-values and all variants of a checked statement.
fn variants(sql: &str, config: &Config) -> [String; 3] {
    let report = check(sql, config, &Markers::None);
    assert!(report.is_scoped(), "{sql}: {:?}", report.all_diagnostics());
    let r = rewrite(sql, config, &report).expect("rewrites");
    assert_eq!(r.dimensions, ["site"]);
    Mode::ORDER.map(|m| {
        let v = r.variants.iter().find(|v| v.modes == [m]).expect("variant");
        match &v.sql {
            Ok(s) => s.sql.clone(),
            Err(e) => format!("ERR {e}"),
        }
    })
}

#[test]
fn postgres_cast_placeholders_rewrite() {
    let c = config(Dialect::Postgres, "i64");
    assert_eq!(
        variants(
            "SELECT id FROM posts p WHERE p.site_id = :site::bigint AND p.id = $1",
            &c
        ),
        [
            "SELECT id FROM posts p WHERE p.site_id = $2::bigint AND p.id = $1",
            "SELECT id FROM posts p WHERE p.site_id = ANY($2) AND p.id = $1",
            "SELECT id FROM posts p WHERE TRUE AND p.id = $1",
        ]
    );
    assert_eq!(
        variants(
            "SELECT id FROM posts p WHERE CAST( :site AS INT8 ) = p.site_id",
            &c
        ),
        [
            "SELECT id FROM posts p WHERE CAST( $1 AS INT8 ) = p.site_id",
            "SELECT id FROM posts p WHERE p.site_id = ANY($1)",
            "SELECT id FROM posts p WHERE TRUE",
        ]
    );
    assert_eq!(
        variants(
            "SELECT id FROM posts p WHERE p.site_id IN ((:site)::bigint) AND true",
            &c
        ),
        [
            "SELECT id FROM posts p WHERE p.site_id IN (($1)::bigint) AND true",
            "SELECT id FROM posts p WHERE p.site_id = ANY($1) AND true",
            "SELECT id FROM posts p WHERE TRUE AND true",
        ]
    );
    // A value: one value only.
    let [one, many, all] = variants(
        "INSERT INTO posts (site_id, title, slug) VALUES (:site::bigint, $1, $2)",
        &c,
    );
    assert_eq!(
        one,
        "INSERT INTO posts (site_id, title, slug) VALUES ($3::bigint, $1, $2)"
    );
    assert!(
        many.starts_with("ERR") && all.starts_with("ERR"),
        "{many} {all}"
    );
    let u = config(Dialect::Postgres, "uuid");
    assert_eq!(
        variants("SELECT id FROM posts WHERE site_id = :site::\"uuid\"", &u)[1],
        "SELECT id FROM posts WHERE site_id = ANY($1)"
    );
}

#[test]
fn sqlite_and_mysql_cast_placeholders_rewrite() {
    let c = config(Dialect::Sqlite, "i64");
    assert_eq!(
        variants(
            "SELECT id FROM posts p WHERE p.site_id = CAST(:site AS INTEGER)",
            &c
        ),
        [
            "SELECT id FROM posts p WHERE p.site_id = CAST(?1 AS INTEGER)",
            "SELECT id FROM posts p WHERE p.site_id IN (SELECT value FROM json_each(?1))",
            "SELECT id FROM posts p WHERE TRUE",
        ]
    );
    let m = config(Dialect::Mysql, "i64");
    assert_eq!(
        variants("SELECT id FROM posts p WHERE p.site_id = CAST(:site AS SIGNED) AND p.id = ?", &m),
        [
            "SELECT id FROM posts p WHERE p.site_id = CAST(? AS SIGNED) AND p.id = ?",
            "SELECT id FROM posts p WHERE p.site_id IN (SELECT scopes_set.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v BIGINT PATH '$')) AS scopes_set) AND p.id = ?",
            "SELECT id FROM posts p WHERE TRUE AND p.id = ?",
        ]
    );
}

/// Casts that may change the value, or its type, are not the scope value.
#[test]
fn casts_that_change_the_value_are_rejected() {
    let cases: &[(Dialect, &str, &str)] = &[
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = :site::text",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = :site::integer",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = :site::numeric",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = :site::real",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = :site::bigint::text::bigint",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = TRY_CAST(:site AS bigint)",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id::text = :site::text",
        ),
        (
            Dialect::Postgres,
            "i64",
            "SELECT id FROM posts WHERE site_id = :site::\"BIGINT\"",
        ),
        (
            Dialect::Postgres,
            "String",
            "SELECT id FROM posts WHERE site_id = :site::varchar(3)",
        ),
        (
            Dialect::Postgres,
            "String",
            "SELECT id FROM posts WHERE site_id = :site::char(3)",
        ),
        (
            Dialect::Postgres,
            "uuid",
            "SELECT id FROM posts WHERE site_id = :site::text",
        ),
        (
            Dialect::Sqlite,
            "i64",
            "SELECT id FROM posts WHERE site_id = CAST(:site AS REAL)",
        ),
        (
            Dialect::Sqlite,
            "i64",
            "SELECT id FROM posts WHERE site_id = CAST(:site AS TEXT)",
        ),
        (
            Dialect::Sqlite,
            "String",
            "SELECT id FROM posts WHERE site_id = CAST(:site AS INTEGER)",
        ),
        (
            Dialect::Mysql,
            "i64",
            "SELECT id FROM posts WHERE site_id = CAST(:site AS UNSIGNED)",
        ),
        (
            Dialect::Mysql,
            "i64",
            "SELECT id FROM posts WHERE site_id = CAST(:site AS DECIMAL)",
        ),
        (
            Dialect::Mysql,
            "i64",
            "SELECT id FROM posts WHERE site_id = CAST(:site AS CHAR)",
        ),
        (
            Dialect::Postgres,
            "i64",
            "INSERT INTO posts (site_id, title, slug) VALUES (:site::integer, $1, $2)",
        ),
        (
            Dialect::Postgres,
            "i64",
            "UPDATE posts SET site_id = :site::text WHERE site_id = :site",
        ),
    ];
    for (d, ty, sql) in cases {
        let report = check(sql, &config(*d, ty), &Markers::None);
        assert!(!report.is_scoped(), "{d:?} {ty}: accepted {sql}");
    }
}

/// Every branch of an OR carries the scope filter: each is rewritten in place.
#[test]
fn or_branches_rewrite() {
    let c = config(Dialect::Postgres, "i64");
    assert_eq!(
        variants(
            "SELECT id FROM posts p WHERE (p.site_id = :site AND p.published) OR (p.site_id = :site::bigint AND p.id = $1)",
            &c
        ),
        [
            "SELECT id FROM posts p WHERE (p.site_id = $2 AND p.published) OR (p.site_id = $2::bigint AND p.id = $1)",
            "SELECT id FROM posts p WHERE (p.site_id = ANY($2) AND p.published) OR (p.site_id = ANY($2) AND p.id = $1)",
            "SELECT id FROM posts p WHERE (TRUE AND p.published) OR (TRUE AND p.id = $1)",
        ]
    );
}
