//! Statements the parser rejects but that provably cannot create or alter a table (triggers,
//! functions, procedures): where they end, so that the migration can go on after them.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

/// A statement that may be skipped, and where it ends.
pub(super) struct Skip {
    /// The start of the `;` ending it, `None` when it runs to the end of the file.
    pub end: Option<Location>,
    /// The name of the function or procedure it creates, lowercase.
    pub routine: Option<String>,
}

/// Whether the statement starting at `start` is a CREATE TRIGGER / FUNCTION / PROCEDURE:
/// `None` when it is not (the parse error stands), `Err` when its body holds DDL, which could
/// also mean we misjudged where it ends and would swallow the next statement.
pub(super) fn skippable(tokens: &[TokenWithSpan], start: Location) -> Option<Result<Skip, String>> {
    let words: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .skip_while(|t| t.span.start < start)
        .collect();
    let mut rest = words.iter().map(|t| &t.token);
    if !matches!(rest.next(), Some(Token::Word(w)) if w.keyword == Keyword::CREATE) {
        return None;
    }
    // CREATE [OR REPLACE | OR ALTER] [TEMP] [CONSTRAINT] [DEFINER = user] TRIGGER | FUNCTION | PROCEDURE
    let mut kind = None;
    let mut position = 1;
    for token in rest.by_ref().take(12) {
        position += 1;
        match token {
            Token::Word(w) => match w.keyword {
                Keyword::TRIGGER | Keyword::FUNCTION | Keyword::PROCEDURE => {
                    kind = Some(w.keyword);
                    break;
                }
                Keyword::OR
                | Keyword::REPLACE
                | Keyword::ALTER
                | Keyword::TEMP
                | Keyword::TEMPORARY
                | Keyword::CONSTRAINT
                | Keyword::DEFINER
                | Keyword::NoKeyword => {}
                _ => return None,
            },
            Token::LParen | Token::SemiColon | Token::EOF => return None,
            _ => {}
        }
    }
    let kind = kind?;
    let body = words.get(position..).unwrap_or_default();
    let routine = match kind {
        Keyword::TRIGGER => None,
        _ => body
            .iter()
            .take_while(|t| !matches!(t.token, Token::LParen | Token::SemiColon))
            .filter_map(|t| match &t.token {
                Token::Word(w)
                    if !matches!(w.keyword, Keyword::IF | Keyword::NOT | Keyword::EXISTS) =>
                {
                    Some(w.value.to_lowercase())
                }
                _ => None,
            })
            .last(),
    };
    Some(find_end(body, true).map(|end| Skip { end, routine }))
}

/// Where the statement starting at `start` ends (its `;`, outside BEGIN ... END), `None` at the
/// end of the file: for statements scopes.toml lists as skipped.
pub(super) fn statement_end(tokens: &[TokenWithSpan], start: Location) -> Option<Location> {
    let words: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .skip_while(|t| t.span.start < start)
        .collect();
    find_end(&words, false).ok().flatten()
}

/// The `;` that ends the statement: the first one outside BEGIN ... END and CASE ... END.
/// With `refuse_ddl`, DDL words are an error: they may mean we misjudged the end.
fn find_end(body: &[&TokenWithSpan], refuse_ddl: bool) -> Result<Option<Location>, String> {
    let mut depth = 0usize;
    let mut tokens = body.iter().peekable();
    while let Some(t) = tokens.next() {
        match &t.token {
            Token::SemiColon if depth == 0 => return Ok(Some(t.span.start)),
            Token::EOF => return Ok(None),
            Token::Word(w) => match w.keyword {
                Keyword::BEGIN | Keyword::CASE => depth += 1,
                Keyword::END => {
                    // MySQL's END IF / END LOOP / END WHILE / END REPEAT close blocks we do not count.
                    let block = tokens.peek().is_some_and(|next| {
                        matches!(&next.token, Token::Word(n) if ["if", "loop", "while", "repeat"]
                            .iter()
                            .any(|k| n.value.eq_ignore_ascii_case(k)))
                    });
                    if block {
                        tokens.next();
                    } else {
                        depth = depth.saturating_sub(1);
                    }
                }
                Keyword::CREATE | Keyword::ALTER | Keyword::DROP | Keyword::RENAME
                    if refuse_ddl =>
                {
                    return Err(format!("`{}` in its body", w.value.to_uppercase()))
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(None)
}

/// A statement the parser rejects that changes nothing the checker reads, or one it reads by
/// its words (MySQL's `ALTER TABLE t RENAME INDEX a TO b`).
pub(super) struct Harmless {
    /// The start of the `;` ending it, `None` when it runs to the end of the file.
    pub end: Option<Location>,
    /// `(table, old index name, new index name)` for a MySQL index rename.
    pub rename_index: Option<(String, String, String)>,
}

/// One element of a statement's start.
enum Part {
    /// This word (keyword or not), case-insensitive.
    Word(&'static str),
    /// One of these words.
    Any(&'static [&'static str]),
    /// A name, maybe qualified (`a.b`), maybe quoted.
    Name,
    /// `(`.
    Paren,
}

use Part::{Any, Name, Paren, Word};

/// Starts of statements the parser rejects that create or change no table, column, key, view or
/// function: sequences, extensions, database and system settings, statistics, publications,
/// security labels, maintenance, notifications.
const HARMLESS: &[&[Part]] = &[
    &[Word("alter"), Word("sequence")],
    &[Word("alter"), Word("extension")],
    &[Word("alter"), Word("database")],
    &[Word("alter"), Word("system")],
    &[
        Word("alter"),
        Word("index"),
        Name,
        Any(&["set", "reset", "alter", "attach"]),
    ],
    &[
        Word("alter"),
        Word("index"),
        Word("if"),
        Word("exists"),
        Name,
        Any(&["set", "reset", "alter", "attach"]),
    ],
    &[Any(&["create", "alter", "drop"]), Word("statistics")],
    &[
        Any(&["create", "alter", "drop"]),
        Any(&["publication", "subscription"]),
    ],
    &[Word("security"), Word("label")],
    &[Any(&[
        "reindex",
        "cluster",
        "checkpoint",
        "listen",
        "unlisten",
        "notify",
        "load",
    ])],
];

/// What may follow `ALTER TABLE [ONLY] [IF EXISTS] <name>` as its only operation: storage,
/// statistics, clustering and table options of MySQL.
const HARMLESS_TABLE_OPERATIONS: &[&[Part]] = &[
    &[
        Word("alter"),
        Word("column"),
        Name,
        Any(&["set", "reset"]),
        Any(&["statistics", "storage", "compression", "("]),
    ],
    &[
        Word("alter"),
        Word("column"),
        Name,
        Any(&["set", "reset"]),
        Paren,
    ],
    &[
        Word("alter"),
        Name,
        Any(&["set", "reset"]),
        Any(&["statistics", "storage", "compression"]),
    ],
    &[Word("alter"), Name, Any(&["set", "reset"]), Paren],
    &[Word("alter"), Word("constraint")],
    &[Word("cluster"), Word("on")],
    &[Word("set"), Word("without"), Any(&["cluster", "oids"])],
    &[Word("set"), Any(&["tablespace", "access"])],
    &[Any(&[
        "convert",
        "engine",
        "comment",
        "auto_increment",
        "row_format",
        "charset",
        "collate",
    ])],
    &[Word("default"), Any(&["charset", "character", "collate"])],
    &[Word("character"), Word("set")],
];

/// The statement at `start` when it is harmless (see [`HARMLESS`]); `None` otherwise.
pub(super) fn harmless(tokens: &[TokenWithSpan], start: Location) -> Option<Harmless> {
    let words: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .skip_while(|t| t.span.start < start)
        .collect();
    let end_at = words
        .iter()
        .position(|t| matches!(t.token, Token::SemiColon | Token::EOF))
        .unwrap_or(words.len());
    let statement = words.get(..end_at).unwrap_or_default();
    let end = words
        .get(end_at)
        .filter(|t| t.token == Token::SemiColon)
        .map(|t| t.span.start);
    let skipped = Some(Harmless {
        end,
        rename_index: None,
    });
    if HARMLESS.iter().any(|p| matches(p, statement).is_some()) {
        return skipped;
    }
    // ALTER TABLE [ONLY] [IF EXISTS] <name> <one operation>
    let table_start: &[Part] = &[Word("alter"), Word("table")];
    let mut rest = matches(table_start, statement)?;
    for optional in [&[Word("only")][..], &[Word("if"), Word("exists")][..]] {
        if let Some(after) = matches(optional, rest) {
            rest = after;
        }
    }
    let (table, after_name) = name(rest)?;
    let depth_zero_comma = {
        let mut depth = 0i32;
        after_name.iter().any(|t| match t.token {
            Token::LParen => {
                depth += 1;
                false
            }
            Token::RParen => {
                depth -= 1;
                false
            }
            Token::Comma => depth == 0,
            _ => false,
        })
    };
    if depth_zero_comma {
        return None;
    }
    if HARMLESS_TABLE_OPERATIONS
        .iter()
        .any(|p| matches(p, after_name).is_some())
    {
        return skipped;
    }
    // MySQL: RENAME {INDEX | KEY} old TO new.
    let rename: &[Part] = &[Word("rename"), Any(&["index", "key"])];
    let after = matches(rename, after_name)?;
    let (old, after) = name(after)?;
    let after = matches(&[Word("to")], after)?;
    let (new, after) = name(after)?;
    after.is_empty().then_some(Harmless {
        end,
        rename_index: Some((table, old, new)),
    })
}

/// The tokens after `pattern` when `tokens` start with it.
fn matches<'t>(
    pattern: &[Part],
    mut tokens: &'t [&'t TokenWithSpan],
) -> Option<&'t [&'t TokenWithSpan]> {
    for part in pattern {
        match part {
            Name => tokens = name(tokens)?.1,
            Paren => match tokens.split_first() {
                Some((t, rest)) if t.token == Token::LParen => tokens = rest,
                _ => return None,
            },
            Word(w) => tokens = word(tokens, &[w])?,
            Any(ws) => tokens = word(tokens, ws)?,
        }
    }
    Some(tokens)
}

fn word<'t>(tokens: &'t [&'t TokenWithSpan], words: &[&str]) -> Option<&'t [&'t TokenWithSpan]> {
    let (first, rest) = tokens.split_first()?;
    match &first.token {
        Token::Word(w)
            if w.quote_style.is_none() && words.iter().any(|x| w.value.eq_ignore_ascii_case(x)) =>
        {
            Some(rest)
        }
        Token::LParen if words.contains(&"(") => Some(rest),
        _ => None,
    }
}

/// A possibly qualified name: its last part (lowercase unless quoted) and the tokens after it.
fn name<'t>(tokens: &'t [&'t TokenWithSpan]) -> Option<(String, &'t [&'t TokenWithSpan])> {
    let mut rest = tokens;
    let mut last;
    loop {
        let (first, after) = rest.split_first()?;
        let Token::Word(w) = &first.token else {
            return None;
        };
        last = match w.quote_style {
            Some(_) => w.value.clone(),
            None => w.value.to_lowercase(),
        };
        rest = after;
        match rest.split_first() {
            Some((dot, after)) if dot.token == Token::Period => rest = after,
            _ => return Some((last, rest)),
        }
    }
}
