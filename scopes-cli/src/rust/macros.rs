//! Reading macro tokens the checker cannot parse as Rust: the bodies of `macro_rules!` (their
//! metavariables turned into plain names, so `$sql` reads as a name and `$(...)*` as its
//! contents) and, for what still does not parse, the sqlx paths they call.

use std::collections::HashSet;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};

/// The bodies of a `macro_rules!` definition's rules (`(matcher) => { body }`), metavariables
/// substituted.
pub fn rule_bodies(tokens: TokenStream) -> Vec<TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut bodies = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        let arrow = matches!(tree, TokenTree::Punct(p) if p.as_char() == '>')
            && i > 0
            && matches!(trees.get(i - 1), Some(TokenTree::Punct(p)) if p.as_char() == '=');
        if arrow {
            if let Some(TokenTree::Group(body)) = trees.get(i + 1) {
                bodies.push(substitute(body.stream()));
            }
        }
    }
    bodies
}

/// `$name` becomes `name`, `$( ... ) sep? *` becomes its contents.
fn substitute(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '$' => match iter.next() {
                Some(TokenTree::Ident(ident)) => out.push(TokenTree::Ident(ident)),
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => {
                    out.extend(substitute(group.stream()));
                    // An optional separator, then the repetition operator.
                    for _ in 0..2 {
                        match iter.peek() {
                            Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?') => {
                                iter.next();
                                break;
                            }
                            Some(TokenTree::Punct(_)) => {
                                iter.next();
                            }
                            _ => break,
                        }
                    }
                }
                Some(other) => out.push(other),
                None => {}
            },
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), substitute(group.stream()));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Every path through a name of the sqlx crate (`sqlx::query`, `db::query_as!`, `sqlx::Executor::
/// execute`) in `tokens`, nested groups included: its text and the span of its first segment.
pub fn sqlx_paths(tokens: TokenStream, aliases: &HashSet<String>) -> Vec<(String, Span)> {
    let mut found = Vec::new();
    scan(tokens, aliases, &mut found);
    found
}

fn scan(tokens: TokenStream, aliases: &HashSet<String>, found: &mut Vec<(String, Span)>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        match trees.get(i) {
            Some(TokenTree::Group(group)) => scan(group.stream(), aliases, found),
            Some(TokenTree::Ident(ident)) if aliases.contains(&ident.to_string()) => {
                let mut path = vec![ident.to_string()];
                let mut j = i + 1;
                while let (
                    Some(TokenTree::Punct(a)),
                    Some(TokenTree::Punct(b)),
                    Some(TokenTree::Ident(next)),
                ) = (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                {
                    if a.as_char() != ':' || b.as_char() != ':' {
                        break;
                    }
                    path.push(next.to_string());
                    j += 3;
                }
                let last = path.last().map(String::as_str).unwrap_or_default();
                let runs_sql = super::RAW_FUNCTIONS.contains(&last)
                    || super::raw_macro(last).is_some()
                    || super::EXECUTOR_METHODS.contains(&last)
                    || last == "QueryBuilder";
                if path.len() > 1 && runs_sql {
                    found.push((path.join("::"), ident.span()));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_bodies_ok() {
        let tokens: TokenStream = "($pool:expr, $sql:expr $(, $arg:expr)*) => { sqlx::query($sql) $(.bind($arg))* .execute($pool) };"
            .parse()
            .unwrap_or_default();
        let bodies: Vec<String> = rule_bodies(tokens)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            bodies,
            vec!["sqlx :: query (sql) . bind (arg) . execute (pool)"]
        );
    }

    #[test]
    fn sqlx_paths_ok() {
        let tokens: TokenStream = "x => [db::query(#q)] sqlx::Row other::query(1)"
            .parse()
            .unwrap_or_default();
        let aliases = HashSet::from(["sqlx".to_string(), "db".to_string()]);
        let found: Vec<String> = sqlx_paths(tokens, &aliases)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(found, vec!["db::query"]);
    }
}
