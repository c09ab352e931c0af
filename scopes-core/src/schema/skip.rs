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
    Some(find_end(body).map(|end| Skip { end, routine }))
}

/// The `;` that ends the statement: the first one outside BEGIN ... END and CASE ... END.
fn find_end(body: &[&TokenWithSpan]) -> Result<Option<Location>, String> {
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
                Keyword::CREATE | Keyword::ALTER | Keyword::DROP | Keyword::RENAME => {
                    return Err(format!("`{}` in its body", w.value.to_uppercase()))
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(None)
}
