//! Finding, loading and caching scopes.toml for the macros; the only place that reads the
//! environment. Validation is scopes-core's job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use scopes_core::{Config, DimensionType, KeyType};
use syn::Type;

/// Environment variable naming another scopes.toml (relative to the crate root when relative).
pub const CONFIG_ENV: &str = "SQLX_SCOPES_CONFIG";

/// A loaded config and the files whose edits must recompile the caller.
pub struct Loaded {
    pub config: Config,
    pub files: Vec<PathBuf>,
}

type Key = (PathBuf, Vec<(PathBuf, Option<SystemTime>, u64)>);

// One parse per compilation: the proc-macro library stays loaded across invocations. Keyed by
// the files' modification times, so a long-lived host (rust-analyzer) sees edits.
static CACHE: Mutex<BTreeMap<PathBuf, (Key, Arc<Loaded>)>> = Mutex::new(BTreeMap::new());

/// Reads an environment variable (the one helper allowed to).
#[allow(clippy::disallowed_methods)]
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The config path: `$SQLX_SCOPES_CONFIG`, else `$CARGO_MANIFEST_DIR/scopes.toml`.
pub fn path() -> Result<PathBuf, String> {
    let root = env("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("CARGO_MANIFEST_DIR is not set: build with cargo")?;
    Ok(match env(CONFIG_ENV) {
        Some(p) if Path::new(&p).is_absolute() => PathBuf::from(p),
        Some(p) => root.join(p),
        None => root.join("scopes.toml"),
    })
}

/// Loads the config at `path` (cached).
pub fn load(path: &Path) -> Result<Arc<Loaded>, String> {
    let files = watched_files(path);
    let key: Key = (
        path.to_path_buf(),
        files
            .iter()
            .map(|f| {
                let (modified, len) = stamp(f);
                (f.clone(), modified, len)
            })
            .collect(),
    );
    if let Ok(cache) = CACHE.lock() {
        if let Some((k, loaded)) = cache.get(path) {
            if *k == key {
                return Ok(loaded.clone());
            }
        }
    }
    if !path.exists() {
        return Err(format!(
            "cannot find {}: create a scopes.toml at the crate root, or set {CONFIG_ENV}",
            path.display()
        ));
    }
    let config = Config::load(path).map_err(|e| e.to_string())?;
    let loaded = Arc::new(Loaded { config, files });
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(path.to_path_buf(), (key, loaded.clone()));
    }
    Ok(loaded)
}

type Stamp = (Option<SystemTime>, u64);

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok();
    let len = meta.as_ref().map_or(0, |m| m.len());
    (meta.and_then(|m| m.modified().ok()), len)
}

// The `migrations` key of each scopes.toml, by the file's stamp: parsing the TOML again on every
// invocation was a fifth of the macro's own time.
#[allow(clippy::type_complexity)]
static MIGRATIONS: Mutex<BTreeMap<PathBuf, (Stamp, Option<String>)>> = Mutex::new(BTreeMap::new());

/// The `migrations` directory (or `schema` snapshot) named in the scopes.toml at `path` (cached
/// per file stamp).
fn migrations_dir(path: &Path) -> Option<String> {
    let current = stamp(path);
    if let Ok(cache) = MIGRATIONS.lock() {
        if let Some((s, dir)) = cache.get(path) {
            if *s == current {
                return dir.clone();
            }
        }
    }
    let dir = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| {
            // `migrations` (a directory) or `schema` (a snapshot file).
            t.get("migrations")
                .or_else(|| t.get("schema"))
                .and_then(|m| m.as_str())
                .map(String::from)
        });
    if let Ok(mut cache) = MIGRATIONS.lock() {
        cache.insert(path.to_path_buf(), (current, dir.clone()));
    }
    dir
}

/// scopes.toml and the `.sql` files of its `migrations` directory, sorted, or its `schema`
/// snapshot.
fn watched_files(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    let migrations = migrations_dir(path);
    if let (Some(dir), Some(base)) = (migrations, path.parent()) {
        if base.join(&dir).is_file() {
            files.push(base.join(dir));
        } else if let Ok(entries) = std::fs::read_dir(base.join(dir)) {
            let mut sql: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                .collect();
            sql.sort();
            files.extend(sql);
        }
    }
    files
}

/// The Rust type of a dimension's scope values, as the app writes them (`scope!`'s values): the
/// app's own type when scopes.toml declares one (`rust = "crate::OrgId"`), else the key type.
/// The one place that says which Rust type a dimension has; binding goes through
/// [`key_type`] (the database sees the key type either way).
pub fn rust_type(declared: &DimensionType) -> Result<Type, String> {
    match declared.newtype() {
        Some(path) => syn::parse_str(path)
            .map_err(|e| format!("scopes.toml names `{path}` as a dimension's type: {e}")),
        None => Ok(key_type(declared.key())),
    }
}

/// The Rust type scope values of a key type bind as (the runtime's `ScopeType` implementors),
/// in the generated code's namespace (`_scopes` is the facade).
pub fn key_type(key: KeyType) -> Type {
    match key {
        KeyType::I64 => syn::parse_quote!(i64),
        KeyType::I32 => syn::parse_quote!(i32),
        KeyType::I16 => syn::parse_quote!(i16),
        KeyType::String => syn::parse_quote!(::std::string::String),
        KeyType::Uuid => syn::parse_quote!(_scopes::__private::Uuid),
    }
}
