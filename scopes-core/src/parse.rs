//! Parsing SQL text into statements with sqlparser, for the configured dialect; parse errors
//! become `syntax-error` diagnostics with a byte span.

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use crate::config::Dialect;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::LineIndex;

/// Deepest expression/query nesting the parser accepts; deeper input is a `too-complex` error
/// instead of a stack overflow.
pub const RECURSION_LIMIT: usize = 64;

/// Largest SQL text analyzed, in bytes.
pub const MAX_SQL_LEN: usize = 256 * 1024;

/// The sqlparser dialect for a configured dialect.
pub fn sql_dialect(dialect: Dialect) -> &'static dyn SqlDialect {
    match dialect {
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Mysql => &MySqlDialect {},
    }
}

/// Parses every statement of `sql`.
///
/// ```
/// use scopes_core::{parse::parse, Dialect};
/// assert_eq!(parse("SELECT 1; SELECT 2", Dialect::Sqlite).unwrap().len(), 2);
/// assert_eq!(parse("SELEC 1", Dialect::Sqlite).unwrap_err().code.as_str(), "syntax-error");
/// ```
pub fn parse(sql: &str, dialect: Dialect) -> Result<Vec<Statement>, Box<Diagnostic>> {
    if sql.len() > MAX_SQL_LEN {
        return Err(Box::new(
            Diagnostic::new(
                Code::TooComplex,
                format!(
                    "the SQL text is {} bytes long; sqlx-scopes analyzes at most {MAX_SQL_LEN}",
                    sql.len()
                ),
                0..0,
            )
            .help("split the SQL into smaller statements"),
        ));
    }
    let parser = Parser::new(sql_dialect(dialect)).with_recursion_limit(RECURSION_LIMIT);
    parser
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| Box::new(parse_error(sql, dialect, e)))
}

fn parse_error(sql: &str, dialect: Dialect, error: ParserError) -> Diagnostic {
    let (code, text) = match &error {
        ParserError::RecursionLimitExceeded => (
            Code::TooComplex,
            format!("the SQL is nested more than {RECURSION_LIMIT} levels deep"),
        ),
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => {
            (Code::SyntaxError, m.clone())
        }
    };
    let located = location_in_message(&text).and_then(|loc| LineIndex::new(sql).offset(loc));
    let span = match located {
        Some(at) => {
            let end = sql[at..]
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map(|(i, _)| at + i)
                .unwrap_or(sql.len());
            at..end
        }
        // sqlparser gives no location for the end of the input: point after the last token
        // (trailing blanks and comments are not the statement).
        None if text.ends_with("found: EOF") => {
            let end = end_of_last_token(sql, dialect);
            end..end
        }
        None => {
            let start = sql.len() - sql.trim_start().len();
            let end = sql[start..]
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map(|(i, _)| start + i)
                .unwrap_or(sql.len());
            start..end
        }
    };
    let label = if span.is_empty() {
        "the statement ends here"
    } else {
        "here"
    };
    // Drop sqlparser's own " at Line: X, Column: Y": the renderer shows the position.
    let message = match text.find(" at Line: ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    Diagnostic::new(code, format!("the SQL does not parse: {message}"), span)
        .label(label)
        .help("fix the syntax; SQL that does not parse is never accepted")
}

/// The byte offset just after the last token of `sql` that is not a blank or a comment (the
/// end of the trimmed text when it does not tokenize).
fn end_of_last_token(sql: &str, dialect: Dialect) -> usize {
    let fallback = sql.trim_end().len();
    let Ok(tokens) = Tokenizer::new(sql_dialect(dialect), sql).tokenize_with_location() else {
        return fallback;
    };
    let index = LineIndex::new(sql);
    tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .and_then(|t| index.offset(t.span.end))
        .unwrap_or(fallback)
}

/// Finds "Line: X, Column: Y" in a sqlparser error message.
fn location_in_message(message: &str) -> Option<Location> {
    let rest = &message[message.find("Line: ")? + 6..];
    let (line, rest) = rest.split_once(',')?;
    let rest = rest.trim_start().strip_prefix("Column: ")?;
    let column: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some(Location::new(
        line.trim().parse().ok()?,
        column.parse().ok()?,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_points_at_token() {
        let sql = "SELECT *\nFROM posts WHERE ) AND x";
        let d = parse(sql, Dialect::Sqlite).unwrap_err();
        assert_eq!(d.code, Code::SyntaxError);
        assert_eq!(&sql[d.span.clone()], ")");
        assert!(d.span.start > 9, "{d:?}");
    }

    #[test]
    fn parse_error_at_end_of_input_points_after_last_token() {
        for (sql, before) in [
            ("SELECT * FROM posts WHERE", "WHERE"),
            ("SELECT * FROM posts WHERE\n", "WHERE"),
            ("SELECT *\nFROM posts\nWHERE  -- the filter\n", "WHERE"),
            ("SELECT 1; SELECT 'é' FROM posts WHERE /* x */", "WHERE"),
            ("SELECT (1", "(1"),
        ] {
            let d = parse(sql, Dialect::Postgres).unwrap_err();
            assert_eq!(d.code, Code::SyntaxError, "{sql}");
            assert!(d.message.ends_with("found: EOF"), "{d:?}");
            let end = sql.rfind(before).unwrap() + before.len();
            assert_eq!(d.span, end..end, "{sql:?}");
        }
    }

    #[test]
    fn deep_nesting_is_too_complex() {
        let sql = format!("SELECT {}1{}", "(".repeat(500), ")".repeat(500));
        let d = parse(&sql, Dialect::Postgres).unwrap_err();
        assert_eq!(d.code, Code::TooComplex);
    }
}
