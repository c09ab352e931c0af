//! Renders a diagnostic rustc-style (annotate-snippets), for the macros and the CLI alike; the only
//! place that turns byte offsets into line:column for output.

use std::ops::Range;

use annotate_snippets::{Level, Renderer, Snippet};

use crate::diagnostic::Diagnostic;

/// What the `-->` line names when no origin is given (the macro: the SQL of a string literal).
pub const ANONYMOUS_ORIGIN: &str = "<sql>";

/// The 1-based line and column (counted in chars) of a byte offset in `sql`.
///
/// An offset past the end clamps to the end, and an offset inside a multi-byte char counts as
/// that char, so this never panics.
///
/// ```
/// use scopes_core::render::line_col;
/// let sql = "SELECT 'é'\nFROM posts";
/// assert_eq!(line_col(sql, 0), (1, 1));
/// assert_eq!(line_col(sql, sql.find("posts").unwrap()), (2, 6));
/// assert_eq!(line_col(sql, 10), (1, 10)); // the closing quote, after a 2-byte `é`
/// assert_eq!(line_col(sql, 999), (2, 11));
/// ```
pub fn line_col(sql: &str, byte: usize) -> (usize, usize) {
    let byte = floor_char_boundary(sql, byte);
    let before = &sql[..byte];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Renders one diagnostic as plain text (no colors): deterministic, for snapshots, files and the
/// macro's `compile_error!`.
///
/// `origin` names the SQL's source (a file path); the `-->` line shows it with the line:column of
/// the span inside `sql`, or [`ANONYMOUS_ORIGIN`] when `None`.
///
/// ```
/// use scopes_core::{render::render, Code, Diagnostic};
/// let sql = "SELECT id FROM posts";
/// let d = Diagnostic::new(Code::MissingScopeFilter, "`posts` is read without a filter on `posts.site_id`", 15..20)
///     .label("not filtered on `site`")
///     .help("add `WHERE posts.site_id = :site`");
/// assert_eq!(render(&d, sql, Some("q.sql")), "\
/// error[missing-scope-filter]: `posts` is read without a filter on `posts.site_id`
///  --> q.sql:1:16
///   |
/// 1 | SELECT id FROM posts
///   |                ^^^^^ not filtered on `site`
///   |
///   = help: add `WHERE posts.site_id = :site`");
/// ```
pub fn render(diagnostic: &Diagnostic, sql: &str, origin: Option<&str>) -> String {
    render_with(&Renderer::plain(), diagnostic, sql, origin)
}

/// Like [`render`], with ANSI colors for terminals.
///
/// ```
/// use scopes_core::{render::render_styled, Code, Diagnostic};
/// let d = Diagnostic::new(Code::SyntaxError, "the SQL does not parse", 0..6);
/// assert!(render_styled(&d, "SELECT", None).contains("\u{1b}["));
/// ```
pub fn render_styled(diagnostic: &Diagnostic, sql: &str, origin: Option<&str>) -> String {
    render_with(&Renderer::styled(), diagnostic, sql, origin)
}

fn render_with(
    renderer: &Renderer,
    diagnostic: &Diagnostic,
    sql: &str,
    origin: Option<&str>,
) -> String {
    let span = clamp_span(sql, &diagnostic.span);
    let (line, column) = line_col(sql, span.start);
    let window = line_window(sql, &span);
    // A carriage return would move the terminal cursor, and annotate-snippets expands a tab in
    // the text but not under it (misplaced carets): one space each keeps every byte offset valid.
    let source = sql[window.clone()].replace(['\r', '\t'], " ");
    let local = span.start - window.start..span.end - window.start;

    let code = diagnostic.code.as_str();
    let message = one_line(&diagnostic.message);
    let label = one_line(&diagnostic.label);
    let help = diagnostic.help.as_deref().map(one_line);
    let origin = one_line(origin.unwrap_or(ANONYMOUS_ORIGIN));

    let mut annotation = Level::Error.span(local);
    if !label.is_empty() {
        annotation = annotation.label(&label);
    }
    let snippet = Snippet::source(&source)
        .line_start(line_number_of(sql, window.start))
        .origin(&origin)
        .fold(true)
        .annotation(annotation);
    let mut message = Level::Error.title(&message).id(code).snippet(snippet);
    if let Some(help) = &help {
        message = message.footer(Level::Help.title(help));
    }
    let rendered = renderer.render(message).to_string();
    let mut rendered = replace_position(&rendered, &origin, line, column);
    // annotate-snippets closes a footer-less snippet with an empty gutter line; rustc does not.
    if let Some(last) = rendered.rfind('\n') {
        if strip_ansi(&rendered[last + 1..]).trim() == "|" {
            rendered.truncate(last);
        }
    }
    rendered
}

/// The text without ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// annotate-snippets computes its own `origin:line:col`; replace it with ours so that `line_col`
/// stays the one conversion (they agree on valid spans, ours is defined on every input).
fn replace_position(rendered: &str, origin: &str, line: usize, column: usize) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut replaced = false;
    for (i, text) in rendered.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match text.find("-->") {
            Some(arrow) if !replaced && i == 1 => {
                replaced = true;
                let after = arrow + 3;
                // In styled output a reset sequence follows the arrow, then one space.
                let space = text[after..].find(' ').map_or(text.len(), |s| after + s);
                out.push_str(&text[..space]);
                out.push_str(&format!(" {origin}:{line}:{column}"));
            }
            // Trailing blanks (a blanked `\r`) are invisible noise in snapshots and editors.
            _ => out.push_str(text.trim_end_matches(' ')),
        }
    }
    out
}

/// The span inside `sql` at char boundaries, with `start <= end`.
fn clamp_span(sql: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(sql, span.start);
    let end = floor_char_boundary(sql, span.end.max(span.start));
    // An end inside a char underlines that whole char.
    let end = if end < span.end.min(sql.len()) {
        ceil_char_boundary(sql, span.end)
    } else {
        end
    };
    // An empty span at the very end points after the last visible char, not at an empty line.
    if start == sql.len() {
        let visible = sql.trim_end().len();
        return visible..visible;
    }
    start..end.max(start)
}

/// The whole lines that the span touches: the snippet shows only these.
fn line_window(sql: &str, span: &Range<usize>) -> Range<usize> {
    let start = sql[..span.start].rfind('\n').map_or(0, |i| i + 1);
    // A span that ends with a newline does not drag the next line in.
    let last = if span.end > span.start && sql[..span.end].ends_with('\n') {
        span.end - 1
    } else {
        span.end
    };
    let end = sql[last..].find('\n').map_or(sql.len(), |i| last + i);
    start..end.max(span.end.min(sql.len())).max(start)
}

fn line_number_of(sql: &str, byte: usize) -> usize {
    line_col(sql, byte).0
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn floor_char_boundary(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

fn ceil_char_boundary(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte += 1;
    }
    byte
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn missing(sql: &str, needle: &str) -> Diagnostic {
        let start = sql.find(needle).unwrap_or(sql.len());
        Diagnostic::new(
            Code::MissingScopeFilter,
            "`posts` is read without a filter on `posts.site_id`",
            start..start + needle.len(),
        )
        .label("not filtered on `site`")
        .help("add `AND p.site_id = :site` to the WHERE clause")
    }

    #[test]
    fn render_single_line_ok() {
        let sql = "SELECT p.id FROM posts p WHERE p.published";
        insta::assert_snapshot!(render(
            &missing(sql, "posts p"),
            sql,
            Some("queries/list.sql")
        ));
    }

    #[test]
    fn render_multi_line_ok() {
        let sql = "SELECT p.id, c.body\nFROM posts p\nJOIN comments c ON c.post_id = p.id\nWHERE c.id = $1";
        let d = Diagnostic::new(
            Code::MissingScopeLink,
            "`comments` (as `c`) is not linked to a `posts` row proven in scope",
            sql.find("comments c").unwrap_or(0)..sql.find(" ON").unwrap_or(0),
        )
        .label("not linked on `site`");
        insta::assert_snapshot!(render(&d, sql, None));
    }

    #[test]
    fn render_wide_gutter_ok() {
        let sql = format!(
            "{}SELECT id\nFROM posts\nWHERE id = 1",
            "-- padding\n".repeat(10)
        );
        let rendered = render(&missing(&sql, "posts"), &sql, Some("long.sql"));
        assert!(rendered.contains("long.sql:12:6"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_span_across_lines_ok() {
        let sql = "UPDATE posts\nSET title = 'x'\nWHERE id = 1";
        let d = Diagnostic::new(
            Code::MissingScopeFilter,
            "`posts` is updated without a filter on `posts.site_id`",
            0..sql.len(),
        )
        .help("add `AND site_id = :site` to the WHERE clause");
        insta::assert_snapshot!(render(&d, sql, Some("update.sql")));
    }

    #[test]
    fn render_span_at_end_ok() {
        let sql = "SELECT * FROM posts WHERE";
        let d = Diagnostic::new(
            Code::SyntaxError,
            "expected an expression, found EOF",
            25..25,
        )
        .label("expected an expression");
        insta::assert_snapshot!(render(&d, sql, Some("broken.sql")));
        // After a trailing newline the end is an empty last line.
        let sql = "SELECT * FROM posts WHERE\n";
        let d = Diagnostic::new(Code::SyntaxError, "unexpected end", sql.len()..sql.len());
        insta::assert_snapshot!("render_span_after_newline", render(&d, sql, None));
    }

    /// The first diagnostic of the real check of `sql` (parse errors included), rendered.
    fn checked(sql: &str, dialect: crate::Dialect) -> String {
        let config = crate::Config::new(
            dialect,
            [("site".to_string(), crate::KeyType::I64.into())].into(),
            [(
                "posts".to_string(),
                crate::TableScope {
                    table: "posts".into(),
                    rules: [(
                        "site".to_string(),
                        crate::ScopeRule::Column("site_id".into()),
                    )]
                    .into(),
                },
            )]
            .into(),
            None,
        );
        let report = crate::check(sql, &config, &crate::Markers::None);
        let diags = report.all_diagnostics();
        assert!(!diags.is_empty(), "{sql} was accepted");
        render(diags[0], sql, Some("q.sql"))
    }

    #[test]
    fn render_parsed_end_of_input_ok() {
        let rendered = checked("SELECT * FROM posts WHERE", crate::Dialect::Sqlite);
        assert!(rendered.contains("q.sql:1:26"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_parsed_end_of_input_multi_line_ok() {
        let sql = "SELECT p.id\nFROM posts p\nWHERE p.site_id = :site AND  -- more to come\n\n";
        let rendered = checked(sql, crate::Dialect::Postgres);
        assert!(rendered.contains("q.sql:3:28"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_parsed_error_at_token_ok() {
        let sql = "SELECT p.id\nFROM posts p WHERE ) AND p.site_id = :site";
        let rendered = checked(sql, crate::Dialect::Mysql);
        assert!(rendered.contains("q.sql:2:20"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_parsed_missing_filter_ok() {
        let sql = "SELECT p.id FROM posts p WHERE p.published";
        let rendered = checked(sql, crate::Dialect::Sqlite);
        assert!(rendered.contains("q.sql:1:18"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_empty_span_ok() {
        let sql = "SELECT id FROM posts";
        let d = Diagnostic::new(Code::UnsupportedSql, "nothing to underline", 7..7);
        insta::assert_snapshot!(render(&d, sql, None));
    }

    #[test]
    fn render_non_ascii_ok() {
        let sql = "SELECT 'héllo wörld 🎉' AS greeting, p.id\nFROM «posts» p";
        let rendered = render(&missing(sql, "p.id"), sql, Some("unicode.sql"));
        assert!(rendered.contains("unicode.sql:1:37"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_out_of_bounds_err() {
        let sql = "SELECT 1";
        let d = Diagnostic::new(Code::UnsupportedSql, "span past the end", 40..99).label("here");
        insta::assert_snapshot!(render(&d, sql, Some("oob.sql")));
        // Reversed spans and spans inside a char clamp too.
        let sql = "SELECT 'é'";
        let _ = render(&Diagnostic::new(Code::SyntaxError, "empty", 0..0), "", None);
        #[allow(clippy::reversed_empty_ranges)] // a reversed span is one of the inputs under test
        let spans = [
            9..8,
            9..9,
            8..9,
            9..10,
            0..usize::MAX,
            usize::MAX..usize::MAX,
        ];
        for span in spans {
            let d = Diagnostic::new(Code::UnsupportedSql, "odd span", span);
            let _ = render(&d, sql, None);
            let _ = render_styled(&d, sql, Some("x.sql"));
        }
    }

    #[test]
    fn render_crlf_and_newlines_in_text_ok() {
        let sql = "SELECT id\r\nFROM posts\r\n";
        let mut d = missing(sql, "posts");
        d.message = "two\nlines".into();
        insta::assert_snapshot!(render(&d, sql, Some("dos.sql")));
    }

    #[test]
    fn render_tabs_ok() {
        let sql = "SELECT\tid FROM\tposts WHERE 1";
        let rendered = render(&missing(sql, "posts"), sql, None);
        assert!(rendered.contains("<sql>:1:16"), "{rendered}");
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn render_styled_ok() {
        let sql = "SELECT id FROM posts";
        let styled = render_styled(&missing(sql, "posts"), sql, Some("q.sql"));
        assert!(styled.contains('\u{1b}'));
        assert!(styled.contains(" q.sql:1:16"), "{styled:?}");
        let styled = render_styled(&Diagnostic::new(Code::SyntaxError, "x", 0..1), sql, None);
        assert_eq!(
            strip_ansi(&styled),
            render(&Diagnostic::new(Code::SyntaxError, "x", 0..1), sql, None)
        );
    }

    #[test]
    fn render_deterministic_ok() {
        let sql = "SELECT id FROM posts";
        let d = missing(sql, "posts");
        assert_eq!(render(&d, sql, None), render(&d, sql, None));
    }

    #[test]
    fn line_col_ok() {
        assert_eq!(line_col("", 0), (1, 1));
        assert_eq!(line_col("a\nb", 2), (2, 1));
        assert_eq!(line_col("a\n", 2), (2, 1));
        assert_eq!(line_col("é", 1), (1, 1));
        assert_eq!(line_col("é", 2), (1, 2));
        assert_eq!(line_col("ab", usize::MAX), (1, 3));
    }

    proptest::proptest! {
        #[test]
        fn render_never_panics(sql in "(?s).{0,60}", a in 0usize..80, b in 0usize..80) {
            let d = Diagnostic::new(Code::UnsupportedSql, "x", a..b).label("y").help("z");
            let _ = render(&d, &sql, Some("p.sql"));
            let (line, col) = line_col(&sql, a);
            proptest::prop_assert!(line >= 1 && col >= 1);
        }
    }
}
