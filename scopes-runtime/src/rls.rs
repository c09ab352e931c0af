//! Binding a [`Scope`] into a PostgreSQL transaction for row-level security (the second line):
//! the settings the generated policies read, set transaction-locally in one statement.
//! The policies themselves are written by `scopes rls`; the query macros do not depend on this.

use crate::scope::{Mode, Scope, Value};

/// The prefix of every setting (`sqlx_scopes.site`); `scopes rls` writes policies that read
/// the same names (a test of the PostgreSQL suite checks that both sides agree).
const PREFIX: &str = "sqlx_scopes";

/// The value of the "all" setting that admits every tenant of a dimension.
const ALL_ON: &str = "on";

impl Scope {
    /// The transaction-local settings that bind this scope under row-level security, as
    /// `(name, value)` pairs: for every dimension the token holds, its one value
    /// (`sqlx_scopes.<dim>`), its several values as an array literal (`sqlx_scopes.<dim>.many`)
    /// and "all" (`sqlx_scopes.<dim>.all`), the two it does not use set to `''` (matches
    /// nothing), so a stale setting of the connection cannot widen the scope.
    ///
    /// ```
    /// use scopes_runtime::Scope;
    /// let scope = Scope::one("site", 7).with_many("user", [1, 2]);
    /// let settings = scope.rls_settings();
    /// assert_eq!(settings[0], ("sqlx_scopes.site".to_string(), "7".to_string()));
    /// assert_eq!(settings[4], ("sqlx_scopes.user.many".to_string(), "{\"1\",\"2\"}".to_string()));
    /// ```
    pub fn rls_settings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for dimension in self.dimensions() {
            let (one, many, all) = match self.get(dimension) {
                Some(Mode::One(value)) => (text(value), String::new(), String::new()),
                Some(Mode::Many(values)) => (String::new(), array(values), String::new()),
                Some(Mode::All { .. }) => (String::new(), String::new(), ALL_ON.to_string()),
                None => continue,
            };
            out.push((format!("{PREFIX}.{dimension}"), one));
            out.push((format!("{PREFIX}.{dimension}.many"), many));
            out.push((format!("{PREFIX}.{dimension}.all"), all));
        }
        out
    }
}

/// A scope value as PostgreSQL reads it back with a cast (`'7'::bigint`).
fn text(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        Value::Text(s) => s.to_string(),
        Value::Uuid(b) => crate::scope::hyphenated(b),
    }
}

/// Several values as a PostgreSQL array literal: every element quoted, `"` and `\` escaped,
/// so any text value round-trips through `::text[]` (and numbers through `::bigint[]`).
fn array(values: &[Value]) -> String {
    let mut out = String::from("{");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in text(value).chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

#[cfg(feature = "postgres")]
mod postgres {
    use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};

    use crate::error::Error;
    use crate::scope::{Mode, Scope};

    /// The one statement that binds a scope: every setting transaction-local (`true`), from
    /// bind parameters (`SET LOCAL` cannot take one), in one round trip.
    const BIND: &str = "SELECT count(set_config(s.name, s.value, true)) FROM unnest($1::text[], $2::text[]) AS s (name, value)";

    impl Scope {
        /// Begins a transaction on `pool` whose first statement binds this scope for the
        /// row-level security policies `scopes rls` generates. The scoped macros and plain
        /// sqlx queries run on it alike (`&mut *tx`); the settings end with the transaction
        /// (commit, rollback or a dropped connection), never outliving it on a pooled
        /// connection. "All" is recorded on the `sqlx_scopes::audit` target with its reason.
        ///
        /// ```no_run
        /// # async fn run(pool: sqlx::PgPool) -> Result<(), scopes_runtime::Error> {
        /// let scope = scopes_runtime::Scope::one("site", 1);
        /// let mut tx = scope.begin(&pool).await?;
        /// // No filter, yet only site 1's rows: PostgreSQL applies the policies.
        /// let n: i64 = sqlx::query_scalar("SELECT count(*) FROM posts").fetch_one(&mut *tx).await?;
        /// tx.commit().await?;
        /// # Ok(()) }
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
        pub async fn begin(&self, pool: &PgPool) -> Result<Transaction<'static, Postgres>, Error> {
            let mut tx = pool.begin().await?;
            self.bind(&mut tx).await?;
            Ok(tx)
        }

        /// [`Scope::begin`] on a connection you hold (a `PoolConnection` derefs to one).
        #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
        pub async fn begin_on<'c>(
            &self,
            conn: &'c mut PgConnection,
        ) -> Result<Transaction<'c, Postgres>, Error> {
            let mut tx = conn.begin().await?;
            self.bind(&mut tx).await?;
            Ok(tx)
        }

        /// Binds this scope into a transaction you already opened (it replaces a scope bound
        /// earlier in it for the dimensions this token holds). Taking a `Transaction` rather
        /// than a connection is deliberate: outside a transaction a transaction-local setting
        /// would end with its own statement.
        pub async fn bind(&self, tx: &mut Transaction<'_, Postgres>) -> Result<(), Error> {
            for dimension in self.dimensions() {
                if let Some(Mode::All { reason }) = self.get(dimension) {
                    tracing::info!(
                        target: "sqlx_scopes::audit",
                        dimension,
                        reason = &**reason,
                        "transaction binds every tenant of a dimension for row-level security"
                    );
                }
            }
            let (names, values): (Vec<String>, Vec<String>) =
                self.rls_settings().into_iter().unzip();
            sqlx::query(BIND)
                .bind(names)
                .bind(values)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rls_settings_modes_ok() {
        let scope = Scope::all("site", "billing").with_many("tag", ["a\"b", "c\\d", "e,f"]);
        let settings = scope.rls_settings();
        let pairs: Vec<(&str, &str)> = settings
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("sqlx_scopes.site", ""),
                ("sqlx_scopes.site.many", ""),
                ("sqlx_scopes.site.all", "on"),
                ("sqlx_scopes.tag", ""),
                ("sqlx_scopes.tag.many", r#"{"a\"b","c\\d","e,f"}"#),
                ("sqlx_scopes.tag.all", ""),
            ]
        );
    }

    #[test]
    fn rls_settings_empty_set_ok() {
        let settings = Scope::many::<i64>("site", []).rls_settings();
        assert_eq!(
            settings[1],
            ("sqlx_scopes.site.many".to_string(), "{}".to_string())
        );
    }
}
