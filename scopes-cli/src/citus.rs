//! Citus: `check --target citus` routes every checked statement with `scopes_core::citus` (its
//! problems join the run's diagnostics and findings, its verdict the `--explain` output), and
//! `scopes citus` prints the distribution DDL or the schema problems Citus would refuse.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use scopes_core::citus::{self, Distribution, SchemaProblem};
use scopes_core::render::line_col;
use scopes_core::Config;

use crate::check::{Run, Status};
use crate::opt::CitusArgs;
use crate::rust::{Finding, Level};
use crate::Error;

/// `scopes citus`: the DDL on `out` (exit 0), or the problems on stderr (exit 1).
pub fn ddl(args: &CitusArgs, out: &mut dyn Write) -> Result<Status, Error> {
    let config = Config::load(&args.config)?;
    let distribution = Distribution::new(&config, args.distribute_by.as_deref())?;
    match distribution.ddl() {
        Ok(ddl) => {
            out.write_all(ddl.as_bytes()).map_err(Error::Output)?;
            out.flush().map_err(Error::Output)?;
            Ok(Status::Scoped)
        }
        Err(problems) => {
            // The DDL goes to stdout, usually into a file: the refusal must show on the terminal.
            let mut err = std::io::stderr().lock();
            let text = std::fs::read_to_string(&args.config).unwrap_or_default();
            for problem in &problems {
                let line = problem_line(&text, problem);
                writeln!(
                    err,
                    "error[{}]: {}\n --> {}:{line}\n  = help: {}\n",
                    problem.code,
                    problem.message,
                    args.config.display(),
                    problem.help
                )
                .map_err(Error::Output)?;
            }
            writeln!(
                err,
                "scopes citus: Citus would refuse this schema ({} on `{}`); no DDL written",
                plural(problems.len()),
                distribution.dimension
            )
            .map_err(Error::Output)?;
            Ok(Status::Unscoped)
        }
    }
}

/// `check --target citus`: routes the statements of the .sql files (with `--config`) and of the
/// `scoped_query*` invocations (with the scopes.toml nearest to each Rust file).
pub fn route(run: &mut Run, distribute_by: Option<&str>) -> Result<(), Error> {
    let mut reported: BTreeSet<PathBuf> = BTreeSet::new();
    if !run.files.is_empty() {
        let distribution = Distribution::new(&run.config, distribute_by)?;
        schema_findings(run, &run.config_path.clone(), &distribution, &mut reported);
        for file in &mut run.files {
            if file.error.is_some() {
                continue;
            }
            let routes = citus::route(
                &file.sql,
                &file.report,
                &run.config,
                &distribution,
                &file.markers,
            );
            let path = file.display_path();
            for (statement, route) in file.report.statements.iter_mut().zip(routes) {
                statement
                    .diagnostics
                    .extend(route.diagnostics.iter().cloned());
                let (line, column) = line_col(&file.sql, statement.span.start);
                run.routes.insert((path.clone(), line, column), route);
            }
        }
    }
    let mut configs: HashMap<PathBuf, Option<(Config, Distribution)>> = HashMap::new();
    let fallback = run.config_path.is_file().then(|| run.config_path.clone());
    let mut findings = Vec::new();
    let mut schema_of: Vec<(PathBuf, Distribution)> = Vec::new();
    for invocation in &run.invocations {
        let Some(config_path) = nearest_config(Path::new(&invocation.path)).or(fallback.clone())
        else {
            continue;
        };
        if !configs.contains_key(&config_path) {
            // A scopes.toml that does not load was reported by the Rust check already.
            let loaded = match Config::load(&config_path) {
                Ok(config) => {
                    let distribution = Distribution::new(&config, distribute_by)?;
                    schema_of.push((config_path.clone(), distribution.clone()));
                    Some((config, distribution))
                }
                Err(_) => None,
            };
            configs.insert(config_path.clone(), loaded);
        }
        let Some(Some((config, distribution))) = configs.get(&config_path) else {
            continue;
        };
        let routes = citus::route(
            &invocation.sql,
            &invocation.report,
            config,
            distribution,
            &invocation.markers,
        );
        for (statement, route) in invocation.report.statements.iter().zip(routes) {
            for diagnostic in &route.diagnostics {
                let mut finding = Finding::of_diagnostic(
                    invocation.sql_path.clone(),
                    invocation.position(diagnostic.span.start),
                    invocation.position(diagnostic.span.end),
                    diagnostic,
                );
                // A Rust finding shows its message only: the fix is part of it.
                if let Some(help) = &diagnostic.help {
                    finding.message = format!("{} (help: {help})", finding.message);
                }
                findings.push(finding);
            }
            let (line, column) = invocation.position(statement.span.start);
            run.routes
                .insert((invocation.sql_path.clone(), line, column), route);
        }
    }
    run.findings.extend(findings);
    for (path, distribution) in schema_of {
        schema_findings(run, &path, &distribution, &mut reported);
    }
    Ok(())
}

/// The schema problems of one scopes.toml, once, as findings at the table's line in it.
fn schema_findings(
    run: &mut Run,
    path: &Path,
    distribution: &Distribution,
    reported: &mut BTreeSet<PathBuf>,
) {
    if !reported.insert(path.to_path_buf()) {
        return;
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let display = path.to_string_lossy().replace('\\', "/");
    for problem in distribution.problems() {
        let line = problem_line(&text, problem);
        let width = text
            .lines()
            .nth(line.saturating_sub(1))
            .map_or(1, |l| l.trim_end().chars().count().max(1));
        run.findings.push(Finding {
            path: display.clone(),
            line,
            column: 1,
            end_line: line,
            end_column: width + 1,
            code: problem.code.to_string(),
            message: format!("{} (help: {})", problem.message, problem.help),
            level: Level::Error,
        });
    }
}

/// The line of scopes.toml a problem belongs to: its table's entry, else `[tables]`, else 1.
fn problem_line(text: &str, problem: &SchemaProblem) -> usize {
    let entry = |line: &str| {
        let key = line
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        !problem.table.is_empty() && key == problem.table
    };
    text.lines()
        .position(entry)
        .or_else(|| text.lines().position(|l| l.trim() == "[tables]"))
        .map_or(1, |i| i + 1)
}

/// The scopes.toml nearest above a Rust file, as the Rust check finds it.
fn nearest_config(file: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        let base = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        let candidate = base.join("scopes.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}
