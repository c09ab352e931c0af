//! The `scopes` command as a library: options, file discovery, checking and reporters; `main.rs` only calls [`run`].
#![forbid(missing_docs)]

pub mod audit;
pub mod check;
pub mod citus;
pub mod directive;
pub mod files;
pub mod opt;
pub mod report;
pub mod rls;
pub mod rust;
pub mod snapshot;
pub mod walk;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use scopes_core::{Config, ConfigError};

pub use check::Status;
use opt::{CheckArgs, Color, Command, Opt};

/// Errors that stop the command before or while it reports (exit 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// scopes.toml could not be read or is invalid (the message names the file and line).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A PATH argument, or a directory under it, could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Path {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A usage error, or the database of `scopes audit` could not be reached or read.
    #[error("{0}")]
    Usage(String),
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    Output(#[source] std::io::Error),
    /// `scopes schema` failed.
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
}

/// Runs the command, writing its report to `out`. Returns the verdict (its exit code via
/// [`Status::exit_code`]); errors mean exit 2.
pub fn run(opt: &Opt, out: &mut dyn Write) -> Result<Status, Error> {
    match &opt.command {
        Command::Check(args) => check(args, out),
        Command::Explain(args) => check(
            &CheckArgs {
                explain: true,
                ..args.clone()
            },
            out,
        ),
        Command::Rls(args) => rls::run(args, out),
        Command::Audit(args) => audit::run(args, out),
        Command::Citus(args) => citus::ddl(args, out),
        Command::Schema(args) => {
            snapshot::run(args, out)?;
            Ok(Status::Scoped)
        }
    }
}

/// `scopes check`: every file is checked and reported, even after a failure, so one run shows
/// every problem; the worst status wins.
pub fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<Status, Error> {
    // A directory holding a Cargo.toml is a crate or workspace: its Rust sources are checked
    // (its .sql files are migrations or the files of `scoped_query_file!`, checked from there).
    let (crates, others): (Vec<PathBuf>, Vec<PathBuf>) = args
        .paths
        .iter()
        .cloned()
        .partition(|p| p.is_dir() && p.join("Cargo.toml").is_file());
    let sql_paths: Vec<PathBuf> = others.iter().filter(|p| !rust::is_rs(p)).cloned().collect();
    let mut rust_paths: Vec<PathBuf> = crates;
    rust_paths.extend(
        others
            .iter()
            .filter(|p| p.is_dir() || rust::is_rs(p))
            .cloned(),
    );
    let rust_files = rust::collect(&rust_paths)?;
    let paths = files::collect(&sql_paths)?;
    // The SQL files need the --config file; Rust sources use the nearest scopes.toml above them
    // and fall back to --config when it exists.
    let config = if !paths.is_empty() || args.config.is_file() {
        Some(Config::load(&args.config)?)
    } else {
        None
    };
    let mut checker = rust::Checker::new(config.as_ref());
    let rust_files: Vec<PathBuf> = rust_files
        .into_iter()
        .filter(|p| !checker.is_excluded(p))
        .collect();
    let paths: Vec<PathBuf> = match &config {
        Some(config) => {
            let base = args.config.parent().unwrap_or(std::path::Path::new("."));
            paths
                .into_iter()
                .filter(|p| !walk::excluded(p, base, &config.exclude))
                .collect()
        }
        None => paths,
    };
    checker.prepare(&rust_files);
    let mut findings = Vec::new();
    let mut invocations = Vec::new();
    for path in &rust_files {
        let result = checker.check_file(path);
        findings.extend(result.findings);
        invocations.extend(result.invocations);
    }
    let config = match config {
        Some(config) => config,
        None => Config::parse("dialect = \"sqlite\"\n", &args.config)?,
    };
    let files = paths
        .into_iter()
        .map(|path| check::check_file(path, &config))
        .collect();
    let mut run = check::Run {
        config_path: args.config.clone(),
        config,
        files,
        rust_files: rust_files.len(),
        findings,
        invocations,
        routes: Default::default(),
    };
    if let Some(opt::Target::Citus) = args.target {
        citus::route(&mut run, args.distribute_by.as_deref())?;
    }
    let options = report::Options {
        explain: args.explain,
        styled: use_color(args.color),
    };
    report::write(args.format, &run, &options, out).map_err(Error::Output)?;
    out.flush().map_err(Error::Output)?;
    Ok(run.status())
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}
