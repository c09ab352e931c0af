//! `scopes audit` against a live database: each seeded mistake is reported with its code, and
//! the fixed schema passes (exit 0). Also the offline audit, and that the committed RLS
//! migration matches scopes.toml.

use std::path::PathBuf;

use clap::Parser;
use scopes_cli::opt::Opt;
use scopes_cli::Status;
use scopes_tests_rls::{seeded, Env};

fn config() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scopes.toml")
}

/// Runs `scopes audit` with `args` (JSON output): the status and the finding codes, sorted.
fn audit(args: &[&str]) -> Result<(Status, Vec<String>), scopes_cli::Error> {
    let config = config();
    let mut argv = vec!["scopes", "audit", "--format", "json", "--config"];
    argv.push(config.to_str().unwrap());
    argv.extend_from_slice(args);
    let opt = Opt::try_parse_from(argv).expect("valid options");
    let mut out = Vec::new();
    let status = scopes_cli::run(&opt, &mut out)?;
    let json: serde_json::Value = serde_json::from_slice(&out).expect("JSON output");
    let mut codes: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["code"].as_str().unwrap(),
                f["relation"].as_str().unwrap()
            )
        })
        .collect();
    codes.sort();
    Ok((status, codes))
}

fn live(env: &Env, role: &str) -> (Status, Vec<String>) {
    audit(&["--database-url", &env.url(role)]).expect("audit runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_seeded_mistakes_then_fixed_ok() {
    let Some((env, app)) = seeded(1).await else {
        return;
    };
    app.close().await;
    let app_role = env.app.clone();
    // The fixed schema, as the application's role: clean.
    let clean = tokio::task::block_in_place(|| live(&env, &app_role));
    assert_eq!(clean, (Status::Scoped, vec![]));
    // Seed the mistakes.
    let owner = env.owner_pool().await;
    sqlx::raw_sql(
        "ALTER TABLE notes NO FORCE ROW LEVEL SECURITY;
         DROP POLICY sqlx_scopes_site ON comment_groups;
         ALTER POLICY sqlx_scopes_site ON posts USING (true);
         ALTER TABLE comments DROP CONSTRAINT comments_site_id_post_id_fkey;
         ALTER TABLE comments ADD FOREIGN KEY (post_id) REFERENCES posts (id);
         ALTER TABLE notes ADD CONSTRAINT notes_body_key UNIQUE (body);
         ALTER TABLE sites DISABLE ROW LEVEL SECURITY;",
    )
    .execute(&owner)
    .await
    .unwrap();
    let (status, codes) = tokio::task::block_in_place(|| live(&env, &app_role));
    assert_eq!(status, Status::Unscoped);
    assert_eq!(
        codes,
        [
            "cross-scope-foreign-key:comments",
            "global-unique:notes",
            "global-unique:notes",
            "missing-policy:comment_groups",
            "policy-drift:posts",
            "rls-disabled:sites",
            "rls-not-forced:notes",
        ]
    );
    // The owner's role: it also owns `notes`, which is no longer forced.
    let owner_role = env.owner.clone();
    let (_, codes) = tokio::task::block_in_place(|| live(&env, &owner_role));
    assert!(
        codes.contains(&format!("owner-role:{owner_role}")),
        "{codes:?}"
    );
    // A superuser bypasses every policy.
    let superuser = env.superuser();
    let (_, codes) = tokio::task::block_in_place(|| live(&env, &superuser));
    assert!(
        codes.contains(&format!("superuser-role:{superuser}")),
        "{codes:?}"
    );
    // A view over a scoped table without security_invoker, and a default scope setting.
    let admin = env.admin().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE VIEW post_titles AS SELECT title FROM posts;
         ALTER ROLE {app_role} IN DATABASE {db} SET sqlx_scopes.site.\"all\" = 'on';",
        db = env.db
    )))
    .execute(&admin)
    .await
    .unwrap();
    let (_, codes) = tokio::task::block_in_place(|| live(&env, &app_role));
    assert!(
        codes.contains(&"view-bypasses-rls:post_titles".to_string()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&format!("scope-setting-default:{app_role}")),
        "{codes:?}"
    );
    // Fix everything: clean again.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP VIEW post_titles; ALTER ROLE {app_role} IN DATABASE {db} RESET sqlx_scopes.site.\"all\";",
        db = env.db
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::raw_sql(
        "ALTER TABLE notes FORCE ROW LEVEL SECURITY;
         CREATE POLICY sqlx_scopes_site ON comment_groups AS RESTRICTIVE FOR ALL TO PUBLIC
             USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
                 OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
                 OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
             WITH CHECK (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
                 OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
                 OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));
         ALTER POLICY sqlx_scopes_site ON posts
             USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
                 OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
                 OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));
         ALTER TABLE comments DROP CONSTRAINT comments_post_id_fkey;
         ALTER TABLE comments ADD FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id);
         ALTER TABLE notes DROP CONSTRAINT notes_body_key;
         ALTER TABLE sites ENABLE ROW LEVEL SECURITY;",
    )
    .execute(&owner)
    .await
    .unwrap();
    let clean = tokio::task::block_in_place(|| live(&env, &app_role));
    assert_eq!(clean, (Status::Scoped, vec![]));
}

#[test]
fn audit_unreachable_database_err() {
    let err = audit(&["--database-url", "postgres://nobody@127.0.0.1:1/none"]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot connect to postgres://nobody@127.0.0.1:1/none"),
        "{err}"
    );
}

#[test]
fn audit_offline_fixed_schema_ok() {
    assert_eq!(audit(&["--offline"]).unwrap(), (Status::Scoped, vec![]));
}

#[test]
fn committed_rls_migration_matches_scopes_toml_ok() {
    let config = scopes_core::Config::load(&config()).unwrap();
    let dir = config.migrations_dir.clone().unwrap();
    let generated: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter_map(|text| scopes_core::rls::State::parse(&text))
        .collect();
    assert_eq!(generated.len(), 1);
    assert_eq!(
        scopes_core::rls::render(Some(&generated[0]), &config).unwrap(),
        None
    );
}

#[test]
fn runtime_and_policies_read_the_same_settings_ok() {
    let scope = sqlx_scopes::Scope::one("site", 1);
    let names: Vec<String> = scope.rls_settings().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            scopes_core::rls::setting("site"),
            scopes_core::rls::setting_many("site"),
            scopes_core::rls::setting_all("site"),
        ]
    );
}
