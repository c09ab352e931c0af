//! Calls in macro bodies, closures, async blocks, nested modules and trait default methods.
macro_rules! delete_all {
    ($pool:expr) => {
        sqlx::query("DELETE FROM posts").execute($pool) //~ unscoped-raw-sql
    };
}

macro_rules! run {
    ($pool:expr, $sql:expr) => {
        sqlx::query($sql).execute($pool) //~ dynamic-sql
    };
}

pub async fn inside(pool: &Pool) {
    let f = || sqlx::query("SELECT * FROM notes"); //~ unscoped-raw-sql
    let g = async move { sqlx::query("UPDATE comments SET body = ''").execute(pool).await }; //~ unscoped-raw-sql
    delete_all!(pool);
    run!(pool, "SELECT 1");
}

mod outer {
    pub mod inner {
        pub async fn deep(pool: &Pool) {
            sqlx::raw_sql("SELECT * FROM sites").execute(pool).await; //~ unscoped-raw-sql
        }
    }
}

pub trait Repo {
    fn pool(&self) -> &Pool;
    async fn purge(&self) {
        sqlx::query("DELETE FROM notes").execute(self.pool()).await; //~ unscoped-raw-sql
    }
}
