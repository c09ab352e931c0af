//! The comments of a Rust source, found by a small lexer that knows string, raw string, char
//! and byte literals: a `//` inside a string literal is not a comment, so an allow comment
//! counts only when it is a real comment token.

/// A line comment (`// ...`, not a doc comment): 1-based line, byte offset of its `//` in the
/// line, and the text after the slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineComment {
    /// 1-based line.
    pub line: usize,
    /// Byte offset of the `//` in its line.
    pub at: usize,
    /// The text after `//`.
    pub text: String,
}

/// Every line comment of `source` that is not a doc comment (`///`, `//!`), in order.
pub fn line_comments(source: &str) -> Vec<LineComment> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut line_start = 0;
    let len = bytes.len();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while i < len {
        let c = at(i);
        match c {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b'/' if at(i + 1) == b'/' => {
                let end = source[i..].find('\n').map_or(len, |e| i + e);
                let text = &source[i + 2..end];
                let doc =
                    (text.starts_with('/') && !text.starts_with("//")) || text.starts_with('!');
                if !doc {
                    found.push(LineComment {
                        line,
                        at: i - line_start,
                        text: text.to_string(),
                    });
                }
                i = end;
            }
            b'/' if at(i + 1) == b'*' => {
                let mut depth = 1;
                i += 2;
                while i < len && depth > 0 {
                    if at(i) == b'/' && at(i + 1) == b'*' {
                        depth += 1;
                        i += 2;
                    } else if at(i) == b'*' && at(i + 1) == b'/' {
                        depth -= 1;
                        i += 2;
                    } else {
                        if at(i) == b'\n' {
                            line += 1;
                            line_start = i + 1;
                        }
                        i += 1;
                    }
                }
            }
            b'r' | b'b' | b'c' if !ident_before(bytes, i) && raw_start(bytes, i).is_some() => {
                let (hashes, quote) = raw_start(bytes, i).unwrap_or((0, i));
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                i = quote + 1;
                while i < len && !bytes[i..].starts_with(&closing) {
                    if at(i) == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
                i += closing.len();
            }
            b'"' => {
                i += 1;
                while i < len && at(i) != b'"' {
                    if at(i) == b'\\' {
                        i += 1;
                    }
                    if at(i) == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
                if at(i + 1) == b'\\' {
                    i += 2;
                    while i < len && at(i) != b'\'' && at(i) != b'\n' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let ch_len = source[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if at(i + 1 + ch_len) == b'\'' {
                        i += 2 + ch_len;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    found
}

fn ident_before(bytes: &[u8], i: usize) -> bool {
    i > 0
        && bytes
            .get(i - 1)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// At `i`, the start of a raw string (`r"`, `r#"`, `br"`, `cr#"`): its hash count and the
/// offset of its opening quote.
fn raw_start(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if matches!(bytes.get(j), Some(b'b' | b'c')) {
        j += 1;
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while bytes.get(j) == Some(&b'#') {
        hashes += 1;
        j += 1;
    }
    (bytes.get(j) == Some(&b'"')).then_some((hashes, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_literals_ok() {
        let source = "let a = \"// scopes: allow(no)\"; // real\nlet b = r#\"x // no\"#; /* // no */\n/// doc\n//! inner\nlet c = '\"'; // yes\nfn f<'a>(x: &'a str) {} // lifetime\n";
        let found: Vec<(usize, usize, &str)> = line_comments(source)
            .iter()
            .map(|c| (c.line, c.at, c.text.as_str()))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(l, a, t)| (l, a, Box::leak(t.to_string().into_boxed_str()) as &str))
            .collect();
        assert_eq!(
            found,
            vec![(1, 32, " real"), (5, 13, " yes"), (6, 24, " lifetime")]
        );
    }
}
