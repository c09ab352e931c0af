//! The front end of sqlx-scopes' macros: the grammar of `scoped_query!(...)` and its family
//! ([`input`]), the opt-out markers with their spans ([`marker`]) and the verdict on one
//! invocation ([`verdict`]). Not intended to be used directly.
//!
//! The proc macros (`scopes-macros`) and the `scopes` CLI both read macro input with this crate,
//! so the compiler and the CI gate can never read the same call differently.
#![forbid(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod input;
pub mod marker;
pub mod verdict;

pub use input::{Family, Input, Kind};
pub use marker::{Marker, MarkerError};
pub use verdict::{verify, Checked, Plan, Rejection};
