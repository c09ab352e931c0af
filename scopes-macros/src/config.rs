//! Finding, loading and caching scopes.toml for the macros; the only place that reads the
//! environment. Validation is scopes-core's job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use scopes_core::Config;
use syn::Type;

/// Environment variable naming another scopes.toml (relative to the crate root when relative).
pub const CONFIG_ENV: &str = "SQLX_SCOPES_CONFIG";

/// A loaded config and the files whose edits must recompile the caller.
pub struct Loaded {
    pub config: Config,
    pub files: Vec<PathBuf>,
}

/// Dimension types a scope value can be bound with (scopes.toml `[dimensions]` values).
const SUPPORTED_TYPES: &[&str] = &["i64", "i32", "i16", "String"];

/// The Rust type of dimension `dimension`, declared `declared` in scopes.toml: the one place
/// that maps a declared type to the type the macros emit (the binder of `scoped_query!`, the
/// value of `scope!`, the `Value` of a `dimensions!()` marker).
pub fn rust_type(dimension: &str, declared: &str) -> Result<Type, String> {
    if !SUPPORTED_TYPES.contains(&declared) {
        return Err(format!(
            "scopes.toml declares dimension `{dimension}` as `{declared}`; supported types are {}",
            SUPPORTED_TYPES.join(", ")
        ));
    }
    syn::parse_str::<Type>(declared)
        .map_err(|_| format!("scopes.toml type `{declared}` is not a Rust type"))
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
