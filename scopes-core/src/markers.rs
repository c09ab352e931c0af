//! Opt-out markers: `unscoped` (every dimension) and `unscoped(dim, ...)`, given to the analyzer
//! as data by the macros, or read from a leading `-- scopes: unscoped(...)` comment in .sql files.

use std::collections::BTreeSet;

/// Which dimensions a statement is explicitly exempt from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Markers {
    /// No marker: every dimension is checked.
    #[default]
    None,
    /// `unscoped`: no dimension is checked.
    All,
    /// `unscoped(a, b)`: the listed dimensions are not checked.
    Dimensions(BTreeSet<String>),
}

impl Markers {
    /// Whether the dimension is exempt.
    ///
    /// ```
    /// use scopes_core::Markers;
    /// let m = Markers::parse_list("user").unwrap();
    /// assert!(m.exempts("user"));
    /// assert!(!m.exempts("site"));
    /// ```
    pub fn exempts(&self, dimension: &str) -> bool {
        match self {
            Markers::None => false,
            Markers::All => true,
            Markers::Dimensions(dims) => dims.contains(dimension),
        }
    }

    /// Parses the inside of `unscoped(...)`: a comma-separated list of dimension names.
    /// An empty list is an error (write `unscoped` alone to exempt every dimension).
    pub fn parse_list(list: &str) -> Result<Markers, String> {
        let mut dims = BTreeSet::new();
        for part in list.split(',') {
            let name = part.trim();
            if name.is_empty() {
                return Err(format!("empty dimension name in `unscoped({list})`"));
            }
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("`{name}` is not a dimension name"));
            }
            dims.insert(name.to_string());
        }
        Ok(Markers::Dimensions(dims))
    }

    /// Reads a leading `-- scopes: unscoped` or `-- scopes: unscoped(a, b)` comment of a SQL
    /// text (before any SQL; blank lines and other comments may precede it).
    /// Returns `Ok(None)` when there is no marker comment.
    ///
    /// ```
    /// use scopes_core::Markers;
    /// let sql = "-- scopes: unscoped(user)\nSELECT 1";
    /// assert_eq!(Markers::from_leading_comment(sql).unwrap().unwrap().exempts("user"), true);
    /// assert_eq!(Markers::from_leading_comment("SELECT 1").unwrap(), None);
    /// ```
    pub fn from_leading_comment(sql: &str) -> Result<Option<Markers>, String> {
        for line in sql.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some(comment) = line.strip_prefix("--") else {
                break;
            };
            let comment = comment.trim();
            let Some(rest) = comment.strip_prefix("scopes:") else {
                continue;
            };
            let rest = rest.trim();
            if rest == "unscoped" {
                return Ok(Some(Markers::All));
            }
            if let Some(inner) = rest
                .strip_prefix("unscoped")
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix('('))
                .and_then(|r| r.strip_suffix(')'))
            {
                return Markers::parse_list(inner).map(Some);
            }
            return Err(format!(
                "unknown scopes marker `{rest}`: write `-- scopes: unscoped` or `-- scopes: unscoped(dimension, ...)`"
            ));
        }
        Ok(None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn leading_comment_ok() {
        assert_eq!(
            Markers::from_leading_comment("\n-- hello\n-- scopes: unscoped\nSELECT 1").unwrap(),
            Some(Markers::All)
        );
        let m = Markers::from_leading_comment("-- scopes: unscoped( site , user )\nSELECT 1")
            .unwrap()
            .unwrap();
        assert!(m.exempts("site") && m.exempts("user") && !m.exempts("org"));
    }

    #[test]
    fn leading_comment_after_sql_is_ignored() {
        assert_eq!(
            Markers::from_leading_comment("SELECT 1;\n-- scopes: unscoped\n").unwrap(),
            None
        );
    }

    #[test]
    fn leading_comment_err() {
        assert!(Markers::from_leading_comment("-- scopes: unscopd\nSELECT 1").is_err());
        assert!(Markers::from_leading_comment("-- scopes: unscoped()\nSELECT 1").is_err());
        assert!(Markers::from_leading_comment("-- scopes: unscoped(a b)\nSELECT 1").is_err());
    }
}
