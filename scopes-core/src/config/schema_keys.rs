//! The keys of scopes.toml about the schema: where it comes from (`migrations` or a `schema`
//! snapshot, and the statements `[[skip-migration]]` tells the loader to skip), which functions
//! of it are pure (`[functions]`), and the checks of `[tables]` against it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, Dialect, RawConfig, RuleEntry, ScopeRule, Source, KEY_MIGRATIONS};
use crate::schema::{normalize_name, Schema, SkipStatement};

/// The `[functions]` table's key.
const KEY_FUNCTIONS: &str = "functions";
/// The schema snapshot's key.
const KEY_SCHEMA: &str = "schema";
/// The array of statements to skip.
const KEY_SKIP: &str = "skip-migration";

/// One `[[skip-migration]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSkip {
    file: String,
    line: usize,
    reason: String,
}

/// One `[functions]` entry: `slugify = { pure = true, reason = "..." }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFunction {
    pure: bool,
    reason: String,
}

/// The schema `migrations` (a directory of migrations) or `schema` (a snapshot) points at, if
/// any, with the statements `[[skip-migration]]` lists skipped.
pub(super) fn load_schema(
    src: &Source<'_>,
    raw: &RawConfig,
    dialect: Dialect,
) -> Result<Option<Schema>, ConfigError> {
    let base = src.path.parent().filter(|p| !p.as_os_str().is_empty());
    let base = base.unwrap_or(Path::new("."));
    let mut skips = Vec::new();
    for entry in &raw.skip_migration {
        let line = src.line(entry);
        let skip = entry.get_ref();
        if skip.reason.trim().is_empty() {
            return Err(src.err(line, format!(
                "`[[{KEY_SKIP}]]` for `{}` line {} needs a reason: say why the statement changes no table, column, key, view or function",
                skip.file, skip.line
            )));
        }
        if skip.file.contains(['/', '\\']) {
            return Err(src.err(line, format!(
                "`[[{KEY_SKIP}]]`: `file` is a file name in the migrations directory, not a path: write `{}`",
                skip.file.rsplit(['/', '\\']).next().unwrap_or_default()
            )));
        }
        skips.push((
            line,
            SkipStatement {
                file: skip.file.clone(),
                line: skip.line,
            },
        ));
    }
    let statements: Vec<SkipStatement> = skips.iter().map(|(_, s)| s.clone()).collect();
    let (schema, found) = match (&raw.migrations, &raw.schema) {
        (Some(_), Some(snapshot)) => {
            return Err(src.err(src.line(snapshot), format!(
                "`{KEY_MIGRATIONS}` and `{KEY_SCHEMA}` both say where the schema comes from: keep one"
            )))
        }
        (None, None) => {
            if let Some((line, _)) = skips.first() {
                return Err(src.err(*line, format!(
                    "`[[{KEY_SKIP}]]` without `{KEY_MIGRATIONS}` or `{KEY_SCHEMA}` skips nothing: remove it"
                )));
            }
            return Ok(None);
        }
        (Some(dir), None) => {
            let resolved = base.join(dir.get_ref());
            if !resolved.is_dir() {
                return Err(src.err(
                    src.line(dir),
                    format!(
                        "migrations directory `{}` does not exist (looked in {}): fix `{KEY_MIGRATIONS}`, which is relative to this file, or remove it",
                        dir.get_ref(),
                        resolved.display()
                    ),
                ));
            }
            Schema::load_migrations_skipping(&resolved, dialect, &statements)?
        }
        (None, Some(snapshot)) => {
            let resolved = base.join(snapshot.get_ref());
            if !resolved.is_file() {
                return Err(src.err(
                    src.line(snapshot),
                    format!(
                        "schema snapshot `{}` does not exist (looked in {}): write it with `scopes schema --database-url <url> > {}`, or fix `{KEY_SCHEMA}`, which is relative to this file",
                        snapshot.get_ref(),
                        resolved.display(),
                        snapshot.get_ref()
                    ),
                ));
            }
            Schema::load_snapshot(&resolved, dialect, &statements)?
        }
    };
    for ((line, skip), found) in skips.iter().zip(found) {
        if !found {
            return Err(src.err(*line, format!(
                "`[[{KEY_SKIP}]]`: no statement of `{}` starts on line {}: point it at the first line of the statement, or remove the entry",
                skip.file, skip.line
            )));
        }
    }
    Ok(Some(schema))
}

/// `[functions]`: each entry names a function the schema defines, declared pure with a reason.
pub(super) fn read_functions(
    src: &Source<'_>,
    raw: &RawConfig,
    schema: Option<&Schema>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut functions = BTreeMap::new();
    let mut listed: Vec<_> = raw.functions.iter().collect();
    listed.sort_by_key(|(name, _)| name.span().start);
    for (name, entry) in listed {
        let line = src.line(name);
        let written = name.get_ref();
        let Some(schema) = schema else {
            return Err(src.err(line, format!(
                "`[{KEY_FUNCTIONS}]` declares `{written}`, but without `{KEY_MIGRATIONS}` (or `{KEY_SCHEMA}`) no function is opaque: remove the entry or set `{KEY_MIGRATIONS}`"
            )));
        };
        let function = normalize_name(written);
        if !schema.functions.contains(&function) {
            let known: Vec<&str> = schema.functions.iter().map(String::as_str).collect();
            return Err(src.err(line, format!(
                "`{written}` is not a function the migrations create: fix the name or remove the entry (the migrations create: {})",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )));
        }
        let entry = entry.get_ref();
        if !entry.pure {
            return Err(src.err(line, format!(
                "`{written}` is declared with `pure = false`, which changes nothing: remove the entry"
            )));
        }
        if entry.reason.trim().is_empty() {
            return Err(src.err(line, format!(
                "`{written}` needs a reason: say why it reads no table, like `reason = \"lowercases its argument\"`"
            )));
        }
        if functions
            .insert(function, entry.reason.trim().to_string())
            .is_some()
        {
            return Err(src.err(
                line,
                format!("`{written}` is declared twice in [{KEY_FUNCTIONS}]: keep one entry"),
            ));
        }
    }
    Ok(functions)
}

/// With the migrations' schema: every table, column and parent key the rules name exists, and a
/// foreign-key path identifies exactly one parent row.
pub(super) fn check_schema(
    src: &Source<'_>,
    schema: &Schema,
    entries: &[RuleEntry],
) -> Result<(), ConfigError> {
    for entry in entries {
        let table = &entry.table;
        let columns: Option<Vec<String>> = match (schema.table(table), schema.view(table)) {
            (Some(def), _) => Some(def.columns.iter().map(|c| c.name.clone()).collect()),
            (None, Some(view)) => view.columns.clone(),
            (None, None) => {
                return Err(src.err(entry.table_line, format!(
                    "table `{table}` is not created by the migrations: fix the name or add a migration that creates it"
                )))
            }
        };
        let column = match &entry.rule {
            ScopeRule::Column(column) | ScopeRule::ForeignKey { column, .. } => column,
        };
        // SQLite's ON CONFLICT REPLACE / IGNORE on a key turns every write into an upsert: on a
        // key without the scope column, a plain INSERT replaces or hides another tenant's row.
        let silent = schema.table(table).and_then(|def| {
            def.constraints.iter().find_map(|c| {
                let key = match &c.kind {
                    crate::schema::KeyKind::PrimaryKey(k)
                    | crate::schema::KeyKind::Unique { columns: k, .. } => k,
                    _ => return None,
                };
                let resolution = c.on_conflict.as_deref()?;
                (!key.contains(column)).then(|| (key.join(", "), resolution))
            })
        });
        if let Some((key, resolution)) = silent {
            let effect = if resolution == "replace" {
                "deletes the other tenant's row"
            } else {
                "drops the new row without an error, which tells that another tenant holds the value"
            };
            return Err(src.err(entry.line, format!(
                "the key ({key}) of `{table}` is declared ON CONFLICT {}: an INSERT or UPDATE that hits another tenant's ({key}) {effect}; remove the clause or add `{column}` to the key",
                resolution.to_uppercase()
            )));
        }
        if let Some(columns) = &columns {
            if !columns.contains(column) {
                return Err(src.err(
                    entry.line,
                    format!(
                        "`{table}` has no column `{column}` in the migrations: use one of {}",
                        columns.join(", ")
                    ),
                ));
            }
        }
        let ScopeRule::ForeignKey {
            parent,
            parent_column,
            ..
        } = &entry.rule
        else {
            continue;
        };
        let path = &entry.text;
        let Some(parent_def) = schema.table(parent) else {
            return Err(src.err(entry.line, format!(
                "`{path}` ends at `{parent}`, which the migrations do not create as a table (a view has no keys): point the path at a table"
            )));
        };
        if !parent_def.has_column(parent_column) {
            return Err(src.err(entry.line, format!(
                "`{parent}` has no column `{parent_column}` in the migrations: point `{path}` at its primary key"
            )));
        }
        let key = vec![parent_column.clone()];
        // The path's proof relies on the key: only a key the loader is certain of counts.
        if !parent_def
            .certain_unique_keys()
            .any(|k| k == key.as_slice())
        {
            if let (Some(why), true) = (
                &parent_def.keys_uncertain_why,
                parent_def.primary_key == key || parent_def.unique_keys.contains(&key),
            ) {
                return Err(src.err(entry.line, format!(
                    "`{path}` needs `{parent}.{parent_column}` to be unique, but the keys of `{parent}` are uncertain ({why}): drop the constraint by the name the database gave it, or take the schema from the database (`scopes schema`, then `schema = \"schema.sql\"`)"
                )));
            }
            return Err(src.err(entry.line, format!(
                "`{parent}.{parent_column}` is neither the primary key nor a unique key of `{parent}`, so `{path}` would not identify one parent row: point the path at the primary key or make `{parent_column}` unique"
            )));
        }
        let declared: Vec<_> = schema
            .table(table)
            .map(|def| {
                def.foreign_keys
                    .iter()
                    .filter(|fk| fk.columns == [column.clone()])
                    .collect()
            })
            .unwrap_or_default();
        let matches = |fk: &&crate::schema::ForeignKey| {
            fk.parent == *parent && (fk.parent_columns == key || fk.parent_columns.is_empty())
        };
        if let Some(fk) = declared.first() {
            if !declared.iter().any(matches) {
                return Err(src.err(entry.line, format!(
                    "`{table}.{column}` references `{}({})` in the migrations, but `{path}` says `{parent}.{parent_column}`: fix the path",
                    fk.parent,
                    fk.parent_columns.join(", ")
                )));
            }
        }
    }
    Ok(())
}
