//! The opt-out marker of a scoped macro (`unscoped`, `unscoped(dim, ...)`): its grammar, its
//! span and its meaning, checked against scopes.toml. A bad marker (an empty or malformed list,
//! a dimension scopes.toml does not declare) stops the check: it is reported alone, at the
//! marker, by the macro and by the CLI alike.

use proc_macro2::{Delimiter, Group, Span};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

use scopes_core::{Config, Markers};

/// A marker as written.
pub struct Marker {
    /// The `unscoped` keyword.
    pub keyword: Ident,
    /// The parenthesized list, when there is one (kept as tokens: a malformed list is reported
    /// as a bad marker, not as a parse error of the whole call).
    pub list: Option<Group>,
}

/// Why a marker cannot be used: where and what to write instead.
#[derive(Debug, Clone)]
pub struct MarkerError {
    /// The marker (the keyword and its list).
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub help: &'static str,
}

impl Marker {
    /// Whether the input starts with a marker: the identifier `unscoped`, alone or with a
    /// parenthesized list, before a comma.
    pub fn peek(input: ParseStream) -> bool {
        let fork = input.fork();
        if !fork.parse::<Ident>().is_ok_and(|i| i == "unscoped") {
            return false;
        }
        if fork.peek(syn::token::Paren) {
            let _ = fork.parse::<Group>();
        }
        fork.peek(Token![,])
    }

    /// The span of the whole marker (the keyword alone where spans cannot be joined).
    pub fn span(&self) -> Span {
        match &self.list {
            Some(group) => self
                .keyword
                .span()
                .join(group.span())
                .unwrap_or_else(|| self.keyword.span()),
            None => self.keyword.span(),
        }
    }

    /// The marker as written, normalized (`unscoped(user, site)`).
    pub fn text(&self) -> String {
        match &self.list {
            Some(group) => format!("unscoped({})", group.stream()),
            None => "unscoped".to_string(),
        }
    }

    /// What the marker exempts, once its dimensions are checked against `config`.
    pub fn markers(&self, config: &Config) -> Result<Markers, MarkerError> {
        let error = |message: String, help| MarkerError {
            span: self.span(),
            message,
            help,
        };
        let Some(group) = &self.list else {
            return Ok(Markers::All);
        };
        let dims = Punctuated::<Ident, Token![,]>::parse_terminated
            .parse2(group.stream())
            .map_err(|_| {
                error(
                    format!("`{}` is not a list of dimension names", self.text()),
                    "write `unscoped(dimension, ...)` with the dimensions of scopes.toml",
                )
            })?;
        if dims.is_empty() {
            return Err(error(
                "`unscoped()` names no dimension".to_string(),
                "write `unscoped` to opt out of every dimension",
            ));
        }
        let names: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
        for name in &names {
            if !config.dimensions.contains_key(name) {
                return Err(undeclared(self.span(), name));
            }
        }
        Markers::parse_list(&names.join(","))
            .map_err(|m| error(m, "name dimensions of scopes.toml"))
    }
}

/// A marker naming `dimension`, which scopes.toml does not declare.
pub fn undeclared(span: Span, dimension: &str) -> MarkerError {
    MarkerError {
        span,
        message: format!("`unscoped({dimension})` names no dimension declared in scopes.toml"),
        help: "name a dimension from scopes.toml [dimensions]",
    }
}

/// Checks markers read elsewhere (a `.sql` directive) against `config`, as [`Marker::markers`]
/// checks a macro's: the first dimension scopes.toml does not declare.
pub fn check_declared(markers: &Markers, config: &Config) -> Result<(), MarkerError> {
    if let Markers::Dimensions(dims) = markers {
        if let Some(d) = dims.iter().find(|d| !config.dimensions.contains_key(*d)) {
            return Err(undeclared(Span::call_site(), d));
        }
    }
    Ok(())
}

impl Parse for Marker {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let keyword: Ident = input.parse()?;
        let list = if input.peek(syn::token::Paren) {
            let group: Group = input.parse()?;
            (group.delimiter() == Delimiter::Parenthesis).then_some(group)
        } else {
            None
        };
        Ok(Marker { keyword, list })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn config() -> Config {
        Config::new(
            scopes_core::Dialect::Sqlite,
            BTreeMap::from([
                ("site".to_string(), scopes_core::KeyType::I64.into()),
                ("user".to_string(), scopes_core::KeyType::I64.into()),
            ]),
            BTreeMap::new(),
            None,
        )
    }

    fn marker(text: &str) -> Marker {
        syn::parse_str(text).expect("a test marker")
    }

    #[test]
    fn markers_ok() {
        assert_eq!(
            marker("unscoped").markers(&config()).ok(),
            Some(Markers::All)
        );
        let m = marker("unscoped(user)").markers(&config()).ok();
        assert!(m.is_some_and(|m| m.exempts("user") && !m.exempts("site")));
        assert!(marker("unscoped(user, site,)").markers(&config()).is_ok());
    }

    #[test]
    fn markers_err() {
        let message = |text: &str| marker(text).markers(&config()).err().map(|e| e.message);
        assert_eq!(
            message("unscoped(tenant)").as_deref(),
            Some("`unscoped(tenant)` names no dimension declared in scopes.toml")
        );
        assert_eq!(
            message("unscoped()").as_deref(),
            Some("`unscoped()` names no dimension")
        );
        assert_eq!(
            message("unscoped(a b)").as_deref(),
            Some("`unscoped(a b)` is not a list of dimension names")
        );
        let dims = Markers::parse_list("tenant").unwrap();
        assert!(check_declared(&dims, &config()).is_err());
        assert!(check_declared(&Markers::All, &config()).is_ok());
    }
}
