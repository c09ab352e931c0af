//! A function that needs `Scope<(Site, User)>` cannot be called with a site-only token.
sqlx_scopes::dimensions!();
use sqlx_scopes::Scope;

fn notes(_scope: &Scope<(Site, User)>) {}

fn main() {
    notes(&Site::one(1));
}
