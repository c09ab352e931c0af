//! The grammar of a scoped macro's input: `[Type,] [unscoped[(dims)],] [scope,] "SQL" | "file.sql"
//! [, args...]`, in the user's form (as written in the source, read by the CLI) and in the
//! facade's internal form (`$crate; kind[ Type]; text|file; <user tokens>`, read by the proc
//! macro). Both end in the same [`Input::parse_body`].

use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, LitStr, Token, Type};

use crate::marker::Marker;

/// What the macro returns per row.
pub enum Kind {
    /// `scoped_query!`: anonymous records (checked) or rows (no database).
    Rows,
    /// `scoped_query_as!(T, ...)`.
    As(Box<Type>),
    /// `scoped_query_scalar!`.
    Scalar,
}

/// A member of the family, by its macro name: what it returns and where its SQL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Whether the first argument is the row type (`_as`).
    pub typed: bool,
    /// Whether it returns a scalar (`_scalar`).
    pub scalar: bool,
    /// Whether the SQL argument names a file relative to the crate root (`_file`).
    pub file: bool,
}

impl Family {
    /// The names of the family, as users write them.
    pub const NAMES: [&'static str; 6] = [
        "scoped_query",
        "scoped_query_as",
        "scoped_query_scalar",
        "scoped_query_file",
        "scoped_query_file_as",
        "scoped_query_file_scalar",
    ];

    /// The member named `name` (`scoped_query_file_as`), or `None` for any other macro.
    pub fn from_name(name: &str) -> Option<Family> {
        if !Self::NAMES.contains(&name) {
            return None;
        }
        Some(Family {
            typed: name.ends_with("_as"),
            scalar: name.ends_with("_scalar"),
            file: name.contains("_file"),
        })
    }
}

/// A parsed invocation.
pub struct Input {
    /// The facade path (`$crate` from the wrapper; `sqlx_scopes` when read from source).
    pub krate: syn::Path,
    /// What it returns.
    pub kind: Kind,
    /// Whether `sql` names a file (relative to the crate root).
    pub file: bool,
    /// The opt-out marker, as written.
    pub unscoped: Option<Marker>,
    /// The scope argument.
    pub scope: Option<Expr>,
    /// The SQL literal (or the file name of a file macro).
    pub sql: LitStr,
    /// The arguments after the SQL.
    pub args: Vec<Expr>,
}

/// The message of a call that passes neither a scope nor a marker.
pub const MISSING_SCOPE: &str =
    "missing scope argument: pass a `Scope` before the SQL, or `unscoped` \
     (or `unscoped(dimension, ...)`) to opt out explicitly";

impl Input {
    /// Parses the facade's internal form: `$crate; kind[ Type]; file|text; <user tokens>`.
    pub fn parse_internal(input: ParseStream) -> syn::Result<Self> {
        // `$crate` arrives as one identifier token.
        let krate = syn::Path::from(input.call(<Ident as syn::ext::IdentExt>::parse_any)?);
        input.parse::<Token![;]>()?;
        let kind_ident = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        let kind = match kind_ident.to_string().as_str() {
            "rows" => Kind::Rows,
            "scalar" => Kind::Scalar,
            "as" => Kind::As(Box::new(input.parse()?)),
            _ => return Err(syn::Error::new(kind_ident.span(), "unknown query kind")),
        };
        input.parse::<Token![;]>()?;
        let source: Ident = input.parse()?;
        let file = source == "file";
        input.parse::<Token![;]>()?;
        Self::parse_body(input, krate, kind, file)
    }

    /// Parses the tokens of an invocation as written in the source (`scoped_query_as!(Post,
    /// scope, "...")` gives `Post, scope, "..."`) for the family member `family`.
    pub fn parse_user(family: Family, tokens: TokenStream) -> syn::Result<Self> {
        let parser = |input: ParseStream| {
            let kind = if family.typed {
                let ty: Type = input.parse()?;
                input.parse::<Token![,]>()?;
                Kind::As(Box::new(ty))
            } else if family.scalar {
                Kind::Scalar
            } else {
                Kind::Rows
            };
            let krate: syn::Path = syn::parse_quote!(sqlx_scopes);
            Self::parse_body(input, krate, kind, family.file)
        };
        parser.parse2(tokens)
    }

    /// The user's tokens after the row type: `[unscoped[(dims)],] [scope,] "SQL" [, args...]`.
    pub fn parse_body(
        input: ParseStream,
        krate: syn::Path,
        kind: Kind,
        file: bool,
    ) -> syn::Result<Self> {
        let mut unscoped = None;
        if Marker::peek(input) {
            unscoped = Some(input.parse::<Marker>()?);
            input.parse::<Token![,]>()?;
        }
        let scope = if input.peek(LitStr) {
            None
        } else if input.is_empty() {
            return Err(input.error(MISSING_SCOPE));
        } else {
            let e: Expr = input.parse()?;
            if let Expr::Lit(_) = e {
                return Err(syn::Error::new_spanned(&e, MISSING_SCOPE));
            }
            input.parse::<Token![,]>()?;
            Some(e)
        };
        if scope.is_none() && unscoped.is_none() {
            return Err(input.error(MISSING_SCOPE));
        }
        let sql: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the SQL string literal after the scope argument",
            )
        })?;
        let mut args = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            args.push(input.parse()?);
        }
        Ok(Input {
            krate,
            kind,
            file,
            unscoped,
            scope,
            sql,
            args,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use quote_free::q;

    mod quote_free {
        pub fn q(text: &str) -> proc_macro2::TokenStream {
            text.parse().expect("test tokens")
        }
    }

    fn user(name: &str, tokens: &str) -> syn::Result<Input> {
        Input::parse_user(Family::from_name(name).expect("a family name"), q(tokens))
    }

    #[test]
    fn documented_forms_parse() {
        for (name, tokens) in [
            ("scoped_query", r#"scope, "SELECT 1""#),
            ("scoped_query", r#"unscoped, "SELECT 1""#),
            (
                "scoped_query",
                r#"unscoped(user), scope, "SELECT 1", a, b,"#,
            ),
            (
                "scoped_query_as",
                r#"Post, unscoped(user, site), scope, "SELECT 1""#,
            ),
            (
                "scoped_query_as",
                r#"Vec<(i64, String)>, &scope, "SELECT 1", x"#,
            ),
            ("scoped_query_scalar", r#"scope.clone(), "SELECT 1""#),
            ("scoped_query_file_as", r#"Post, scope, "queries/a.sql""#),
        ] {
            let input = user(name, tokens);
            assert!(input.is_ok(), "{name}!({tokens})");
        }
        let input = user("scoped_query", r#"unscoped(user), scope, "SELECT ?", a"#).unwrap();
        assert!(input.unscoped.is_some() && input.scope.is_some());
        assert_eq!(
            (input.sql.value().as_str(), input.args.len()),
            ("SELECT ?", 1)
        );
        assert!(user("scoped_query_file", r#"scope, "a.sql""#).unwrap().file);
    }

    #[test]
    fn missing_scope_err() {
        for (name, tokens) in [
            ("scoped_query", r#""SELECT 1""#),
            ("scoped_query_as", r#"Post, "SELECT 1""#),
            ("scoped_query", ""),
            ("scoped_query", r#"scope"#),
        ] {
            assert!(user(name, tokens).is_err(), "{name}!({tokens})");
        }
        let err = user("scoped_query", r#""SELECT 1""#)
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some(MISSING_SCOPE));
    }

    #[test]
    fn internal_form_ok() {
        let parsed = (|i: ParseStream| Input::parse_internal(i))
            .parse2(q(r#"krate; as Post; file; unscoped, "q.sql""#))
            .unwrap();
        assert!(parsed.file && matches!(parsed.kind, Kind::As(_)) && parsed.scope.is_none());
    }
}
