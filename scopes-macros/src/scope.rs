//! `scope!(site = id, user in ids, org = all("reason"))`: builds a `Scope` whose dimensions and
//! value types are checked against scopes.toml at compile time.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Token};

use crate::config;

enum Value {
    One(Expr),
    Many(Expr),
    All(Expr),
}

struct Entry {
    dimension: Ident,
    value: Value,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let dimension: Ident = input.parse()?;
        let value = if input.peek(Token![in]) {
            input.parse::<Token![in]>()?;
            Value::Many(input.parse()?)
        } else {
            input.parse::<Token![=]>()?;
            let fork = input.fork();
            if fork.parse::<Ident>().is_ok_and(|i| i == "all") && fork.peek(syn::token::Paren) {
                input.parse::<Ident>()?;
                let content;
                syn::parenthesized!(content in input);
                Value::All(content.parse()?)
            } else {
                Value::One(input.parse()?)
            }
        };
        Ok(Entry { dimension, value })
    }
}

/// `$crate; entries`
pub struct Input {
    krate: Ident,
    entries: Punctuated<Entry, Token![,]>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let krate = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        input.parse::<Token![;]>()?;
        let entries = Punctuated::parse_terminated(input)?;
        Ok(Input { krate, entries })
    }
}

pub fn expand(input: Input) -> TokenStream {
    match try_expand(&input) {
        Ok(t) => t,
        Err(e) => e.into_compile_error(),
    }
}

fn try_expand(input: &Input) -> syn::Result<TokenStream> {
    let call_site = Span::call_site();
    let first = input.entries.first().ok_or_else(|| {
        syn::Error::new(
            call_site,
            "`scope!` needs at least one dimension: `scope!(site = id)`",
        )
    })?;
    let loaded = config::path()
        .and_then(|p| config::load(&p))
        .map_err(|e| syn::Error::new(first.dimension.span(), e))?;
    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let krate = &input.krate;
    let mut calls = Vec::new();
    for entry in &input.entries {
        let name = entry.dimension.to_string();
        let declared = loaded.config.dimensions.get(&name).ok_or_else(|| {
            let known: Vec<&String> = loaded.config.dimensions.keys().collect();
            syn::Error::new(
                entry.dimension.span(),
                format!("scopes.toml declares no dimension `{name}` (declared: {known:?})"),
            )
        })?;
        let ty: syn::Type =
            config::rust_type(declared).map_err(|e| syn::Error::new(entry.dimension.span(), e))?;
        // The typed `let` makes a wrong value type an ordinary type error at the value.
        calls.push(match &entry.value {
            Value::One(e) => quote_spanned! {e.span_of()=>
                .with(#name, { let __value: #ty = #e; __value })
            },
            Value::Many(e) => quote_spanned! {e.span_of()=>
                .with_many(#name, ::core::iter::IntoIterator::into_iter(#e).map(|__value: #ty| __value))
            },
            Value::All(e) => quote! { .with_all(#name, #e) },
        });
    }
    Ok(quote! {{
        use #krate as _scopes;
        #( const _: &[u8] = ::core::include_bytes!(#files); )*
        _scopes::__private::empty_scope() #(#calls)*
    }})
}

trait SpanOf {
    fn span_of(&self) -> Span;
}

impl SpanOf for Expr {
    fn span_of(&self) -> Span {
        syn::spanned::Spanned::span(self)
    }
}
