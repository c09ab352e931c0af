//! The names a database gives keys and indexes the DDL leaves unnamed, per dialect, so that a
//! later `DROP CONSTRAINT <name>` or `DROP INDEX <name>` can be matched to the key it drops.
//! These are guesses: a key named here is marked so, and what follows from a guess is decided in
//! `schema/table.rs`.

use crate::config::Dialect;

/// What an unnamed object is, for its generated name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
    /// PRIMARY KEY.
    PrimaryKey,
    /// UNIQUE constraint.
    Unique,
    /// CREATE [UNIQUE] INDEX without a name.
    Index,
    /// FOREIGN KEY.
    ForeignKey,
    /// CHECK.
    Check,
    /// EXCLUDE.
    Exclusion,
}

/// PostgreSQL's limit on identifiers (NAMEDATALEN - 1 bytes); longer generated names are cut.
const PG_NAME_BYTES: usize = 63;

/// The name `dialect` generates for an unnamed key of `table` over `columns` (`taken` says which
/// names are in use, where the database moves on to the next candidate). `None` when the
/// database uses a fixed name that is not a guess (MySQL's `PRIMARY`).
pub(super) fn generated(
    dialect: Dialect,
    table: &str,
    label: Label,
    columns: &[String],
    taken: &dyn Fn(&str) -> bool,
) -> String {
    match dialect {
        Dialect::Mysql => mysql(table, label, columns, taken),
        // SQLite cannot drop a constraint by name; PostgreSQL's scheme serves as well as any.
        Dialect::Postgres | Dialect::Sqlite => postgres(table, label, columns, taken),
    }
}

/// PostgreSQL: `<table>_<columns>_<label>`, cut to 63 bytes (the longer part first), with a
/// number after the label until the name is free (ChooseRelationName / ChooseConstraintName).
fn postgres(table: &str, label: Label, columns: &[String], taken: &dyn Fn(&str) -> bool) -> String {
    let (label, with_columns) = match label {
        Label::PrimaryKey => ("pkey", false),
        Label::Unique => ("key", true),
        Label::Index => ("idx", true),
        Label::ForeignKey => ("fkey", true),
        Label::Check => ("check", !columns.is_empty()),
        Label::Exclusion => ("excl", true),
    };
    let joined = if columns.is_empty() {
        "expr".to_string()
    } else {
        columns.join("_")
    };
    let middle = with_columns.then_some(joined.as_str());
    for pass in 0u32.. {
        let label = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let name = pg_object_name(table, middle, &label);
        if !taken(&name) {
            return name;
        }
    }
    unreachable_name()
}

/// PostgreSQL's makeObjectName: both parts shortened, the longer one first, so that
/// `name1_name2_label` fits in 63 bytes.
fn pg_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let available = PG_NAME_BYTES.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.map_or(0, str::len));
    while n1 + n2 > available {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, n: usize| {
        let mut end = n.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    match name2 {
        Some(name2) => format!("{}_{}_{label}", clip(name1, n1), clip(name2, n2)),
        None => format!("{}_{label}", clip(name1, n1)),
    }
}

/// MySQL: an index is named after its first column (`col`, `col_2`, ...), a foreign key
/// `<table>_ibfk_<n>`, a check `<table>_chk_<n>`; the primary key is always `PRIMARY`.
fn mysql(table: &str, label: Label, columns: &[String], taken: &dyn Fn(&str) -> bool) -> String {
    let numbered = |stem: String| {
        (1u32..)
            .map(|n| format!("{stem}{n}"))
            .find(|name| !taken(name))
            .unwrap_or_else(unreachable_name)
    };
    match label {
        Label::PrimaryKey => "primary".to_string(),
        Label::ForeignKey => numbered(format!("{table}_ibfk_")),
        Label::Check => numbered(format!("{table}_chk_")),
        Label::Unique | Label::Index | Label::Exclusion => {
            let first = columns.first().cloned().unwrap_or_else(|| "expr".into());
            if !taken(&first) {
                return first;
            }
            (2u32..)
                .map(|n| format!("{first}_{n}"))
                .find(|name| !taken(name))
                .unwrap_or_else(unreachable_name)
        }
    }
}

/// The candidates above are unbounded; a schema cannot take all of them.
fn unreachable_name() -> String {
    String::from("?")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn postgres_names_ok() {
        let free = |_: &str| false;
        let name =
            |label, c: &[&str]| generated(Dialect::Postgres, "users", label, &cols(c), &free);
        assert_eq!(name(Label::PrimaryKey, &["id"]), "users_pkey");
        assert_eq!(
            name(Label::Unique, &["org_id", "email"]),
            "users_org_id_email_key"
        );
        assert_eq!(name(Label::ForeignKey, &["org_id"]), "users_org_id_fkey");
        assert_eq!(name(Label::Index, &["email"]), "users_email_idx");
        assert_eq!(name(Label::Index, &[]), "users_expr_idx");
        assert_eq!(name(Label::Check, &["age"]), "users_age_check");
        assert_eq!(name(Label::Check, &[]), "users_check");
        let taken = |n: &str| n == "users_email_key" || n == "users_email_key1";
        assert_eq!(
            generated(
                Dialect::Postgres,
                "users",
                Label::Unique,
                &cols(&["email"]),
                &taken
            ),
            "users_email_key2"
        );
    }

    #[test]
    fn postgres_long_names_ok() {
        // Checked against PostgreSQL 15: the longer part is cut first, to 63 bytes in all.
        let table = "a".repeat(40);
        let column = "b".repeat(40);
        let name = generated(Dialect::Postgres, &table, Label::Unique, &[column], &|_| {
            false
        });
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
    }

    #[test]
    fn mysql_names_ok() {
        let taken = |n: &str| n == "email" || n == "t_ibfk_1";
        let name = |label, c: &[&str]| generated(Dialect::Mysql, "t", label, &cols(c), &taken);
        assert_eq!(name(Label::PrimaryKey, &["id"]), "primary");
        assert_eq!(name(Label::Unique, &["email"]), "email_2");
        assert_eq!(name(Label::Unique, &["org_id", "email"]), "org_id");
        assert_eq!(name(Label::ForeignKey, &["org_id"]), "t_ibfk_2");
        assert_eq!(name(Label::Check, &[]), "t_chk_1");
    }
}
