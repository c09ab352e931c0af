use crate::db_reexport::query;
use crate::db_reexport::*;

pub async fn through_the_module(pool: &Pool) {
    query("SELECT title FROM posts").fetch_all(pool).await; //~ unscoped-raw-sql
    query_as::<_, (i64,)>("SELECT id FROM notes").fetch_all(pool).await; //~ unscoped-raw-sql
}
