//! scopes.toml loading: every config error with its line and message, and the configs we ship.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use scopes_core::{Config, ConfigError, Dialect, DimensionType, KeyType, ScopeRule};

const HEAD: &str = "dialect = \"sqlite\"\n[dimensions]\nsite = \"i64\"\nuser = \"i64\"\n[tables]\n";

/// A path inside scopes-core, so that `migrations = "../migrations"` is the example blog's.
fn crate_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(file)
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, &crate_path("scopes.toml"))
}

/// The line and message of the error; panics when the config is accepted.
fn error(text: &str) -> (usize, String) {
    match parse(text) {
        Err(ConfigError::Invalid { line, message, .. }) => (line, message),
        other => panic!("expected an invalid config, got {other:?}"),
    }
}

/// `[tables]` rows after the common head, which ends on line 5.
fn tables_error(rows: &str) -> (usize, String) {
    error(&format!("{HEAD}{rows}"))
}

/// The same, checked against the example blog's migrations.
fn schema_error(rows: &str) -> (usize, String) {
    error(&format!("migrations = \"../migrations\"\n{HEAD}{rows}"))
}

fn fk(column: &str, parent: &str, parent_column: &str) -> ScopeRule {
    ScopeRule::ForeignKey {
        column: column.into(),
        parent: parent.into(),
        parent_column: parent_column.into(),
    }
}

#[test]
fn repo_config_ok() {
    let config = Config::load(&crate_path("../scopes.toml")).unwrap();
    assert_eq!(config.dialect, Dialect::Sqlite);
    assert_eq!(config.dimensions.len(), 2);
    assert_eq!(config.tables.len(), 9); // eight tables and the published_posts view
    assert_eq!(
        config.table_scope("comments").unwrap().rules["site"],
        fk("post_id", "posts", "id")
    );
    let notes = config.table_scope("notes").unwrap();
    assert_eq!(notes.rules["user"], ScopeRule::Column("author_id".into()));
    let schema = config.schema.as_ref().unwrap();
    assert_eq!(
        schema.table("posts").unwrap().primary_key,
        vec!["id".to_string()]
    );
    assert!(schema.table("users").is_some());
    assert_eq!(config.source, Some(crate_path("../scopes.toml")));
}

#[test]
fn reference_config_ok() {
    let path = crate_path("src/reference.toml");
    let config = Config::load(&path).unwrap();
    assert!(config.schema.is_some());
    assert_eq!(config.tables.len(), 8);
    // `"main.notes"` is normalized.
    assert_eq!(config.tables["notes"].table, "notes");
    // Without migrations it parses too.
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("migrations = \"../../migrations\"", "");
    assert!(Config::parse(&text, &path).unwrap().schema.is_none());
}

#[test]
fn rules_ok() {
    let config = parse(&format!(
        "{HEAD}\"Public.Posts\" = {{ site = \"  Site_ID \" }}\ncomments = {{ site = \"Post_Id->public.POSTS.Id\" }}\nlikes = {{ site = \"comment_id   ->   comments.id\", user = \"user_id\" }}\n"
    ))
    .unwrap();
    assert_eq!(
        config.tables["posts"].rules["site"],
        ScopeRule::Column("site_id".into())
    );
    assert_eq!(
        config.tables["comments"].rules["site"],
        fk("post_id", "posts", "id")
    );
    // Multi-hop: each table keeps its own one-hop rule.
    assert_eq!(
        config.tables["likes"].rules["site"],
        fk("comment_id", "comments", "id")
    );
    assert!(config.schema.is_none());
    assert_eq!(config.table_scope("PUBLIC.likes").unwrap().rules.len(), 2);
}

#[test]
fn toml_syntax_err() {
    let (line, message) = error("dialect = \"sqlite\"\n\n[dimensions\nsite = \"i64\"\n");
    assert_eq!(line, 3);
    assert_eq!(
        message,
        "invalid toml: invalid table header: expected `.`, `]`"
    );
    let (line, message) = tables_error("posts = \"site_id\"\n");
    assert_eq!(line, 6);
    assert!(
        message.ends_with("write a table's rules as `posts = { site = \"site_id\" }`"),
        "{message}"
    );
}

#[test]
fn unknown_key_err() {
    let (line, message) = error("dialect = \"sqlite\"\nmigration = \"migrations\"\n");
    assert_eq!(line, 2);
    assert!(
        message.starts_with("unknown key `migration`, expected one of"),
        "{message}"
    );
    assert!(
        message.ends_with("remove it or fix its spelling"),
        "{message}"
    );
}

#[test]
fn dialect_err() {
    let (line, message) = error("\n\ndialect = \"oracle\"\n");
    assert_eq!(line, 3);
    assert_eq!(
        message,
        "unknown dialect `oracle`: use \"sqlite\", \"postgres\" or \"mysql\""
    );
    let (line, message) = error("[dimensions]\nsite = \"i64\"\n");
    assert_eq!(line, 1);
    assert!(message.starts_with("missing `dialect`: add"), "{message}");
}

#[test]
fn dimensions_err() {
    let (line, message) = error("dialect = \"mysql\"\n[dimensions]\n\"my site\" = \"i64\"\n");
    assert_eq!(line, 3);
    assert!(
        message.starts_with("dimension name `my site` is not an identifier"),
        "{message}"
    );
    let (line, message) =
        error("dialect = \"mysql\"\n[dimensions]\nsite = \"i64\"\nuser = \" \"\n");
    assert_eq!(line, 4);
    assert!(
        message.starts_with("dimension `user`: the type is empty;"),
        "{message}"
    );
}

/// The one rule the CLI and the macros share: key types, the newtype form, and every way to
/// get them wrong, with the line of the value.
#[test]
fn dimension_types_ok() {
    let config = parse(
        "dialect = \"postgres\"\n[dimensions]\na = \"i64\"\nb = \"i32\"\nc = \"i16\"\nd = \"String\"\ne = \"uuid\"\nf = \"uuid::Uuid\"\norg = { type = \"uuid\", rust = \"crate::OrgId\" }\n",
    )
    .unwrap();
    let key = |d: &str| config.dimensions[d].key();
    assert_eq!(
        ["a", "b", "c", "d", "e", "f", "org"].map(key),
        [
            KeyType::I64,
            KeyType::I32,
            KeyType::I16,
            KeyType::String,
            KeyType::Uuid,
            KeyType::Uuid,
            KeyType::Uuid
        ]
    );
    assert_eq!(
        config.dimensions["org"],
        DimensionType::Newtype {
            key: KeyType::Uuid,
            rust: "crate::OrgId".into()
        }
    );
}

#[test]
fn dimension_types_err() {
    let cases = [
        ("org = \"banana\"", "dimension `org`: unknown type `banana`; a dimension's type is one of i64, i32, i16, String or uuid, or an app's own type over one of them: `{ type = \"uuid\", rust = \"crate::OrgId\" }`"),
        ("org = \"u64\"", "dimension `org`: `u64` is unsigned"),
        ("org = \"OrgId\"", "dimension `org`: `OrgId` is not a key type; for an app's own type over one, name both"),
        ("org = 7", "dimension `org`: the type must be a string"),
        ("org = { type = \"uuid\" }", "dimension `org`: `rust` is missing"),
        ("org = { rust = \"crate::OrgId\" }", "dimension `org`: `type` is missing"),
        ("org = { type = \"uuid\", rust = \"crate::OrgId\", db = \"x\" }", "dimension `org`: unknown key `db`"),
        ("org = { type = \"banana\", rust = \"crate::OrgId\" }", "dimension `org`: unknown type `banana`"),
        ("org = { type = \"uuid\", rust = \"Vec<OrgId>\" }", "dimension `org`: `rust = \"Vec<OrgId>\"` is not a Rust type path"),
        ("org = { type = \"uuid\", rust = 3 }", "dimension `org`: `rust` must be a string"),
    ];
    for (row, expected) in cases {
        let (line, message) = error(&format!(
            "dialect = \"postgres\"\n[dimensions]\nsite = \"i64\"\n{row}\n"
        ));
        assert_eq!(line, 4, "{row}");
        assert!(message.starts_with(expected), "{row}: {message}");
    }
}

#[test]
fn undeclared_dimension_err() {
    let (line, message) = tables_error(
        "posts = { site = \"site_id\" }\n[tables.notes]\nsite = \"site_id\"\ntenant = \"t_id\"\n",
    );
    assert_eq!(line, 9);
    assert_eq!(
        message,
        "table `notes` names dimension `tenant`, which [dimensions] does not declare: declare it or use one of: site, user"
    );
}

#[test]
fn rule_err() {
    let (line, message) =
        tables_error("posts = { site = \"site_id\" }\ncomments = { site = \"  \" }\n");
    assert_eq!(line, 7);
    assert!(
        message.starts_with("`comments.site`: the rule is empty: write a column"),
        "{message}"
    );
    let (line, message) = tables_error("comments = { site = \"post_id -> posts\" }\n");
    assert_eq!(line, 6);
    assert_eq!(
        message,
        "`comments.site`: malformed foreign-key path `post_id -> posts`: write it as \"<column> -> <parent table>.<parent column>\""
    );
    let (_, message) = tables_error("comments = { site = \"-> posts.id\" }\n");
    assert!(message.contains("malformed foreign-key path"), "{message}");
    let (_, message) = tables_error("comments = { site = \"post id\" }\n");
    assert!(
        message.starts_with("`comments.site`: malformed rule `post id`"),
        "{message}"
    );
    let (_, message) = tables_error("c = { site = \"post_id -> posts.id -> sites.id\" }\n");
    assert!(message.contains("a path has one hop"), "{message}");
}

#[test]
fn tables_err() {
    let (line, message) =
        tables_error("posts = { site = \"site_id\" }\n\"public.posts\" = { site = \"site_id\" }\n");
    assert_eq!(line, 7);
    assert_eq!(
        message,
        "table `posts` is listed twice in [tables]: keep one entry"
    );
    let (line, message) = tables_error("posts = {}\n");
    assert_eq!(line, 6);
    assert!(
        message.starts_with("table `posts` lists no dimension"),
        "{message}"
    );
}

#[test]
fn parent_err() {
    let (line, message) = tables_error("comments = { site = \"post_id -> posts.id\" }\n");
    assert_eq!(line, 6);
    assert_eq!(
        message,
        "`comments.site` goes through `posts`, which [tables] does not list: add `posts = { site = \"...\" }` to [tables]"
    );
    let (line, message) = tables_error(
        "posts = { user = \"author_id\" }\ncomments = { site = \"post_id -> posts.id\" }\n",
    );
    assert_eq!(line, 7);
    assert_eq!(
        message,
        "`comments.site` goes through `posts`, which is not scoped on `site`: add `site = \"...\"` to `posts` in [tables]"
    );
}

#[test]
fn cycle_err() {
    let (line, message) =
        tables_error("a = { site = \"b_id -> b.id\" }\nb = { site = \"a_id -> a.id\" }\n");
    assert_eq!(line, 6);
    assert!(
        message.starts_with("the foreign-key paths of `site` form a cycle (a -> b -> a)"),
        "{message}"
    );
    let (_, message) = tables_error("cats = { site = \"parent_id -> cats.id\" }\n");
    assert!(message.contains("(cats -> cats)"), "{message}");
}

#[test]
fn migrations_dir_err() {
    let (line, message) = error("dialect = \"sqlite\"\nmigrations = \"nowhere\"\n");
    assert_eq!(line, 2);
    assert!(
        message.starts_with("migrations directory `nowhere` does not exist"),
        "{message}"
    );
}

#[test]
fn schema_table_err() {
    // The line of the table's key, not of its rule.
    let (line, message) = schema_error("[tables.articles]\nsite = \"site_id\"\n");
    assert_eq!(line, 7);
    assert!(
        message.starts_with("table `articles` is not created"),
        "{message}"
    );
    let (line, message) =
        schema_error("posts = { site = \"site_id\" }\n\narticles = { site = \"site_id\" }\n");
    assert_eq!(line, 9);
    assert_eq!(
        message,
        "table `articles` is not created by the migrations: fix the name or add a migration that creates it"
    );
}

#[test]
fn schema_column_err() {
    let (line, message) = schema_error("posts = { site = \"site\" }\n");
    assert_eq!(line, 7);
    assert!(
        message
            .starts_with("`posts` has no column `site` in the migrations: use one of id, site_id,"),
        "{message}"
    );
    let (line, message) = schema_error(
        "posts = { site = \"site_id\" }\ncomments = { site = \"posts_id -> posts.id\" }\n",
    );
    assert_eq!(line, 8);
    assert!(
        message.starts_with("`comments` has no column `posts_id`"),
        "{message}"
    );
    let (_, message) = schema_error(
        "posts = { site = \"site_id\" }\ncomments = { site = \"post_id -> posts.ident\" }\n",
    );
    assert!(
        message.starts_with("`posts` has no column `ident`"),
        "{message}"
    );
}

#[test]
fn schema_parent_key_err() {
    let (line, message) = schema_error(
        "posts = { site = \"site_id\" }\ncomments = { site = \"post_id -> posts.slug\" }\n",
    );
    assert_eq!(line, 8);
    assert_eq!(
        message,
        "`posts.slug` is neither the primary key nor a unique key of `posts`, so `post_id -> posts.slug` would not identify one parent row: point the path at the primary key or make `slug` unique"
    );
}

#[test]
fn schema_foreign_key_err() {
    // comments.author_id references users(id) in the migrations.
    let (line, message) = schema_error(
        "posts = { site = \"site_id\" }\ncomments = { site = \"author_id -> posts.id\" }\n",
    );
    assert_eq!(line, 8);
    assert_eq!(
        message,
        "`comments.author_id` references `users(id)` in the migrations, but `author_id -> posts.id` says `posts.id`: fix the path"
    );
}

#[test]
fn schema_view_ok() {
    let dir = std::env::temp_dir().join(format!("scopes-config-view-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("db")).unwrap();
    std::fs::write(
        dir.join("db/1_init.sql"),
        "CREATE TABLE posts (id INT PRIMARY KEY, site_id INT NOT NULL);\n\
         CREATE VIEW recent AS SELECT id, site_id FROM posts;\n\
         CREATE VIEW everything AS SELECT * FROM posts;\n\
         CREATE TABLE c (id INT, x INT);\n",
    )
    .unwrap();
    let path = dir.join("scopes.toml");
    let head = "dialect = \"postgres\"\nmigrations = \"db\"\n[dimensions]\nsite = \"i64\"\n[tables]\nposts = { site = \"site_id\" }\n";
    std::fs::write(
        &path,
        format!("{head}recent = {{ site = \"site_id\" }}\neverything = {{ site = \"site_id\" }}\n"),
    )
    .unwrap();
    let config = Config::load(&path).unwrap();
    assert!(config.schema.unwrap().view("recent").is_some());
    let text = format!("{head}recent = {{ site = \"tenant\" }}\n");
    match Config::parse(&text, &path) {
        Err(ConfigError::Invalid { line, message, .. }) => {
            assert_eq!(line, 7);
            assert!(
                message.starts_with("`recent` has no column `tenant`"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let text =
        format!("{head}c = {{ site = \"x -> recent.id\" }}\nrecent = {{ site = \"site_id\" }}\n");
    match Config::parse(&text, &path) {
        Err(ConfigError::Invalid { message, .. }) => {
            assert!(message.contains("(a view has no keys)"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migration_error_err() {
    let dir = std::env::temp_dir().join(format!("scopes-config-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(
        dir.join("migrations/1_init.sql"),
        "CREATE TABLE t (id INT);\nCREATE TABLE t (id INT);\n",
    )
    .unwrap();
    let path = dir.join("scopes.toml");
    std::fs::write(&path, "dialect = \"sqlite\"\nmigrations = \"migrations\"\n").unwrap();
    match Config::load(&path) {
        Err(ConfigError::Invalid { path, line, .. }) => {
            assert_eq!((path.ends_with("1_init.sql"), line), (true, 2));
        }
        other => panic!("{other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(
        Config::load(&dir.join("scopes.toml")),
        Err(ConfigError::Io { .. })
    ));
}

#[test]
fn dotted_table_err() {
    let (line, message) = tables_error("public.posts = { site = \"site_id\" }\n");
    assert_eq!(line, 6);
    assert!(
        message.ends_with("quote a schema-qualified table name: `\"public.posts\" = { ... }`"),
        "{message}"
    );
}

/// A config next to the migrations of the `function-pure` regression case (they create
/// `slugify` and `post_count`).
fn functions_config(functions: &str) -> Result<Config, ConfigError> {
    let text = format!(
        "dialect = \"postgres\"\nmigrations = \"migrations\"\n[dimensions]\norg = \"i64\"\n[tables]\nposts = {{ org = \"org_id\" }}\n[functions]\n{functions}"
    );
    Config::parse(
        &text,
        &crate_path("tests/regressions/schema/function-pure/scopes.toml"),
    )
}

fn functions_error(functions: &str) -> (usize, String) {
    match functions_config(functions) {
        Err(ConfigError::Invalid { line, message, .. }) => (line, message),
        other => panic!("expected an invalid config, got {other:?}"),
    }
}

#[test]
fn functions_ok() {
    let config =
        functions_config("\"Public.Slugify\" = { pure = true, reason = \" reads no table \" }\n")
            .unwrap();
    assert_eq!(config.pure_functions["slugify"], "reads no table");
    assert!(functions_config("").unwrap().pure_functions.is_empty());
}

#[test]
fn functions_err() {
    let (line, message) = functions_error("slugfy = { pure = true, reason = \"x\" }\n");
    assert_eq!(line, 8);
    assert_eq!(
        message,
        "`slugfy` is not a function the migrations create: fix the name or remove the entry (the migrations create: post_count, slugify)"
    );
    let (line, message) = functions_error("slugify = { pure = true }\n");
    assert_eq!(line, 8);
    assert!(
        message.starts_with("invalid toml: missing field `reason`"),
        "{message}"
    );
    let (_, message) = functions_error("slugify = { pure = true, reason = \"x\", safe = 1 }\n");
    assert!(message.starts_with("unknown key `safe`"), "{message}");
    let (_, message) = functions_error("slugify = \"pure\"\n");
    assert!(
        message.starts_with("invalid toml: invalid type: string"),
        "{message}"
    );
    let (_, message) = functions_error("slugify = { pure = true, reason = \"  \" }\n");
    assert!(message.starts_with("`slugify` needs a reason"), "{message}");
    let (_, message) = functions_error("slugify = { pure = false, reason = \"x\" }\n");
    assert!(
        message.contains("`pure = false`, which changes nothing"),
        "{message}"
    );
    // Without migrations no function is opaque: a declaration is a mistake.
    let (line, message) = error(&format!(
        "{HEAD}posts = {{ site = \"site_id\" }}\n[functions]\nslugify = {{ pure = true, reason = \"x\" }}\n"
    ));
    assert_eq!(line, 8);
    assert!(
        message.contains("without `migrations` (or `schema`) no function is opaque"),
        "{message}"
    );
}

/// A scopes.toml and its migrations in a fresh directory; returns the config's path.
fn project(name: &str, config: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scopes-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    std::fs::write(dir.join("scopes.toml"), config).unwrap();
    dir.join("scopes.toml")
}

const SKIP_HEAD: &str = "dialect = \"postgres\"\nmigrations = \"migrations\"\n[dimensions]\norg = \"i64\"\n[tables]\nposts = { org = \"org_id\" }\n";

/// A DO block the loader refuses (dynamic SQL) on line 2, between two tables.
const DYNAMIC: &str = "CREATE TABLE posts (id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL);
DO $$ BEGIN EXECUTE 'GRANT SELECT ON posts TO ' || quote_ident(current_user); END $$;
CREATE TABLE tags (id BIGINT PRIMARY KEY);
";

fn load_project(name: &str, config: &str, files: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let path = project(name, config, files);
    let result = Config::load(&path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

fn project_error(name: &str, config: &str, files: &[(&str, &str)]) -> (usize, String) {
    match load_project(name, config, files) {
        Err(ConfigError::Invalid { line, message, .. }) => (line, message),
        other => panic!("expected an invalid config, got {other:?}"),
    }
}

#[test]
fn skip_migration_ok() {
    let config = load_project(
        "skip-ok",
        &format!("{SKIP_HEAD}[[skip-migration]]\nfile = \"1_init.sql\"\nline = 2\nreason = \"grants only\"\n"),
        &[("migrations/1_init.sql", DYNAMIC)],
    )
    .unwrap();
    assert!(config.schema.unwrap().table("tags").is_some());
    // Without the entry, the error names the file, the line and the entry to write.
    let (line, message) = project_error(
        "skip-none",
        SKIP_HEAD,
        &[("migrations/1_init.sql", DYNAMIC)],
    );
    assert_eq!(line, 2);
    assert!(
        message.contains("`[[skip-migration]]` with `file = \"1_init.sql\"`, `line = 2`"),
        "{message}"
    );
}

#[test]
fn skip_migration_err() {
    let files = [("migrations/1_init.sql", DYNAMIC)];
    let entry = |body: &str| format!("{SKIP_HEAD}[[skip-migration]]\n{body}");
    let (line, message) = project_error(
        "skip-reason",
        &entry("file = \"1_init.sql\"\nline = 2\nreason = \" \"\n"),
        &files,
    );
    assert_eq!(line, 7);
    assert!(
        message.starts_with("`[[skip-migration]]` for `1_init.sql` line 2 needs a reason"),
        "{message}"
    );
    let (_, message) = project_error(
        "skip-key",
        &entry("file = \"1_init.sql\"\nline = 2\nreason = \"x\"\nwhy = \"y\"\n"),
        &files,
    );
    assert!(message.starts_with("unknown key `why`"), "{message}");
    let (line, message) = project_error("skip-line", &entry("file = \"1_init.sql\"\nline = 2\nreason = \"x\"\n[[skip-migration]]\nfile = \"1_init.sql\"\nline = 9\nreason = \"x\"\n"), &files);
    assert_eq!(line, 11);
    assert!(
        message.starts_with("`[[skip-migration]]`: no statement of `1_init.sql` starts on line 9"),
        "{message}"
    );
    let (line, message) = project_error(
        "skip-path",
        &entry("file = \"migrations/1_init.sql\"\nline = 2\nreason = \"x\"\n"),
        &files,
    );
    assert_eq!(line, 7);
    assert!(
        message.contains("not a path: write `1_init.sql`"),
        "{message}"
    );
    // Skipping a statement the loader reads would hide its changes.
    let (line, message) = project_error("skip-readable", &entry("file = \"1_init.sql\"\nline = 2\nreason = \"x\"\n[[skip-migration]]\nfile = \"1_init.sql\"\nline = 3\nreason = \"x\"\n"), &files);
    assert_eq!(line, 3);
    assert!(
        message.contains("lists this statement, but the loader reads it"),
        "{message}"
    );
    let (line, message) = project_error(
        "skip-nothing",
        "dialect = \"sqlite\"\n[[skip-migration]]\nfile = \"a.sql\"\nline = 1\nreason = \"x\"\n",
        &[],
    );
    assert_eq!(line, 2);
    assert!(message.contains("skips nothing"), "{message}");
}

#[test]
fn schema_snapshot_ok() {
    let config = load_project(
        "snapshot",
        "dialect = \"postgres\"\nschema = \"schema.sql\"\n[dimensions]\norg = \"i64\"\n[tables]\nposts = { org = \"org_id\" }\n",
        &[("schema.sql", "CREATE TABLE posts (id BIGINT, org_id BIGINT NOT NULL, CONSTRAINT posts_pkey PRIMARY KEY (id));\n")],
    )
    .unwrap();
    let schema = config.schema.unwrap();
    assert_eq!(schema.table("posts").unwrap().primary_key, ["id"]);
}

#[test]
fn schema_snapshot_err() {
    let (line, message) = project_error(
        "snapshot-missing",
        "dialect = \"postgres\"\n\nschema = \"schema.sql\"\n",
        &[],
    );
    assert_eq!(line, 3);
    assert!(
        message.starts_with("schema snapshot `schema.sql` does not exist"),
        "{message}"
    );
    assert!(
        message.contains("scopes schema --database-url <url> > schema.sql"),
        "{message}"
    );
    let (line, message) = project_error(
        "snapshot-both",
        "dialect = \"postgres\"\nmigrations = \"migrations\"\nschema = \"schema.sql\"\n",
        &[("schema.sql", "")],
    );
    assert_eq!(line, 3);
    assert!(
        message.contains("both say where the schema comes from"),
        "{message}"
    );
}
