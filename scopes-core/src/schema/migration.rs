//! Reading one migration file into statements: parsing, parse errors with their line, and
//! skipping what the parser rejects but cannot change a table. Their effect is `schema/ddl.rs`.

use std::path::Path;

use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use super::ddl::apply_statement;
use super::skip;
use super::Schema;
use crate::config::{ConfigError, Dialect};

/// An error in a migration file at a 1-based line.
pub(super) fn invalid(file: &Path, line: u64, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        path: file.to_path_buf(),
        line: usize::try_from(line.max(1)).unwrap_or(1),
        message: message.into(),
    }
}

/// Where a statement of a migration is, and the dialect it is applied in: for errors, for the
/// names the database generates, and for the reasons recorded on uncertain keys.
pub(super) struct At<'a> {
    /// The migration file.
    pub file: &'a Path,
    /// 1-based line of the statement.
    pub line: u64,
    /// The dialect.
    pub dialect: Dialect,
}

impl At<'_> {
    /// An error at this statement.
    pub fn err(&self, message: impl Into<String>) -> ConfigError {
        invalid(self.file, self.line, message)
    }

    /// `file:line`, for reasons recorded in the schema.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
}

/// How to get past a statement the loader cannot read, for error messages.
pub(super) fn way_out(at: &At<'_>) -> String {
    let file = at
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "if it changes no table, column, key, view or function, list it in scopes.toml: `[[skip-migration]]` with `file = \"{file}\"`, `line = {}` and a `reason`; otherwise take the schema from the database (`scopes schema`, then `schema = \"schema.sql\"` in scopes.toml)",
        at.line
    )
}

/// Statements of one file that scopes.toml `[[skip-migration]]` lists: the line each starts
/// on, and whether it was found.
pub(super) type Skips<'a> = [(usize, &'a mut bool)];

/// Parses `sql` statement by statement and applies each one, skipping the listed statements.
pub(super) fn apply(
    schema: &mut Schema,
    sql: &str,
    file: &Path,
    dialect: Dialect,
    skips: &mut Skips<'_>,
) -> Result<(), ConfigError> {
    let (sqlite, postgres, mysql) = (SQLiteDialect {}, PostgreSqlDialect {}, MySqlDialect {});
    let parser_dialect: &dyn sqlparser::dialect::Dialect = match dialect {
        Dialect::Sqlite => &sqlite,
        Dialect::Postgres => &postgres,
        Dialect::Mysql => &mysql,
    };
    let mut parser = Parser::new(parser_dialect)
        .try_with_sql(sql)
        .map_err(|e| parse_error(file, &e))?;
    // One statement at a time (rather than `parse_statements`) to know where each starts: the
    // spans of many statements are empty, and errors must name a line.
    loop {
        while parser.consume_token(&Token::SemiColon) {}
        let start = parser.peek_token();
        if start.token == Token::EOF {
            return Ok(());
        }
        let line = start.span.start.line;
        let at = At {
            file,
            line,
            dialect,
        };
        let listed = skips
            .iter_mut()
            .find(|(l, _)| u64::try_from(*l).is_ok_and(|l| l == line));
        if let Some((_, found)) = listed {
            **found = true;
            skip_listed(
                schema,
                &mut parser,
                parser_dialect,
                sql,
                &at,
                start.span.start,
            )?;
            continue;
        }
        let pragma = matches!(&start.token, Token::Word(w) if w.keyword == Keyword::PRAGMA);
        match parser.parse_statement() {
            Ok(statement) => {
                let next = parser.peek_token();
                if !matches!(next.token, Token::SemiColon | Token::EOF) {
                    return Err(invalid(
                        file,
                        next.span.start.line,
                        format!("expected `;` before `{}`", next.token),
                    ));
                }
                apply_statement(schema, &statement, &at)?;
            }
            // The SQLite parser rejects common pragmas (`PRAGMA foreign_keys = ON`). A pragma
            // holds no `;` and cannot create or alter a table, so skip to the end of it.
            Err(_) if pragma => loop {
                let token = parser.next_token().token;
                if matches!(token, Token::SemiColon | Token::EOF) {
                    break;
                }
            },
            Err(e) => skip_unparsed(
                schema,
                &mut parser,
                parser_dialect,
                sql,
                &at,
                start.span.start,
                &e,
            )?,
        }
    }
}

/// A statement scopes.toml tells the loader to skip: skipped to its end, unless the loader
/// reads it (then the entry would hide a change, and is an error).
fn skip_listed(
    schema: &Schema,
    parser: &mut Parser<'_>,
    dialect: &dyn sqlparser::dialect::Dialect,
    sql: &str,
    at: &At<'_>,
    start: Location,
) -> Result<(), ConfigError> {
    let tokens = Tokenizer::new(dialect, sql)
        .tokenize_with_location()
        .map_err(|e| at.err(format!("cannot tokenize this migration: {e}")))?;
    let end = skip::statement_end(&tokens, start);
    let lines = crate::span::LineIndex::new(sql);
    let from = lines.offset(start).unwrap_or(0);
    let to = end.and_then(|e| lines.offset(e)).unwrap_or(sql.len());
    let text = sql.get(from..to).unwrap_or_default();
    let readable = Parser::new(dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_statements())
        .ok()
        .filter(|statements| statements.len() == 1)
        .is_some_and(|statements| {
            let mut copy = schema.clone();
            statements
                .iter()
                .all(|s| apply_statement(&mut copy, s, at).is_ok())
        });
    if readable {
        return Err(at.err(
            "scopes.toml `[[skip-migration]]` lists this statement, but the loader reads it: remove the entry, so that its changes count",
        ));
    }
    advance_to(parser, end, || {
        at.err("cannot find where the skipped statement ends: end it with `;`")
    })
}

/// Moves the parser to `end` (the `;` of the statement being skipped); the error when the
/// parser has already read past it (what it read may be DDL).
fn advance_to(
    parser: &mut Parser<'_>,
    end: Option<Location>,
    error: impl Fn() -> ConfigError,
) -> Result<(), ConfigError> {
    loop {
        let next = parser.peek_token();
        if next.token == Token::EOF {
            return Ok(());
        }
        if let Some(end) = end {
            if next.span.start > end {
                return Err(error());
            }
            if next.span.start == end {
                return Ok(());
            }
        }
        parser.next_token();
    }
}

/// The parser rejected the statement at `start`: go on after it when it provably changes
/// nothing the checker reads or is read otherwise (see `schema/skip.rs`, `schema/block.rs`),
/// else report the parse error with the way out.
fn skip_unparsed(
    schema: &mut Schema,
    parser: &mut Parser<'_>,
    dialect: &dyn sqlparser::dialect::Dialect,
    sql: &str,
    at: &At<'_>,
    start: Location,
    error: &ParserError,
) -> Result<(), ConfigError> {
    let refused = |why: Option<String>| {
        let (line, message) = match parse_error(at.file, error) {
            ConfigError::Invalid { line, message, .. } => (line, message),
            other => return other,
        };
        let why = why
            .map(|w| format!("; it has {w}, so it may change tables and cannot be skipped"))
            .unwrap_or_default();
        ConfigError::Invalid {
            path: at.file.to_path_buf(),
            line,
            message: format!("{message}{why}; {}", way_out(at)),
        }
    };
    let tokens = Tokenizer::new(dialect, sql)
        .tokenize_with_location()
        .map_err(|_| refused(None))?;
    if let Some(harmless) = skip::harmless(&tokens, start) {
        if let Some((table, old, new)) = harmless.rename_index {
            if let Some(def) = schema.tables.get_mut(&table) {
                def.rename_key(&old, &new, at);
            }
        }
        return advance_to(parser, harmless.end, || refused(None));
    }
    if at.dialect == Dialect::Postgres {
        if let Some(result) = super::block::apply_do(schema, &tokens, start, at) {
            let end = result?;
            return advance_to(parser, end, || refused(None));
        }
    }
    let skip = match skip::skippable(&tokens, start) {
        None => return Err(refused(None)),
        Some(Err(why)) => return Err(refused(Some(why))),
        Some(Ok(skip)) => skip,
    };
    advance_to(parser, skip.end, || refused(None))?;
    if let Some(name) = skip.routine {
        schema.functions.insert(name);
    }
    Ok(())
}

/// A parser error, located by the "Line: X, Column: Y" that sqlparser puts in its text.
fn parse_error(file: &Path, error: &ParserError) -> ConfigError {
    let text = error.to_string();
    let text = text.strip_prefix("sql parser error: ").unwrap_or(&text);
    let (message, line) = match text.split_once(" at Line: ") {
        Some((message, rest)) => {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (message, digits.parse().unwrap_or(1))
        }
        None => (text, 1),
    };
    // sqlparser capitalizes its messages ("Expected: ..."); ours are lowercase.
    let mut chars = message.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_lowercase().collect())
        .unwrap_or_default();
    invalid(
        file,
        line,
        format!(
            "cannot parse this migration: {first}{}; fix the SQL",
            chars.as_str()
        ),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use std::path::Path;

    use crate::config::Dialect;
    use crate::schema::tests::{apply, error, sqlite};

    #[test]
    fn skipped_statements_ok() {
        let schema = apply(
            "BEGIN;
         CREATE EXTENSION IF NOT EXISTS pgcrypto;
         CREATE TYPE mood AS ENUM ('a', 'b');
         CREATE SEQUENCE s;
         CREATE TABLE t (id INT PRIMARY KEY, v INT);
         CREATE INDEX t_v ON t (v);
         COMMENT ON TABLE t IS 'x';
         GRANT SELECT ON t TO app;
         INSERT INTO t (id, v) VALUES (1, 2);
         UPDATE t SET v = 3;
         SET search_path = public;
         CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN NEW.v := 1; RETURN NEW; END;
         $$;
         CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE POLICY p ON t USING (v = 1);
         COMMIT;",
            Dialect::Postgres,
        )
        .unwrap();
        assert!(schema.functions.contains("touch"));
        assert_eq!(schema.tables.len(), 1);
        let schema = sqlite(
        "PRAGMA foreign_keys = ON;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
         CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN UPDATE t SET v = 1; DELETE FROM t WHERE v = 2; END;
         CREATE TABLE u (id INT);",
    );
        assert!(schema.table("u").is_some());
    }

    #[test]
    fn statements_err() {
        // The MySQL parser folds the next statement into a trigger without BEGIN ... END.
        let (line, message) = error(
        "CREATE TABLE a (s TEXT);\nCREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW SET NEW.s = 'x';\nALTER TABLE a ADD COLUMN z INT;",
        Dialect::Mysql,
    );
        assert_eq!(line, 2);
        assert!(
            message.starts_with("the trigger's body contains `ALTER TABLE a ADD`"),
            "{message}"
        );
        let (line, message) = error(
            "CREATE TABLE a (\n  id int,\n  x int REFRENCES b\n);",
            Dialect::Sqlite,
        );
        assert_eq!(line, 3);
        assert!(
            message.starts_with("cannot parse this migration: expected: ',' or ')'"),
            "{message}"
        );
        let (line, message) = error(
            "SELECT 1;\nDO $$ BEGIN EXECUTE 'CREATE TABLE x ()'; END $$;",
            Dialect::Postgres,
        );
        assert_eq!(line, 2);
        assert!(
            message.starts_with("a DO block running dynamic SQL (EXECUTE) may change tables"),
            "{message}"
        );
        let (line, message) = error(
            "\nCREATE VIRTUAL TABLE f USING fts5(body);",
            Dialect::Sqlite,
        );
        assert_eq!(line, 2);
        assert!(
            message.starts_with("this statement may change tables and is not understood"),
            "{message}"
        );
        let (line, message) = error("DROP SCHEMA app CASCADE;", Dialect::Postgres);
        assert_eq!(line, 1);
        assert!(
            message.contains("removes tables this checker cannot track"),
            "{message}"
        );
    }

    #[test]
    fn unparsed_routine_ok() {
        // sqlparser rejects `CREATE TRIGGER IF NOT EXISTS` in SQLite; trigger bodies hold only DML.
        let schema = sqlite(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, n INT);
         CREATE TRIGGER IF NOT EXISTS a_t AFTER INSERT ON a BEGIN
           UPDATE a SET n = CASE WHEN n > 0 THEN 1 ELSE 2 END WHERE id = NEW.id;
         END;
         CREATE TABLE b (id INT);",
        );
        assert!(schema.table("b").is_some());
        let schema = apply(
            "CREATE PROCEDURE p(IN x INT) BEGIN DECLARE y INT; IF x > 0 THEN SELECT 1; END IF; END;
         CREATE TABLE c (id INT);",
            Dialect::Mysql,
        )
        .unwrap();
        assert!(schema.functions.contains("p"));
        assert!(schema.table("c").is_some());
    }

    #[test]
    fn unparsed_routine_err() {
        let (line, message) = error(
        "CREATE TABLE a (id INT);\nCREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON a BEGIN DROP TABLE a; END;",
        Dialect::Sqlite,
    );
        assert_eq!(line, 2);
        assert!(
            message.starts_with("cannot parse this migration: "),
            "{message}"
        );
        assert!(
            message.contains(
                "it has `DROP` in its body, so it may change tables and cannot be skipped; if it changes no table"
            ),
            "{message}"
        );
    }

    #[test]
    fn function_call_err() {
        let (line, message) = error(
        "CREATE FUNCTION mk() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE x (id INT); END $$;\n\nSELECT mk();",
        Dialect::Postgres,
    );
        assert_eq!(line, 3);
        assert!(
            message.starts_with("this statement calls `mk`, a function the migrations create"),
            "{message}"
        );
        // Built-in functions in data seeds are fine.
        apply(
            "CREATE TABLE t (at TIMESTAMPTZ);\nINSERT INTO t VALUES (now());",
            Dialect::Postgres,
        )
        .unwrap();
    }

    proptest::proptest! {
        /// Any text is an error or a schema, never a panic.
        #[test]
        fn arbitrary_sql_ok(sql in "(CREATE|ALTER|DROP|TABLE|VIEW|INDEX|UNIQUE|TRIGGER|BEGIN|END|CASE|RENAME|TO|COLUMN|ADD|PRIMARY KEY|REFERENCES|t|u|id|\\(|\\)|,|;| |\n|'|\\$\\$|--|[a-z0-9]){0,40}") {
            for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
                let _ = apply(&sql, dialect);
            }
        }

        /// Any config text is an error or a config, never a panic.
        #[test]
        fn arbitrary_config_ok(text in "(dialect|migrations|\\[tables\\]|\\[dimensions\\]|site|posts|=|\"|->|\\.|\\{|\\}|,| |\n|[a-z_]){0,40}") {
            let _ = crate::Config::parse(&text, Path::new("scopes.toml"));
        }
    }
}
