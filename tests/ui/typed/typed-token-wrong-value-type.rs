//! scopes.toml declares `site = "i64"`: a typed token cannot hold a string.
sqlx_scopes::dimensions!();
use sqlx_scopes::Scope;

pub fn tenant(slug: &str) -> Scope<Site> {
    Site::one(slug)
}

fn main() {}
