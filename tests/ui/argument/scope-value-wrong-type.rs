#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub fn make(slug: &str) -> Scope {
    // scopes.toml declares `site = "i64"`.
    sqlx_scopes::scope!(site = slug)
}

fn main() {}
