//! The typed token: `Scope<Site>`, `Scope<(Site, User)>`. Dimension markers ([`Dimension`],
//! generated from scopes.toml by `sqlx_scopes::dimensions!()`), sets of them ([`Dims`]), and the
//! membership check the scoped macros emit. The token's data and its dynamic API live in
//! `scope.rs`; a typed token is a dynamic one plus a type.
//!
//! # The design in four lines
//!
//! - `Scope<D>` wraps the same `Arc` whatever `D` is; `D` is [`Dynamic`] by default, so a plain
//!   `Scope` is the string-keyed token that checks dimensions at run time.
//! - A marker (`Site`) is a type per dimension carrying its name and its declared value type.
//!   `D` is one marker or a tuple of them (up to five).
//! - A scoped macro asks, per dimension of its statement, `D: Has<that dimension, _>`: the index
//!   `_` is inferred (which tuple position holds it). [`Dynamic`] has every dimension (checked at
//!   run time instead); a typed token without it fails to compile, with a message naming it.
//! - Converting a typed token to the dynamic one is free (`Deref`, `From`); the other way is a
//!   run-time check ([`Scope::from_dynamic`]).
//!
//! # Why the typed constructors are `Site::one(v)`, not `Scope::<Site>::one(v)`
//!
//! `Scope::one("site", 1)` must keep compiling. In that expression `Scope` has no type
//! argument, so rustc considers the inherent `one` of every `impl Scope<_>` block: a second,
//! typed `one` in `impl<D> Scope<D>` would make every existing call ambiguous (E0034). The
//! typed constructors therefore live on the markers (`Site::one(v)`, `Site::many(vs)`,
//! `Site::all(reason)`; generic code calls them through [`Dimension`]), and the typed token's
//! own methods (`with::<User>(v)`, `set::<Site>(v)`) take `&self`, where the receiver's type
//! picks the impl.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use crate::bind::ScopeType;
use crate::error::ScopeError;
use crate::scope::{Entry, IntoValue, Mode, Scope};

/// The dimension set of an untyped token: whatever it holds, checked when a query runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dynamic {}

/// The type parameter of [`Scope`]: [`Dynamic`], one [`Dimension`] marker, or a tuple of two
/// to five markers. Sealed: implemented here for those forms only.
pub trait Dims: sealed::Sealed + 'static {
    /// How the token stores its data (the same for every set: typed tokens wrap the dynamic one).
    #[doc(hidden)]
    type Repr: Clone + Send + Sync + 'static;
    /// The names of the dimensions the type guarantees, in order (none for [`Dynamic`]).
    const NAMES: &'static [&'static str];
}

/// A dimension set known at compile time: one marker or a tuple of markers.
pub trait Typed: Dims<Repr = Scope> {
    /// Checks that a dynamic token holds every dimension of the set with a value of its declared
    /// type.
    #[doc(hidden)]
    fn check(scope: &Scope) -> Result<(), ScopeError>;
}

mod sealed {
    pub trait Sealed {}
    pub trait Index {}
}

/// A tenant dimension of scopes.toml, as a type: its name and the Rust type of its values.
///
/// Do not implement it by hand: `sqlx_scopes::dimensions!();` generates one marker per
/// dimension of scopes.toml (`site = "i64"` gives `pub enum Site {}` with `Value = i64`), with
/// inherent constructors that need no import:
///
/// ```
/// # mod generated {
/// #   // What `sqlx_scopes::dimensions!()` expands to, written out for this doctest.
/// #   use scopes_runtime::{Dimension, Scope};
/// #   pub enum Site {}
/// #   impl scopes_runtime::__private::Key for Site {
/// #       type Id = scopes_runtime::__private::Id<{ scopes_runtime::__private::dimension_id("site") }>;
/// #   }
/// #   impl Dimension for Site { const NAME: &'static str = "site"; type Value = i64; }
/// #   impl Site { pub fn one(value: i64) -> Scope<Site> { <Site as Dimension>::one(value) } }
/// #   pub enum User {}
/// #   impl scopes_runtime::__private::Key for User {
/// #       type Id = scopes_runtime::__private::Id<{ scopes_runtime::__private::dimension_id("user") }>;
/// #   }
/// #   impl Dimension for User { const NAME: &'static str = "user"; type Value = i64; }
/// # }
/// # use generated::{Site, User};
/// use scopes_runtime::Scope;
///
/// let site: Scope<Site> = Site::one(1);
/// let both: Scope<(Site, User)> = site.with::<User>(7);
/// // Free to use where a dynamic token is expected: it is one.
/// let dynamic: &Scope = &both;
/// assert_eq!(format!("{dynamic:?}"), "Scope { site: 1, user: 7 }");
/// ```
pub trait Dimension: crate::__private::Key + Sized + 'static {
    /// The dimension's name in scopes.toml (`site`).
    const NAME: &'static str;
    /// The declared Rust type of its values (`i64`, `String`, ...).
    type Value: IntoValue + ScopeType;

    /// A token with one value for this dimension.
    fn one(value: Self::Value) -> Scope<Self> {
        Scope(Scope::one(Self::NAME, value))
    }

    /// A token with several values for this dimension (an empty set matches no row).
    fn many(values: impl IntoIterator<Item = Self::Value>) -> Scope<Self> {
        Scope(Scope::many(Self::NAME, values))
    }

    /// A token that sees every tenant of this dimension, for a stated reason (recorded with
    /// `tracing` on every query that runs with it).
    fn all(reason: impl Into<Arc<str>>) -> Scope<Self> {
        Scope(Scope::all(Self::NAME, reason))
    }
}

fn check_one<A: Dimension>(scope: &Scope) -> Result<(), ScopeError> {
    match scope.get(A::NAME) {
        None => Err(ScopeError::Missing {
            dimensions: vec![A::NAME.into()],
        }),
        Some(Mode::One(_)) => A::Value::one(scope, A::NAME).map(drop),
        Some(Mode::Many(_)) => A::Value::many(scope, A::NAME).map(drop),
        Some(Mode::All { .. }) => Ok(()),
    }
}

impl sealed::Sealed for Dynamic {}
impl Dims for Dynamic {
    type Repr = Arc<[Entry]>;
    const NAMES: &'static [&'static str] = &[];
}

impl<A: Dimension> sealed::Sealed for A {}
impl<A: Dimension> Dims for A {
    type Repr = Scope;
    const NAMES: &'static [&'static str] = &[A::NAME];
}
impl<A: Dimension> Typed for A {
    fn check(scope: &Scope) -> Result<(), ScopeError> {
        check_one::<A>(scope)
    }
}

macro_rules! tuple_dims {
    ($($t:ident),+) => {
        impl<$($t: Dimension),+> sealed::Sealed for ($($t,)+) {}
        impl<$($t: Dimension),+> Dims for ($($t,)+) {
            type Repr = Scope;
            const NAMES: &'static [&'static str] = &[$($t::NAME),+];
        }
        impl<$($t: Dimension),+> Typed for ($($t,)+) {
            fn check(scope: &Scope) -> Result<(), ScopeError> {
                let mut missing = Vec::new();
                $(
                    match check_one::<$t>(scope) {
                        Err(ScopeError::Missing { dimensions }) => missing.extend(dimensions),
                        other => other?,
                    }
                )+
                if missing.is_empty() {
                    Ok(())
                } else {
                    missing.sort();
                    Err(ScopeError::Missing { dimensions: missing })
                }
            }
        }
    };
}
tuple_dims!(A, B);
tuple_dims!(A, B, C);
tuple_dims!(A, B, C, D);
tuple_dims!(A, B, C, D, E);

/// The set `Self` with the dimension `X` added at the end (`Site` + `User` = `(Site, User)`).
pub trait Append<X: Dimension>: Typed {
    /// The larger set.
    type Out: Typed;
}

impl<A: Dimension, X: Dimension> Append<X> for A {
    type Out = (A, X);
}

macro_rules! tuple_append {
    ($($t:ident),+) => {
        impl<$($t: Dimension,)+ X: Dimension> Append<X> for ($($t,)+) {
            type Out = ($($t,)+ X);
        }
    };
}
tuple_append!(A, B);
tuple_append!(A, B, C);
tuple_append!(A, B, C, D);

/// Where a set holds a dimension: [`Has`]'s second parameter, inferred by the compiler.
pub mod index {
    /// The index types below. Sealed: no other position can be added, so [`Has`](super::Has)
    /// cannot be implemented outside this crate.
    pub trait Position: super::sealed::Index {}

    macro_rules! sealed {
        ($($t:ident),*) => {$(
            impl super::sealed::Index for $t {}
            impl Position for $t {}
        )*};
    }
    sealed!(Here, Checked, Never, P0, P1, P2, P3, P4);

    /// The set is the marker itself.
    pub enum Here {}
    /// The token is dynamic: it may hold anything, checked at run time.
    pub enum Checked {}
    /// Never matches: keeps a second candidate next to [`Here`], so that rustc reports a
    /// missing dimension with [`Has`](super::Has)'s own message.
    pub enum Never {}
    /// Tuple position 0.
    pub enum P0 {}
    /// Tuple position 1.
    pub enum P1 {}
    /// Tuple position 2.
    pub enum P2 {}
    /// Tuple position 3.
    pub enum P3 {}
    /// Tuple position 4.
    pub enum P4 {}
}

/// The dimension set `Self` holds dimension `K` (at position `I`, inferred).
///
/// `K` is a marker, or the key a scoped macro declares for each dimension of its statement.
/// Sealed (its index types are): the impls here are the whole relation.
#[diagnostic::on_unimplemented(
    message = "the scope token `Scope<{Self}>` holds no dimension `{K}`, which this statement filters on",
    label = "this statement needs dimension `{K}`",
    note = "add the dimension to the token (`scope.with::<Marker>(value)`), pass a token that has it, or opt out for this statement with `unscoped(dimension)`"
)]
pub trait Has<K: crate::__private::Key, I: index::Position>: Dims {}

#[diagnostic::do_not_recommend]
impl<K: crate::__private::Key> Has<K, index::Checked> for Dynamic {}

#[diagnostic::do_not_recommend]
impl<K: crate::__private::Key, A: Dimension<Id = K::Id>> Has<K, index::Here> for A {}

/// Never implemented: see [`index::Never`].
#[doc(hidden)]
pub trait Unreachable {}

#[diagnostic::do_not_recommend]
impl<K: crate::__private::Key, A: Dimension + Unreachable> Has<K, index::Never> for A {}

macro_rules! tuple_has {
    ($at:ident $pos:ident; $($t:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<K: crate::__private::Key, $($t: Dimension),+> Has<K, index::$pos> for ($($t,)+)
        where
            $at: Dimension<Id = K::Id>,
        {}
    };
}
tuple_has!(A P0; A, B);
tuple_has!(B P1; A, B);
tuple_has!(A P0; A, B, C);
tuple_has!(B P1; A, B, C);
tuple_has!(C P2; A, B, C);
tuple_has!(A P0; A, B, C, D);
tuple_has!(B P1; A, B, C, D);
tuple_has!(C P2; A, B, C, D);
tuple_has!(D P3; A, B, C, D);
tuple_has!(A P0; A, B, C, D, E);
tuple_has!(B P1; A, B, C, D, E);
tuple_has!(C P2; A, B, C, D, E);
tuple_has!(D P3; A, B, C, D, E);
tuple_has!(E P4; A, B, C, D, E);

impl<D: Typed> Scope<D> {
    /// A new token with dimension `X` added, holding one value; its type says so.
    /// To change a dimension the token already holds, use [`set`](Scope::set).
    #[must_use]
    pub fn with<X: Dimension>(&self, value: X::Value) -> Scope<D::Out>
    where
        D: Append<X>,
    {
        Scope(self.0.with(X::NAME, value))
    }

    /// A new token with dimension `X` added, holding several values.
    #[must_use]
    pub fn with_many<X: Dimension>(
        &self,
        values: impl IntoIterator<Item = X::Value>,
    ) -> Scope<D::Out>
    where
        D: Append<X>,
    {
        Scope(self.0.with_many(X::NAME, values))
    }

    /// A new token with dimension `X` added, seeing every tenant of it for a stated reason.
    #[must_use]
    pub fn with_all<X: Dimension>(&self, reason: impl Into<Arc<str>>) -> Scope<D::Out>
    where
        D: Append<X>,
    {
        Scope(self.0.with_all(X::NAME, reason))
    }

    /// A new token of the same type with dimension `X` (which it holds) set to one value
    /// (nested scopes: `outer.set::<Site>(2)`); `self` is unchanged.
    #[must_use]
    pub fn set<X: Dimension, I: index::Position>(&self, value: X::Value) -> Scope<D>
    where
        D: Has<X, I>,
    {
        Scope(self.0.with(X::NAME, value))
    }

    /// [`set`](Scope::set) with several values.
    #[must_use]
    pub fn set_many<X: Dimension, I: index::Position>(
        &self,
        values: impl IntoIterator<Item = X::Value>,
    ) -> Scope<D>
    where
        D: Has<X, I>,
    {
        Scope(self.0.with_many(X::NAME, values))
    }

    /// [`set`](Scope::set) to every tenant of `X`, for a stated reason.
    #[must_use]
    pub fn set_all<X: Dimension, I: index::Position>(&self, reason: impl Into<Arc<str>>) -> Scope<D>
    where
        D: Has<X, I>,
    {
        Scope(self.0.with_all(X::NAME, reason))
    }

    /// The dynamic token this one is (free: the same data).
    pub fn as_dynamic(&self) -> &Scope {
        &self.0
    }

    /// The dynamic token this one is (free: the same data).
    pub fn into_dynamic(self) -> Scope {
        self.0
    }

    /// A typed token from a dynamic one that holds every dimension of `D` with values of their
    /// declared types; otherwise the [`ScopeError`] a query would have given.
    pub fn from_dynamic(scope: Scope) -> Result<Scope<D>, ScopeError> {
        D::check(&scope)?;
        Ok(Scope(scope))
    }
}

/// A typed token is a dynamic token: everything that takes `&Scope` takes `&Scope<Site>`.
impl<D: Typed> Deref for Scope<D> {
    type Target = Scope;
    fn deref(&self) -> &Scope {
        &self.0
    }
}

impl<D: Typed> From<Scope<D>> for Scope {
    fn from(scope: Scope<D>) -> Scope {
        scope.0
    }
}

impl<D: Typed> fmt::Debug for Scope<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The identity of a dimension name as a type (see `__private::Key`): markers and the keys the
/// macros declare meet here.
#[doc(hidden)]
pub struct Id<const H: u64>(PhantomData<()>);

/// FNV-1a of a dimension name, the const parameter of its [`Id`]. A collision could only make
/// the compile-time check accept a token that lacks a dimension; the run-time check stays, so
/// the query would still fail with [`ScopeError::Missing`], never run unscoped.
#[doc(hidden)]
pub const fn dimension_id(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Value;

    pub enum Site {}
    impl crate::__private::Key for Site {
        type Id = Id<{ dimension_id("site") }>;
    }
    impl Dimension for Site {
        const NAME: &'static str = "site";
        type Value = i64;
    }
    pub enum User {}
    impl crate::__private::Key for User {
        type Id = Id<{ dimension_id("user") }>;
    }
    impl Dimension for User {
        const NAME: &'static str = "user";
        type Value = String;
    }

    fn has<D: Has<K, I>, K: crate::__private::Key, I: index::Position>(_: &Scope<D>) {}

    #[test]
    fn typed_builds_like_dynamic_ok() {
        let typed = Site::one(1).with::<User>("ann".into());
        let dynamic = Scope::one("site", 1).with("user", "ann");
        assert_eq!(format!("{typed:?}"), format!("{dynamic:?}"));
        assert_eq!(<(Site, User) as Dims>::NAMES, ["site", "user"]);
        has::<_, Site, _>(&typed);
        has::<_, User, _>(&typed);
        has::<_, User, _>(&dynamic);
        let nested = typed.set::<Site, _>(2);
        assert_eq!(nested.get("site"), Some(&Mode::One(Value::Int(2))));
        assert_eq!(typed.get("site"), Some(&Mode::One(Value::Int(1))));
        let all = Site::all("report").with_many::<User>(["a".to_string()]);
        assert_eq!(
            format!("{all:?}"),
            "Scope { site: all(\"report\"), user: [\"a\"] }"
        );
        let back: Scope = all.clone().into();
        assert_eq!(format!("{back:?}"), format!("{all:?}"));
    }

    #[test]
    fn from_dynamic_ok() {
        let scope = Scope::one("site", 1).with("user", "ann");
        let typed = Scope::<(User, Site)>::from_dynamic(scope).unwrap();
        assert_eq!(typed.dimensions().collect::<Vec<_>>(), ["site", "user"]);
        assert!(Scope::<Site>::from_dynamic(Scope::many("site", [1, 2])).is_ok());
    }

    #[test]
    fn from_dynamic_err() {
        let e = Scope::<(Site, User)>::from_dynamic(Scope::one("org", 1)).unwrap_err();
        assert_eq!(
            e,
            ScopeError::Missing {
                dimensions: vec!["site".into(), "user".into()]
            }
        );
        let e = Scope::<Site>::from_dynamic(Scope::one("site", "x")).unwrap_err();
        assert!(matches!(e, ScopeError::WrongType { .. }), "{e:?}");
        let e = Scope::<User>::from_dynamic(Scope::many("user", [1])).unwrap_err();
        assert!(matches!(e, ScopeError::WrongType { .. }), "{e:?}");
    }

    #[test]
    fn dimension_id_ok() {
        assert_ne!(dimension_id("site"), dimension_id("user"));
        assert_eq!(dimension_id(""), 0xcbf2_9ce4_8422_2325);
    }
}
