//! Command-line options (clap derive); what each option means at run time lives in `lib.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Checks that every SQL statement of a sqlx app stays inside its tenant scope.
#[derive(Debug, Parser)]
#[command(name = "scopes", version, about)]
pub struct Opt {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check .sql files and Rust sources: exit 0 when every statement is scoped, 1 when one is
    /// not (or bypasses the check), 2 on errors.
    Check(CheckArgs),
    /// Same as `check --explain`: check, and print how each scoped table occurrence was proven
    /// (in .sql files and in `scoped_query*` invocations).
    Explain(CheckArgs),
    /// Write a sqlx migration with PostgreSQL row-level security for every scoped table of
    /// scopes.toml (only what changed since the last one it wrote).
    Rls(crate::rls::RlsArgs),
    /// Check a live PostgreSQL database (or, with --offline, the migrations) against
    /// scopes.toml: exit 0 without findings, 1 with, 2 on errors.
    Audit(crate::audit::AuditArgs),
    /// Print the Citus distribution DDL of scopes.toml (`create_distributed_table` on the scope
    /// column, `create_reference_table` for global tables), or refuse a schema Citus would
    /// refuse: exit 0 with the DDL, 1 with the problems, 2 on errors.
    Citus(CitusArgs),
    /// Write the schema of a migrated database (tables, columns, keys, views, function names)
    /// as DDL the checker reads: a snapshot for `schema = "schema.sql"` in scopes.toml.
    Schema(SchemaArgs),
}

/// Options of `scopes citus`.
#[derive(Debug, Clone, Args)]
pub struct CitusArgs {
    /// The scope contract (its `migrations` give the schema).
    #[arg(long, value_name = "FILE", default_value = "scopes.toml")]
    pub config: PathBuf,

    /// The dimension whose scope column is the distribution column (default: the one dimension
    /// that scopes every table in `[tables]`).
    #[arg(long, value_name = "DIMENSION")]
    pub distribute_by: Option<String>,
}

/// A database the check additionally proves statements runnable on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Citus: every statement with one value of the distribution dimension runs on one shard.
    Citus,
}

/// Options of `scopes schema`.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// The database: postgres://, mysql:// (or mariadb://) or sqlite: URL.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: String,

    /// PostgreSQL schemas to read (repeatable); default: those on the search path.
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
}

/// Options of `scopes check` (and `scopes explain`).
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The scope contract.
    #[arg(long, value_name = "FILE", default_value = "scopes.toml")]
    pub config: PathBuf,

    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Also print how each scoped table occurrence was proven, in .sql files and in
    /// `scoped_query*` invocations (text format).
    #[arg(long)]
    pub explain: bool,

    /// When to color text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Also prove every scoped statement routable on this sharded database (`citus`: one shard
    /// per value of the distribution dimension; `--explain` marks fan-out statements).
    #[arg(long, value_enum, value_name = "TARGET")]
    pub target: Option<Target>,

    /// With `--target citus`: the distribution dimension (default: the one dimension that scopes
    /// every table in `[tables]`).
    #[arg(long, value_name = "DIMENSION", requires = "target")]
    pub distribute_by: Option<String>,

    /// .sql or .rs files, or directories: searched recursively for .sql files, and for .rs files
    /// (a directory holding a Cargo.toml is a crate or workspace: only its Rust sources).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Output formats. Each one is a module of `report/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics and a summary line.
    Text,
    /// One JSON document with a stable, versioned schema (see JSON.md in the repository).
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions annotations (`::error file=…,line=…,col=…,title=CODE::message`).
    Github,
}

/// Whether text output uses ANSI colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colors when stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}
