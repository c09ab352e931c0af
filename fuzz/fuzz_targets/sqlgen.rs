// SQL-shaped input (included with `include!`): a statement from the difftest generator, edited
// by dictionary tokens, or a token soup from the same dictionary with deep nesting.
#[path = "../../scopes-difftest/src/gen/mod.rs"]
#[allow(dead_code)]
mod gen;
#[path = "../../scopes-difftest/src/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "../../scopes-difftest/src/rng.rs"]
#[allow(dead_code)]
mod rng;

use arbitrary::Arbitrary;

const WORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "JOIN",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "INNER",
    "OUTER",
    "ON",
    "USING",
    "GROUP BY",
    "HAVING",
    "ORDER BY",
    "LIMIT",
    "OFFSET",
    "UNION",
    "ALL",
    "INTERSECT",
    "EXCEPT",
    "WITH",
    "RECURSIVE",
    "AS",
    "IN",
    "EXISTS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "INSERT INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "RETURNING",
    "ON CONFLICT",
    "DO NOTHING",
    "DO UPDATE SET",
    "REPLACE",
    "OR IGNORE",
    "DISTINCT",
    "LATERAL",
    "OVER",
    "PARTITION BY",
    "IS NULL",
    "BETWEEN",
    "LIKE",
    "NATURAL",
    "posts",
    "comments",
    "sites",
    "notes",
    "bookmarks",
    "post_tags",
    "tags",
    "users",
    "comment_groups",
    "comment_group_members",
    "p",
    "c",
    "x",
    "excluded",
    "p.site_id",
    "c.post_id",
    "p.id",
    "site_id",
    "post_id",
    "author_id",
    "user_id",
    "id",
    "*",
    ":site",
    ":user",
    ":sit",
    "?",
    "?1",
    "$1",
    "$2",
    "1",
    "0",
    "NULL",
    "TRUE",
    "'x'",
    "=",
    "<>",
    ",",
    ".",
    ";",
    "(",
    ")",
    "+",
    "||",
    "count(*)",
    "max(",
    "-- c\n",
    "/* c */",
    "::",
    "\"posts\"",
    "`posts`",
    "main.posts",
    "public.posts",
];

#[derive(Arbitrary, Debug)]
pub enum Shape {
    /// A generated statement with tokens inserted at byte offsets (snapped to char boundaries).
    Generated {
        seed: u64,
        postgres: bool,
        edits: Vec<(u16, u8)>,
        cut: Option<u16>,
    },
    /// A token soup.
    Soup { words: Vec<u8> },
    /// A statement nested `depth` times in derived tables or parentheses.
    Deep { depth: u16, parens: bool },
}

impl Shape {
    pub fn sql(&self) -> String {
        match self {
            Shape::Generated {
                seed,
                postgres,
                edits,
                cut,
            } => {
                let flavor = if *postgres {
                    gen::Flavor::Postgres
                } else {
                    gen::Flavor::Sqlite
                };
                let mut sql = gen::generate(*seed, flavor).sql;
                for (at, w) in edits.iter().take(8) {
                    let mut at = (*at as usize) % (sql.len() + 1);
                    while !sql.is_char_boundary(at) {
                        at -= 1;
                    }
                    sql.insert_str(at, &format!(" {} ", WORDS[*w as usize % WORDS.len()]));
                }
                if let Some(c) = cut {
                    let mut at = (*c as usize) % (sql.len() + 1);
                    while !sql.is_char_boundary(at) {
                        at -= 1;
                    }
                    sql.truncate(at);
                }
                sql
            }
            Shape::Soup { words } => words
                .iter()
                .map(|w| WORDS[*w as usize % WORDS.len()])
                .collect::<Vec<_>>()
                .join(" "),
            Shape::Deep { depth, parens } => {
                let d = (*depth as usize) % 3000;
                if *parens {
                    format!(
                        "SELECT id FROM posts p WHERE {}p.site_id = :site{}",
                        "(".repeat(d),
                        ")".repeat(d)
                    )
                } else {
                    let mut s = "SELECT * FROM posts p WHERE p.site_id = :site".to_string();
                    for i in 0..d {
                        s = format!("SELECT * FROM ({s}) AS d{i}");
                    }
                    s
                }
            }
        }
    }
}
