//! Proc macros of sqlx-scopes. Not intended to be used directly: use the `sqlx-scopes` crate,
//! whose `scoped_query!` family calls these with its own path.
// Beyond the workspace's lints (no unwrap, no panic): a proc-macro panic is an unreadable
// compile error, so `expect` and slice indexing are denied here too.
#![deny(clippy::expect_used, clippy::indexing_slicing)]

mod config;
mod dimensions;
mod expand;
mod query;
mod scope;

use proc_macro::TokenStream;

/// `scoped_query!`, `scoped_query_as!`, `scoped_query_scalar!` and their file variants.
#[proc_macro]
pub fn expand_query(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input with scopes_macros_core::Input::parse_internal);
    query::scoped(input).into()
}

/// `scope!(site = id, user in ids, org = all("reason"))`, checked against scopes.toml.
#[proc_macro]
pub fn expand_scope(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as scope::Input);
    scope::expand(input).into()
}

/// `dimensions!()`: a marker type per dimension of scopes.toml, for typed scope tokens.
#[proc_macro]
pub fn expand_dimensions(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as dimensions::Input);
    dimensions::expand(input).into()
}
