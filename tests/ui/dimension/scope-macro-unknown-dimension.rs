#![allow(unused_imports)]
use sqlx_scopes::{scoped_query, scoped_query_as, scoped_query_scalar, Scope};

#[derive(sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub title: String,
}

pub fn make() -> Scope {
    sqlx_scopes::scope!(tenant = 1_i64)
}

fn main() {}
