//! PostgreSQL `DO $$ ... $$` blocks in migrations. A block without DDL changes nothing the
//! checker reads and is skipped; a block of plain DDL statements, maybe under `IF` or an
//! `EXCEPTION` handler (the idempotent forms tools generate), is applied statement by statement,
//! with what may or may not have run kept as uncertain; anything else (dynamic SQL, loops, DDL
//! that may or may not change tables or columns) is refused with the way out.

use std::collections::BTreeSet;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use super::ddl::apply_statement;
use super::migration::At;
use super::{Schema, TableDef};
use crate::config::ConfigError;
use crate::span::LineIndex;

/// Words that start a statement changing the schema, inside a block's body.
const DDL: &[&str] = &[
    "create", "alter", "drop", "rename", "execute", "comment", "grant", "revoke",
];

/// Exception conditions raised when the object a statement creates exists already: a block
/// guarded by them either ran whole or changed nothing because the object was there.
fn is_duplicate_condition(condition: &str) -> bool {
    condition.starts_with("duplicate_")
        || matches!(
            condition,
            "42710" | "42p07" | "42701" | "42p06" | "42723" | "42712"
        )
}

/// The DO statement at `start`, applied; `None` when it is no DO block (the parse error stands).
/// `Ok` holds where the statement ends (its `;`), `None` at the end of the file.
pub(super) fn apply_do(
    schema: &mut Schema,
    tokens: &[TokenWithSpan],
    start: Location,
    at: &At<'_>,
) -> Option<Result<Option<Location>, ConfigError>> {
    let words: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .skip_while(|t| t.span.start < start)
        .collect();
    let (first, mut rest) = words.split_first()?;
    if !is_word(first, "do") {
        return None;
    }
    let mut body = None;
    let mut language = None;
    while let Some((t, after)) = rest.split_first() {
        match &t.token {
            Token::DollarQuotedString(s) if body.is_none() => {
                body = Some((s.value.clone(), t.span.start))
            }
            Token::SingleQuotedString(s) if body.is_none() => {
                body = Some((s.clone(), t.span.start))
            }
            Token::Word(w) if w.value.eq_ignore_ascii_case("language") => {
                let (lang, after) = after.split_first()?;
                let Token::Word(l) = &lang.token else {
                    return None;
                };
                language = Some(l.value.to_lowercase());
                rest = after;
                continue;
            }
            Token::SemiColon | Token::EOF => break,
            _ => return None,
        }
        rest = after;
    }
    let (body, body_start) = body?;
    let end = rest
        .first()
        .filter(|t| t.token == Token::SemiColon)
        .map(|t| t.span.start);
    if language.as_deref().is_some_and(|l| l != "plpgsql") {
        return Some(Err(refuse(
            at,
            "a DO block in a language other than plpgsql",
        )));
    }
    let block = Block {
        text: &body,
        lines: LineIndex::new(&body),
        first_line: body_start.line,
        at,
    };
    Some(block.apply(schema).map(|()| end))
}

/// The refusal, with the way out.
fn refuse(at: &At<'_>, what: &str) -> ConfigError {
    at.err(format!(
        "{what} may change tables, columns or keys in ways the loader cannot follow; {}",
        super::migration::way_out(at)
    ))
}

fn is_word(t: &TokenWithSpan, word: &str) -> bool {
    matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// One element of a block's statement list.
enum Item<'t> {
    /// A statement: its tokens, without the `;`.
    Statement(&'t [&'t TokenWithSpan]),
    /// `IF cond THEN ... [ELSIF cond THEN ...] [ELSE ...] END IF`: the condition of the first
    /// branch, each branch, and whether an ELSE makes one of them run for sure.
    If {
        condition: &'t [&'t TokenWithSpan],
        branches: Vec<Vec<Item<'t>>>,
        has_else: bool,
    },
}

/// The body of one DO block.
struct Block<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    /// The line of the file the body starts on.
    first_line: u64,
    at: &'a At<'a>,
}

impl Block<'_> {
    fn apply(&self, schema: &mut Schema) -> Result<(), ConfigError> {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, self.text)
            .tokenize_with_location()
            .map_err(|_| refuse(self.at, "a DO block whose body does not tokenize"))?;
        let words: Vec<&TokenWithSpan> = tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .collect();
        // No statement that changes the schema, and no call of a migration's function (which
        // may): nothing to follow.
        let ddl = words.iter().any(|t| DDL.iter().any(|w| is_word(t, w)));
        let calls = words
            .windows(2)
            .any(|pair| match (&pair[0].token, &pair[1].token) {
                (Token::Word(w), Token::LParen) => {
                    schema.functions.contains(&w.value.to_lowercase())
                }
                _ => false,
            });
        if !ddl && !calls {
            return Ok(());
        }
        let (items, handlers) = self.parse_block(&words).ok_or_else(|| {
            refuse(
                self.at,
                "a DO block other than BEGIN <statements> [EXCEPTION WHEN ... THEN NULL] END",
            )
        })?;
        match handlers {
            None => self.run(schema, &items),
            Some(conditions) => {
                let before = schema.clone();
                let mut after = schema.clone();
                let ran = self.run(&mut after, &items).is_ok() && !new_duplicates(&before, &after);
                if conditions.iter().all(|c| is_duplicate_condition(c)) {
                    // It ran whole, or raised because an object existed and changed nothing.
                    if ran {
                        *schema = after;
                    }
                    Ok(())
                } else if ran {
                    // Any error rolls it back: it ran whole or not at all.
                    *schema = merge_maybe(&before, &[after], &self.place())
                        .map_err(|what| refuse(self.at, &what))?;
                    Ok(())
                } else {
                    Ok(())
                }
            }
        }
    }

    fn place(&self) -> String {
        self.at.place()
    }

    /// `BEGIN items [EXCEPTION (WHEN conds THEN NULL;)+] END [;]`: the items and the handlers'
    /// conditions (lowercase), `None` when the body has another shape.
    fn parse_block<'t>(
        &self,
        words: &'t [&'t TokenWithSpan],
    ) -> Option<(Vec<Item<'t>>, Option<Vec<String>>)> {
        let (first, rest) = words.split_first()?;
        if !is_word(first, "begin") {
            return None;
        }
        let (items, mut rest) = self.parse_items(rest)?;
        let mut handlers = None;
        if rest.first().is_some_and(|t| is_word(t, "exception")) {
            let mut conditions = Vec::new();
            rest = &rest[1..];
            while rest.first().is_some_and(|t| is_word(t, "when")) {
                rest = &rest[1..];
                loop {
                    let (condition, after) = rest.split_first()?;
                    let Token::Word(w) = &condition.token else {
                        return None;
                    };
                    if w.value.eq_ignore_ascii_case("sqlstate") {
                        let (code, after) = after.split_first()?;
                        let Token::SingleQuotedString(code) = &code.token else {
                            return None;
                        };
                        conditions.push(code.to_lowercase());
                        rest = after;
                    } else {
                        conditions.push(w.value.to_lowercase());
                        rest = after;
                    }
                    match rest.split_first() {
                        Some((t, after)) if is_word(t, "or") => rest = after,
                        Some((t, after)) if is_word(t, "then") => {
                            rest = after;
                            break;
                        }
                        _ => return None,
                    }
                }
                // The handler may only swallow the error.
                let (handler, after) = self.parse_items(rest)?;
                let quiet = handler.iter().all(|item| match item {
                    Item::Statement(tokens) => tokens
                        .first()
                        .is_some_and(|t| is_word(t, "null") || is_word(t, "raise")),
                    Item::If { .. } => false,
                });
                if !quiet {
                    return None;
                }
                rest = after;
            }
            handlers = Some(conditions);
        }
        let (end, rest) = rest.split_first()?;
        if !is_word(end, "end") {
            return None;
        }
        let rest = match rest.split_first() {
            Some((t, after)) if t.token == Token::SemiColon => after,
            _ => rest,
        };
        rest.is_empty().then_some((items, handlers))
    }

    /// Statements up to END / EXCEPTION / ELSIF / ELSE / WHEN at this level.
    fn parse_items<'t>(
        &self,
        mut words: &'t [&'t TokenWithSpan],
    ) -> Option<(Vec<Item<'t>>, &'t [&'t TokenWithSpan])> {
        let mut items = Vec::new();
        loop {
            let first = words.first()?;
            if ["end", "exception", "elsif", "elseif", "else", "when"]
                .iter()
                .any(|w| is_word(first, w))
            {
                return Some((items, words));
            }
            if is_word(first, "if") {
                let (item, rest) = self.parse_if(&words[1..])?;
                items.push(item);
                words = rest;
                continue;
            }
            // Nested blocks and loops are not followed.
            if [
                "begin", "declare", "loop", "for", "while", "foreach", "case",
            ]
            .iter()
            .any(|w| is_word(first, w))
            {
                return None;
            }
            let end = words.iter().position(|t| t.token == Token::SemiColon)?;
            items.push(Item::Statement(&words[..end]));
            words = &words[end + 1..];
        }
    }

    /// After `IF`: `cond THEN items (ELSIF cond THEN items)* [ELSE items] END IF ;`.
    fn parse_if<'t>(
        &self,
        words: &'t [&'t TokenWithSpan],
    ) -> Option<(Item<'t>, &'t [&'t TokenWithSpan])> {
        let then = words.iter().position(|t| is_word(t, "then"))?;
        let condition = &words[..then];
        let mut rest = &words[then + 1..];
        let mut branches = Vec::new();
        let mut has_else = false;
        loop {
            let (items, after) = self.parse_items(rest)?;
            branches.push(items);
            let (t, after) = after.split_first()?;
            if is_word(t, "elsif") || is_word(t, "elseif") {
                let then = after.iter().position(|t| is_word(t, "then"))?;
                rest = &after[then + 1..];
            } else if is_word(t, "else") {
                has_else = true;
                rest = after;
            } else if is_word(t, "end") {
                let (if_word, after) = after.split_first()?;
                let (semi, after) = after.split_first()?;
                if !is_word(if_word, "if") || semi.token != Token::SemiColon {
                    return None;
                }
                return Some((
                    Item::If {
                        condition,
                        branches,
                        has_else,
                    },
                    after,
                ));
            } else {
                return None;
            }
        }
    }

    /// Applies items in order; a conditional one keeps what may not have run as uncertain.
    fn run(&self, schema: &mut Schema, items: &[Item<'_>]) -> Result<(), ConfigError> {
        for item in items {
            match item {
                Item::Statement(tokens) => self.statement(schema, tokens)?,
                Item::If {
                    condition,
                    branches,
                    has_else,
                } => {
                    if condition.iter().any(|t| DDL.iter().any(|w| is_word(t, w))) {
                        return Err(refuse(self.at, "a DO block whose IF condition runs DDL"));
                    }
                    // `IF NOT EXISTS (... 'name' ...) THEN <create name> END IF`: runs exactly
                    // when the object is missing, like a statement guarded by duplicate_object.
                    if let ([branch], false) = (branches.as_slice(), has_else) {
                        if self.ensures(condition, branch, schema) {
                            let mut after = schema.clone();
                            if self.run(&mut after, branch).is_ok()
                                && !new_duplicates(schema, &after)
                            {
                                *schema = after;
                            }
                            continue;
                        }
                    }
                    let mut variants = Vec::new();
                    for branch in branches {
                        let mut variant = schema.clone();
                        self.run(&mut variant, branch)?;
                        variants.push(variant);
                    }
                    *schema = merge_maybe(schema, &variants, &self.place())
                        .map_err(|what| refuse(self.at, &what))?;
                }
            }
        }
        Ok(())
    }

    /// Whether a branch only creates objects its condition, `NOT EXISTS (...)`, names as
    /// strings, none of which exists in the model yet.
    fn ensures(&self, condition: &[&TokenWithSpan], branch: &[Item<'_>], schema: &Schema) -> bool {
        let [not, exists, ..] = condition else {
            return false;
        };
        if !is_word(not, "not") || !is_word(exists, "exists") {
            return false;
        }
        let strings: BTreeSet<String> = condition
            .iter()
            .filter_map(|t| match &t.token {
                Token::SingleQuotedString(s) => Some(s.to_lowercase()),
                _ => None,
            })
            .collect();
        let known = super::table::taken_names(schema, crate::config::Dialect::Postgres);
        !branch.is_empty()
            && branch.iter().all(|item| match item {
                Item::Statement(tokens) => created_name(tokens)
                    .is_some_and(|name| strings.contains(&name) && !known.contains(&name)),
                Item::If { .. } => false,
            })
    }

    /// One statement of the body, parsed and applied like a migration's.
    fn statement(&self, schema: &mut Schema, tokens: &[&TokenWithSpan]) -> Result<(), ConfigError> {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return Ok(());
        };
        if is_word(first, "null") || is_word(first, "raise") || is_word(first, "return") {
            return Ok(());
        }
        if is_word(first, "execute") {
            return Err(refuse(self.at, "a DO block running dynamic SQL (EXECUTE)"));
        }
        let at = At {
            file: self.at.file,
            line: self.first_line + first.span.start.line.saturating_sub(1),
            dialect: self.at.dialect,
        };
        let (Some(from), Some(to)) = (
            self.lines.offset(first.span.start),
            self.lines.offset(last.span.end),
        ) else {
            return Err(refuse(&at, "a statement of a DO block"));
        };
        let text = self.text.get(from..to).unwrap_or_default();
        // PERFORM f() is SELECT f() whose result is dropped.
        let text = if is_word(first, "perform") {
            format!("SELECT {}", text.get(7..).unwrap_or_default())
        } else {
            text.to_string()
        };
        let statement = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(&text)
            .and_then(|mut p| p.parse_statement())
            .map_err(|e| {
                refuse(
                    &at,
                    &format!("a statement of a DO block that does not parse ({e})"),
                )
            })?;
        apply_statement(schema, &statement, &at)
    }
}

/// The name a statement creates: `ALTER TABLE t ADD CONSTRAINT name ...`,
/// `CREATE [UNIQUE] INDEX name ...`, `CREATE TYPE name ...`.
fn created_name(tokens: &[&TokenWithSpan]) -> Option<String> {
    let name_after = |word: &str| {
        let i = tokens.iter().position(|t| is_word(t, word))?;
        match &tokens.get(i + 1)?.token {
            Token::Word(w) => Some(w.value.to_lowercase()),
            _ => None,
        }
    };
    let first = tokens.first()?;
    if is_word(first, "alter") {
        name_after("constraint")
    } else if is_word(first, "create") {
        name_after("index").or_else(|| name_after("type"))
    } else {
        None
    }
}

/// Whether `after` has a table with two keys of one name that `before` did not have: the
/// statement that added the second would have raised duplicate_object.
fn new_duplicates(before: &Schema, after: &Schema) -> bool {
    let duplicates = |schema: &Schema| -> usize {
        schema
            .tables
            .values()
            .map(|t| {
                let names: BTreeSet<&String> = t.constraints.iter().map(|c| &c.name).collect();
                t.constraints.len() - names.len()
            })
            .sum()
    };
    duplicates(after) > duplicates(before)
}

/// The schema when one of `variants` or `base` may be the real one: tables, columns and views
/// must agree (else `Err`, what differs); keys are the union, uncertain where they differ;
/// functions are the union (each restricts).
fn merge_maybe(base: &Schema, variants: &[Schema], place: &str) -> Result<Schema, String> {
    let mut merged = base.clone();
    for variant in variants {
        if variant.tables.keys().ne(base.tables.keys()) || variant.views != base.views {
            return Err(
                "a DO block that creates or drops tables or views only in some runs".into(),
            );
        }
        merged.functions.extend(variant.functions.iter().cloned());
        for (name, table) in &variant.tables {
            let Some(target) = merged.tables.get_mut(name) else {
                continue;
            };
            let names = |t: &TableDef| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            if names(table) != names(target) || table.partition_of != target.partition_of {
                return Err(format!(
                    "a DO block that changes the columns of `{name}` only in some runs"
                ));
            }
            for (column, other) in target.columns.iter_mut().zip(&table.columns) {
                column.not_null &= other.not_null;
            }
            let mut changed = false;
            for c in &table.constraints {
                if !target.constraints.contains(c) {
                    target.constraints.push(c.clone());
                    changed = true;
                }
            }
            changed |= target
                .constraints
                .iter()
                .any(|c| !table.constraints.contains(c));
            if table.keys_uncertain {
                target.mark_keys_uncertain(table.keys_uncertain_why.clone().unwrap_or_default());
            }
            if changed {
                target.sync_keys();
                target.mark_keys_uncertain(format!(
                    "{place}: a DO block may or may not have changed the keys of `{name}`"
                ));
            }
        }
    }
    Ok(merged)
}
