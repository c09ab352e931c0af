//! Parsing a scoped macro's input: `[Type,] scope-arg, "SQL" | "file.sql", args...`.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token, Type};

/// What the macro returns per row.
pub enum Kind {
    /// `scoped_query!`: anonymous records (checked) or rows (no database).
    Rows,
    /// `scoped_query_as!(T, ...)`.
    As(Box<Type>),
    /// `scoped_query_scalar!`.
    Scalar,
}

/// The opt-out marker given as a macro argument.
pub enum Unscoped {
    /// `unscoped`.
    All,
    /// `unscoped(a, b)`.
    Dimensions(Vec<Ident>),
}

/// A parsed invocation.
pub struct Input {
    /// The facade path (`$crate` from the wrapper).
    pub krate: syn::Path,
    pub kind: Kind,
    /// Whether `sql` names a file (relative to the crate root).
    pub file: bool,
    pub unscoped: Option<(Ident, Unscoped)>,
    pub scope: Option<Expr>,
    pub sql: LitStr,
    pub args: Vec<Expr>,
}

impl Parse for Input {
    /// Internal form from the facade: `$crate; kind[ Type]; file|text; <user tokens>`.
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `$crate` arrives as one identifier token.
        let krate = syn::Path::from(input.call(<Ident as syn::ext::IdentExt>::parse_any)?);
        input.parse::<Token![;]>()?;
        let kind_ident = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        let kind = match kind_ident.to_string().as_str() {
            "rows" => Kind::Rows,
            "scalar" => Kind::Scalar,
            "as" => {
                let ty: Type = input.parse()?;
                Kind::As(Box::new(ty))
            }
            _ => return Err(syn::Error::new(kind_ident.span(), "unknown query kind")),
        };
        input.parse::<Token![;]>()?;
        let source: Ident = input.parse()?;
        let file = source == "file";
        input.parse::<Token![;]>()?;
        let mut unscoped = None;
        if input.peek(Ident) && input.fork().parse::<Ident>().is_ok_and(|i| i == "unscoped") {
            let kw: Ident = input.parse()?;
            let marker = if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                let dims = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                if dims.is_empty() {
                    return Err(syn::Error::new(
                        kw.span(),
                        "`unscoped()` names no dimension: write `unscoped` to opt out of every dimension",
                    ));
                }
                Unscoped::Dimensions(dims.into_iter().collect())
            } else {
                Unscoped::All
            };
            unscoped = Some((kw, marker));
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

const MISSING_SCOPE: &str = "missing scope argument: pass a `Scope` before the SQL, or `unscoped` \
     (or `unscoped(dimension, ...)`) to opt out explicitly";
