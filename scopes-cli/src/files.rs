//! The .sql files named on the command line: files as given, directories through `walk.rs`,
//! in a sorted, deterministic order. Reading and checking them lives in `check.rs`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;

/// Expands each path: a file is kept as given (whatever its extension, since it was named), a
/// directory yields its `.sql` files recursively, sorted. Duplicates are dropped.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|source| Error::Path {
            path: path.clone(),
            source,
        })?;
        let mut found = Vec::new();
        if metadata.is_dir() {
            found = crate::walk::walk(path, &|p| is_sql(p))?;
        } else {
            found.push(path.clone());
        }
        for file in found {
            if seen.insert(file.clone()) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

fn is_sql(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("sql"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_ok() {
        let dir = std::env::temp_dir().join(format!("scopes-cli-files-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for file in ["b.sql", "a/z.SQL", "a/y.sql", "a/notes.txt"] {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap_or(&dir)).ok();
            fs::write(&path, "SELECT 1").ok();
        }
        let files = collect(&[dir.clone(), dir.join("b.sql")]).ok();
        let names: Option<Vec<_>> = files.map(|f| {
            f.iter()
                .map(|p| p.strip_prefix(&dir).unwrap_or(p).to_path_buf())
                .collect()
        });
        let _ = fs::remove_dir_all(&dir);
        let expected: Vec<PathBuf> = ["a/y.sql", "a/z.SQL", "b.sql"].map(PathBuf::from).into();
        assert_eq!(names, Some(expected));
    }

    #[test]
    fn collect_err() {
        assert!(collect(&[PathBuf::from("/no/such/dir/scopes")]).is_err());
    }
}
