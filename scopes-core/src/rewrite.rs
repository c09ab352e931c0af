//! Rewriting checked SQL into the text sent to the database, one variant per runtime scope mode,
//! by splicing the original text (formatting and comments kept). Proving is `scope`'s job.

use std::fmt;
use std::ops::Range;

use sqlparser::tokenizer::{Token, Tokenizer};

use crate::analysis::{PlaceholderContext, PlaceholderUse, Report};
use crate::config::{Config, Dialect, DimensionType, KeyType};
use crate::parse::{parse, sql_dialect};
use crate::span::LineIndex;

/// How the runtime scope holds one dimension; selects a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// One value: `col = $n`.
    One,
    /// Several values: `col = ANY($n)` and equivalents.
    Many,
    /// Every tenant: the dimension's filters become `TRUE`.
    All,
}

impl Mode {
    /// The modes in variant-index order (the runtime encodes One = 0, Many = 1, All = 2).
    pub const ORDER: [Mode; 3] = [Mode::One, Mode::Many, Mode::All];

    fn as_str(self) -> &'static str {
        match self {
            Mode::One => "one value",
            Mode::Many => "several values",
            Mode::All => "all",
        }
    }
}

/// One argument to bind, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bind {
    /// The user's positional argument, 0-based.
    User(usize),
    /// The single scope value of a dimension.
    One(String),
    /// The several scope values of a dimension (an array on PostgreSQL, JSON elsewhere).
    Many(String),
}

/// The SQL of one variant and the arguments it takes, in bind order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VariantSql {
    /// The text to send.
    pub sql: String,
    /// The arguments, in bind order.
    pub binds: Vec<Bind>,
}

/// One runtime variant: its per-dimension modes and its SQL, or why it cannot exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The mode of each of [`Rewritten::dimensions`], in order.
    pub modes: Vec<Mode>,
    /// The SQL, or the dimension that needs a single value here (a `Value`-context placeholder).
    pub sql: Result<VariantSql, NeedsOneValue>,
}

/// A variant that cannot exist: the placeholder of `dimension` stands as a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsOneValue {
    /// The dimension.
    pub dimension: String,
    /// The mode the variant would give it.
    pub mode: Mode,
}

/// Every variant of a statement. `variants[i]` is the variant whose modes, read as base-3
/// digits (first dimension least significant), make `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    /// The dimensions the SQL has placeholders for, sorted.
    pub dimensions: Vec<String>,
    /// How many positional arguments the user's own SQL takes.
    pub user_params: usize,
    /// `3^dimensions.len()` variants.
    pub variants: Vec<Variant>,
}

/// Why the SQL cannot be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteError {
    /// The SQL uses a parameter style the dialect's driver would misnumber.
    #[error("unsupported parameter `{0}`: {1}")]
    Parameter(String, &'static str),
    /// The report does not match the text (a placeholder span is not `:dimension`).
    #[error("placeholder `:{0}` is not at the reported position")]
    Span(String),
    /// Two substitutions overlap.
    #[error("placeholders `:{0}` and `:{1}` overlap; write each scope predicate separately")]
    Overlap(String, String),
    /// The rewritten SQL does not parse (a bug: please report it).
    #[error("the rewritten SQL does not parse ({0}): {1}")]
    Reparse(String, String),
    /// The tokenizer failed.
    #[error("cannot tokenize the SQL: {0}")]
    Tokenize(String),
    /// Too many dimensions for the variant table.
    #[error("a statement may use at most 4 scope dimensions")]
    TooManyDimensions,
}

impl fmt::Display for NeedsOneValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`:{}` stands as a value, so the scope cannot be {}",
            self.dimension,
            self.mode.as_str()
        )
    }
}

/// A user's positional parameter token and, for SQLite's `?`, the explicit number it gets.
struct UserParams {
    count: usize,
    /// (byte range, explicit text) of anonymous `?` in SQLite, made explicit so spliced `?NNN`
    /// cannot shift them.
    renumber: Vec<(Range<usize>, String)>,
    /// Byte offsets of MySQL `?`, in text order (their bind order).
    mysql_positions: Vec<usize>,
}

/// Produces every runtime variant of `sql`, given the analyzer's report for it.
///
/// ```
/// use scopes_core::analysis::*;
/// use scopes_core::rewrite::{rewrite, Mode};
/// use scopes_core::{Config, Dialect, KeyType};
/// let sql = "SELECT id FROM posts p WHERE p.site_id = :site AND p.id = $1";
/// let report = Report { statements: vec![StatementReport {
///     span: 0..sql.len(), occurrences: vec![], diagnostics: vec![],
///     placeholders: vec![PlaceholderUse { dimension: "site".into(), span: 41..46,
///         context: PlaceholderContext::Equality { predicate: 29..46, column: 29..38 } }] }],
///     diagnostics: vec![] };
/// let config = Config::new(Dialect::Postgres, [("site".into(), KeyType::I64.into())].into(), Default::default(), None);
/// let r = rewrite(sql, &config, &report).unwrap();
/// let sql_of = |i: usize| r.variants[i].sql.as_ref().unwrap().sql.clone();
/// assert_eq!(sql_of(0), "SELECT id FROM posts p WHERE p.site_id = $2 AND p.id = $1");
/// assert_eq!(sql_of(1), "SELECT id FROM posts p WHERE p.site_id = ANY($2) AND p.id = $1");
/// assert_eq!(sql_of(2), "SELECT id FROM posts p WHERE TRUE AND p.id = $1");
/// ```
pub fn rewrite(sql: &str, config: &Config, report: &Report) -> Result<Rewritten, RewriteError> {
    // The variants are parsed again: as deep as the checked text.
    crate::on_deep_stack(sql, || rewrite_on_stack(sql, config, report))
}

fn rewrite_on_stack(
    sql: &str,
    config: &Config,
    report: &Report,
) -> Result<Rewritten, RewriteError> {
    let dialect = config.dialect;
    let placeholders: Vec<&PlaceholderUse> = report
        .statements
        .iter()
        .flat_map(|s| s.placeholders.iter())
        .collect();
    for p in &placeholders {
        if sql.get(p.span.clone()) != Some(format!(":{}", p.dimension).as_str()) {
            return Err(RewriteError::Span(p.dimension.clone()));
        }
    }
    let mut dimensions: Vec<String> = placeholders.iter().map(|p| p.dimension.clone()).collect();
    dimensions.sort();
    dimensions.dedup();
    if dimensions.len() > 4 {
        return Err(RewriteError::TooManyDimensions);
    }
    let user = user_params(sql, dialect)?;
    let count = 3usize.pow(dimensions.len() as u32);
    let mut variants = Vec::with_capacity(count);
    for index in 0..count {
        let mut rest = index;
        let modes: Vec<Mode> = dimensions
            .iter()
            .map(|_| {
                let m = Mode::ORDER[rest % 3];
                rest /= 3;
                m
            })
            .collect();
        let variant = build(sql, config, &dimensions, &modes, &placeholders, &user)?;
        if let Ok(v) = &variant {
            if let Err(e) = parse(&v.sql, dialect) {
                return Err(RewriteError::Reparse(v.sql.clone(), e.message));
            }
        }
        variants.push(Variant {
            modes,
            sql: variant,
        });
    }
    Ok(Rewritten {
        dimensions,
        user_params: user.count,
        variants,
    })
}

fn build(
    sql: &str,
    config: &Config,
    dimensions: &[String],
    modes: &[Mode],
    placeholders: &[&PlaceholderUse],
    user: &UserParams,
) -> Result<Result<VariantSql, NeedsOneValue>, RewriteError> {
    let dialect = config.dialect;
    let mode_of = |d: &str| {
        dimensions
            .iter()
            .position(|x| x == d)
            .and_then(|i| modes.get(i))
            .copied()
            .unwrap_or(Mode::One)
    };
    for p in placeholders {
        let mode = mode_of(&p.dimension);
        if mode != Mode::One && matches!(p.context, PlaceholderContext::Value) {
            return Ok(Err(NeedsOneValue {
                dimension: p.dimension.clone(),
                mode,
            }));
        }
    }
    // Numbered dialects bind each non-"all" dimension once, after the user's arguments.
    let numbered: Vec<&String> = dimensions
        .iter()
        .zip(modes)
        .filter(|(_, m)| **m != Mode::All)
        .map(|(d, _)| d)
        .collect();
    let number_of = |d: &str| user.count + 1 + numbered.iter().position(|x| *x == d).unwrap_or(0);
    // (range, replacement, bind for MySQL's occurrence order, owning dimension)
    let mut edits: Vec<(Range<usize>, String, Option<Bind>, String)> = Vec::new();
    for p in placeholders {
        let mode = mode_of(&p.dimension);
        let n = number_of(&p.dimension);
        let param = match dialect {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Mysql => "?".to_string(),
        };
        let (predicate, column) = match &p.context {
            PlaceholderContext::Equality { predicate, column }
            | PlaceholderContext::InList { predicate, column } => (
                Some(predicate.clone()),
                sql.get(column.clone()).unwrap_or_default(),
            ),
            PlaceholderContext::Value => (None, ""),
        };
        let edit = match (mode, predicate) {
            (Mode::One, _) | (_, None) => {
                (p.span.clone(), param, Some(Bind::One(p.dimension.clone())))
            }
            (Mode::Many, Some(pred)) => {
                let key = config.dimensions.get(&p.dimension).map(DimensionType::key);
                let set = match dialect {
                    Dialect::Postgres => format!("{column} = ANY({param})"),
                    // Several values arrive as one JSON array; uuids as 32 hex digits each,
                    // turned back into the 16 bytes sqlx binds a `Uuid` as on these databases.
                    Dialect::Sqlite => match key {
                        Some(KeyType::Uuid) => {
                            format!("{column} IN (SELECT unhex(value) FROM json_each({param}))")
                        }
                        _ => format!("{column} IN (SELECT value FROM json_each({param}))"),
                    },
                    Dialect::Mysql => {
                        let (ty, value) = match key {
                            Some(KeyType::String) => ("VARCHAR(255)", "scopes_set.v"),
                            Some(KeyType::Uuid) => ("CHAR(32)", "UNHEX(scopes_set.v)"),
                            _ => ("BIGINT", "scopes_set.v"),
                        };
                        format!(
                            "{column} IN (SELECT {value} FROM JSON_TABLE({param}, '$[*]' COLUMNS (v {ty} PATH '$')) AS scopes_set)"
                        )
                    }
                };
                (pred, set, Some(Bind::Many(p.dimension.clone())))
            }
            (Mode::All, Some(pred)) => (pred, "TRUE".to_string(), None),
        };
        edits.push((edit.0, edit.1, edit.2, p.dimension.clone()));
    }
    // SQLite numbers a bare `?` after the largest number so far: one after a spliced `?N` would
    // shift, so only those get explicit numbers (the SQL before the first placeholder stays as written).
    let first = placeholders
        .iter()
        .map(|p| p.span.start)
        .min()
        .unwrap_or(usize::MAX);
    for (range, text) in user.renumber.iter().filter(|(r, _)| r.start > first) {
        edits.push((range.clone(), text.clone(), None, String::new()));
    }
    edits.sort_by_key(|e| (e.0.start, e.0.end));
    for pair in edits.windows(2) {
        if let [a, b] = pair {
            if b.0.start < a.0.end {
                return Err(RewriteError::Overlap(a.3.clone(), b.3.clone()));
            }
        }
    }
    let mut out = String::with_capacity(sql.len() + 32);
    let mut at = 0;
    for (range, text, _, _) in &edits {
        out.push_str(sql.get(at..range.start).unwrap_or_default());
        out.push_str(text);
        at = range.end;
    }
    out.push_str(sql.get(at..).unwrap_or_default());

    let binds = match dialect {
        Dialect::Mysql => {
            // `?` binds by occurrence: merge the user's and the scope's in text order.
            let mut sites: Vec<(usize, Bind)> = user
                .mysql_positions
                .iter()
                .enumerate()
                .map(|(i, pos)| (*pos, Bind::User(i)))
                .collect();
            sites.extend(
                edits
                    .iter()
                    .filter_map(|e| e.2.clone().map(|b| (e.0.start, b))),
            );
            sites.sort_by_key(|s| s.0);
            sites.into_iter().map(|s| s.1).collect()
        }
        Dialect::Postgres | Dialect::Sqlite => {
            let mut binds: Vec<Bind> = (0..user.count).map(Bind::User).collect();
            for d in &numbered {
                let many = mode_of(d) == Mode::Many;
                binds.push(if many {
                    Bind::Many((*d).clone())
                } else {
                    Bind::One((*d).clone())
                });
            }
            binds
        }
    };
    Ok(Ok(VariantSql { sql: out, binds }))
}

/// Counts the user's own positional parameters with sqlparser's tokenizer (so `?` inside strings
/// and comments does not count).
fn user_params(sql: &str, dialect: Dialect) -> Result<UserParams, RewriteError> {
    let tokens = Tokenizer::new(sql_dialect(dialect), sql)
        .tokenize_with_location()
        .map_err(|e| RewriteError::Tokenize(e.to_string()))?;
    let index = LineIndex::new(sql);
    let mut params = UserParams {
        count: 0,
        renumber: Vec::new(),
        mysql_positions: Vec::new(),
    };
    for t in tokens {
        let Token::Placeholder(text) = &t.token else {
            continue;
        };
        let range = index.range(t.span).unwrap_or(0..0);
        let numbered = |prefix: char| -> Option<usize> {
            text.strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n > 0)
        };
        match dialect {
            Dialect::Postgres => match numbered('$') {
                Some(n) => params.count = params.count.max(n),
                None => {
                    return Err(RewriteError::Parameter(
                        text.clone(),
                        "PostgreSQL parameters are `$1`, `$2`, ...",
                    ))
                }
            },
            Dialect::Sqlite => {
                if text == "?" {
                    params.count += 1;
                    params.renumber.push((range, format!("?{}", params.count)));
                } else if let Some(n) = numbered('?') {
                    params.count = params.count.max(n);
                } else {
                    return Err(RewriteError::Parameter(
                        text.clone(),
                        "SQLite parameters are `?` or `?NNN`",
                    ));
                }
            }
            Dialect::Mysql => {
                if text != "?" {
                    return Err(RewriteError::Parameter(
                        text.clone(),
                        "MySQL parameters are `?`",
                    ));
                }
                params.count += 1;
                params.mysql_positions.push(range.start);
            }
        }
    }
    Ok(params)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::analysis::StatementReport;
    use std::collections::BTreeMap;

    /// A placeholder use found by text search: `pred` is the predicate text around it (None: a value).
    fn use_of(sql: &str, nth: usize, dim: &str, pred: Option<&str>) -> PlaceholderUse {
        let needle = format!(":{dim}");
        let start = sql
            .match_indices(&needle)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("placeholder in sql");
        let span = start..start + needle.len();
        let context = match pred {
            None => PlaceholderContext::Value,
            Some(pred) => {
                let p = sql.find(pred).expect("predicate in sql");
                let predicate = p..p + pred.len();
                let col_text = pred
                    .split([' ', '='])
                    .find(|t| !t.is_empty() && !t.starts_with(':'))
                    .expect("column");
                let c = p + pred.find(col_text).expect("column in predicate");
                let column = c..c + col_text.len();
                if pred.to_uppercase().contains(" IN ") {
                    PlaceholderContext::InList { predicate, column }
                } else {
                    PlaceholderContext::Equality { predicate, column }
                }
            }
        };
        PlaceholderUse {
            dimension: dim.to_string(),
            span,
            context,
        }
    }

    fn report(sql: &str, placeholders: Vec<PlaceholderUse>) -> Report {
        Report {
            statements: vec![StatementReport {
                span: 0..sql.len(),
                occurrences: vec![],
                placeholders,
                diagnostics: vec![],
            }],
            diagnostics: vec![],
        }
    }

    fn config(dialect: Dialect) -> Config {
        let dims: BTreeMap<String, DimensionType> = [
            ("site".to_string(), KeyType::I64.into()),
            ("user".to_string(), KeyType::I64.into()),
        ]
        .into();
        Config::new(dialect, dims, BTreeMap::new(), None)
    }

    /// Rewrites and returns each variant's SQL and binds (errors as text), asserting determinism.
    fn variants(
        sql: &str,
        dialect: Dialect,
        uses: Vec<PlaceholderUse>,
    ) -> Vec<Result<VariantSql, String>> {
        let r = rewrite(sql, &config(dialect), &report(sql, uses.clone())).expect("rewrite");
        let again = rewrite(sql, &config(dialect), &report(sql, uses)).expect("rewrite");
        assert_eq!(r, again, "rewrite is deterministic");
        r.variants
            .into_iter()
            .map(|v| v.sql.map_err(|e| e.to_string()))
            .collect()
    }

    fn sql_of(v: &Result<VariantSql, String>) -> &str {
        &v.as_ref().expect("variant has SQL").sql
    }

    #[test]
    fn postgres_modes_ok() {
        let sql = "SELECT p.id -- posts of :site's tenant\nFROM posts p\nWHERE p.site_id = :site AND p.title = $1";
        let v = variants(
            sql,
            Dialect::Postgres,
            vec![use_of(sql, 1, "site", Some("p.site_id = :site"))],
        );
        assert_eq!(sql_of(&v[0]), "SELECT p.id -- posts of :site's tenant\nFROM posts p\nWHERE p.site_id = $2 AND p.title = $1");
        assert_eq!(sql_of(&v[1]), "SELECT p.id -- posts of :site's tenant\nFROM posts p\nWHERE p.site_id = ANY($2) AND p.title = $1");
        assert_eq!(
            sql_of(&v[2]),
            "SELECT p.id -- posts of :site's tenant\nFROM posts p\nWHERE TRUE AND p.title = $1"
        );
        assert_eq!(
            v[0].as_ref().unwrap().binds,
            [Bind::User(0), Bind::One("site".into())]
        );
        assert_eq!(v[2].as_ref().unwrap().binds, [Bind::User(0)]);
    }

    #[test]
    fn sqlite_reversed_and_in_list_ok() {
        let sql = "SELECT c.id FROM comments c JOIN posts p ON c.post_id = p.id WHERE :site = p.site_id OR p.id IN (:site)";
        let uses = vec![
            use_of(sql, 0, "site", Some(":site = p.site_id")),
            use_of(sql, 1, "site", Some("p.id IN (:site)")),
        ];
        let v = variants(sql, Dialect::Sqlite, uses);
        assert_eq!(sql_of(&v[0]), "SELECT c.id FROM comments c JOIN posts p ON c.post_id = p.id WHERE ?1 = p.site_id OR p.id IN (?1)");
        assert_eq!(
            sql_of(&v[1]),
            "SELECT c.id FROM comments c JOIN posts p ON c.post_id = p.id WHERE p.site_id IN (SELECT value FROM json_each(?1)) OR p.id IN (SELECT value FROM json_each(?1))"
        );
        assert_eq!(v[1].as_ref().unwrap().binds, [Bind::Many("site".into())]);
    }

    /// Several uuids arrive as a JSON array of 32-hex-digit strings; SQLite and MySQL turn each
    /// back into the 16 bytes sqlx binds a `Uuid` as; PostgreSQL takes a `uuid[]`.
    #[test]
    fn uuid_sets_ok() {
        let sql = "SELECT id FROM projects p WHERE p.org_id = :org";
        let dims: BTreeMap<String, DimensionType> = [(
            "org".to_string(),
            DimensionType::newtype_of("uuid", "crate::OrgId").unwrap(),
        )]
        .into();
        let many = |dialect| {
            let config = Config::new(dialect, dims.clone(), BTreeMap::new(), None);
            let uses = vec![use_of(sql, 0, "org", Some("p.org_id = :org"))];
            let r = rewrite(sql, &config, &report(sql, uses)).unwrap();
            r.variants[1].sql.as_ref().unwrap().sql.clone()
        };
        assert_eq!(
            many(Dialect::Sqlite),
            "SELECT id FROM projects p WHERE p.org_id IN (SELECT unhex(value) FROM json_each(?1))"
        );
        assert_eq!(
            many(Dialect::Mysql),
            "SELECT id FROM projects p WHERE p.org_id IN (SELECT UNHEX(scopes_set.v) FROM JSON_TABLE(?, '$[*]' COLUMNS (v CHAR(32) PATH '$')) AS scopes_set)"
        );
        assert_eq!(
            many(Dialect::Postgres),
            "SELECT id FROM projects p WHERE p.org_id = ANY($1)"
        );
    }

    #[test]
    fn sqlite_bare_params_after_scope_are_numbered_ok() {
        let sql = "SELECT id FROM posts WHERE title = ? AND site_id = :site AND slug = ?";
        let v = variants(
            sql,
            Dialect::Sqlite,
            vec![use_of(sql, 0, "site", Some("site_id = :site"))],
        );
        assert_eq!(
            sql_of(&v[0]),
            "SELECT id FROM posts WHERE title = ? AND site_id = ?3 AND slug = ?2"
        );
        assert_eq!(
            sql_of(&v[2]),
            "SELECT id FROM posts WHERE title = ? AND TRUE AND slug = ?2"
        );
    }

    #[test]
    fn mysql_binds_in_text_order_ok() {
        let sql = "SELECT n.id FROM notes n WHERE n.body = ? AND n.site_id = :site AND n.author_id = :user AND n.id > ? AND n.site_id = :site";
        let uses = vec![
            use_of(sql, 0, "site", Some("n.site_id = :site AND")),
            use_of(sql, 0, "user", Some("n.author_id = :user")),
        ];
        // The `:site` at the end is a second equality on the same column.
        let mut uses = uses;
        let second = sql.rfind("n.site_id = :site").expect("second");
        let mut last = use_of(sql, 1, "site", None);
        last.context = PlaceholderContext::Equality {
            predicate: second..sql.len(),
            column: second..second + 9,
        };
        uses.push(last);
        // fix the first predicate span (the helper included " AND")
        if let PlaceholderContext::Equality { predicate, .. } = &mut uses[0].context {
            predicate.end -= 4;
        }
        let v = variants(sql, Dialect::Mysql, uses);
        let one = v[0].as_ref().unwrap();
        assert_eq!(one.sql, "SELECT n.id FROM notes n WHERE n.body = ? AND n.site_id = ? AND n.author_id = ? AND n.id > ? AND n.site_id = ?");
        assert_eq!(
            one.binds,
            [
                Bind::User(0),
                Bind::One("site".into()),
                Bind::One("user".into()),
                Bind::User(1),
                Bind::One("site".into())
            ]
        );
        // site = all, user = many: index 2 + 1*3 = 5
        let v5 = v[5].as_ref().unwrap();
        assert!(v5.sql.contains("WHERE n.body = ? AND TRUE AND n.author_id IN (SELECT scopes_set.v FROM JSON_TABLE(?, '$[*]'"), "{}", v5.sql);
        assert_eq!(
            v5.binds,
            [Bind::User(0), Bind::Many("user".into()), Bind::User(1)]
        );
    }

    #[test]
    fn two_dimensions_numbering_ok() {
        let sql = "SELECT id FROM notes WHERE site_id = :site AND author_id = :user";
        let uses = vec![
            use_of(sql, 0, "site", Some("site_id = :site")),
            use_of(sql, 0, "user", Some("author_id = :user")),
        ];
        let v = variants(sql, Dialect::Postgres, uses);
        assert_eq!(v.len(), 9);
        assert_eq!(
            sql_of(&v[0]),
            "SELECT id FROM notes WHERE site_id = $1 AND author_id = $2"
        );
        // site all (2) + user one (0): user renumbered to $1
        assert_eq!(
            sql_of(&v[2]),
            "SELECT id FROM notes WHERE TRUE AND author_id = $1"
        );
        assert_eq!(sql_of(&v[8]), "SELECT id FROM notes WHERE TRUE AND TRUE");
    }

    #[test]
    fn value_context_needs_one_err() {
        let sql = "INSERT INTO posts (site_id, title) VALUES (:site, $1)";
        let v = variants(sql, Dialect::Postgres, vec![use_of(sql, 0, "site", None)]);
        assert_eq!(
            sql_of(&v[0]),
            "INSERT INTO posts (site_id, title) VALUES ($2, $1)"
        );
        assert_eq!(
            v[1].as_ref().unwrap_err(),
            "`:site` stands as a value, so the scope cannot be several values"
        );
        assert_eq!(
            v[2].as_ref().unwrap_err(),
            "`:site` stands as a value, so the scope cannot be all"
        );
    }

    #[test]
    fn params_in_strings_and_comments_do_not_count_ok() {
        let sql = "SELECT '?' AS q, id FROM posts /* ? */ WHERE site_id = :site -- ?\n";
        let v = variants(
            sql,
            Dialect::Mysql,
            vec![use_of(sql, 0, "site", Some("site_id = :site"))],
        );
        assert_eq!(v[0].as_ref().unwrap().binds, [Bind::One("site".into())]);
        assert_eq!(
            sql_of(&v[0]),
            "SELECT '?' AS q, id FROM posts /* ? */ WHERE site_id = ? -- ?\n"
        );
    }

    #[test]
    fn wrong_span_err() {
        let sql = "SELECT id FROM posts WHERE site_id = :site";
        let mut u = use_of(sql, 0, "site", Some("site_id = :site"));
        u.span.start += 1;
        assert!(matches!(
            rewrite(sql, &config(Dialect::Sqlite), &report(sql, vec![u])),
            Err(RewriteError::Span(_))
        ));
    }

    #[test]
    fn unsupported_parameter_err() {
        let sql = "SELECT id FROM posts WHERE site_id = :site AND id = $1";
        let u = use_of(sql, 0, "site", Some("site_id = :site"));
        assert!(matches!(
            rewrite(sql, &config(Dialect::Sqlite), &report(sql, vec![u])),
            Err(RewriteError::Parameter(..))
        ));
    }

    #[test]
    fn no_placeholders_ok() {
        let sql = "SELECT id, name FROM sites WHERE id = $1";
        let v = variants(sql, Dialect::Postgres, vec![]);
        assert_eq!(v.len(), 1);
        assert_eq!(sql_of(&v[0]), sql);
    }
}
