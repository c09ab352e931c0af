//! QueryBuilder: every fragment, `with_arguments`, non-literal pushes.
use sqlx::QueryBuilder;

pub async fn built(pool: &Pool, ids: Vec<i64>, order: &str, args: SqliteArguments) {
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT 1 AS id");
    qb.push(" UNION SELECT id FROM posts"); //~ unscoped-raw-sql
    qb.push(order); //~ dynamic-sql
    qb.push_bind(7);
    let mut typed: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT 2");
    typed.push(" UNION SELECT id FROM notes"); //~ unscoped-raw-sql
    let mut sep = typed.separated(", ");
    sep.push(format!("{}", ids.len())); //~ dynamic-sql
    let _ = QueryBuilder::<Sqlite>::with_arguments("SELECT id FROM comments WHERE id = ?", args); //~ unscoped-raw-sql
    let mut rows = QueryBuilder::<Sqlite>::new("INSERT INTO tags (name) ");
    rows.push_values(ids, |mut b, id| {
        b.push("(SELECT title FROM posts)"); //~ unscoped-raw-sql
        b.push_bind(id);
    });
    // Not findings: fragments that name nothing scoped.
    let mut fine = QueryBuilder::<Sqlite>::new("SELECT name FROM tags WHERE id IN (");
    fine.push(")");
}
