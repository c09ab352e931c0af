//! Where a suggested fix edits the SQL: the end of a WHERE clause, or the place a missing WHERE
//! goes. sqlparser's expression spans can stop short of the text (`x IS NULL`, a function's
//! closing parenthesis, a cast), so the clause end is found in the tokens.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::Analyzer;
use crate::span::LineIndex;

impl Analyzer<'_> {
    /// The byte range of the WHERE clause's expression whose parsed span starts at `hint`: from
    /// just after the `WHERE` keyword before `hint` (a parsed span can start inside the
    /// expression: after `NOT (`, at a tuple's first item) to [`Self::clause_end`].
    pub(crate) fn where_clause(&self, hint: usize) -> std::ops::Range<usize> {
        let hint = hint.min(self.sql.len());
        let before = self.sql.get(..hint).unwrap_or("");
        let lower = before.to_ascii_lowercase();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let start = lower
            .rmatch_indices("where")
            .find(|(i, _)| {
                !ident(before[..*i].chars().next_back()) && !ident(before[i + 5..].chars().next())
            })
            .map(|(i, _)| {
                let after = i + 5;
                after + (before.len() - after - before[after..].trim_start().len())
            })
            .unwrap_or(hint);
        start..self.clause_end(start)
    }

    /// The byte offset just after the last token of the clause that starts at byte `from` of the
    /// SQL text: the clause runs until a clause keyword, a `;` or an unbalanced `)` at its own
    /// nesting level, or the end of the statement. A WHERE inserted there, or `AND ...` appended
    /// there, stays in the clause. Trailing blanks and comments are not part of it.
    pub(crate) fn clause_end(&self, from: usize) -> usize {
        // Not the statement's span: sqlparser's can stop short of the text too; a `;` ends it.
        let Some(text) = self.sql.get(from..) else {
            return from;
        };
        let dialect = crate::parse::sql_dialect(self.config.dialect);
        let Ok(tokens) = Tokenizer::new(dialect, text).tokenize_with_location() else {
            return from + text.trim_end().len();
        };
        let index = LineIndex::new(text);
        let mut depth = 0usize;
        let mut end = 0;
        let mut words = tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .peekable();
        while let Some(t) = words.next() {
            match &t.token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket if depth == 0 => break,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::SemiColon | Token::EOF if depth == 0 => break,
                Token::Word(w) if depth == 0 => {
                    let stop = match w.keyword {
                        Keyword::WHERE
                        | Keyword::GROUP
                        | Keyword::HAVING
                        | Keyword::WINDOW
                        | Keyword::QUALIFY
                        | Keyword::ORDER
                        | Keyword::LIMIT
                        | Keyword::OFFSET
                        | Keyword::FETCH
                        | Keyword::RETURNING
                        | Keyword::UNION
                        | Keyword::EXCEPT
                        | Keyword::INTERSECT
                        | Keyword::FOR => true,
                        // `ON CONFLICT` / `ON DUPLICATE KEY` end an INSERT's SELECT; a join's
                        // ON does not end its FROM.
                        Keyword::ON => matches!(
                            words.peek().map(|n| &n.token),
                            Some(Token::Word(n)) if matches!(n.keyword, Keyword::CONFLICT | Keyword::DUPLICATE)
                        ),
                        _ => false,
                    };
                    if stop {
                        break;
                    }
                }
                _ => {}
            }
            if let Some(e) = index.offset(t.span.end) {
                end = e;
            }
        }
        from + end
    }
}
