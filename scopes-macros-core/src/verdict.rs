//! The verdict on one invocation, given its SQL text and scopes.toml: the marker, the analysis,
//! the rewrite and the checks that tie the SQL to the call (argument count, a scope for the
//! placeholders, the dimensions' types). The macro expands what is accepted; the CLI reports what
//! is rejected. Reading files and the environment is the caller's job.

use scopes_core::rewrite::{rewrite, Rewritten};
use scopes_core::{check, Config, KeyType, Markers, Report};

use crate::input::Input;
use crate::marker::MarkerError;

/// What the macro needs to expand an accepted invocation.
pub struct Plan {
    /// The scope variants of the SQL.
    pub rewritten: Rewritten,
    /// Per dimension of `rewritten.dimensions`, the key type its values bind as (scopes.toml's
    /// types were validated when it loaded: one rule for the macros and the CLI).
    pub types: Vec<KeyType>,
}

/// Why an invocation whose marker is valid is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The SQL is not proven scoped: the report's diagnostics say where and why.
    NotScoped,
    /// The SQL is scoped, but the call does not fit it (reported at the SQL literal).
    Call(String),
}

/// An invocation whose marker is valid, checked.
pub struct Checked {
    /// What the marker exempts.
    pub markers: Markers,
    /// The analysis of the SQL.
    pub report: Report,
    /// The plan to expand, or why the call is rejected.
    pub verdict: Result<Plan, Rejection>,
}

/// Checks `input`, whose SQL text is `sql` (the literal's value, or the file a file macro names),
/// against `config`. A bad marker stops the check (`Err`): it is the only problem reported.
pub fn verify(input: &Input, sql: &str, config: &Config) -> Result<Checked, MarkerError> {
    let markers = match &input.unscoped {
        None => Markers::None,
        Some(marker) => marker.markers(config)?,
    };
    let report = check(sql, config, &markers);
    let verdict = plan(input, sql, config, &report);
    Ok(Checked {
        markers,
        report,
        verdict,
    })
}

fn plan(input: &Input, sql: &str, config: &Config, report: &Report) -> Result<Plan, Rejection> {
    if !report.is_scoped() {
        return Err(Rejection::NotScoped);
    }
    let rewritten = rewrite(sql, config, report)
        .map_err(|e| Rejection::Call(format!("sqlx-scopes cannot rewrite this SQL: {e}")))?;
    if rewritten.user_params != input.args.len() {
        return Err(Rejection::Call(format!(
            "the SQL takes {} argument(s) after the scope, but {} were given",
            rewritten.user_params,
            input.args.len()
        )));
    }
    if input.scope.is_none() && !rewritten.dimensions.is_empty() {
        let used: Vec<String> = rewritten
            .dimensions
            .iter()
            .map(|d| format!("`:{d}`"))
            .collect();
        return Err(Rejection::Call(format!(
            "this query uses {}, whose value comes from a `Scope`: pass one before the SQL (`unscoped, scope, \"...\"`)",
            used.join(", ")
        )));
    }
    // The analyzer accepts only declared dimensions; the i64 fallback is never reached.
    let types = rewritten
        .dimensions
        .iter()
        .map(|d| config.dimensions.get(d).map_or(KeyType::I64, |t| t.key()))
        .collect();
    Ok(Plan { rewritten, types })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::input::Family;
    use scopes_core::{Dialect, ScopeRule, TableScope};
    use std::collections::BTreeMap;

    fn config() -> Config {
        Config::new(
            Dialect::Sqlite,
            BTreeMap::from([("site".to_string(), scopes_core::KeyType::I64.into())]),
            BTreeMap::from([(
                "posts".to_string(),
                TableScope {
                    table: "posts".into(),
                    rules: BTreeMap::from([(
                        "site".to_string(),
                        ScopeRule::Column("site_id".into()),
                    )]),
                },
            )]),
            None,
        )
    }

    fn verdict(name: &str, tokens: &str) -> Result<Result<Plan, Rejection>, MarkerError> {
        let family = Family::from_name(name).expect("a family name");
        let input = Input::parse_user(family, tokens.parse().expect("tokens")).expect("parses");
        let sql = input.sql.value();
        verify(&input, &sql, &config()).map(|c| c.verdict)
    }

    #[test]
    fn verify_ok() {
        let ok = verdict(
            "scoped_query",
            r#"scope, "SELECT id FROM posts WHERE site_id = :site AND id = ?", 1"#,
        );
        assert!(matches!(ok, Ok(Ok(_))));
        let global = verdict("scoped_query", r#"unscoped, "SELECT 1""#);
        assert!(matches!(global, Ok(Ok(_))));
    }

    #[test]
    fn verify_err() {
        let leak = verdict("scoped_query", r#"scope, "SELECT id FROM posts""#);
        assert!(matches!(leak, Ok(Err(Rejection::NotScoped))));
        let count = verdict(
            "scoped_query",
            r#"scope, "SELECT id FROM posts WHERE site_id = :site AND id = ?""#,
        );
        assert!(matches!(count, Ok(Err(Rejection::Call(m))) if m.contains("1 argument(s)")));
        let no_scope = verdict(
            "scoped_query",
            r#"unscoped, "SELECT id FROM posts WHERE site_id = :site""#,
        );
        assert!(matches!(no_scope, Ok(Err(Rejection::Call(m))) if m.contains("`:site`")));
        let marker = verdict(
            "scoped_query",
            r#"unscoped(tenant), scope, "SELECT id FROM posts""#,
        );
        assert!(marker.is_err());
    }
}
