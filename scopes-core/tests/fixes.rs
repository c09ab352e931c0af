//! Every suggested fix of the corpus's failing cases, applied and re-checked: the result must
//! parse, and the diagnostic the fix addressed must be gone (others may remain).

use std::path::{Path, PathBuf};

use scopes_core::{check, Code, Config, Dialect, Markers};

#[path = "common/cases.rs"]
mod cases;
use cases::parse as parse_cases;

fn config(file: &Path, dialect: Dialect) -> Config {
    let mut c = Config::load(file).expect("the scopes.toml loads");
    c.dialect = dialect;
    c
}

/// Runs the harness over the `.sql` files of `dir` with `scopes_toml`; returns (cases with a
/// fix, fixes applied, failures).
fn run(dir: &Path, scopes_toml: &Path) -> (usize, usize, Vec<String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the cases directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let (mut with_fix, mut applied, mut failures) = (0, 0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a case file");
        for case in parse_cases(&text)
            .into_iter()
            .filter(|c| c.expect.is_some())
        {
            let mut case_has_fix = false;
            for dialect in &case.dialects {
                let cfg = config(scopes_toml, *dialect);
                let report = check(&case.sql, &cfg, &case.markers);
                for d in report.all_diagnostics() {
                    let Some(fix) = &d.fix else { continue };
                    case_has_fix = true;
                    applied += 1;
                    let mut fixed = case.sql.clone();
                    fixed.replace_range(fix.span.clone(), &fix.replacement);
                    let after = check(&fixed, &cfg, &case.markers);
                    let where_ = format!(
                        "{}:{} {} [{dialect:?}] fix for `{}`",
                        file.display(),
                        case.line,
                        case.name,
                        d.message
                    );
                    let all = after.all_diagnostics();
                    if let Some(e) = all.iter().find(|e| e.code == Code::SyntaxError) {
                        failures.push(format!("{where_}: does not parse: {fixed}\n{}", e.message));
                        continue;
                    }
                    let before_n = report
                        .all_diagnostics()
                        .iter()
                        .filter(|e| e.code == d.code && e.message == d.message)
                        .count();
                    let after_n = all
                        .iter()
                        .filter(|e| e.code == d.code && e.message == d.message)
                        .count();
                    if after_n >= before_n {
                        failures.push(format!("{where_}: still reported after the fix: {fixed}"));
                    }
                }
            }
            if case_has_fix {
                with_fix += 1;
            }
        }
    }
    (with_fix, applied, failures)
}

#[test]
fn every_suggested_fix_parses_and_removes_its_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut totals = (0, 0);
    let mut failures = Vec::new();
    for (dir, toml) in [
        (root.join("tests/cases"), root.join("../scopes.toml")),
        (
            root.join("tests/cases/realworld"),
            root.join("tests/cases/realworld/scopes.toml"),
        ),
    ] {
        let (cases, fixes, f) = run(&dir, &toml);
        eprintln!(
            "{}: {cases} failing cases with a fix, {fixes} fixes applied, {} failed",
            dir.display(),
            f.len()
        );
        totals.0 += cases;
        totals.1 += fixes;
        failures.extend(f);
    }
    eprintln!(
        "fixes: {} cases, {} fixes applied, {} failed",
        totals.0,
        totals.1,
        failures.len()
    );
    assert!(
        totals.1 >= 50,
        "the harness applied only {} fixes",
        totals.1
    );
    assert!(
        failures.is_empty(),
        "{} fixes fail:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn update_without_where_gets_it_after_set_and_before_returning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfg = config(&root.join("../scopes.toml"), Dialect::Postgres);
    let sql = "UPDATE posts SET title = 'x', body = lower('y') RETURNING id";
    let report = check(sql, &cfg, &Markers::None);
    let fix = report.all_diagnostics()[0].fix.clone().expect("a fix");
    let mut fixed = sql.to_string();
    fixed.replace_range(fix.span, &fix.replacement);
    assert_eq!(
        fixed,
        "UPDATE posts SET title = 'x', body = lower('y') WHERE posts.site_id = :site RETURNING id"
    );
    assert!(check(&fixed, &cfg, &Markers::None).is_scoped());
}
