//! The note a missing-filter diagnostic adds when the statement does filter on the dimension,
//! but in a way that does not restrict the occurrence: under OR, NOT or CASE, or on another
//! alias. Given only when that is what the WHERE clause really does.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Query, UnaryOperator, Visit, Visitor};

use super::expr::{placeholder_name, strip};

/// `; a filter on :dim ...` for the message of an unproven occurrence `name`, or empty.
pub(crate) fn filter_note(selection: Option<&Expr>, dim: &str, name: &str) -> String {
    let Some(selection) = selection else {
        return String::new();
    };
    let mut conjuncts = Vec::new();
    split_and(selection, &mut conjuncts);
    let mut weakened = false;
    let mut other_alias = None;
    for c in conjuncts {
        let mut finder = Finder {
            dim,
            weak: 0,
            queries: 0,
            weakened: false,
        };
        let _ = c.visit(&mut finder);
        weakened |= finder.weakened;
        if let Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } = strip(c)
        {
            let column = match (placeholder_name(left), placeholder_name(right)) {
                (Some(d), None) if d == dim => Some(strip(right)),
                (None, Some(d)) if d == dim => Some(strip(left)),
                _ => None,
            };
            if let Some(Expr::CompoundIdentifier(parts)) = column {
                let n = parts.len();
                if n >= 2 && !parts[n - 2].value.eq_ignore_ascii_case(name) {
                    other_alias.get_or_insert_with(|| parts[n - 2].value.clone());
                }
            }
        }
    }
    match (weakened, other_alias) {
        (true, _) => {
            format!("; a filter on :{dim} under OR, NOT or CASE does not restrict `{name}`")
        }
        (false, Some(alias)) => {
            format!("; the filter on :{dim} restricts `{alias}`, not `{name}`")
        }
        (false, None) => String::new(),
    }
}

fn split_and<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match strip(expr) {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            split_and(left, out);
            split_and(right, out);
        }
        e => out.push(e),
    }
}

/// Finds a placeholder of the dimension under OR, XOR, NOT or CASE (not inside a subquery,
/// whose filters are its own).
struct Finder<'d> {
    dim: &'d str,
    weak: usize,
    queries: usize,
    weakened: bool,
}

fn weakens(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::BinaryOp {
            op: BinaryOperator::Or | BinaryOperator::Xor,
            ..
        } | Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        } | Expr::Case { .. }
    )
}

impl Visitor for Finder<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.queries += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.queries -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if weakens(expr) {
            self.weak += 1;
        }
        if self.weak > 0 && self.queries == 0 && placeholder_name(expr) == Some(self.dim) {
            self.weakened = true;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if weakens(expr) {
            self.weak -= 1;
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn note(selection: &str, name: &str) -> String {
        let e = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(selection)
            .unwrap()
            .parse_expr()
            .unwrap();
        filter_note(Some(&e), "site", name)
    }

    #[test]
    fn note_only_when_true() {
        assert!(note("p.site_id = :site OR p.published", "p").contains("under OR"));
        assert!(note("NOT (p.site_id <> :site)", "p").contains("under OR"));
        assert!(note("CASE WHEN x THEN p.site_id = :site END", "p").contains("under OR"));
        assert!(note("p2.site_id = :site AND p.id = 1", "p").contains("restricts `p2`"));
        // no OR, NOT or CASE around the placeholder, and no other alias: no note
        assert_eq!(note("p.published", "p"), "");
        assert_eq!(note("p.site_id > :site", "p"), "");
        assert_eq!(note("p.site_id::text = :site", "p"), "");
        assert_eq!(
            note(
                "p.id IN (SELECT id FROM posts WHERE site_id = :site OR x)",
                "p"
            ),
            ""
        );
        assert_eq!(note("p.published OR p.draft", "p"), "");
    }
}
