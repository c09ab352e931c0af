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

/// Parses `sql` statement by statement and applies each one.
pub(super) fn apply(
    schema: &mut Schema,
    sql: &str,
    file: &Path,
    dialect: Dialect,
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
                apply_statement(
                    schema,
                    &statement,
                    &At {
                        file,
                        line,
                        dialect,
                    },
                )?;
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
                file,
                start.span.start,
                &e,
            )?,
        }
    }
}

/// The parser rejected the statement at `start`: go on after it when it provably cannot change a
/// table (see `schema/skip.rs`), else report the parse error.
fn skip_unparsed(
    schema: &mut Schema,
    parser: &mut Parser<'_>,
    dialect: &dyn sqlparser::dialect::Dialect,
    sql: &str,
    file: &Path,
    start: Location,
    error: &ParserError,
) -> Result<(), ConfigError> {
    let tokens = Tokenizer::new(dialect, sql)
        .tokenize_with_location()
        .map_err(|_| parse_error(file, error))?;
    let skip = match skip::skippable(&tokens, start) {
        None => return Err(parse_error(file, error)),
        Some(Err(why)) => {
            let ConfigError::Invalid { message, .. } = parse_error(file, error) else {
                return Err(parse_error(file, error));
            };
            return Err(invalid(
                file,
                start.line,
                format!("{message}; it has {why}, so it may change tables and cannot be skipped"),
            ));
        }
        Some(Ok(skip)) => skip,
    };
    loop {
        let next = parser.peek_token();
        if next.token == Token::EOF {
            break;
        }
        if let Some(end) = skip.end {
            // The parser already read past the end we found: what it read may be DDL.
            if next.span.start > end {
                return Err(parse_error(file, error));
            }
            if next.span.start == end {
                break;
            }
        }
        parser.next_token();
    }
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
            "SELECT 1;\nDO $$ BEGIN CREATE TABLE x (); END $$;",
            Dialect::Postgres,
        );
        assert_eq!(line, 2);
        assert!(
            message.starts_with("cannot parse this migration"),
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
            message.ends_with(
                "it has `DROP` in its body, so it may change tables and cannot be skipped"
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
