//! Turning a checked, rewritten statement into tokens: the no-database expansion (the variants
//! as data, run by the runtime's `rows` / `rows_as` / `scalar` through `query_as_with::<DB, T,
//! _>` and friends) and the checked one, where sqlx's own `query_as!` checks the one-value
//! variant against the database and every variant runs the no-database expansion. Statements
//! the compact form cannot carry are spelled out variant by variant (`spelled_out`).

use std::collections::BTreeSet;
use std::sync::Mutex;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use scopes_core::rewrite::{Bind, Mode, Rewritten, VariantSql};
use scopes_core::Dialect;
use syn::spanned::Spanned;
use syn::{Ident, LitByteStr, LitStr, Type};

use scopes_macros_core::{Input, Kind};

/// Everything the expansion needs besides the macro input.
pub struct Plan<'a> {
    pub input: &'a Input,
    pub dialect: Dialect,
    pub rewritten: &'a Rewritten,
    /// Per dimension of `rewritten.dimensions`, its declared Rust type.
    pub types: Vec<Type>,
    /// Files whose edits must recompile the caller.
    pub files: Vec<String>,
    pub checked: bool,
    /// Whether the SQL renames a column with sqlx's override syntax (`AS "id!"`, `AS "n: i64"`);
    /// in checked mode every variant is then checked (`FromRow` would look up the wrong name).
    pub overrides: bool,
}

/// Which variants go through sqlx's checked macros.
#[derive(Clone, Copy)]
enum Checking {
    /// None (the default build mode).
    None,
    /// Only this one, the variant where every dimension holds one value. sqlx's macro for it
    /// sits in a closure that is type-checked but never called; every variant, this one
    /// included, runs the no-database expansion (`FromRow`), so all share one type.
    ///
    /// Why not run sqlx's expansion: its type is unique per call site (a closure inside), so
    /// every query would get its own copy of the whole fetch path, and rustc's code generation
    /// for those copies cost more than sqlx's check itself (500 queries built 1.44x slower than
    /// plain `query_as!`). What the check proves (column names and types, nullability, the
    /// parameter types, the offline data) holds for the unchecked expansion of the same SQL.
    One(usize),
    /// Every variant, each its own type (nested `Choice`s).
    Every,
}

/// In checked mode, sqlx checks the one-value variant: the others differ from it only in their
/// scope predicates, so the arguments and the projection it checks are theirs too.
fn checking(plan: &Plan) -> Checking {
    if !plan.checked {
        return Checking::None;
    }
    // sqlx's overrides in an alias: `FromRow` would look up `id!`, and a type override may name
    // a type that only sqlx's unchecked `try_get_unchecked` accepts for that column.
    if plan.overrides {
        return Checking::Every;
    }
    let one = plan
        .rewritten
        .variants
        .iter()
        .position(|v| v.sql.is_ok() && v.modes.iter().all(|m| *m == Mode::One));
    match one {
        Some(i) => Checking::One(i),
        // The all-`One` variant always exists; should it not, check every variant.
        None => Checking::Every,
    }
}

fn db_path(dialect: Dialect) -> TokenStream {
    match dialect {
        Dialect::Sqlite => quote!(_scopes::__private::sqlx::Sqlite),
        Dialect::Postgres => quote!(_scopes::__private::sqlx::Postgres),
        Dialect::Mysql => quote!(_scopes::__private::sqlx::MySql),
    }
}

/// Local names get mixed-site hygiene so they never clash with the caller's.
fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

// The files already included by an expansion of this process (one rustc process compiles one
// crate). Including scopes.toml and every migration once per invocation made each expansion
// carry several kilobytes of byte literals.
static INCLUDED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// `const _ = include_bytes!(..)` for each file not yet included by an earlier expansion in this
/// compilation: rustc lists it in the crate's dep-info, and cargo rebuilds the crate when it
/// changes (once per crate is enough).
fn includes(files: &[String]) -> TokenStream {
    let fresh: Vec<&String> = match INCLUDED.lock() {
        Ok(mut done) => files
            .iter()
            .filter(|f| done.insert(format!("{}\0{f}", crate_key())))
            .collect(),
        Err(_) => files.iter().collect(),
    };
    quote! { #( const _: &[u8] = ::core::include_bytes!(#fresh); )* }
}

/// The crate being compiled, should a host expand several in one process.
fn crate_key() -> String {
    let var = |name| crate::config::env(name).unwrap_or_default();
    format!("{}\0{}", var("CARGO_MANIFEST_DIR"), var("CARGO_CRATE_NAME"))
}

pub fn expand(plan: &Plan) -> TokenStream {
    compact(plan).unwrap_or_else(|| spelled_out(plan))
}

/// The compact expansion: the variants as data (`__private::Plan`: SQL texts and bind lists),
/// run by the runtime's generic `rows` / `rows_as` / `scalar`. A few dozen tokens per call,
/// where spelling every variant out took a few hundred (see the runtime's `plan` module).
/// `None` where it does not apply: every variant checked by sqlx (each its own type), the
/// checked one-variant statement (sqlx's own expansion is the whole query), or more
/// arguments than a bind byte can name.
fn compact(plan: &Plan) -> Option<TokenStream> {
    let input = plan.input;
    let rewritten = plan.rewritten;
    let checking = checking(plan);
    let ok_variants = rewritten.variants.iter().filter(|v| v.sql.is_ok()).count();
    match checking {
        Checking::Every => return None,
        Checking::One(_) if ok_variants <= 1 => return None,
        _ => {}
    }
    // Bind bytes, as the runtime's `plan` module reads them: below ONE a caller argument,
    // ONE + d dimension d's one value, MANY + d its several values.
    const ONE: u8 = 64;
    const MANY: u8 = 128;
    if input.args.len() > usize::from(ONE) || rewritten.dimensions.len() > usize::from(ONE) {
        return None;
    }
    let dim_index = |d: &str| rewritten.dimensions.iter().position(|x| x == d);
    let span = input.sql.span();
    let mut sqls = Vec::new();
    let mut binds = Vec::new();
    let mut checked = None;
    for (i, variant) in rewritten.variants.iter().enumerate() {
        let (sql, bytes) = match &variant.sql {
            Err(e) => {
                let mode = match e.mode {
                    Mode::Many => 1,
                    _ => 2,
                };
                let d = u8::try_from(dim_index(&e.dimension)?).ok()?;
                (String::new(), vec![d, mode])
            }
            Ok(v) => {
                let mut bytes = Vec::with_capacity(v.binds.len());
                for b in &v.binds {
                    bytes.push(match b {
                        Bind::User(i) => u8::try_from(*i).ok()?,
                        Bind::One(d) => ONE + u8::try_from(dim_index(d)?).ok()?,
                        Bind::Many(d) => MANY + u8::try_from(dim_index(d)?).ok()?,
                    });
                }
                if matches!(checking, Checking::One(one) if one == i) {
                    checked = Some(v);
                }
                (v.sql.clone(), bytes)
            }
        };
        sqls.push(LitStr::new(&sql, span));
        binds.push(LitByteStr::new(&bytes, span));
    }
    let krate = &input.krate;
    let db = db_path(plan.dialect);
    let scope_var = local("__scope");
    let (arg_vars, arg_lets) = arg_bindings(input);
    let includes = includes(&plan.files);
    let dims = &rewritten.dimensions;
    let binder = match plan.dialect {
        Dialect::Postgres => quote!(dim_array),
        _ => quote!(dim_json),
    };
    let types = &plan.types;
    let call = match &input.kind {
        Kind::Rows => quote!(rows::<#db>),
        Kind::As(t) => quote!(rows_as::<#db, #t>),
        Kind::Scalar => quote!(scalar::<#db, _>),
    };
    let (x, n) = (local("__x"), local("__i"));
    // Each argument's `add` carries the argument's span: a value sqlx cannot bind is reported
    // at the argument, not at the whole macro call.
    let adds = arg_vars
        .iter()
        .zip(&input.args)
        .enumerate()
        .map(|(i, (var, arg))| {
            let add = quote_spanned!(arg.span()=> add);
            quote!(#i => #x.#add(#var),)
        });
    let (scope_setup, scope_arg) = match &input.scope {
        Some(scope) => (
            scope_binding(plan, scope, &scope_var),
            quote!(::core::option::Option::Some(#scope_var)),
        ),
        None => (TokenStream::new(), quote!(::core::option::Option::None)),
    };
    let mut query = quote! {
        _scopes::__private::#call(
            _scopes::__private::Plan {
                dimensions: &[#(#dims),*],
                sql: &[#(#sqls),*],
                binds: &[#(#binds),*],
            },
            #scope_arg,
            &[#(_scopes::__private::#binder::<#db, #types>),*],
            &mut |#x, #n| match #n {
                #( #adds )*
                _ => {}
            },
        )
    };
    let checks = match checked {
        Some(v) => {
            let check_var = local("__checked");
            query = quote!(_scopes::__private::checked_plan(&#check_var, #query));
            check_closure(plan, v, &arg_vars, &scope_var, &check_var)
        }
        None => TokenStream::new(),
    };
    Some(quote_spanned! {Span::mixed_site()=>
        {
            use #krate as _scopes;
            #includes
            #arg_lets
            #scope_setup
            #checks
            #query
        }
    })
}

/// The caller's arguments, each evaluated once, in order, into a local (`let __aN = &(arg);`).
fn arg_bindings(input: &Input) -> (Vec<Ident>, TokenStream) {
    let vars: Vec<Ident> = (0..input.args.len())
        .map(|i| local(&format!("__a{i}")))
        .collect();
    let args = &input.args;
    let lets = quote! { #( let #vars = &(#args); )* };
    (vars, lets)
}

/// Binds the scope argument to `var` as a `&Scope`, after requiring, per dimension the
/// statement filters on, that the token's type holds it: nothing for the dynamic token (its
/// check runs with the query); a compile error at the SQL naming the dimension for a typed
/// token that lacks it. Each dimension gets a local key type named after it, so the error reads
/// "holds no dimension `site`".
fn scope_binding(plan: &Plan, scope: &syn::Expr, var: &Ident) -> TokenStream {
    let sql_span = plan.input.sql.span();
    let dims_var = local("__dims");
    let at_sql = Ident::new("__dims", Span::mixed_site().located_at(sql_span));
    let requires = plan.rewritten.dimensions.iter().map(|d| {
        // Not a valid identifier (cannot happen for a declared dimension): no compile-time check.
        let Ok(key) = syn::parse_str::<Ident>(d) else {
            return TokenStream::new();
        };
        let key = Ident::new(&key.to_string(), sql_span);
        quote_spanned! {sql_span=>
            {
                #[allow(non_camel_case_types, dead_code)]
                enum #key {}
                impl _scopes::__private::Key for #key {
                    type Id = _scopes::__private::Id<{ _scopes::__private::dimension_id(#d) }>;
                }
                _scopes::__private::require::<#key, _, _>(#at_sql);
            }
        }
    });
    // One span for the call and the pattern: an argument that is not a scope is then one error
    // (rustc reports a predicate once per span), not one more for the pattern's type.
    let split = quote_spanned! {Span::mixed_site()=>
        let (#var, #dims_var) = _scopes::__private::scope_and_dims(#var);
    };
    quote! {
        // `let x = &(expr)` extends a temporary scope (`Scope::one(..)`) to the block.
        let #var = &(#scope);
        #split
        #( #requires )*
    }
}

/// Checked mode: sqlx's checked macro for the one-value variant `v`, in a closure (`check_var`)
/// that is type-checked but never called, and for `scoped_query_as!(T, ..)` the assertion that
/// `T: FromRow` (every variant decodes through it), reported at `T`.
fn check_closure(
    plan: &Plan,
    v: &VariantSql,
    arg_vars: &[Ident],
    scope_var: &Ident,
    check_var: &Ident,
) -> TokenStream {
    let (lets, values) = checked_values(plan, v, arg_vars, scope_var);
    let sql = LitStr::new(&v.sql, plan.input.sql.span());
    let sqlx = checked_query(plan, &sql, &values);
    let mut out = TokenStream::new();
    if let Kind::As(t) = &plan.input.kind {
        let db = db_path(plan.dialect);
        out = quote_spanned! {t.span()=>
            _scopes::__private::checked_row::<#db, #t>();
        };
    }
    out.extend(quote! {
        let #check_var = || -> ::core::result::Result<_, _scopes::Error> {
            #lets
            ::core::result::Result::Ok(#sqlx)
        };
    });
    out
}

/// Every variant spelled out as its own sqlx query, joined by a `match` on the variant index
/// (and by `Choice` where their types differ).
fn spelled_out(plan: &Plan) -> TokenStream {
    let input = plan.input;
    let krate = &input.krate;
    let scope_var = local("__scope");
    let includes = includes(&plan.files);
    let (arg_vars, arg_lets) = arg_bindings(input);
    let dims: Vec<&String> = plan.rewritten.dimensions.iter().collect();
    let index = local("__index");
    let ok_variants: Vec<usize> = plan
        .rewritten
        .variants
        .iter()
        .enumerate()
        .filter(|(_, v)| v.sql.is_ok())
        .map(|(i, _)| i)
        .collect();
    let checking = checking(plan);
    let mut arms = Vec::new();
    let mut checks = TokenStream::new();
    let check_var = local("__checked");
    for (i, variant) in plan.rewritten.variants.iter().enumerate() {
        let arm = match &variant.sql {
            Err(e) => {
                let dim = &e.dimension;
                let held = match e.mode {
                    Mode::Many => "several values",
                    _ => "all",
                };
                quote! { #i => ::core::result::Result::Err(_scopes::__private::needs_one(#dim, #held).into()) }
            }
            Ok(v) => {
                let sql = LitStr::new(&v.sql, input.sql.span());
                let values: Vec<TokenStream> = v
                    .binds
                    .iter()
                    .map(|b| bind_value(plan, b, &arg_vars, &scope_var))
                    .collect();
                let (lets, checked_values) = checked_values(plan, v, &arg_vars, &scope_var);
                let query = match checking {
                    Checking::None => unchecked_query(plan, &sql, &values),
                    Checking::Every => {
                        let pos = ok_variants.iter().position(|x| *x == i).unwrap_or(0);
                        let q = checked_query(plan, &sql, &checked_values);
                        wrap_choice(quote!({ #lets #q }), pos, ok_variants.len())
                    }
                    Checking::One(_) if ok_variants.len() <= 1 => {
                        let q = checked_query(plan, &sql, &checked_values);
                        quote!({ #lets #q })
                    }
                    Checking::One(one) => {
                        if one == i {
                            checks = check_closure(plan, v, &arg_vars, &scope_var, &check_var);
                        }
                        unchecked_query(plan, &sql, &values)
                    }
                };
                quote! { #i => ::core::result::Result::Ok((#sql, #query)) }
            }
        };
        arms.push(arm);
    }
    let build = quote! {
        |#index: usize| -> ::core::result::Result<_, _scopes::Error> {
            match #index {
                #( #arms, )*
                _ => ::core::result::Result::Err(_scopes::__private::needs_one("", "an unknown mode").into()),
            }
        }
    };
    let (scope_setup, mut query) = match &input.scope {
        Some(scope) => (
            scope_binding(plan, scope, &scope_var),
            quote!(_scopes::__private::build(#scope_var, &[#(#dims),*], #build)),
        ),
        None => (
            TokenStream::new(),
            quote!(_scopes::__private::fixed(#build)),
        ),
    };
    if !checks.is_empty() {
        query = quote!(_scopes::__private::checked_plan(&#check_var, #query));
    }
    quote_spanned! {Span::mixed_site()=>
        {
            use #krate as _scopes;
            #includes
            #arg_lets
            #scope_setup
            #checks
            #query
        }
    }
}

/// The values of sqlx's checked macro for variant `v`, and the `let`s they borrow from: sqlx
/// checks a PostgreSQL array parameter as a slice (`&[i64]`, `&[String]`), so several values
/// are collected into a local first and passed as `local.as_slice()`.
fn checked_values(
    plan: &Plan,
    v: &VariantSql,
    arg_vars: &[Ident],
    scope_var: &Ident,
) -> (TokenStream, Vec<TokenStream>) {
    let mut lets = TokenStream::new();
    let mut values = Vec::new();
    for (k, b) in v.binds.iter().enumerate() {
        let value = bind_value(plan, b, arg_vars, scope_var);
        if matches!(b, Bind::Many(_)) && plan.dialect == Dialect::Postgres {
            let var = local(&format!("__many{k}"));
            lets.extend(quote!(let #var = #value;));
            values.push(quote!(#var.as_slice()));
        } else {
            values.push(value);
        }
    }
    (lets, values)
}

fn bind_value(plan: &Plan, bind: &Bind, arg_vars: &[Ident], scope_var: &Ident) -> TokenStream {
    let dim_type = |d: &str| {
        plan.rewritten
            .dimensions
            .iter()
            .position(|x| x == d)
            .and_then(|i| plan.types.get(i))
            .map_or_else(|| quote!(i64), |t| quote!(#t))
    };
    match bind {
        Bind::User(i) => match arg_vars.get(*i) {
            Some(v) => quote!(*#v),
            None => quote!(()),
        },
        Bind::One(d) => {
            let ty = dim_type(d);
            quote!(<#ty as _scopes::__private::ScopeType>::one(#scope_var, #d)?)
        }
        Bind::Many(d) => {
            let ty = dim_type(d);
            match plan.dialect {
                Dialect::Postgres => {
                    quote!(<#ty as _scopes::__private::ScopeType>::many(#scope_var, #d)?)
                }
                _ => quote!(_scopes::__private::many_json::<#ty>(#scope_var, #d)?),
            }
        }
    }
}

fn unchecked_query(plan: &Plan, sql: &LitStr, values: &[TokenStream]) -> TokenStream {
    let db = db_path(plan.dialect);
    let args = local("__args");
    let call = match &plan.input.kind {
        Kind::Rows => quote!(_scopes::__private::sqlx::query_with::<#db, _>),
        Kind::As(t) => quote!(_scopes::__private::sqlx::query_as_with::<#db, #t, _>),
        Kind::Scalar => quote!(_scopes::__private::sqlx::query_scalar_with::<#db, _, _>),
    };
    quote! {{
        let mut #args = _scopes::__private::Args::<#db>::default();
        #( #args.add(&(#values)); )*
        #call(#sql, #args.finish()?)
    }}
}

fn checked_query(plan: &Plan, sql: &LitStr, values: &[TokenStream]) -> TokenStream {
    match &plan.input.kind {
        Kind::Rows => quote!(::sqlx::query!(#sql #(, #values)*)),
        Kind::As(t) => quote!(::sqlx::query_as!(#t, #sql #(, #values)*)),
        Kind::Scalar => quote!(::sqlx::query_scalar!(#sql #(, #values)*)),
    }
}

/// The `pos`-th of `count` variants as nested `Choice`s: A, B(A), B(B(A)), ..., B(B(..B)).
fn wrap_choice(q: TokenStream, pos: usize, count: usize) -> TokenStream {
    let mut out = if pos + 1 == count {
        q
    } else {
        quote!(_scopes::__private::Choice::A(#q))
    };
    for _ in 0..pos {
        out = quote!(_scopes::__private::Choice::B(#out));
    }
    out
}

/// What the caller gets when the check failed: the same kind of value, so the only error the
/// user sees is ours (no cascade of type errors).
pub fn fallback(input: &Input, dialect: Option<Dialect>) -> TokenStream {
    let krate = &input.krate;
    let args = &input.args;
    let scope = input.scope.iter();
    let output = match (&input.kind, dialect) {
        (Kind::As(t), _) => quote!(#t),
        (Kind::Rows, Some(d)) => {
            let db = db_path(d);
            quote!(<#db as _scopes::__private::sqlx::Database>::Row)
        }
        (Kind::Rows, None) => quote!(()),
        (Kind::Scalar, _) => quote!(_),
    };
    quote_spanned! {Span::mixed_site()=>
        {
            use #krate as _scopes;
            #( let _ = &(#scope); )*
            #( let _ = &(#args); )*
            _scopes::__private::Fallback::<#output>::new()
        }
    }
}
