//! Minimizes a failing statement by deleting tokens (delta debugging) while it still fails.

/// Splits SQL into tokens: words (with `.`, `:`, `_`), quoted strings, operators, punctuation.
pub fn tokenize(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push(chars[start..i].iter().collect());
        } else if c.is_alphanumeric() || c == '_' || c == ':' || c == '.' || c == '?' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | ':' | '.' | '?' | '$'))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if matches!(two.as_str(), "<>" | ">=" | "<=" | "!=" | "||") {
                out.push(two);
                i += 2;
            } else {
                out.push(c.to_string());
                i += 1;
            }
        }
    }
    out
}

fn join(tokens: &[String]) -> String {
    let mut s = String::new();
    for t in tokens {
        let glue = !(s.is_empty() || s.ends_with('(') || t == ")" || t == ",");
        if glue {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}

/// Deletes chunks of tokens (halving the chunk size down to one token) while `fails` holds,
/// trying at most `budget` candidates. Returns the smallest failing SQL found.
pub fn shrink(sql: &str, budget: usize, mut fails: impl FnMut(&str) -> bool) -> String {
    let mut tokens = tokenize(sql);
    let mut tries = 0;
    let mut chunk = (tokens.len() / 2).max(1);
    loop {
        let mut progress = false;
        let mut start = 0;
        while start < tokens.len() {
            if tries >= budget {
                return join(&tokens);
            }
            let end = (start + chunk).min(tokens.len());
            let mut candidate = tokens.clone();
            candidate.drain(start..end);
            tries += 1;
            if !candidate.is_empty() && fails(&join(&candidate)) {
                tokens = candidate;
                progress = true;
            } else {
                start += chunk;
            }
        }
        if chunk == 1 && !progress {
            return join(&tokens);
        }
        if !progress {
            chunk = (chunk / 2).max(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_and_rejoins() {
        let sql = "SELECT p.id FROM posts p WHERE p.site_id = :site AND p.title <> 'it''s'";
        let t = tokenize(sql);
        assert!(
            t.contains(&":site".to_string())
                && t.contains(&"'it''s'".to_string())
                && t.contains(&"<>".to_string())
        );
        assert_eq!(join(&t), sql);
    }

    #[test]
    fn shrinks_to_the_failing_core() {
        let out = shrink("SELECT a, b, c FROM t WHERE x = 1 OR y = 2", 1000, |s| {
            s.contains("OR")
        });
        assert_eq!(out, "OR");
    }
}
