//! Whether raw SQL can touch tenant data at all. Raw sqlx SQL is never bound a scope, so it is
//! safe only when it names nothing scoped: SQL that names no scoped table, no view and no
//! function of the migrations, and no scope placeholder (DDL of unlisted tables, PRAGMA, SET,
//! transaction control, `SELECT 1`, a statement of another dialect) is not a finding, whatever
//! the analyzer says of it. The search is textual and errs on the side of a finding: a name in
//! a string literal or a comment of the SQL counts too.

use scopes_core::Config;

/// Whether `sql` mentions, as a whole identifier (case-insensitive), a scoped table, a view or
/// function of the schema, or a `:dimension` placeholder.
pub fn touches_scope(sql: &str, config: &Config) -> bool {
    let text = sql.to_ascii_lowercase();
    let mut names = config.tables.keys().map(String::as_str).collect::<Vec<_>>();
    if let Some(schema) = &config.schema {
        names.extend(schema.views.keys().map(String::as_str));
        names.extend(schema.functions.iter().map(String::as_str));
    }
    if names.iter().any(|name| {
        // A qualified key (`app.posts`) is searched by its last part.
        let name = name.rsplit('.').next().unwrap_or(name);
        mentions(&text, name)
    }) {
        return true;
    }
    config.dimensions.keys().any(|d| {
        text.match_indices(&format!(":{}", d.to_ascii_lowercase()))
            .any(|(at, m)| boundary(&text, at + m.len()))
    })
}

/// Whether `name` occurs in `text` with no identifier character on either side.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    text.match_indices(name)
        .any(|(at, _)| (at == 0 || boundary(text, at - 1)) && boundary(text, at + name.len()))
}

/// Whether the byte at `at` (or the end) is not an identifier character.
fn boundary(text: &str, at: usize) -> bool {
    text.as_bytes()
        .get(at)
        .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "dialect = \"sqlite\"\n[dimensions]\nsite = \"i64\"\n[tables]\nposts = { site = \"site_id\" }\n",
            "scopes.toml".as_ref(),
        )
        .expect("a valid config")
    }

    #[test]
    fn touches_scope_ok() {
        for sql in [
            "SELECT * FROM posts",
            "select * from \"POSTS\"",
            "DELETE FROM main.posts",
            "DO $$ BEGIN EXECUTE 'DELETE FROM posts'; END $$",
            "SELECT 1 WHERE 1 = :site",
        ] {
            assert!(touches_scope(sql, &config()), "{sql}");
        }
        for sql in [
            "CREATE TABLE posts_archive (id INT)",
            "PRAGMA foreign_keys = ON",
            "BEGIN",
            "SET search_path TO app",
            "SELECT 1",
            "TRUNCATE reposts",
            "SELECT :sites",
        ] {
            assert!(!touches_scope(sql, &config()), "{sql}");
        }
    }
}
