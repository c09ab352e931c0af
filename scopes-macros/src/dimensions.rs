//! `dimensions!()`: one marker type per dimension of scopes.toml (`site` gives `Site`), for
//! typed scope tokens (`Scope<Site>`). The type-level machinery is the runtime's (`typed.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Token, Visibility};

use crate::config;

/// `$crate; [visibility]`
pub struct Input {
    krate: Ident,
    vis: Visibility,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let krate = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        input.parse::<Token![;]>()?;
        let vis: Visibility = input.parse()?;
        let vis = match vis {
            // No visibility written: the markers are `pub`.
            Visibility::Inherited => syn::parse_quote!(pub),
            v => v,
        };
        if !input.is_empty() {
            return Err(input.error(
                "`dimensions!` takes nothing but an optional visibility: `dimensions!();` or `dimensions!(pub(crate));`",
            ));
        }
        Ok(Input { krate, vis })
    }
}

pub fn expand(input: Input) -> TokenStream {
    try_expand(&input).unwrap_or_else(syn::Error::into_compile_error)
}

/// `org_unit` -> `OrgUnit`.
fn marker_name(dimension: &str) -> String {
    dimension
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn try_expand(input: &Input) -> syn::Result<TokenStream> {
    let call_site = Span::call_site();
    let loaded = config::path()
        .and_then(|p| config::load(&p))
        .map_err(|e| syn::Error::new(call_site, e))?;
    let krate = &input.krate;
    let vis = &input.vis;
    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let mut items = Vec::new();
    for (name, declared) in &loaded.config.dimensions {
        let value = config::rust_type(declared).map_err(|e| syn::Error::new(call_site, e))?;
        let marker = syn::parse_str::<Ident>(&marker_name(name))
            .map(|m| format_ident!("{}", m.to_string(), span = call_site))
            .map_err(|_| {
                syn::Error::new(
                    call_site,
                    format!("dimension `{name}` of scopes.toml does not make a Rust type name"),
                )
            })?;
        let doc = format!(
            "Dimension `{name}` of scopes.toml (values: `{declared}`): `Scope<{marker}>` is a token that holds it.\n\n\
             Build one with `{marker}::one(value)`, `{marker}::many(values)` or `{marker}::all(reason)`; add it to another \
             typed token with `scope.with::<{marker}>(value)`."
        );
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[allow(dead_code)]
            #vis enum #marker {}

            impl #krate::__private::Key for #marker {
                type Id = #krate::__private::Id<{ #krate::__private::dimension_id(#name) }>;
            }

            impl #krate::Dimension for #marker {
                const NAME: &'static str = #name;
                type Value = #value;
            }

            #[allow(dead_code)]
            impl #marker {
                /// A token with one value for this dimension.
                #vis fn one(value: #value) -> #krate::Scope<#marker> {
                    <#marker as #krate::Dimension>::one(value)
                }

                /// A token with several values for this dimension (an empty set matches no row).
                #vis fn many(
                    values: impl ::core::iter::IntoIterator<Item = #value>,
                ) -> #krate::Scope<#marker> {
                    <#marker as #krate::Dimension>::many(values)
                }

                /// A token that sees every tenant of this dimension, for a stated reason
                /// (recorded with `tracing` on every query that runs with it).
                #vis fn all(
                    reason: impl ::core::convert::Into<::std::sync::Arc<str>>,
                ) -> #krate::Scope<#marker> {
                    <#marker as #krate::Dimension>::all(reason)
                }
            }
        });
    }
    Ok(quote! {
        // Rebuild when scopes.toml changes.
        #( const _: &[u8] = ::core::include_bytes!(#files); )*
        #( #items )*
    })
}

#[cfg(test)]
mod tests {
    use super::marker_name;

    #[test]
    fn marker_name_ok() {
        assert_eq!(marker_name("site"), "Site");
        assert_eq!(marker_name("org_unit"), "OrgUnit");
        assert_eq!(marker_name("user"), "User");
    }
}
