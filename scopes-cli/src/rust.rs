//! Checking Rust sources: every `scoped_query!` family invocation is checked like the macro checks
//! it, and SQL that bypasses the macros (raw sqlx calls, dynamic SQL) is flagged unless an
//! allow comment (`// scopes: allow(<reason>)`) on the same line or the line above silences it.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{LineColumn, Span};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Ident, Lit, LitStr, Token};

use scopes_core::{Config, Markers};

use crate::check::{is_failure, Status};
use crate::Error;

/// Code of a raw sqlx call whose literal SQL is not proven scoped.
pub const UNSCOPED_RAW_SQL: &str = "unscoped-raw-sql";
/// Code of a raw sqlx call whose SQL is not a literal.
pub const DYNAMIC_SQL: &str = "dynamic-sql";
/// Code of an allow comment without a reason.
pub const ALLOW_WITHOUT_REASON: &str = "allow-without-reason";
/// Code of a Rust file that cannot be read or parsed.
pub const RUST_ERROR: &str = "rust-error";

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
    /// Whether this means "could not be checked" (exit 2) rather than "not scoped" (exit 1).
    pub failure: bool,
}

impl Finding {
    /// The status this finding gives the run.
    pub fn status(&self) -> Status {
        if self.failure {
            Status::Error
        } else {
            Status::Unscoped
        }
    }
}

/// The `.rs` files under the given paths: files ending in `.rs` as given, directories recursively
/// (skipping `target` and hidden directories), sorted per argument.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            files.extend(found);
        } else if is_rs(path) {
            files.push(path.clone());
        }
    }
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Path {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if file_type.is_dir() {
            if name != "target" && !name.starts_with('.') {
                walk(&path, found)?;
            }
        } else if is_rs(&path) {
            found.push(path);
        }
    }
    Ok(())
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
    configs: HashMap<PathBuf, Result<Config, String>>,
}

impl<'a> Checker<'a> {
    /// A checker using `fallback` for files with no scopes.toml above them.
    pub fn new(fallback: Option<&'a Config>) -> Self {
        Checker {
            fallback,
            configs: HashMap::new(),
        }
    }

    /// Checks one Rust file.
    pub fn check_file(&mut self, path: &Path) -> Vec<Finding> {
        let display = display(path);
        let error = |message: String| Finding {
            path: display.clone(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            code: RUST_ERROR.to_string(),
            message,
            failure: true,
        };
        let source = match fs::read_to_string(path) {
            Ok(source) => source,
            Err(err) => return vec![error(format!("cannot read {}: {err}", path.display()))],
        };
        let file = match syn::parse_file(&source) {
            Ok(file) => file,
            Err(err) => {
                let start = err.span().start();
                let mut finding = error(format!("cannot parse {}: {err}", path.display()));
                finding.line = start.line;
                finding.column = start.column + 1;
                finding.end_line = start.line;
                finding.end_column = start.column + 1;
                return vec![finding];
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
                    Err(message) => return vec![error(message.clone())],
                }
            }
            None => match self.fallback {
                Some(config) => config,
                None => {
                    return vec![error(format!(
                        "no scopes.toml found above {} (pass --config)",
                        path.display()
                    ))]
                }
            },
        };
        let crate_root = nearest(path, "Cargo.toml").unwrap_or_default();
        let mut visitor = Visitor {
            path: display,
            crate_root,
            config,
            allows: allows(&source),
            findings: Vec::new(),
        };
        visitor.visit_file(&file);
        let mut findings = visitor.findings;
        for (line, allow) in &visitor.allows {
            if allow.trim().is_empty() {
                let text = source.lines().nth(line - 1).unwrap_or_default();
                let start = text.rfind("// scopes:").or_else(|| text.find("//"));
                let column = start.map_or(1, |at| text[..at].chars().count() + 1);
                findings.push(Finding {
                    path: visitor.path.clone(),
                    line: *line,
                    column,
                    end_line: *line,
                    end_column: text.chars().count().max(column) + 1,
                    code: ALLOW_WITHOUT_REASON.to_string(),
                    message: "`// scopes: allow()` needs a reason: `// scopes: allow(<why this SQL is safe>)`".to_string(),
                    failure: false,
                });
            }
        }
        findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.code).cmp(&(&b.path, b.line, b.column, &b.code))
        });
        findings
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

/// The allow comments by 1-based line: `// scopes: allow(reason)` → reason.
fn allows(source: &str) -> HashMap<usize, String> {
    let mut found = HashMap::new();
    for (index, line) in source.lines().enumerate() {
        // The last `//` that starts a `scopes:` comment (a string before it may hold `//`).
        let Some(rest) = line
            .match_indices("//")
            .filter_map(|(at, _)| {
                line[at + 2..]
                    .trim_start_matches('/')
                    .trim_start()
                    .strip_prefix("scopes:")
            })
            .last()
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
        found.insert(index + 1, reason);
    }
    found
}

const SCOPED: [&str; 6] = [
    "scoped_query",
    "scoped_query_as",
    "scoped_query_scalar",
    "scoped_query_file",
    "scoped_query_file_as",
    "scoped_query_file_scalar",
];

const RAW_FUNCTIONS: [&str; 7] = [
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "raw_sql",
];

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

struct Visitor<'c> {
    path: String,
    crate_root: PathBuf,
    config: &'c Config,
    allows: HashMap<usize, String>,
    findings: Vec<Finding>,
}

/// The parsed input of a scoped macro.
struct ScopedInput {
    marker_span: Option<Span>,
    markers: Result<Markers, (Span, String)>,
    sql: LitStr,
}

fn parse_scoped(input: ParseStream, typed: bool) -> syn::Result<ScopedInput> {
    if typed {
        input.parse::<syn::Type>()?;
        input.parse::<Token![,]>()?;
    }
    let mut marker_span = None;
    let markers =
        if input.peek(Ident) && input.fork().parse::<Ident>().is_ok_and(|i| i == "unscoped") {
            let kw: Ident = input.parse()?;
            marker_span = Some(kw.span());
            if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                let dims = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                let list: Vec<String> = dims.iter().map(ToString::to_string).collect();
                if list.is_empty() {
                    Err((kw.span(), "`unscoped()` names no dimension".to_string()))
                } else {
                    Markers::parse_list(&list.join(",")).map_err(|m| (kw.span(), m))
                }
            } else {
                Ok(Markers::All)
            }
        } else {
            input.parse::<Expr>()?;
            Ok(Markers::None)
        };
    input.parse::<Token![,]>()?;
    let sql: LitStr = input.parse()?;
    input.parse::<proc_macro2::TokenStream>()?;
    Ok(ScopedInput {
        marker_span,
        markers,
        sql,
    })
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

impl Visitor<'_> {
    fn allowed(&self, line: usize) -> bool {
        [line, line.saturating_sub(1)]
            .iter()
            .any(|l| self.allows.get(l).is_some_and(|r| !r.trim().is_empty()))
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
            failure,
        }
    }

    /// Checks `sql` and returns (diagnostic code, message, failure, start, end) per diagnostic,
    /// positions in `path` computed from the literal (or the file text when `lit` is `None`).
    fn diagnostics(
        &self,
        sql: &str,
        markers: &Markers,
        lit: Option<&LitStr>,
        path: &str,
    ) -> Vec<Finding> {
        let report = scopes_core::check(sql, self.config, markers);
        let (origin, exact) = match lit {
            Some(lit) => {
                let (start, prefix, exact) = literal_origin(lit);
                ((start.line, start.column + 1 + prefix), exact)
            }
            None => ((1, 1), true),
        };
        report
            .all_diagnostics()
            .into_iter()
            .map(|d| {
                let (line, column, end_line, end_column) = if exact {
                    let (line, column) = position(sql, d.span.start, origin);
                    let (end_line, end_column) = position(sql, d.span.end, origin);
                    (line, column, end_line, end_column)
                } else {
                    let start = lit
                        .map(|l| l.span().start())
                        .unwrap_or(LineColumn { line: 1, column: 0 });
                    (start.line, start.column + 1, start.line, start.column + 1)
                };
                Finding {
                    path: path.to_string(),
                    line,
                    column,
                    end_line,
                    end_column,
                    code: d.code.as_str().to_string(),
                    message: d.message.clone(),
                    failure: is_failure(d.code),
                }
            })
            .collect()
    }

    fn read_sql_file(&self, lit: &LitStr) -> Result<(String, String), String> {
        let file = self.crate_root.join(lit.value());
        fs::read_to_string(&file)
            .map(|text| (display(&file), text))
            .map_err(|err| format!("cannot read {}: {err}", file.display()))
    }

    fn scoped_macro(&mut self, name: &str, mac: &syn::Macro) {
        let typed = name.ends_with("_as");
        let parsed = (|input: ParseStream| parse_scoped(input, typed)).parse2(mac.tokens.clone());
        let input = match parsed {
            Ok(input) => input,
            Err(err) => {
                let finding = self.at_span(
                    &self.path,
                    err.span(),
                    "invalid-macro-input",
                    format!("cannot parse `{name}!`: {err}"),
                    true,
                );
                self.findings.push(finding);
                return;
            }
        };
        let markers = match input.markers {
            Ok(markers) => markers,
            Err((span, message)) => {
                let finding = self.at_span(&self.path, span, "invalid-marker", message, true);
                self.findings.push(finding);
                return;
            }
        };
        let found = if name.contains("_file") {
            match self.read_sql_file(&input.sql) {
                Ok((path, text)) => self.diagnostics(&text, &markers, None, &path),
                Err(message) => {
                    vec![self.at_span(&self.path, input.sql.span(), RUST_ERROR, message, true)]
                }
            }
        } else {
            self.diagnostics(&input.sql.value(), &markers, Some(&input.sql), &self.path)
        };
        // As in the macro, a bad marker stops the check: report it at the marker, alone.
        let invalid: Vec<Finding> = found
            .iter()
            .filter(|f| f.code == "invalid-marker")
            .map(|f| match input.marker_span {
                Some(span) => self.at_span(&self.path, span, &f.code, f.message.clone(), true),
                None => f.clone(),
            })
            .collect();
        if invalid.is_empty() {
            self.findings.extend(found);
        } else {
            self.findings.extend(invalid);
        }
    }

    /// A raw sqlx site whose SQL argument is `arg`: literal SQL is checked, anything else is dynamic.
    fn raw_site(&mut self, what: &str, site: Span, arg: Option<&Expr>, file: bool) {
        if self.allowed(site.start().line) {
            return;
        }
        let lit = match arg {
            Some(Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            })) => lit.clone(),
            Some(Expr::Reference(r)) => match &*r.expr {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(lit), ..
                }) => lit.clone(),
                other => return self.dynamic(what, other.span()),
            },
            Some(other) => return self.dynamic(what, other.span()),
            None => return,
        };
        let found = if file {
            match self.read_sql_file(&lit) {
                Ok((path, text)) => self.diagnostics(&text, &Markers::None, None, &path),
                Err(message) => {
                    vec![self.at_span(&self.path, lit.span(), RUST_ERROR, message, true)]
                }
            }
        } else {
            self.diagnostics(&lit.value(), &Markers::None, Some(&lit), &self.path)
        };
        if let Some(first) = found.into_iter().next() {
            let mut finding = first;
            finding.message = format!(
                "`{what}` bypasses the scoped macros and its SQL is not proven scoped: {} ({}); use `scoped_query!`, or mark the site `// scopes: allow(<reason>)`",
                finding.message, finding.code
            );
            finding.code = UNSCOPED_RAW_SQL.to_string();
            finding.failure = false;
            self.findings.push(finding);
        }
    }

    fn dynamic(&mut self, what: &str, span: Span) {
        let finding = self.at_span(
            &self.path,
            span,
            DYNAMIC_SQL,
            format!("`{what}` runs SQL that is not a string literal, so its scope cannot be checked; use `scoped_query!`, or mark the site `// scopes: allow(<reason>)`"),
            false,
        );
        self.findings.push(finding);
    }
}

fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = last_ident(&mac.path).unwrap_or_default();
        if SCOPED.contains(&name.as_str()) {
            self.scoped_macro(&name, mac);
        } else if let Some((index, file)) = raw_macro(&name) {
            let args = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone());
            let arg = args.ok().and_then(|a| a.into_iter().nth(index));
            self.raw_site(&format!("{name}!"), mac.path.span(), arg.as_ref(), file);
        } else if let Ok(args) =
            Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        {
            // Macros like `tokio::join!` or `vec!` hold ordinary expressions: look inside.
            for arg in &args {
                self.visit_expr(arg);
            }
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(func) = &*call.func {
            let segments: Vec<String> = func
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let last = segments.last().map(String::as_str).unwrap_or_default();
            let sqlx_or_bare = segments.len() == 1 || segments.first().is_some_and(|s| s == "sqlx");
            let what = segments.join("::");
            let raw_function = RAW_FUNCTIONS.contains(&last) && sqlx_or_bare;
            let builder = last == "new"
                && segments.len() >= 2
                && segments[segments.len() - 2] == "QueryBuilder";
            if raw_function || builder {
                self.raw_site(&what, call.span(), call.args.first(), false);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if EXECUTOR_METHODS.contains(&method.as_str()) {
            if let Some(
                arg @ Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(_), ..
                }),
            ) = call.args.first()
            {
                self.raw_site(&format!(".{method}"), call.method.span(), Some(arg), false);
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
            "x\n  // scopes: allow(migrations run as admin)\ny(\"//\") // scopes: allow()\n",
        );
        assert_eq!(
            found.get(&2).map(String::as_str),
            Some("migrations run as admin")
        );
        assert_eq!(found.get(&3).map(String::as_str), Some(""));
    }
}
