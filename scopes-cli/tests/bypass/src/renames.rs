//! Crate renames and re-exports.
use sqlx as db;
use sqlx::{self as s};
extern crate sqlx as x;

pub async fn renames(pool: &Pool) {
    db::query("SELECT title FROM posts").fetch_all(pool).await; //~ unscoped-raw-sql
    s::query_as::<_, (i64,)>("SELECT id FROM comments").fetch_all(pool).await; //~ unscoped-raw-sql
    x::query_scalar("DELETE FROM notes").execute(pool).await; //~ unscoped-raw-sql
    crate::database::query("SELECT id FROM sites").fetch_one(pool).await; //~ unscoped-raw-sql
    db_reexport::query_as::<_, (i64,)>("SELECT id FROM posts").fetch_one(pool).await; //~ unscoped-raw-sql
}
