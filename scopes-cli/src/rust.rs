//! Checking Rust sources: every `scoped_query!` family invocation is checked like the macro checks
//! it, and SQL that bypasses the macros (raw sqlx calls, dynamic SQL) is flagged unless an
//! allow comment (`// scopes: allow(<reason>)`) on the same line or the line above silences it.
//! An allow comment that silences nothing is reported as a warning.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use proc_macro2::{LineColumn, Span};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Lit, LitStr, Token};

use scopes_core::{Code, Config, Markers, Report};
use scopes_macros_core::{verify, Family, Input, Rejection};

use crate::check::{is_failure, Status};

mod comments;
mod literal;
mod macros;
mod reexport;
mod relevance;
use crate::Error;

/// Code of a raw sqlx call whose literal SQL is not proven scoped.
pub const UNSCOPED_RAW_SQL: &str = "unscoped-raw-sql";
/// Code of raw sqlx SQL that uses a scope placeholder (`:site`), which only the scoped macros bind.
pub const UNBOUND_PLACEHOLDER: &str = "unbound-placeholder";
/// Code of a raw sqlx call whose SQL is not a literal.
pub const DYNAMIC_SQL: &str = "dynamic-sql";
/// Code of an allow comment without a reason.
pub const ALLOW_WITHOUT_REASON: &str = "allow-without-reason";
/// Code of an allow comment that silences nothing (a warning: it does not change the exit code).
pub const UNUSED_ALLOW: &str = "unused-allow";
/// Code of a scoped macro call the macro itself rejects (it does not parse, or does not fit its
/// SQL: argument count, a scope for the placeholders).
pub const INVALID_MACRO_INPUT: &str = "invalid-macro-input";
/// Code of a Rust file that cannot be read or parsed.
pub const RUST_ERROR: &str = "rust-error";

/// How bad a finding is; each level maps to the status it gives the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Worth a look, but the run still passes (exit 0): `unused-allow`.
    Warning,
    /// SQL that is not proven scoped, or bypasses the check (exit 1).
    Error,
    /// Something could not be checked (exit 2).
    Failure,
}

impl Level {
    /// The level of a problem: a failure (exit 2) or an error (exit 1).
    pub fn of_failure(failure: bool) -> Level {
        if failure {
            Level::Failure
        } else {
            Level::Error
        }
    }

    /// `"warning"` or `"error"`, as SARIF, GitHub annotations and the text format name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error | Level::Failure => "error",
        }
    }
}

/// One problem found in a Rust source (or in a `.sql` file named by a file macro).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, with `/` separators, relative when the argument was.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive).
    pub end_column: usize,
    /// The diagnostic code: a `scopes_core::Code` name or one of this module's constants.
    pub code: String,
    /// The message.
    pub message: String,
    /// A warning (exit 0), "not scoped" (exit 1) or "could not be checked" (exit 2).
    pub level: Level,
}

impl Finding {
    /// A finding for an analyzer diagnostic, at the given start and end (1-based line, column).
    pub fn of_diagnostic(
        path: String,
        (line, column): (usize, usize),
        (end_line, end_column): (usize, usize),
        diagnostic: &scopes_core::Diagnostic,
    ) -> Finding {
        Finding {
            path,
            line,
            column,
            end_line,
            end_column,
            code: diagnostic.code.as_str().to_string(),
            message: diagnostic.message.clone(),
            level: Level::of_failure(is_failure(diagnostic.code)),
        }
    }

    /// The status this finding gives the run: a warning leaves it `Scoped`.
    pub fn status(&self) -> Status {
        match self.level {
            Level::Warning => Status::Scoped,
            Level::Error => Status::Unscoped,
            Level::Failure => Status::Error,
        }
    }
}

/// A checked `scoped_query*` invocation and its analysis, for `--explain`.
#[derive(Debug)]
pub struct Invocation {
    /// The Rust file holding the invocation, with `/` separators.
    pub path: String,
    /// 1-based line of the macro's name.
    pub line: usize,
    /// 1-based column (in characters) of the macro's name.
    pub column: usize,
    /// The macro's name, e.g. `scoped_query_as`.
    pub name: String,
    /// The marker given to the macro (`unscoped`, `unscoped(dim, ...)`).
    pub markers: Markers,
    /// The file the SQL text is in: the Rust file, or the `.sql` file of a file macro.
    pub sql_path: String,
    /// The SQL that was checked.
    pub sql: String,
    /// Where the SQL text sits in `sql_path`.
    pub origin: Origin,
    /// The analyzer's report on `sql`.
    pub report: Report,
}

/// Where the checked SQL text sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The SQL is the whole file (a file macro).
    File,
    /// The SQL is the value of a string literal.
    Literal {
        /// 1-based line of the literal's first value character.
        line: usize,
        /// 1-based column of the literal's first value character.
        column: usize,
        /// Whether value offsets map 1:1 onto the source (false for a string with escapes).
        exact: bool,
        /// 1-based column of the literal token itself (where inexact positions point).
        token_column: usize,
    },
}

impl Invocation {
    /// The 1-based (line, column) in `sql_path` of byte `offset` of `sql`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        match self.origin {
            Origin::File => scopes_core::render::line_col(&self.sql, offset),
            Origin::Literal {
                line,
                column,
                exact: true,
                ..
            } => position(&self.sql, offset, (line, column)),
            Origin::Literal {
                line, token_column, ..
            } => (line, token_column),
        }
    }
}

/// What checking one Rust file found.
#[derive(Debug, Default)]
pub struct FileResult {
    /// Its problems (and warnings), sorted by position.
    pub findings: Vec<Finding>,
    /// Its checked `scoped_query*` invocations, in source order.
    pub invocations: Vec<Invocation>,
}

/// The `.rs` files under the given paths: files ending in `.rs` as given, directories recursively
/// (skipping `target` and hidden directories), sorted per argument.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(crate::walk::walk(path, &|p| is_rs(p))?);
        } else if is_rs(path) {
            files.push(path.clone());
        }
    }
    files.dedup();
    Ok(files)
}

/// Whether the path names a Rust source.
pub fn is_rs(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "rs")
}

/// The nearest ancestor directory of `path` holding `name`.
fn nearest(path: &Path, name: &str) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        let base = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if base.join(name).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Checks Rust files, each with the nearest ancestor scopes.toml (or `fallback`).
pub struct Checker<'a> {
    fallback: Option<&'a Config>,
    reexports: Arc<reexport::Reexports>,
    configs: HashMap<PathBuf, Result<Config, String>>,
}

impl<'a> Checker<'a> {
    /// A checker using `fallback` for files with no scopes.toml above them.
    pub fn new(fallback: Option<&'a Config>) -> Self {
        Checker {
            fallback,
            reexports: Arc::default(),
            configs: HashMap::new(),
        }
    }

    /// Whether scopes.toml nearest to `path` (or the fallback) excludes it.
    pub fn is_excluded(&mut self, path: &Path) -> bool {
        match nearest(path, "scopes.toml") {
            Some(dir) => {
                let toml = dir.join("scopes.toml");
                let entry = self
                    .configs
                    .entry(toml.clone())
                    .or_insert_with(|| Config::load(&toml).map_err(|e| e.to_string()));
                match entry {
                    Ok(config) => crate::walk::excluded(path, &dir, &config.exclude),
                    Err(_) => false,
                }
            }
            None => self.fallback.is_some_and(|config| {
                let base = config
                    .source
                    .as_deref()
                    .and_then(Path::parent)
                    .unwrap_or(Path::new("."));
                crate::walk::excluded(path, base, &config.exclude)
            }),
        }
    }

    /// Reads the workspace's re-exports of sqlx from every file of the run, before checking
    /// any (a module that re-exports `sqlx::query` may be called from any file).
    pub fn prepare(&mut self, paths: &[PathBuf]) {
        let mut reexports = reexport::Reexports::default();
        for path in paths {
            if let Ok(source) = fs::read_to_string(path) {
                reexports.add_file(path, &source);
            }
        }
        self.reexports = Arc::new(reexports);
    }

    /// Checks one Rust file. Never fails: problems become findings.
    pub fn check_file(&mut self, path: &Path) -> FileResult {
        let display = display(path);
        let error = |message: String| FileResult {
            findings: vec![Finding {
                path: display.clone(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                code: RUST_ERROR.to_string(),
                message,
                level: Level::Failure,
            }],
            invocations: Vec::new(),
        };
        let source = match fs::read_to_string(path) {
            Ok(source) => source,
            Err(err) => return error(format!("cannot read {}: {err}", path.display())),
        };
        let file = match syn::parse_file(&source) {
            Ok(file) => file,
            Err(err) => {
                let start = err.span().start();
                let mut result = error(format!("cannot parse {}: {err}", path.display()));
                for finding in &mut result.findings {
                    finding.line = start.line;
                    finding.column = start.column + 1;
                    finding.end_line = start.line;
                    finding.end_column = start.column + 1;
                }
                return result;
            }
        };
        let config = match nearest(path, "scopes.toml") {
            Some(dir) => {
                let toml = dir.join("scopes.toml");
                let entry = self
                    .configs
                    .entry(toml.clone())
                    .or_insert_with(|| Config::load(&toml).map_err(|e| e.to_string()));
                match entry {
                    Ok(config) => config,
                    Err(message) => return error(message.clone()),
                }
            }
            None => match self.fallback {
                Some(config) => config,
                None => {
                    return error(format!(
                        "no scopes.toml found above {} (pass --config)",
                        path.display()
                    ))
                }
            },
        };
        let crate_root = nearest(path, "Cargo.toml").unwrap_or_default();
        let mut names = Names::new(self.reexports.clone());
        names.visit_file(&file);
        let mut visitor = Visitor {
            path: display,
            crate_root,
            config,
            allows: allows(&source),
            names,
            findings: Vec::new(),
            invocations: Vec::new(),
        };
        visitor.visit_file(&file);
        let mut findings = visitor.findings;
        let mut lines: Vec<(&usize, &Allow)> = visitor.allows.iter().collect();
        lines.sort_by_key(|(line, _)| **line);
        for (line, allow) in lines {
            let text = source.lines().nth(line - 1).unwrap_or_default();
            let column = text[..allow.at].chars().count() + 1;
            let end_column = text.chars().count().max(column) + 1;
            let (code, message) = if allow.reason.trim().is_empty() {
                (
                    ALLOW_WITHOUT_REASON,
                    "`// scopes: allow()` needs a reason: `// scopes: allow(<why this SQL is safe>)`"
                        .to_string(),
                )
            } else if !allow.used {
                (
                    UNUSED_ALLOW,
                    "this `// scopes: allow(...)` silences nothing: no raw sqlx site on this line or the next one reports a problem (scoped macros use the `unscoped` marker instead); remove it".to_string(),
                )
            } else {
                continue;
            };
            findings.push(Finding {
                path: visitor.path.clone(),
                line: *line,
                column,
                end_line: *line,
                end_column,
                code: code.to_string(),
                message,
                level: if code == UNUSED_ALLOW {
                    Level::Warning
                } else {
                    Level::Error
                },
            });
        }
        findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.code).cmp(&(&b.path, b.line, b.column, &b.code))
        });
        FileResult {
            findings,
            invocations: visitor.invocations,
        }
    }
}

fn display(path: &Path) -> String {
    // Paths under the working directory are shown relative to it (SARIF wants relative URIs).
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = match path.strip_prefix(&cwd) {
        Ok(relative) if path.is_absolute() && !relative.as_os_str().is_empty() => relative,
        _ => path,
    };
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// An allow comment.
#[derive(Debug)]
struct Allow {
    /// Byte offset of its `//` in the line.
    at: usize,
    /// The text between the parentheses (empty without them).
    reason: String,
    /// Whether it silenced a finding.
    used: bool,
}

/// The allow comments by 1-based line: `// scopes: allow(reason)`, in real line comments only
/// (text in a string literal is not a comment). Doc comments (`///`, `//!`) are not allow
/// comments: they may show one as an example.
fn allows(source: &str) -> HashMap<usize, Allow> {
    let mut found = HashMap::new();
    for comment in comments::line_comments(source) {
        let Some(rest) = comment
            .text
            .trim_start_matches('/')
            .trim_start()
            .strip_prefix("scopes:")
        else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("allow") else {
            continue;
        };
        let rest = rest.trim_start();
        let reason = match (rest.strip_prefix('('), rest.rfind(')')) {
            (Some(_), Some(end)) => rest[1..end].to_string(),
            _ => String::new(),
        };
        found.insert(
            comment.line,
            Allow {
                at: comment.at,
                reason,
                used: false,
            },
        );
    }
    found
}

/// sqlx's functions that take SQL text as their first argument.
const RAW_FUNCTIONS: [&str; 7] = [
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "raw_sql",
];

/// The methods of sqlx's `Executor` that take SQL (or a query) after the executor.
const EXECUTOR_METHODS: [&str; 7] = [
    "execute",
    "execute_many",
    "fetch",
    "fetch_all",
    "fetch_one",
    "fetch_optional",
    "fetch_many",
];

/// Raw sqlx macros: name → (index of the SQL argument, whether it names a file).
fn raw_macro(name: &str) -> Option<(usize, bool)> {
    let base = name.strip_suffix("_unchecked").unwrap_or(name);
    match base {
        "query" | "query_scalar" => Some((0, false)),
        "query_as" => Some((1, false)),
        "query_file" | "query_file_scalar" => Some((0, true)),
        "query_file_as" => Some((1, true)),
        _ => None,
    }
}

/// Methods that only a sqlx query builder has in a call chain: the chain is a query, not an
/// executor.
const BUILDER_METHODS: [&str; 7] = [
    "separated",
    "push_bind",
    "bind",
    "build",
    "build_query_as",
    "build_query_scalar",
    "persistent",
];

/// Identifier segments (split on `_`) that name SQL text: `sql`, `raw_sql`, `count_query`.
const SQL_NAME_SEGMENTS: [&str; 3] = ["sql", "query", "stmt"];

/// What the `let` bindings and typed parameters of a file say about one name.
#[derive(Debug, Default, Clone, Copy)]
struct Binding {
    /// Bound to string text (a `&str`/`String` type, a literal, `format!`, ...).
    string: bool,
    /// Bound to a sqlx query builder (`sqlx::query(..)`, `.bind(..)`, ...).
    builder: bool,
    /// Bound with a type that is neither (an executor, a `Query`, ...).
    other: bool,
    /// Bound with a type that is not sqlx's (no pool, connection, transaction or executor):
    /// its `.execute("...")` is not sqlx's.
    foreign: bool,
}

/// Names a file brings into play, found in a pass before the check: which bare names are sqlx's
/// query functions (by `use`), and what each local name is bound to. Both are per file, not per
/// scope: a `use` or a binding anywhere in the file counts everywhere in it.
#[derive(Debug, Default)]
struct Names {
    /// Local name → sqlx function (`use sqlx::query;`, `use sqlx::{query_as as qa}`).
    sqlx_functions: HashMap<String, String>,
    /// `use sqlx::*;` somewhere in the file.
    sqlx_glob: bool,
    /// `let` bindings and typed parameters, by name.
    bindings: HashMap<String, Binding>,
    /// Names of the sqlx crate in this file: `sqlx`, `use sqlx as db`, `use sqlx::{self as s}`,
    /// `extern crate sqlx as x`, and the workspace's public re-exports of the crate.
    crate_aliases: HashSet<String>,
    /// The workspace's modules that re-export sqlx's functions.
    reexports: Arc<reexport::Reexports>,
}

impl Names {
    /// The sqlx function a bare call of `name` reaches, when the file imports it from sqlx.
    fn sqlx_function(&self, name: &str) -> Option<&str> {
        match self.sqlx_functions.get(name) {
            Some(function) => Some(function),
            None if self.sqlx_glob => RAW_FUNCTIONS.iter().copied().find(|f| *f == name),
            None => None,
        }
    }

    fn binding(&self, name: &str) -> Binding {
        self.bindings.get(name).copied().unwrap_or_default()
    }

    /// Names for a file of a workspace whose re-exports are `reexports`.
    fn new(reexports: Arc<reexport::Reexports>) -> Names {
        let mut crate_aliases: HashSet<String> = reexports.crate_aliases.clone();
        crate_aliases.insert("sqlx".to_string());
        Names {
            crate_aliases,
            reexports,
            ..Names::default()
        }
    }

    /// The sqlx function a qualified call reaches (`sqlx::query`, `db::query` after `use sqlx
    /// as db`, `crate::db::query` where `db` re-exports it), by the call's path segments.
    fn sqlx_path(&self, segments: &[String]) -> Option<String> {
        let segments: Vec<&String> = segments
            .iter()
            .filter(|s| !matches!(s.as_str(), "crate" | "self" | "super"))
            .collect();
        match segments.as_slice() {
            [] => None,
            [one] => self.sqlx_function(one).map(str::to_string),
            [.., module, last] => {
                if RAW_FUNCTIONS.contains(&last.as_str())
                    && segments[..segments.len() - 1]
                        .iter()
                        .any(|s| self.crate_aliases.contains(*s))
                {
                    return Some(last.to_string());
                }
                self.reexports.function(module, last).map(str::to_string)
            }
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        let from_sqlx = prefix
            .last()
            .is_some_and(|p| self.crate_aliases.contains(p));
        let from_module = prefix
            .last()
            .and_then(|p| self.reexports.modules.get(p))
            .cloned();
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let name = name.ident.to_string();
                if from_sqlx && RAW_FUNCTIONS.contains(&name.as_str()) {
                    self.sqlx_functions.insert(name.clone(), name);
                } else if let Some(function) = from_module.as_ref().and_then(|m| m.get(&name)) {
                    self.sqlx_functions.insert(name, function.clone());
                }
            }
            syn::UseTree::Rename(rename) => {
                let name = rename.ident.to_string();
                let alias = rename.rename.to_string();
                if name == "sqlx" || (name == "self" && from_sqlx) {
                    self.crate_aliases.insert(alias);
                } else if from_sqlx && RAW_FUNCTIONS.contains(&name.as_str()) {
                    self.sqlx_functions.insert(alias, name);
                } else if let Some(function) = from_module.as_ref().and_then(|m| m.get(&name)) {
                    self.sqlx_functions.insert(alias, function.clone());
                }
            }
            syn::UseTree::Glob(_) => {
                self.sqlx_glob |= from_sqlx;
                if let Some(module) = from_module {
                    self.sqlx_functions
                        .extend(module.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.use_tree(item, prefix);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&item.tree, &mut Vec::new());
    }

    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        if item.ident == "sqlx" {
            if let Some((_, alias)) = &item.rename {
                self.crate_aliases.insert(alias.to_string());
            }
        }
    }

    /// The closure of `push_values` / `push_tuples` gets a builder (`Separated`) to push on.
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if matches!(
            call.method.to_string().as_str(),
            "push_values" | "push_tuples"
        ) {
            for arg in &call.args {
                if let Expr::Closure(closure) = arg {
                    if let Some(first) = closure.inputs.first() {
                        let pat = match first {
                            syn::Pat::Type(t) => &*t.pat,
                            other => other,
                        };
                        if let syn::Pat::Ident(ident) = pat {
                            self.bindings
                                .entry(ident.ident.to_string())
                                .or_default()
                                .builder = true;
                        }
                    }
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let pat = match &local.pat {
            syn::Pat::Type(typed) => &*typed.pat,
            other => other,
        };
        if let (syn::Pat::Ident(pat), Some(init)) = (pat, &local.init) {
            // `let cache = Cache::new()`: a value of the app's own type, not an executor.
            if let Expr::Call(call) = &*init.expr {
                if let Expr::Path(func) = &*call.func {
                    let segments = segment_names(&func.path);
                    if let [.., ty, _] = segments.as_slice() {
                        let executor =
                            ["Pool", "Connection", "Conn", "Tx", "Transaction", "Options"]
                                .iter()
                                .any(|s| ty.ends_with(s));
                        if !executor && ty.starts_with(|c: char| c.is_ascii_uppercase()) {
                            self.bindings
                                .entry(pat.ident.to_string())
                                .or_default()
                                .foreign = true;
                        }
                    }
                }
            }
            let builder = is_builder_expr(&init.expr, None);
            let string = !builder && is_string_expr(&init.expr, None);
            let entry = self.bindings.entry(pat.ident.to_string()).or_default();
            entry.builder |= builder;
            entry.string |= string;
        }
        syn::visit::visit_local(self, local);
    }

    /// Typed `let` patterns, function and closure parameters.
    fn visit_pat_type(&mut self, typed: &'ast syn::PatType) {
        if let syn::Pat::Ident(pat) = &*typed.pat {
            let entry = self.bindings.entry(pat.ident.to_string()).or_default();
            if is_string_type(&typed.ty) {
                entry.string = true;
            } else if type_names(&typed.ty, &["QueryBuilder", "Separated"]) {
                entry.builder = true;
            } else {
                entry.other = true;
                entry.foreign |= !is_executor_type(&typed.ty);
            }
        }
        syn::visit::visit_pat_type(self, typed);
    }
}

/// `str`, `String`, `&str`, `&String`, `Cow<str>`, `Box<str>`, `Arc<str>`, `Rc<str>`.
fn is_string_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => r.mutability.is_none() && is_string_type(&r.elem),
        syn::Type::Paren(p) => is_string_type(&p.elem),
        syn::Type::Group(g) => is_string_type(&g.elem),
        syn::Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            match last.ident.to_string().as_str() {
                "String" | "str" => true,
                "Cow" | "Box" | "Arc" | "Rc" => match &last.arguments {
                    syn::PathArguments::AngleBracketed(args) => args.args.iter().any(
                        |arg| matches!(arg, syn::GenericArgument::Type(t) if is_string_type(t)),
                    ),
                    _ => false,
                },
                _ => false,
            }
        }
        _ => false,
    }
}

/// Every identifier of a type (paths, generic arguments, references, trait bounds).
fn type_idents(ty: &syn::Type, out: &mut Vec<String>) {
    struct Idents<'a>(&'a mut Vec<String>);
    impl<'ast> Visit<'ast> for Idents<'_> {
        fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
            self.0.push(ident.to_string());
        }
    }
    Idents(out).visit_type(ty);
}

/// Whether the type names one of `names`.
fn type_names(ty: &syn::Type, names: &[&str]) -> bool {
    let mut idents = Vec::new();
    type_idents(ty, &mut idents);
    idents.iter().any(|i| names.contains(&i.as_str()))
}

/// Whether a parameter of this type may be a sqlx executor: a pool, a connection, a transaction,
/// anything bounded by `Executor`/`Acquire`, a generic parameter, or an inferred type. Errs on
/// the side of `true`: only a concrete type of the app's own (`&JobRunner`) is not.
fn is_executor_type(ty: &syn::Type) -> bool {
    if matches!(
        ty,
        syn::Type::Infer(_) | syn::Type::ImplTrait(_) | syn::Type::TraitObject(_)
    ) {
        return true;
    }
    let mut idents = Vec::new();
    type_idents(ty, &mut idents);
    idents.iter().any(|i| {
        ["Pool", "Connection", "Conn", "Tx", "Transaction", "Executor", "Acquire", "Self"]
            .iter()
            .any(|s| i.ends_with(s))
            // A generic parameter (`E`, `DB`) may be anything.
            || (i.len() <= 2 && i.chars().all(|c| c.is_ascii_uppercase()))
    }) || idents.is_empty()
}

/// Whether an identifier names SQL text by one of its `_`-separated segments.
fn names_sql(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split('_')
        .any(|segment| SQL_NAME_SEGMENTS.contains(&segment))
}

/// Whether an expression looks like string text (the SQL argument of an executor method): a
/// literal, `format!`/`concat!`, `String::from(..)`, `.as_str()`/`.to_string()`, a `+`
/// concatenation, or a name bound to text (by `names`) or, when nothing binds it, named like SQL.
/// A `&mut` borrow is never text: executors are passed that way.
fn is_string_expr(expr: &Expr, names: Option<&Names>) -> bool {
    match expr {
        Expr::Paren(e) => is_string_expr(&e.expr, names),
        Expr::Group(e) => is_string_expr(&e.expr, names),
        Expr::Reference(r) => r.mutability.is_none() && is_string_expr(&r.expr, names),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => is_string_expr(expr, names),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(_), ..
        }) => true,
        Expr::Macro(m) => last_ident(&m.mac.path).is_some_and(|n| n == "format" || n == "concat"),
        Expr::MethodCall(call) => match call.method.to_string().as_str() {
            "as_str" | "to_string" | "into_string" => true,
            "to_owned" | "clone" | "as_ref" | "trim" | "borrow" => {
                is_string_expr(&call.receiver, names)
            }
            _ => false,
        },
        Expr::Call(call) => match &*call.func {
            Expr::Path(func) => {
                let segments = segment_names(&func.path);
                (segments.len() == 2 && segments[0] == "String" && segments[1] == "from")
                    // sqlx's way to pass run-time text as SQL, and text read at run time.
                    || segments
                        .last()
                        .is_some_and(|l| l == "AssertSqlSafe" || l == "read_to_string")
            }
            _ => false,
        },
        Expr::Try(e) => is_string_expr(&e.expr, names),
        Expr::Binary(syn::ExprBinary {
            op: syn::BinOp::Add(_),
            left,
            right,
            ..
        }) => is_string_expr(left, names) || is_string_expr(right, names),
        Expr::Path(path) => match (path.path.get_ident(), names) {
            (Some(ident), Some(names)) => {
                let name = ident.to_string();
                let binding = names.binding(&name);
                if binding.builder || binding.other {
                    false
                } else {
                    binding.string || names_sql(&name)
                }
            }
            _ => false,
        },
        Expr::Field(field) => match (&field.member, names) {
            (syn::Member::Named(name), Some(_)) => names_sql(&name.to_string()),
            _ => false,
        },
        _ => false,
    }
}

/// Whether an expression is a sqlx query builder (so `.execute(x)` on it takes an executor):
/// a chain rooted at a raw sqlx function, `QueryBuilder::new`, a raw or scoped query macro, or
/// holding `.bind(..)`/`.build()`, or a name bound to one of those.
fn is_builder_expr(expr: &Expr, names: Option<&Names>) -> bool {
    match expr {
        Expr::Paren(e) => is_builder_expr(&e.expr, names),
        Expr::Group(e) => is_builder_expr(&e.expr, names),
        Expr::Reference(r) => is_builder_expr(&r.expr, names),
        Expr::Unary(u) => is_builder_expr(&u.expr, names),
        Expr::Macro(m) => last_ident(&m.mac.path)
            .is_some_and(|n| raw_macro(&n).is_some() || Family::from_name(&n).is_some()),
        Expr::Call(call) => match &*call.func {
            Expr::Path(func) => {
                let segments = segment_names(&func.path);
                let last = segments.last().map(String::as_str).unwrap_or_default();
                RAW_FUNCTIONS.contains(&last)
                    || (last == "new"
                        && segments.len() >= 2
                        && segments[segments.len() - 2] == "QueryBuilder")
            }
            _ => false,
        },
        Expr::MethodCall(call) => {
            BUILDER_METHODS.contains(&call.method.to_string().as_str())
                || is_builder_expr(&call.receiver, names)
        }
        Expr::Path(path) => match (path.path.get_ident(), names) {
            (Some(ident), Some(names)) => names.binding(&ident.to_string()).builder,
            _ => false,
        },
        _ => false,
    }
}

struct Visitor<'c> {
    path: String,
    crate_root: PathBuf,
    config: &'c Config,
    allows: HashMap<usize, Allow>,
    names: Names,
    findings: Vec<Finding>,
    invocations: Vec<Invocation>,
}

/// Where a literal's value starts in the source, and whether value offsets map 1:1 onto source.
fn literal_origin(lit: &LitStr) -> (LineColumn, usize, bool) {
    let start = lit.span().start();
    let raw = lit.token().to_string();
    if let Some(rest) = raw.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        (start, hashes + 2, true)
    } else {
        (start, 1, !raw.contains('\\'))
    }
}

/// 1-based (line, column) of byte `offset` of `text`, whose first character is at `origin`
/// (1-based line, 1-based column).
fn position(text: &str, offset: usize, origin: (usize, usize)) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let newlines = before.matches('\n').count();
    match before.rfind('\n') {
        None => (origin.0, origin.1 + before.chars().count()),
        Some(at) => (origin.0 + newlines, before[at + 1..].chars().count() + 1),
    }
}

/// Where the SQL of `report` sits (in the literal `lit`, or a whole file when `None`), and one
/// finding per diagnostic (with an empty path: the caller knows the file).
fn findings_of(report: &Report, sql: &str, lit: Option<&LitStr>) -> (Origin, Vec<Finding>) {
    let origin = match lit {
        Some(lit) => {
            let (start, prefix, exact) = literal_origin(lit);
            Origin::Literal {
                line: start.line,
                column: start.column + 1 + prefix,
                exact,
                token_column: start.column + 1,
            }
        }
        None => Origin::File,
    };
    let at = Invocation {
        path: String::new(),
        line: 0,
        column: 0,
        name: String::new(),
        markers: Markers::None,
        sql_path: String::new(),
        sql: sql.to_string(),
        origin,
        report: Report::default(),
    };
    // Escapes and raw strings: each value byte maps to the character that wrote it.
    let map =
        lit.and_then(|lit| literal::LiteralMap::new(&lit.token().to_string(), lit.span().start()));
    let position = |offset: usize| match &map {
        Some(map) => map.position(offset),
        None => at.position(offset),
    };
    let findings = report
        .all_diagnostics()
        .into_iter()
        .map(|d| {
            Finding::of_diagnostic(
                String::new(),
                position(d.span.start),
                position(d.span.end.max(d.span.start)),
                d,
            )
        })
        .collect();
    (origin, findings)
}

impl Visitor<'_> {
    /// Whether an allow comment with a reason on `line` or the line above silences a finding
    /// there; the comment that does is marked used.
    fn allowed(&mut self, line: usize) -> bool {
        for l in [line, line.saturating_sub(1)] {
            if let Some(allow) = self.allows.get_mut(&l) {
                if !allow.reason.trim().is_empty() {
                    allow.used = true;
                    return true;
                }
            }
        }
        false
    }

    fn at_span(
        &self,
        path: &str,
        span: Span,
        code: &str,
        message: String,
        failure: bool,
    ) -> Finding {
        let (start, end) = (span.start(), span.end());
        Finding {
            path: path.to_string(),
            line: start.line,
            column: start.column + 1,
            end_line: end.line,
            end_column: end.column + 1,
            code: code.to_string(),
            message,
            level: Level::of_failure(failure),
        }
    }

    /// Checks `sql`: the analyzer's report, how its offsets map to `path` (from the literal, or
    /// the file text when `lit` is `None`), and one finding per diagnostic.
    fn analyze(
        &self,
        sql: &str,
        markers: &Markers,
        lit: Option<&LitStr>,
    ) -> (Report, Origin, Vec<Finding>) {
        let report = scopes_core::check(sql, self.config, markers);
        let (origin, findings) = findings_of(&report, sql, lit);
        (report, origin, findings)
    }

    fn read_sql_file(&self, lit: &LitStr) -> Result<(String, String), String> {
        let file = self.crate_root.join(lit.value());
        fs::read_to_string(&file)
            .map(|text| (display(&file), text))
            .map_err(|err| format!("cannot read {}: {err}", file.display()))
    }

    /// A `scoped_query*` invocation, read and judged by the macros' own front end.
    fn scoped_macro(&mut self, name: &str, family: Family, mac: &syn::Macro) {
        let input = match Input::parse_user(family, mac.tokens.clone()) {
            Ok(input) => input,
            Err(err) => {
                let finding = self.at_span(
                    &self.path,
                    err.span(),
                    INVALID_MACRO_INPUT,
                    format!("cannot parse `{name}!`: {err}"),
                    true,
                );
                self.findings.push(finding);
                return;
            }
        };
        let (sql_path, sql, lit) = if family.file {
            match self.read_sql_file(&input.sql) {
                Ok((path, text)) => (path, text, None),
                Err(message) => {
                    let finding =
                        self.at_span(&self.path, input.sql.span(), RUST_ERROR, message, true);
                    self.findings.push(finding);
                    return;
                }
            }
        } else {
            (self.path.clone(), input.sql.value(), Some(&input.sql))
        };
        // As in the macro, a bad marker stops the check: reported at the marker, alone.
        let checked = match verify(&input, &sql, self.config) {
            Ok(checked) => checked,
            Err(err) => {
                let finding = self.at_span(
                    &self.path,
                    err.span,
                    Code::InvalidMarker.as_str(),
                    err.message,
                    true,
                );
                self.findings.push(finding);
                return;
            }
        };
        let (origin, mut found) = findings_of(&checked.report, &sql, lit);
        for finding in &mut found {
            finding.path.clone_from(&sql_path);
        }
        self.findings.extend(found);
        if let Err(Rejection::Call(message)) = &checked.verdict {
            let finding = self.at_span(
                &self.path,
                input.sql.span(),
                INVALID_MACRO_INPUT,
                format!("`{name}!` does not compile: {message}"),
                true,
            );
            self.findings.push(finding);
        }
        let start = mac.path.span().start();
        self.invocations.push(Invocation {
            path: self.path.clone(),
            line: start.line,
            column: start.column + 1,
            name: name.to_string(),
            markers: checked.markers,
            sql_path,
            sql,
            origin,
            report: checked.report,
        });
    }

    /// Whether the receiver is a name bound with a type of the app's own (not an executor).
    fn is_foreign(&self, receiver: &Expr) -> bool {
        match receiver {
            Expr::Paren(e) => self.is_foreign(&e.expr),
            Expr::Reference(r) => self.is_foreign(&r.expr),
            Expr::Unary(u) => self.is_foreign(&u.expr),
            Expr::Path(path) => path.path.get_ident().is_some_and(|i| {
                let binding = self.names.binding(&i.to_string());
                binding.foreign && !binding.builder && !binding.string
            }),
            _ => false,
        }
    }

    /// Tokens of a macro that are not a list of expressions (a `macro_rules!` body, a DSL):
    /// read as statements or items when they parse, else searched for sqlx paths, each a
    /// finding (the SQL such a macro runs cannot be read).
    fn macro_tokens(&mut self, tokens: proc_macro2::TokenStream) {
        let braced = proc_macro2::TokenStream::from(proc_macro2::TokenTree::Group(
            proc_macro2::Group::new(proc_macro2::Delimiter::Brace, tokens.clone()),
        ));
        if let Ok(block) = syn::parse2::<syn::Block>(braced) {
            self.visit_block(&block);
        } else if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
            self.visit_file(&file);
        } else {
            for (what, span) in macros::sqlx_paths(tokens, &self.names.crate_aliases) {
                let finding = self.dynamic(&what, span);
                if !self.allowed(span.start().line) {
                    self.findings.push(finding);
                }
            }
        }
    }

    /// A raw sqlx site whose SQL argument is `arg`: literal SQL is checked, anything else is
    /// dynamic. An allow comment silences what it finds.
    fn raw_site(&mut self, what: &str, site: Span, arg: Option<&Expr>, file: bool) {
        let finding = self.raw_finding(what, arg, file);
        if let Some(finding) = finding {
            if !self.allowed(site.start().line) {
                self.findings.push(finding);
            }
        }
    }

    fn raw_finding(&self, what: &str, arg: Option<&Expr>, file: bool) -> Option<Finding> {
        let lit = match arg? {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) => lit,
            Expr::Reference(r) => match &*r.expr {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(lit), ..
                }) => lit,
                other => return Some(self.dynamic(what, other.span())),
            },
            other => return Some(self.dynamic(what, other.span())),
        };
        let (path, text, lit) = if file {
            match self.read_sql_file(lit) {
                Ok((path, text)) => (path, text, None),
                Err(message) => {
                    return Some(self.at_span(&self.path, lit.span(), RUST_ERROR, message, true))
                }
            }
        } else {
            (self.path.clone(), lit.value(), Some(lit))
        };
        // Raw SQL is never bound a scope: it is safe when it names nothing scoped.
        if !relevance::touches_scope(&text, self.config) {
            return None;
        }
        let (report, _, mut found) = self.analyze(&text, &Markers::None, lit);
        if found.is_empty() {
            // Proven scoped, but through a scope placeholder that nothing binds outside the
            // scoped macros (sqlx sends `:site` as is, or the driver rejects it).
            let used = report
                .statements
                .iter()
                .flat_map(|s| &s.placeholders)
                .next()?;
            let diagnostic = scopes_core::Diagnostic::new(
                Code::MissingScopeFilter,
                format!(
                    "the scope placeholder `:{}` is bound only by the scoped macros; here nothing binds it",
                    used.dimension
                ),
                used.span.clone(),
            );
            let only = Report {
                statements: Vec::new(),
                diagnostics: vec![diagnostic],
            };
            found = findings_of(&only, &text, lit).1;
            if let Some(first) = found.first_mut() {
                first.code = UNBOUND_PLACEHOLDER.to_string();
            }
        }
        let mut finding = found.swap_remove(0);
        finding.path = path;
        finding.message = format!(
            "`{what}` bypasses the scoped macros and its SQL is not proven scoped: {} ({}); use `scoped_query!`, or mark the site `// scopes: allow(<reason>)`",
            finding.message, finding.code
        );
        if finding.code != UNBOUND_PLACEHOLDER {
            finding.code = UNSCOPED_RAW_SQL.to_string();
        }
        finding.level = Level::Error;
        Some(finding)
    }

    fn dynamic(&self, what: &str, span: Span) -> Finding {
        self.at_span(
            &self.path,
            span,
            DYNAMIC_SQL,
            format!("`{what}` runs SQL that is not a string literal, so its scope cannot be checked; use `scoped_query!`, or mark the site `// scopes: allow(<reason>)`"),
            false,
        )
    }
}

fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

/// Every segment of a path, as text (`sqlx::query` -> `["sqlx", "query"]`).
fn segment_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = last_ident(&mac.path).unwrap_or_default();
        if let Some(family) = Family::from_name(&name) {
            self.scoped_macro(&name, family, mac);
        } else if let Some((index, file)) = raw_macro(&name).filter(|_| {
            // `other_crate::query!` is not sqlx's: a qualified macro is when its path goes
            // through the sqlx crate.
            let segments = segment_names(&mac.path);
            segments.len() == 1
                || segments[..segments.len() - 1]
                    .iter()
                    .any(|s| self.names.crate_aliases.contains(s))
        }) {
            let args = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone());
            let arg = args.ok().and_then(|a| a.into_iter().nth(index));
            self.raw_site(&format!("{name}!"), mac.path.span(), arg.as_ref(), file);
        } else if name == "macro_rules" {
            // A helper macro's bodies, its metavariables read as plain names.
            for body in macros::rule_bodies(mac.tokens.clone()) {
                self.macro_tokens(body);
            }
        } else if let Ok(args) =
            Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        {
            // Macros like `tokio::join!` or `vec!` hold ordinary expressions: look inside.
            for arg in &args {
                self.visit_expr(arg);
            }
        } else {
            self.macro_tokens(mac.tokens.clone());
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(func) = &*call.func {
            let segments = segment_names(&func.path);
            let last = segments.last().map(String::as_str).unwrap_or_default();
            let what = segments.join("::");
            // `sqlx::query(..)` always; a bare `query(..)` only when the file imports it from
            // sqlx (by name, renamed, or `use sqlx::*`): otherwise it is some other `query`.
            let raw_function = self.names.sqlx_path(&segments).is_some();
            let second_last = segments
                .len()
                .checked_sub(2)
                .and_then(|i| segments.get(i))
                .map(String::as_str);
            let builder =
                matches!(last, "new" | "with_arguments") && second_last == Some("QueryBuilder");
            if raw_function || builder {
                self.raw_site(&what, call.span(), call.args.first(), false);
            } else if EXECUTOR_METHODS.contains(&last) && second_last == Some("Executor") {
                // The fully qualified trait call: `sqlx::Executor::execute(&mut *tx, "...")`.
                if let Some(arg) = call.args.iter().nth(1) {
                    if !is_builder_expr(arg, Some(&self.names)) {
                        self.raw_site(&what, call.span(), Some(arg), false);
                    }
                }
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    /// The method-call form of sqlx's `Executor` (`pool.execute(sql)`): one argument, which is
    /// the SQL. A literal is checked; a string-looking expression is dynamic SQL. Query builders
    /// have the same method names but take the executor (`query.execute(&pool)`): a receiver
    /// that is a builder, or an argument that does not look like text, is skipped.
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        let builder_receiver = is_builder_expr(&call.receiver, Some(&self.names));
        if matches!(method.as_str(), "push" | "push_unseparated")
            && call.args.len() == 1
            && builder_receiver
        {
            // Every fragment a `QueryBuilder` pushes is SQL; one that is not a literal is
            // dynamic SQL.
            self.raw_site(
                &format!("QueryBuilder::{method}"),
                call.method.span(),
                call.args.first(),
                false,
            );
        } else if EXECUTOR_METHODS.contains(&method.as_str())
            && call.args.len() == 1
            && !builder_receiver
            && !self.is_foreign(&call.receiver)
        {
            if let Some(arg) = call.args.first() {
                let literal = matches!(
                    arg,
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(_),
                        ..
                    })
                );
                if literal || is_string_expr(arg, Some(&self.names)) {
                    self.raw_site(&format!(".{method}"), call.method.span(), Some(arg), false);
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_ok() {
        assert_eq!(position("abc", 1, (3, 10)), (3, 11));
        assert_eq!(position("a\nbc", 3, (3, 10)), (4, 2));
    }

    #[test]
    fn allows_ok() {
        let found = allows(
            "x\n  // scopes: allow(migrations run as admin)\ny(\"//\") // scopes: allow()\n/// // scopes: allow(an example in a doc comment)\n//! `// scopes: allow(idem)`\n",
        );
        let reason = |line| found.get(&line).map(|a| a.reason.as_str());
        assert_eq!(reason(2), Some("migrations run as admin"));
        assert_eq!(found.get(&2).map(|a| a.at), Some(2));
        assert_eq!(reason(3), Some(""));
        assert_eq!(found.get(&3).map(|a| a.at), Some(8));
        assert_eq!((reason(4), reason(5)), (None, None));
    }

    fn parse_expr(text: &str) -> Expr {
        syn::parse_str(text).expect("a test expression parses")
    }

    fn names(source: &str) -> Names {
        let file = syn::parse_file(source).expect("a test source parses");
        let mut names = Names::new(Arc::default());
        names.visit_file(&file);
        names
    }

    #[test]
    fn is_string_expr_ok() {
        let names = names(
            "fn f(stmt_text: &str, q: Query<'_>, pool: &Pool) { let text = format!(\"x\"); let query = sqlx::query(\"x\").bind(1); let sql = make(); }",
        );
        for text in [
            "\"SELECT 1\"",
            "&format!(\"SELECT {t}\")",
            "s.as_str()",
            "a + \"b\"",
            "&*sql",
            "stmt_text",
            "text",
            "&text.clone()",
            "self.raw_sql",
            "String::from(x)",
        ] {
            assert!(is_string_expr(&parse_expr(text), Some(&names)), "{text}");
        }
        for text in [
            "&pool",
            "pool",
            "&mut *tx",
            "&mut sql",
            "q",
            "query",
            "x",
            "sqlite_pool",
            "tx.as_mut()",
        ] {
            assert!(!is_string_expr(&parse_expr(text), Some(&names)), "{text}");
        }
    }

    #[test]
    fn is_builder_expr_ok() {
        let names = names("fn f() { let q = sqlx::query(\"x\"); let b = b0.build(); }");
        for text in [
            "sqlx::query(\"x\").bind(1)",
            "query_as::<_, T>(\"x\")",
            "sqlx::query!(\"x\")",
            "scoped_query!(scope, \"x\")",
            "builder.build()",
            "QueryBuilder::<Sqlite>::new(\"x\").build()",
            "q",
            "(&b)",
        ] {
            assert!(is_builder_expr(&parse_expr(text), Some(&names)), "{text}");
        }
        for text in ["pool", "&mut *tx", "self.pool", "conn.acquire()"] {
            assert!(!is_builder_expr(&parse_expr(text), Some(&names)), "{text}");
        }
    }

    #[test]
    fn names_imports_ok() {
        let found = names("use sqlx::{self, query, query_as as qa, Row}; use other::query_scalar;");
        assert_eq!(found.sqlx_function("query"), Some("query"));
        assert_eq!(found.sqlx_function("qa"), Some("query_as"));
        assert_eq!(found.sqlx_function("query_as"), None);
        assert_eq!(found.sqlx_function("query_scalar"), None);
        let glob = names("mod m { use ::sqlx::*; }");
        assert_eq!(glob.sqlx_function("raw_sql"), Some("raw_sql"));
        assert_eq!(glob.sqlx_function("helper"), None);
        let nested = names("use sqlx_scopes::sqlx::query_scalar;");
        assert_eq!(nested.sqlx_function("query_scalar"), Some("query_scalar"));
    }

    #[test]
    fn is_string_type_ok() {
        for text in ["&str", "String", "&'a String", "Cow<'_, str>", "Arc<str>"] {
            let ty: syn::Type = syn::parse_str(text).expect("a test expression parses");
            assert!(is_string_type(&ty), "{text}");
        }
        for text in ["&mut String", "&Pool", "Query<'q, Sqlite>", "Vec<String>"] {
            let ty: syn::Type = syn::parse_str(text).expect("a test expression parses");
            assert!(!is_string_type(&ty), "{text}");
        }
    }
}
