//! One scoped macro invocation end to end: read the SQL, load scopes.toml, check, rewrite,
//! expand; every failure becomes a `compile_error!` at the SQL literal plus a fallback.

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use scopes_core::render::render;
use scopes_core::Dialect;
use scopes_macros_core::{verify, Input, Kind, Rejection};

use crate::config;
use crate::expand::{expand, fallback, Plan};

/// Separates the rendered diagnostics in a failure message. A NUL inside the SQL itself would
/// only split one message in two: every part is still an error at the literal.
const DIAGNOSTIC_SEPARATOR: &str = "\0";

/// A rendered diagnostic without its leading `error`: rustc prints `error: ` before every
/// `compile_error!`, so `error[code]: message` becomes `[code] message`.
fn without_level(rendered: &str) -> String {
    match rendered
        .strip_prefix("error[")
        .and_then(|r| r.split_once("]: "))
    {
        Some((code, rest)) => format!("[{code}] {rest}"),
        None => rendered.to_string(),
    }
}

pub fn scoped(input: Input) -> TokenStream {
    let mut dialect = None;
    match try_scoped(&input, &mut dialect) {
        Ok(tokens) => tokens,
        Err((span, message)) => {
            // One `compile_error!` per diagnostic, each at the same place.
            let mut errors = message
                .split(DIAGNOSTIC_SEPARATOR)
                .map(|m| syn::Error::new(span, m));
            let mut error = errors.next().unwrap_or_else(|| syn::Error::new(span, ""));
            error.extend(errors);
            let error = error.into_compile_error();
            let fallback = fallback(&input, dialect);
            quote! {{ #error #fallback }}
        }
    }
}

fn try_scoped(
    input: &Input,
    dialect_out: &mut Option<Dialect>,
) -> Result<TokenStream, (Span, String)> {
    let at_sql = |message: String| (input.sql.span(), message);
    let mut files = Vec::new();
    let (sql, origin) = if input.file {
        let root = config::env("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        let path = root.join(input.sql.value());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| at_sql(format!("cannot read {}: {e}", path.display())))?;
        files.push(path.display().to_string());
        (text, Some(input.sql.value()))
    } else {
        (input.sql.value(), None)
    };
    let path = config::path().map_err(at_sql)?;
    let loaded = config::load(&path).map_err(at_sql)?;
    let config = &loaded.config;
    *dialect_out = Some(config.dialect);
    files.extend(loaded.files.iter().map(|f| f.display().to_string()));

    // A bad marker stops the check, reported alone at the marker (as the CLI reports it).
    let checked = verify(input, &sql, config).map_err(|e| {
        (
            e.span,
            format!("[invalid-marker] {}\n  = help: {}", e.message, e.help),
        )
    })?;
    let plan = match checked.verdict {
        Ok(plan) => plan,
        Err(Rejection::NotScoped) => {
            let rendered: Vec<String> = checked
                .report
                .all_diagnostics()
                .iter()
                .map(|d| without_level(&render(d, &sql, origin.as_deref())))
                .collect();
            return Err(at_sql(rendered.join(DIAGNOSTIC_SEPARATOR)));
        }
        Err(Rejection::Call(message)) => return Err(at_sql(message)),
    };
    let rewritten = plan.rewritten;
    let mut types = Vec::new();
    for key in &plan.types {
        types.push(config::key_type(*key));
    }
    let checked = cfg!(feature = "checked");
    if checked
        && matches!(input.kind, Kind::Rows)
        && rewritten.variants.len() > 1
        && returns_rows(&sql, config.dialect)
    {
        return Err(at_sql("in checked mode, `scoped_query!` cannot return anonymous records for a scoped statement: \
                    sqlx names the record type of the one-value query only, and the other scope modes \
                    cannot produce it. Use \
                    `scoped_query_as!(YourStruct, ...)` or `scoped_query_scalar!`"
            .to_string()));
    }
    Ok(expand(&Plan {
        input,
        dialect: config.dialect,
        rewritten: &rewritten,
        types,
        files,
        checked,
        overrides: checked && has_overrides(&sql, config.dialect),
    }))
}

/// Whether the SQL names a column with sqlx's override syntax: a quoted identifier (or, as
/// SQLite and MySQL accept, a string literal in alias position) containing `!`, `?` or `:`,
/// such as `AS "id!"` or `AS "n: i64"`. Errs on the side of `true` (the cost is build time).
fn has_overrides(sql: &str, dialect: Dialect) -> bool {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(scopes_core::parse::sql_dialect(dialect), sql).tokenize()
    else {
        return true;
    };
    let marks = |s: &str| s.contains(['!', '?', ':']);
    let mut previous: Option<&Token> = None;
    for token in &tokens {
        if matches!(token, Token::Whitespace(_)) {
            continue;
        }
        let hit = match token {
            Token::Word(w) => w.quote_style.is_some() && marks(&w.value),
            Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => {
                // An alias follows an expression or `AS`; a value follows an operator.
                marks(s)
                    && matches!(
                        previous,
                        Some(
                            Token::Word(_)
                                | Token::Number(..)
                                | Token::RParen
                                | Token::SingleQuotedString(_)
                                | Token::DoubleQuotedString(_)
                        )
                    )
            }
            _ => false,
        };
        if hit {
            return true;
        }
        previous = Some(token);
    }
    false
}

/// Whether the statement returns rows (sqlx then maps them to an anonymous record).
fn returns_rows(sql: &str, dialect: Dialect) -> bool {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(scopes_core::parse::sql_dialect(dialect), sql).tokenize()
    else {
        return true;
    };
    let mut words = tokens.iter().filter_map(|t| match t {
        Token::Word(w) => Some(w.keyword),
        _ => None,
    });
    let first = words.next();
    matches!(
        first,
        Some(Keyword::SELECT | Keyword::WITH | Keyword::VALUES)
    ) || words.any(|k| k == Keyword::RETURNING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_are_quoted_aliases_with_marks() {
        let yes = [
            (r#"SELECT id AS "id!" FROM posts"#, Dialect::Sqlite),
            (r#"SELECT COUNT(*) AS "n: i64" FROM posts"#, Dialect::Sqlite),
            (r#"SELECT title AS "title?" FROM posts"#, Dialect::Postgres),
            ("SELECT id AS `id!` FROM posts", Dialect::Mysql),
            ("SELECT id AS 'id!' FROM posts", Dialect::Sqlite),
            ("SELECT id 'id!' FROM posts", Dialect::Sqlite),
            (
                "SELECT id AS \"id!\" FROM posts WHERE site_id = :site",
                Dialect::Sqlite,
            ),
        ];
        for (sql, dialect) in yes {
            assert!(has_overrides(sql, dialect), "{sql}");
        }
        let no = [
            (
                "SELECT id, title FROM posts p WHERE p.site_id = :site",
                Dialect::Sqlite,
            ),
            (r#"SELECT "id" AS "post_id" FROM posts"#, Dialect::Sqlite),
            (
                "SELECT id FROM posts WHERE title = 'a:b!' AND slug <> 'x?'",
                Dialect::Sqlite,
            ),
            (
                "SELECT id::text FROM posts WHERE site_id = $1",
                Dialect::Postgres,
            ),
            ("SELECT id FROM posts WHERE site_id = ?1", Dialect::Sqlite),
        ];
        for (sql, dialect) in no {
            assert!(!has_overrides(sql, dialect), "{sql}");
        }
    }

    #[test]
    fn untokenizable_sql_counts_as_overrides() {
        assert!(has_overrides("SELECT 'unterminated", Dialect::Sqlite));
    }
}
