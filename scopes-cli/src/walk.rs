//! Finding the files a run checks: one directory walker for `.sql` and `.rs` files (the `ignore`
//! crate: `.gitignore`, `.ignore` and hidden files respected, `target` skipped), in a sorted,
//! deterministic order, and the `exclude` paths of scopes.toml.

use std::path::{Path, PathBuf};

use globset::GlobBuilder;

use crate::Error;

/// The files under `dir` (recursively) that `keep` accepts, sorted.
pub fn walk(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != "target")
        .build();
    for entry in walker {
        let entry = entry.map_err(|err| Error::Path {
            path: dir.to_path_buf(),
            source: std::io::Error::other(err.to_string()),
        })?;
        let path = entry.path();
        let is_file = entry.file_type().is_some_and(|t| t.is_file()) || path.is_file();
        if is_file && keep(path) {
            found.push(path.to_path_buf());
        }
    }
    found.sort();
    Ok(found)
}

/// Whether `path` is excluded by `patterns` (scopes.toml's `exclude`), which are relative to
/// `base` (the directory of that scopes.toml): a directory or file prefix, or a glob (`*`
/// within a name, `**` across directories).
pub fn excluded(path: &Path, base: &Path, patterns: &[String]) -> bool {
    if patterns.is_empty() {
        return false;
    }
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (path, base) = (absolute(path), absolute(base));
    let Ok(relative) = path.strip_prefix(&base) else {
        return false;
    };
    patterns.iter().any(|pattern| {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        relative.starts_with(trimmed)
            || GlobBuilder::new(trimmed)
                .literal_separator(true)
                .build()
                .is_ok_and(|glob| glob.compile_matcher().is_match(relative))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_ok() {
        let base = Path::new("/app");
        let patterns = ["generated".to_string(), "vendor/**/*.sql".to_string()];
        for (path, expected) in [
            ("/app/generated/q.rs", true),
            ("/app/vendor/a/b/x.sql", true),
            ("/app/vendor/x.rs", false),
            ("/app/src/generated.rs", false),
            ("/elsewhere/generated/q.rs", false),
        ] {
            assert_eq!(
                excluded(Path::new(path), base, &patterns),
                expected,
                "{path}"
            );
        }
    }
}
