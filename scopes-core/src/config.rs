//! scopes.toml: loading, validation against the schema, and the typed config the analyzer reads.
//! The schema itself (migrations) lives in `schema.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::schema::{normalize_name, Schema};

mod dimension;
mod schema_keys;

pub use dimension::{DimensionType, KeyType};

/// The top-level keys of scopes.toml.
const KEY_DIALECT: &str = "dialect";
const KEY_MIGRATIONS: &str = "migrations";

/// The SQL dialect of the application's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite (the embedded default).
    Sqlite,
    /// PostgreSQL (and Citus).
    Postgres,
    /// MySQL / MariaDB.
    Mysql,
}

/// Where a row of a scoped table keeps its scope value, for one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeRule {
    /// The table's own column holds the scope value (`site = "site_id"`).
    Column(String),
    /// The row belongs to the scope of the parent row it references
    /// (`site = "post_id -> posts.id"`). Names are lowercase.
    ForeignKey {
        /// The referencing column of this table.
        column: String,
        /// The parent table (scoped on the same dimension).
        parent: String,
        /// The referenced column of the parent (its primary key or a unique column).
        parent_column: String,
    },
}

/// The scope rules of one table listed in `[tables]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableScope {
    /// The table's name, lowercase.
    pub table: String,
    /// Per dimension name, where the scope value lives.
    pub rules: BTreeMap<String, ScopeRule>,
}

/// A loaded and validated scopes.toml.
///
/// The reference file, every key explained (parsed by a test, so it stays valid):
#[doc = concat!("```toml\n", include_str!("reference.toml"), "```")]
#[derive(Debug, Clone)]
pub struct Config {
    /// The dialect SQL is parsed with.
    pub dialect: Dialect,
    /// Dimension name -> the type of its scope values.
    pub dimensions: BTreeMap<String, DimensionType>,
    /// Lowercase table (or view) name -> its scope rules.
    /// Shared (`Arc`): the analyzer keeps the rules of every table occurrence it checks.
    pub tables: BTreeMap<String, Arc<TableScope>>,
    /// The schema read from the migrations (`migrations`) or a snapshot (`schema`).
    pub schema: Option<Schema>,
    /// Functions of the migrations declared pure in `[functions]` (lowercase name -> the
    /// reason given): calls to them are checked like calls to built-in functions.
    pub pure_functions: BTreeMap<String, String>,
    /// The file this config was read from, if any.
    pub source: Option<PathBuf>,
    /// The migrations directory `migrations` names, resolved against the file's directory.
    pub migrations_dir: Option<PathBuf>,
    /// Paths (or globs) relative to the file's directory that `scopes check` skips: generated
    /// code, vendored SQL.
    pub exclude: Vec<String>,
}

impl Config {
    /// Builds a config in code (tests, benchmarks). Table names are lowercased.
    pub fn new(
        dialect: Dialect,
        dimensions: BTreeMap<String, DimensionType>,
        tables: BTreeMap<String, TableScope>,
        schema: Option<Schema>,
    ) -> Self {
        Config {
            dialect,
            dimensions,
            tables: tables.into_iter().map(|(k, v)| (k, Arc::new(v))).collect(),
            schema,
            pure_functions: BTreeMap::new(),
            source: None,
            migrations_dir: None,
            exclude: Vec::new(),
        }
    }

    /// The scope rules of a table, by name: case-insensitive, schema qualifier ignored.
    pub fn table_scope(&self, name: &str) -> Option<&TableScope> {
        self.table_scope_shared(name).map(|s| &**s)
    }

    /// [`Config::table_scope`], as the shared value.
    pub(crate) fn table_scope_shared(&self, name: &str) -> Option<&Arc<TableScope>> {
        self.tables.get(crate::schema::normalized(name).as_ref())
    }

    /// Reads and validates a scopes.toml file. See [`Config::parse`].
    ///
    /// ```
    /// # use scopes_core::Config;
    /// let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scopes.toml");
    /// let config = Config::load(&path).unwrap();
    /// assert!(config.table_scope("comments").is_some());
    /// ```
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and validates scopes.toml text. `path` is used in error messages and to resolve
    /// `migrations` (relative to the file's directory).
    ///
    /// ```
    /// # use scopes_core::{Config, ScopeRule};
    /// let text = r#"
    /// dialect = "sqlite"
    /// [dimensions]
    /// site = "i64"
    /// [tables]
    /// posts = { site = "site_id" }
    /// comments = { site = "post_id -> posts.id" }
    /// "#;
    /// let config = Config::parse(text, "scopes.toml".as_ref()).unwrap();
    /// let rule = &config.table_scope("comments").unwrap().rules["site"];
    /// assert_eq!(rule, &ScopeRule::ForeignKey {
    ///     column: "post_id".into(), parent: "posts".into(), parent_column: "id".into(),
    /// });
    /// ```
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        parse_config(text, path)
    }
}

/// An error in scopes.toml or in the migrations it points at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid (TOML syntax, unknown key, unknown dimension, unknown column, ...).
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending key (1 when unknown).
        line: usize,
        /// What is wrong and what to change.
        message: String,
    },
}

/// scopes.toml as written, with the position of every key and value for error messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    dialect: Option<Spanned<String>>,
    migrations: Option<Spanned<String>>,
    schema: Option<Spanned<String>>,
    #[serde(default)]
    skip_migration: Vec<Spanned<schema_keys::RawSkip>>,
    #[serde(default)]
    dimensions: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    tables: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    functions: BTreeMap<Spanned<String>, Spanned<schema_keys::RawFunction>>,
    #[serde(default)]
    exclude: Vec<String>,
}

/// One `dimension = "rule"` of a table, with the lines of its key and value.
struct RuleEntry {
    table: String,
    table_line: usize,
    dimension: String,
    line: usize,
    text: String,
    rule: ScopeRule,
}

/// Reports errors against one file, turning byte offsets into 1-based lines.
struct Source<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Source<'_> {
    fn line<T>(&self, spanned: &Spanned<T>) -> usize {
        self.line_at(spanned.span().start)
    }

    fn line_at(&self, offset: usize) -> usize {
        let before = self.text.get(..offset).unwrap_or(self.text);
        before.matches('\n').count() + 1
    }

    fn err(&self, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

fn parse_config(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let src = Source { text, path };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| src.line_at(span.start));
        src.err(line, toml_message(e.message()))
    })?;
    let Some(dialect) = &raw.dialect else {
        return Err(src.err(
            1,
            format!("missing `{KEY_DIALECT}`: add `{KEY_DIALECT} = \"sqlite\"` (or \"postgres\", \"mysql\")"),
        ));
    };
    let dialect = match dialect.get_ref().as_str() {
        "sqlite" => Dialect::Sqlite,
        "postgres" => Dialect::Postgres,
        "mysql" => Dialect::Mysql,
        other => {
            return Err(src.err(
                src.line(dialect),
                format!("unknown dialect `{other}`: use \"sqlite\", \"postgres\" or \"mysql\""),
            ))
        }
    };
    let mut dimensions = BTreeMap::new();
    for (name, rust_type) in &raw.dimensions {
        if !is_identifier(name.get_ref()) {
            return Err(src.err(
                src.line(name),
                format!(
                    "dimension name `{}` is not an identifier: use letters, digits and `_`",
                    name.get_ref()
                ),
            ));
        }
        let declared = dimension_type(rust_type.get_ref()).map_err(|message| {
            src.err(
                src.line(rust_type),
                format!("dimension `{}`: {message}", name.get_ref()),
            )
        })?;
        dimensions.insert(name.get_ref().clone(), declared);
    }
    let (tables, entries) = read_tables(&src, &raw, &dimensions)?;
    check_paths(&src, &tables, &entries)?;
    let schema = schema_keys::load_schema(&src, &raw, dialect)?;
    // The directory `scopes rls` writes into and the audit reads (checked by `load_schema`).
    let migrations_dir = raw.migrations.as_ref().map(|dir| {
        let base = path.parent().filter(|p| !p.as_os_str().is_empty());
        base.unwrap_or(Path::new(".")).join(dir.get_ref())
    });
    if let Some(schema) = &schema {
        schema_keys::check_schema(&src, schema, &entries)?;
    }
    let pure_functions = schema_keys::read_functions(&src, &raw, schema.as_ref())?;
    Ok(Config {
        dialect,
        dimensions,
        tables: tables.into_iter().map(|(k, v)| (k, Arc::new(v))).collect(),
        schema,
        pure_functions,
        source: Some(path.to_path_buf()),
        migrations_dir,
        exclude: raw.exclude.clone(),
    })
}

/// toml's message, lowercase, with what to change when the key is unknown.
fn toml_message(message: &str) -> String {
    // toml puts what it expected on a second line; messages here are one line.
    let message = message.trim().replace('\n', ": ");
    let message = message.as_str();
    match message.strip_prefix("unknown field ") {
        Some(rest) => format!("unknown key {rest}: remove it or fix its spelling"),
        // An unquoted `public.posts = { ... }` is a nested TOML table, not a qualified name.
        None if message.contains("invalid type: map, expected a string") => format!(
            "invalid toml: {message}; quote a schema-qualified table name: `\"public.posts\" = {{ ... }}`"
        ),
        None if message.contains("expected a map") => format!(
            "invalid toml: {message}; write a table's rules as `posts = {{ site = \"site_id\" }}`"
        ),
        None => {
            let mut chars = message.chars();
            let first = chars.next().map(|c| c.to_lowercase().to_string());
            format!(
                "invalid toml: {}{}",
                first.unwrap_or_default(),
                chars.as_str()
            )
        }
    }
}

/// A `[dimensions]` value: `"uuid"`, or `{ type = "uuid", rust = "crate::OrgId" }`.
fn dimension_type(value: &toml::Value) -> Result<DimensionType, String> {
    match value {
        toml::Value::String(name) => DimensionType::parse(name),
        toml::Value::Table(table) => {
            if let Some(key) = table.keys().find(|k| *k != "type" && *k != "rust") {
                return Err(format!(
                    "unknown key `{key}`: an app's own type is declared with `type` and `rust` only, like {{ type = \"uuid\", rust = \"crate::OrgId\" }}"
                ));
            }
            let text = |key: &str| match table.get(key) {
                Some(toml::Value::String(s)) => Ok(s.as_str()),
                Some(_) => Err(format!("`{key}` must be a string")),
                None => Err(format!(
                    "`{key}` is missing: declare an app's own type as {{ type = \"uuid\", rust = \"crate::OrgId\" }}"
                )),
            };
            DimensionType::newtype_of(text("type")?, text("rust")?)
        }
        _ => Err(
            "the type must be a string like \"i64\", or { type = \"uuid\", rust = \"crate::OrgId\" }".to_string(),
        ),
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Table names may be qualified (`public.posts`): every part must be an identifier.
fn is_table_name(name: &str) -> bool {
    !name.is_empty() && name.split('.').all(is_identifier)
}

type Tables = BTreeMap<String, TableScope>;

/// `[tables]`: every rule parsed, in the order of the file (so the first error is reported).
fn read_tables(
    src: &Source<'_>,
    raw: &RawConfig,
    dimensions: &BTreeMap<String, DimensionType>,
) -> Result<(Tables, Vec<RuleEntry>), ConfigError> {
    let mut tables: Tables = BTreeMap::new();
    let mut entries = Vec::new();
    let mut listed: Vec<_> = raw.tables.iter().collect();
    listed.sort_by_key(|(name, _)| name.span().start);
    for (key, rules) in listed {
        let written = key.get_ref();
        let name = normalize_name(written);
        let table_line = src.line(key);
        let line = table_line;
        if !is_table_name(written) {
            return Err(src.err(line, format!("table name `{written}` is not an identifier: write it as `table` or `schema.table`")));
        }
        if tables.contains_key(&name) {
            return Err(src.err(
                line,
                format!("table `{name}` is listed twice in [tables]: keep one entry"),
            ));
        }
        if rules.is_empty() {
            return Err(src.err(line, format!("table `{name}` lists no dimension: add one, like `{name} = {{ site = \"site_id\" }}`, or remove the table")));
        }
        let mut scope = TableScope {
            table: name.clone(),
            rules: BTreeMap::new(),
        };
        let mut listed_rules: Vec<_> = rules.iter().collect();
        listed_rules.sort_by_key(|(dimension, _)| dimension.span().start);
        for (dimension, text) in listed_rules {
            let key_line = src.line(dimension);
            let dimension = dimension.get_ref();
            if !dimensions.contains_key(dimension) {
                let known: Vec<&str> = dimensions.keys().map(String::as_str).collect();
                return Err(src.err(key_line, format!(
                    "table `{name}` names dimension `{dimension}`, which [dimensions] does not declare: declare it or use one of: {}",
                    known.join(", ")
                )));
            }
            let line = src.line(text);
            let rule = parse_rule(text.get_ref())
                .map_err(|message| src.err(line, format!("`{name}.{dimension}`: {message}")))?;
            scope.rules.insert(dimension.clone(), rule.clone());
            entries.push(RuleEntry {
                table: name.clone(),
                table_line,
                dimension: dimension.clone(),
                line,
                text: text.get_ref().trim().to_string(),
                rule,
            });
        }
        tables.insert(name, scope);
    }
    Ok((tables, entries))
}

/// `"site_id"` or `"post_id -> posts.id"` (spaces optional), lowercased.
fn parse_rule(text: &str) -> Result<ScopeRule, String> {
    const HELP: &str =
        "write a column (\"site_id\") or a foreign-key path (\"post_id -> posts.id\")";
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("the rule is empty: {HELP}"));
    }
    let Some((column, target)) = text.split_once("->") else {
        if is_identifier(text) {
            return Ok(ScopeRule::Column(text.to_lowercase()));
        }
        return Err(format!("malformed rule `{text}`: {HELP}"));
    };
    let (column, target) = (column.trim(), target.trim());
    if target.contains("->") {
        return Err(format!("malformed foreign-key path `{text}`: a path has one hop; give the parent table its own rule in [tables]"));
    }
    match target.rsplit_once('.') {
        Some((parent, parent_column))
            if is_identifier(column) && is_table_name(parent) && is_identifier(parent_column) =>
        {
            Ok(ScopeRule::ForeignKey {
                column: column.to_lowercase(),
                parent: normalize_name(parent),
                parent_column: parent_column.to_lowercase(),
            })
        }
        _ => Err(format!("malformed foreign-key path `{text}`: write it as \"<column> -> <parent table>.<parent column>\"")),
    }
}

/// Every foreign-key path must end, through the parents' own rules, at a table that holds
/// the scope value in a column.
fn check_paths(
    src: &Source<'_>,
    tables: &Tables,
    entries: &[RuleEntry],
) -> Result<(), ConfigError> {
    for entry in entries {
        let ScopeRule::ForeignKey { parent, .. } = &entry.rule else {
            continue;
        };
        let (table, dimension) = (&entry.table, &entry.dimension);
        let Some(parent_scope) = tables.get(parent) else {
            return Err(src.err(entry.line, format!(
                "`{table}.{dimension}` goes through `{parent}`, which [tables] does not list: add `{parent} = {{ {dimension} = \"...\" }}` to [tables]"
            )));
        };
        if !parent_scope.rules.contains_key(dimension) {
            return Err(src.err(entry.line, format!(
                "`{table}.{dimension}` goes through `{parent}`, which is not scoped on `{dimension}`: add `{dimension} = \"...\"` to `{parent}` in [tables]"
            )));
        }
        let mut path = vec![table.clone()];
        let mut seen = BTreeSet::from([table.clone()]);
        let mut next = Some(parent.clone());
        while let Some(current) = next {
            path.push(current.clone());
            if !seen.insert(current.clone()) {
                return Err(src.err(entry.line, format!(
                    "the foreign-key paths of `{dimension}` form a cycle ({}): let one of these tables hold the scope value in its own column",
                    path.join(" -> ")
                )));
            }
            next = match tables.get(&current).and_then(|t| t.rules.get(dimension)) {
                Some(ScopeRule::ForeignKey { parent, .. }) => Some(parent.clone()),
                _ => None,
            };
        }
    }
    Ok(())
}
