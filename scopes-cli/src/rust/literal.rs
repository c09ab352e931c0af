//! Where each byte of a string literal's value sits in the source: a literal with escapes
//! (`\"`, `\n`, `\u{..}`, a `\` line continuation) or a raw string maps value offsets to the
//! line and column of the characters that wrote them.

use proc_macro2::LineColumn;

/// 1-based (line, column) in the source of every byte offset of a literal's value, plus the
/// position just past its end.
#[derive(Debug, Clone)]
pub struct LiteralMap {
    positions: Vec<(usize, usize)>,
}

impl LiteralMap {
    /// Maps the literal whose token text is `token` (`"..."`, `r#"..."#`), starting at `start`
    /// (proc-macro2's 1-based line, 0-based column). `None` when the token is not a string
    /// literal this reader knows.
    pub fn new(token: &str, start: LineColumn) -> Option<LiteralMap> {
        let (mut line, mut column) = (start.line, start.column + 1);
        let mut chars = token.chars().peekable();
        let advance = |c: char, line: &mut usize, column: &mut usize| {
            if c == '\n' {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
        };
        // The prefix: `r#..#"` or `"`.
        let raw = token.starts_with('r');
        let mut hashes = 0;
        loop {
            let c = chars.next()?;
            advance(c, &mut line, &mut column);
            match c {
                'r' => {}
                '#' => hashes += 1,
                '"' => break,
                _ => return None,
            }
        }
        let mut positions = Vec::with_capacity(token.len());
        let push = |c: char, at: (usize, usize), positions: &mut Vec<(usize, usize)>| {
            for _ in 0..c.len_utf8() {
                positions.push(at);
            }
        };
        let body_end = token.len().checked_sub(1 + hashes)?;
        let mut offset = 1 + hashes + usize::from(raw);
        while offset < body_end {
            let c = chars.next()?;
            let at = (line, column);
            advance(c, &mut line, &mut column);
            offset += c.len_utf8();
            if raw || c != '\\' {
                push(c, at, &mut positions);
                continue;
            }
            let e = chars.next()?;
            advance(e, &mut line, &mut column);
            offset += e.len_utf8();
            match e {
                'n' => push('\n', at, &mut positions),
                't' => push('\t', at, &mut positions),
                'r' => push('\r', at, &mut positions),
                '0' => push('\0', at, &mut positions),
                '\\' | '"' | '\'' => push(e, at, &mut positions),
                'x' => {
                    let mut value = 0u32;
                    for _ in 0..2 {
                        let h = chars.next()?;
                        advance(h, &mut line, &mut column);
                        offset += 1;
                        value = value * 16 + h.to_digit(16)?;
                    }
                    push(char::from_u32(value)?, at, &mut positions);
                }
                'u' => {
                    let mut value = 0u32;
                    loop {
                        let h = chars.next()?;
                        advance(h, &mut line, &mut column);
                        offset += h.len_utf8();
                        match h {
                            '{' | '_' => {}
                            '}' => break,
                            _ => value = value * 16 + h.to_digit(16)?,
                        }
                    }
                    push(char::from_u32(value)?, at, &mut positions);
                }
                '\n' | '\r' => {
                    // A line continuation: the newline and the next line's leading whitespace
                    // are not part of the value.
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        let w = chars.next()?;
                        advance(w, &mut line, &mut column);
                        offset += w.len_utf8();
                    }
                }
                _ => return None,
            }
        }
        positions.push((line, column));
        Some(LiteralMap { positions })
    }

    /// The 1-based (line, column) of value byte `offset` (past the end: just after the value).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let last = self.positions.len().saturating_sub(1);
        self.positions
            .get(offset.min(last))
            .copied()
            .unwrap_or((1, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(token: &str) -> LiteralMap {
        LiteralMap::new(token, LineColumn { line: 3, column: 4 }).expect("a string literal")
    }

    #[test]
    fn escapes_and_raw_strings_ok() {
        // `"a\"b\nposts"`: value `a"b` newline `posts`; `posts` starts at source column 5+8.
        let m = map(r#""a\"b\nposts""#);
        assert_eq!(m.position(0), (3, 6));
        assert_eq!(m.position(1), (3, 7));
        assert_eq!(m.position(4), (3, 12));
        let value = "a\"b\nposts";
        assert_eq!(m.position(value.len()), (3, 17));
        let raw = map("r#\"x \"q\"\nposts\"#");
        assert_eq!(raw.position(0), (3, 8));
        assert_eq!(raw.position(6), (4, 1));
        let cont = map("\"a \\\n    posts\"");
        assert_eq!(cont.position(2), (4, 5));
        let unicode = map(r#""\u{e9}x""#);
        assert_eq!(
            (unicode.position(0), unicode.position(2)),
            ((3, 6), (3, 12))
        );
    }
}
