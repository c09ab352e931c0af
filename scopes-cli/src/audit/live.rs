//! The live half of `scopes audit`: reads PostgreSQL's catalog as the connecting role and
//! reports what lets a session see past the policies: the role, RLS switched off or not
//! forced, missing or drifted policies, views running with their owner's rights, defaults of
//! the scope settings, and (through `scopes_core::rls::keys`) keys and indexes.

use std::collections::BTreeMap;

use scopes_core::rls::keys::{self, Finding};
use scopes_core::rls::{self, Object};
use scopes_core::schema::{ColumnDef, ForeignKey, Schema, TableDef};
use scopes_core::Config;
use sqlx::{Connection, PgConnection};

use crate::Error;

/// Audits the database at `url` against `config`.
pub(super) fn audit(config: &Config, url: &str) -> Result<Vec<Finding>, Error> {
    let expected = rls::objects(config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let mut conn = PgConnection::connect(url)
            .await
            .map_err(|e| Error::Usage(format!("cannot connect to {}: {e}", super::redact(url))))?;
        let result = run(&mut conn, config, &expected).await;
        let _ = conn.close().await;
        result.map_err(|e| Error::Usage(format!("reading the catalog failed: {e}")))
    })
}

/// One relation of `[tables]` as the catalog has it.
struct Relation {
    /// The config's name (lowercase, unqualified).
    name: String,
    /// `oid::regclass::text`: qualified and quoted as needed for this session.
    regclass: String,
    kind: String,
    rls: bool,
    force: bool,
    owned: bool,
    owner: String,
    options: String,
}

async fn run(
    conn: &mut PgConnection,
    config: &Config,
    expected: &[Object],
) -> Result<Vec<Finding>, sqlx::Error> {
    let mut out = Vec::new();
    let (role, superuser, bypass): (String, bool, bool) = sqlx::query_as(
        "SELECT current_user::text, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(&mut *conn)
    .await?;
    if superuser || bypass {
        let what = if superuser {
            "a superuser"
        } else {
            "a BYPASSRLS role"
        };
        out.push(Finding {
            code: if superuser { "superuser-role" } else { "bypassrls-role" },
            relation: role.clone(),
            message: format!("the connecting role `{role}` is {what}: row-level security never applies to it"),
            help: "connect the application as a role without SUPERUSER and BYPASSRLS that owns none of the tables it queries".to_string(),
        });
    }
    settings(conn, config, &mut out).await?;
    let mut relations = Vec::new();
    for name in config.tables.keys() {
        let row: Option<(String, String, bool, bool, bool, String, String)> = sqlx::query_as(
            "SELECT c.oid::regclass::text, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
                    pg_has_role(current_user, c.relowner, 'USAGE'), pg_get_userbyid(c.relowner)::text,
                    coalesce(array_to_string(c.reloptions, ','), '')
             FROM pg_class c WHERE c.oid = to_regclass($1)",
        )
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
        match row {
            None => out.push(Finding {
                code: "missing-relation",
                relation: name.clone(),
                message: format!("`{name}` is scoped in scopes.toml but the database has no such table or view on the search path"),
                help: "run the migrations, or fix the name in scopes.toml".to_string(),
            }),
            Some((regclass, kind, rls, force, owned, owner, options)) => relations.push(Relation {
                name: name.clone(),
                regclass,
                kind,
                rls,
                force,
                owned,
                owner,
                options,
            }),
        }
    }
    let mut schema = Schema::default();
    for relation in &relations {
        match relation.kind.as_str() {
            "r" | "p" => {
                table(relation, &role, &mut out);
                policies(conn, relation, expected, &mut out).await?;
                let def = table_def(conn, &relation.regclass, &relation.name).await?;
                schema.tables.insert(relation.name.clone(), def);
            }
            "v" if !invoker(&relation.options) => out.push(view_finding(&relation.name)),
            _ => {}
        }
    }
    dependent_views(conn, config, &relations, &mut out).await?;
    out.extend(keys::check(config, &schema));
    Ok(out)
}

/// RLS switched on and forced; the role does not own an unforced table.
fn table(relation: &Relation, role: &str, out: &mut Vec<Finding>) {
    let (name, t) = (&relation.name, &relation.regclass);
    if !relation.rls {
        out.push(Finding {
            code: "rls-disabled",
            relation: name.clone(),
            message: format!("`{name}` is scoped in scopes.toml but row-level security is not enabled on it: every session sees every tenant's rows"),
            help: format!("run `scopes rls` and apply its migration (ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;)"),
        });
    }
    if !relation.force {
        out.push(Finding {
            code: "rls-not-forced",
            relation: name.clone(),
            message: format!("row-level security of `{name}` is not forced: its owner `{}` bypasses the policies", relation.owner),
            help: format!("ALTER TABLE {t} FORCE ROW LEVEL SECURITY;"),
        });
        if relation.owned {
            out.push(Finding {
                code: "owner-role",
                relation: role.to_string(),
                message: format!("the connecting role `{role}` owns `{name}` (as `{}`), whose row-level security is not forced: the policies do not apply to it", relation.owner),
                help: "connect as a role that owns nothing it queries (GRANT it the privileges it needs), or FORCE row-level security".to_string(),
            });
        }
    }
}

/// `security_invoker` is set to a true value among the view's options.
fn invoker(options: &str) -> bool {
    options.split(',').any(|o| {
        o.split_once('=').is_some_and(|(k, v)| {
            k.trim() == "security_invoker" && matches!(v.trim(), "true" | "on" | "1" | "yes")
        })
    })
}

fn view_finding(view: &str) -> Finding {
    Finding {
        code: "view-bypasses-rls",
        relation: view.to_string(),
        message: format!("the view `{view}` reads scoped tables with its owner's rights (no security_invoker): when the owner bypasses row-level security, so does every reader of the view"),
        help: format!("ALTER VIEW {} SET (security_invoker = true);", rls::ident(view)),
    }
}

/// Expected policies present and equal; no stale `sqlx_scopes*` policy. Equality is decided
/// by PostgreSQL: the expected policies are created on a temporary copy of the table in a
/// transaction that is rolled back, and both are compared as the server prints them.
async fn policies(
    conn: &mut PgConnection,
    relation: &Relation,
    expected: &[Object],
    out: &mut Vec<Finding>,
) -> Result<(), sqlx::Error> {
    const POLICIES: &str = "SELECT polname::text, polpermissive, polcmd::text, polroles = '{0}'::oid[],
            coalesce(pg_get_expr(polqual, polrelid), ''), coalesce(pg_get_expr(polwithcheck, polrelid), '')
         FROM pg_policy WHERE polrelid = $1::regclass";
    type Row = (String, bool, String, bool, String, String);
    let wanted: Vec<&Object> = expected
        .iter()
        .filter(|o| matches!(o, Object::Policy { .. }) && o.relation() == relation.name)
        .collect();
    let actual: BTreeMap<String, Row> = sqlx::query_as::<_, Row>(POLICIES)
        .bind(&relation.regclass)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|row| (row.0.clone(), row))
        .collect();
    let mut tx = conn.begin().await?;
    let temp = rls::ident(&relation.name);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE TEMP TABLE {temp} (LIKE {})",
        relation.regclass
    )))
    .execute(&mut *tx)
    .await?;
    for object in &wanted {
        sqlx::raw_sql(sqlx::AssertSqlSafe(object.create_sql()))
            .execute(&mut *tx)
            .await?;
    }
    let probe: BTreeMap<String, Row> = sqlx::query_as::<_, Row>(POLICIES)
        .bind(format!("pg_temp.{temp}"))
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|row| (row.0.clone(), row))
        .collect();
    tx.rollback().await?;
    let name = &relation.name;
    for object in &wanted {
        let Object::Policy { name: policy, .. } = object else {
            continue;
        };
        match (actual.get(policy), probe.get(policy)) {
            (None, _) => out.push(Finding {
                code: "missing-policy",
                relation: name.clone(),
                message: format!("`{name}` has no policy `{policy}`, which scopes.toml implies"),
                help: format!(
                    "run `scopes rls` and apply its migration, or restore it:\n{}",
                    object.create_sql()
                ),
            }),
            (Some(have), Some(want)) if have != want => {
                let what = if have.1 != want.1 {
                    format!("it is {} instead of {}", kind(have.1), kind(want.1))
                } else if have.2 != want.2 || have.3 != want.3 {
                    "it does not apply to every command and every role".to_string()
                } else if have.4 != want.4 {
                    format!("its USING is `{}` instead of `{}`", have.4, want.4)
                } else {
                    format!("its WITH CHECK is `{}` instead of `{}`", have.5, want.5)
                };
                out.push(Finding {
                    code: "policy-drift",
                    relation: name.clone(),
                    message: format!("policy `{policy}` of `{name}` differs from what scopes.toml implies: {what}"),
                    help: format!("run `scopes rls` and apply its migration, or restore it:\n{}\n{}", object.drop_sql(), object.create_sql()),
                });
            }
            _ => {}
        }
    }
    for policy in actual.keys() {
        let ours = policy == rls::BASE_POLICY || policy.starts_with("sqlx_scopes_");
        if ours && !probe.contains_key(policy) {
            out.push(Finding {
                code: "policy-drift",
                relation: name.clone(),
                message: format!(
                    "`{name}` has a policy `{policy}` that scopes.toml no longer implies"
                ),
                help: format!(
                    "run `scopes rls` and apply its migration, or: DROP POLICY {} ON {};",
                    rls::ident(policy),
                    relation.regclass
                ),
            });
        }
    }
    Ok(())
}

fn kind(permissive: bool) -> &'static str {
    if permissive {
        "permissive"
    } else {
        "restrictive"
    }
}

/// Scope settings that sessions start with: role or database defaults, or this session's own
/// (from the server's configuration or the connection options). A default tenant, or a
/// default "all", reaches every transaction that does not set the dimension itself.
async fn settings(
    conn: &mut PgConnection,
    config: &Config,
    out: &mut Vec<Finding>,
) -> Result<(), sqlx::Error> {
    let defaults: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT coalesce(r.rolname::text, 'every role'), coalesce(d.datname::text, 'every database'), s
         FROM pg_db_role_setting x
         LEFT JOIN pg_roles r ON r.oid = x.setrole
         LEFT JOIN pg_database d ON d.oid = x.setdatabase,
         unnest(x.setconfig) AS s
         WHERE s LIKE 'sqlx\\_scopes.%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (role, database, setting) in defaults {
        out.push(Finding {
            code: "scope-setting-default",
            relation: role.clone(),
            message: format!("`{setting}` is a default for {role} in {database}: every session starts inside that scope"),
            help: "remove it (ALTER ROLE ... RESET / ALTER DATABASE ... RESET): bind scopes per transaction with `Scope::begin`".to_string(),
        });
    }
    let names: Vec<String> = config
        .dimensions
        .keys()
        .flat_map(|d| [rls::setting(d), rls::setting_many(d), rls::setting_all(d)])
        .collect();
    let session: Vec<(String, String)> = sqlx::query_as(
        "SELECT n, current_setting(n, true) FROM unnest($1::text[]) AS n WHERE coalesce(current_setting(n, true), '') <> ''",
    )
    .bind(&names)
    .fetch_all(&mut *conn)
    .await?;
    for (name, value) in session {
        out.push(Finding {
            code: "scope-setting-default",
            relation: name.clone(),
            message: format!("this session starts with `{name} = {value}` (server configuration or connection options): every transaction inherits it"),
            help: "remove it from postgresql.conf and the connection options: bind scopes per transaction with `Scope::begin`".to_string(),
        });
    }
    Ok(())
}

/// Views and materialized views that read a scoped table and are not scoped views checked
/// already: a view without `security_invoker` runs with its owner's rights, a materialized
/// view holds a copy of every tenant's rows, which no policy guards.
async fn dependent_views(
    conn: &mut PgConnection,
    config: &Config,
    relations: &[Relation],
    out: &mut Vec<Finding>,
) -> Result<(), sqlx::Error> {
    let tables: Vec<String> = relations
        .iter()
        .filter(|r| matches!(r.kind.as_str(), "r" | "p"))
        .map(|r| r.regclass.clone())
        .collect();
    let views: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT DISTINCT v.relname::text, v.relkind::text, coalesce(array_to_string(v.reloptions, ','), '')
         FROM pg_depend d
         JOIN pg_rewrite r ON r.oid = d.objid
         JOIN pg_class v ON v.oid = r.ev_class
         WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid IN (SELECT unnest($1::text[])::regclass) AND v.oid <> d.refobjid
           AND v.relkind IN ('v', 'm')
         ORDER BY 1",
    )
    .bind(&tables)
    .fetch_all(&mut *conn)
    .await?;
    for (view, kind, options) in views {
        if config.tables.contains_key(&view) {
            continue;
        }
        if kind == "m" {
            out.push(Finding {
                code: "materialized-view-copies-rows",
                relation: view.clone(),
                message: format!("the materialized view `{view}` holds a copy of scoped rows of every tenant: row-level security does not apply to it"),
                help: "drop it, or list it in scopes.toml [tables] and read it only through scoped queries (REVOKE it from other roles)".to_string(),
            });
        } else if !invoker(&options) {
            out.push(view_finding(&view));
        }
    }
    Ok(())
}

/// A table's columns, keys and indexes from the catalog, as the schema audit reads them.
async fn table_def(
    conn: &mut PgConnection,
    regclass: &str,
    name: &str,
) -> Result<TableDef, sqlx::Error> {
    let mut def = TableDef {
        name: name.to_string(),
        ..TableDef::default()
    };
    let columns: Vec<(String, bool)> = sqlx::query_as(
        "SELECT attname::text, attnotnull FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    )
    .bind(regclass)
    .fetch_all(&mut *conn)
    .await?;
    def.columns = columns
        .into_iter()
        .map(|(name, not_null)| ColumnDef { name, not_null })
        .collect();
    // (contype, columns, referenced table, referenced columns, validated)
    type ConstraintRow = (String, Vec<String>, String, Vec<String>, bool);
    let constraints: Vec<ConstraintRow> = sqlx::query_as(
        "SELECT con.contype::text,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
            coalesce(pc.relname::text, ''),
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
            con.convalidated
         FROM pg_constraint con LEFT JOIN pg_class pc ON pc.oid = con.confrelid
         WHERE con.conrelid = $1::regclass AND con.contype IN ('p', 'f')",
    )
    .bind(regclass)
    .fetch_all(&mut *conn)
    .await?;
    for (kind, columns, parent, parent_columns, validated) in constraints {
        if kind == "p" {
            def.primary_key = columns;
        } else {
            def.foreign_keys.push(ForeignKey {
                columns,
                parent,
                parent_columns,
                enforced: validated,
            });
        }
    }
    // Each index: unique, primary, partial, with an expression, and the plain columns it
    // leads with (up to its first expression).
    let indexes: Vec<(bool, bool, bool, bool, Vec<String>)> = sqlx::query_as(
        "SELECT i.indisunique, i.indisprimary, i.indpred IS NOT NULL, 0 = ANY (i.indkey::int2[]),
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                  WHERE k.o <= i.indnkeyatts AND k.o < coalesce(
                      (SELECT min(e.o) FROM unnest(i.indkey::int2[]) WITH ORDINALITY e(n, o) WHERE e.n = 0), 32767)
                  ORDER BY k.o)
         FROM pg_index i WHERE i.indrelid = $1::regclass",
    )
    .bind(regclass)
    .fetch_all(&mut *conn)
    .await?;
    for (unique, primary, partial, expression, columns) in indexes {
        if primary || partial || columns.is_empty() {
            continue;
        }
        if unique && !expression {
            if !def.unique_keys.contains(&columns) {
                def.unique_keys.push(columns);
            }
        } else if !def.indexes.contains(&columns) {
            def.indexes.push(columns);
        }
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoker_ok() {
        assert!(invoker("security_invoker=true"));
        assert!(invoker("check_option=local,security_invoker=on"));
        assert!(!invoker("security_invoker=false"));
        assert!(!invoker(""));
    }
}
