//! Name resolution: which occurrence (at this level or an enclosing one) a column reference
//! denotes. When a reference cannot be resolved for certain, it resolves to nothing, and an
//! unresolved reference never proves anything.

use std::rc::Rc;

use super::facts::Term;

/// The columns an occurrence is known to have (shared: namespaces are cloned for every level
/// view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cols {
    /// Exactly these (from the schema, or a derived table's select list).
    Known(Rc<[String]>),
    /// At least these; others may exist (no schema, or `*` over an unknown table).
    Partial(Rc<[String]>),
}

impl Cols {
    /// `Some(true)`: has it; `Some(false)`: has not; `None`: cannot tell.
    pub(crate) fn has(&self, column: &str) -> Option<bool> {
        match self {
            Cols::Known(c) => Some(c.iter().any(|x| x == column)),
            Cols::Partial(c) => c.iter().any(|x| x == column).then_some(true),
        }
    }

    /// The listed columns.
    pub(crate) fn names(&self) -> &[String] {
        match self {
            Cols::Known(c) | Cols::Partial(c) => c,
        }
    }

    /// Whether the list is complete.
    pub(crate) fn is_known(&self) -> bool {
        matches!(self, Cols::Known(_))
    }
}

/// The names visible at one level of a query: its occurrences and its `USING` columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Namespace {
    /// Per occurrence: the name it is referenced by, and its columns.
    pub entries: Vec<(String, Cols)>,
    /// Columns merged by `USING`/`NATURAL`: unqualified, they denote this occurrence's column.
    /// `None` when the merged value is not one side's (FULL JOIN).
    pub using: Vec<(String, Option<usize>)>,
}

/// How a name resolved at one level.
pub(crate) enum Found {
    /// The column of this occurrence.
    Occurrence(usize),
    /// Several or maybe-several candidates: the reference is ambiguous or unknown.
    Unclear,
    /// Nothing at this level has it: look further out.
    NotHere,
}

impl Namespace {
    /// Resolves a column reference (lowercase parts) at this level.
    pub(crate) fn find<P: AsRef<str>>(&self, parts: &[P]) -> Found {
        match parts {
            [column] => self.find_unqualified(column.as_ref()),
            [.., qualifier, _column] => {
                let mut hits = self
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, (name, _))| name == qualifier.as_ref());
                match (hits.next(), hits.next()) {
                    (Some((i, _)), None) => Found::Occurrence(i),
                    (Some(_), Some(_)) => Found::Unclear,
                    (None, _) => Found::NotHere,
                }
            }
            [] => Found::Unclear,
        }
    }

    fn find_unqualified(&self, column: &str) -> Found {
        if let Some((_, merged)) = self.using.iter().find(|(c, _)| c == column) {
            return match merged {
                Some(i) => Found::Occurrence(*i),
                None => Found::Unclear,
            };
        }
        let mut definite = None;
        let mut count = 0;
        let mut maybe = false;
        for (i, (_, cols)) in self.entries.iter().enumerate() {
            match cols.has(column) {
                Some(true) => {
                    definite = Some(i);
                    count += 1;
                }
                None => maybe = true,
                Some(false) => {}
            }
        }
        match (count, definite) {
            // Another occurrence that might have the column too would make the reference
            // ambiguous, and the database rejects ambiguous references: resolving is sound.
            (1, Some(i)) => Found::Occurrence(i),
            (0, _) if maybe => Found::Unclear,
            (0, _) => Found::NotHere,
            _ => Found::Unclear,
        }
    }
}

/// Resolves a column reference against the current level, then the enclosing levels
/// (innermost first). `outer` lists the enclosing namespaces, nearest first.
pub(crate) fn resolve<'n, P: AsRef<str>>(
    parts: &[P],
    local: &Namespace,
    outer: impl IntoIterator<Item = &'n Namespace>,
) -> Option<Term> {
    let column = parts.last()?.as_ref();
    match local.find(parts) {
        Found::Occurrence(i) => return Some(Term::Local(i, column.into())),
        Found::Unclear => return None,
        Found::NotHere => {}
    }
    for (up, ns) in outer.into_iter().enumerate() {
        match ns.find(parts) {
            Found::Occurrence(i) => return Some(Term::Outer(up, i, column.into())),
            Found::Unclear => return None,
            Found::NotHere => {}
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ns(entries: &[(&str, Cols)]) -> Namespace {
        Namespace {
            entries: entries
                .iter()
                .map(|(n, c)| (n.to_string(), c.clone()))
                .collect(),
            using: vec![],
        }
    }

    fn v(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn qualified_ok() {
        let n = ns(&[
            ("p", Cols::Partial(Rc::from([]))),
            ("c", Cols::Partial(Rc::from([]))),
        ]);
        assert_eq!(
            resolve(&v(&["c", "x"]), &n, None),
            Some(Term::Local(1, "x".into()))
        );
        assert_eq!(
            resolve(&v(&["public", "c", "x"]), &n, None),
            Some(Term::Local(1, "x".into()))
        );
    }

    #[test]
    fn unqualified_inner_shadows_outer_ok() {
        let inner = ns(&[("c", Cols::Known(v(&["site_id"]).into()))]);
        let outer = ns(&[("p", Cols::Known(v(&["site_id"]).into()))]);
        assert_eq!(
            resolve(&v(&["site_id"]), &inner, [&outer]),
            Some(Term::Local(0, "site_id".into()))
        );
        let inner = ns(&[("c", Cols::Known(v(&["body"]).into()))]);
        assert_eq!(
            resolve(&v(&["site_id"]), &inner, [&outer]),
            Some(Term::Outer(0, 0, "site_id".into()))
        );
    }

    #[test]
    fn unqualified_unclear_err() {
        // an inner table that may have the column hides the outer one: unresolved
        let inner = ns(&[("c", Cols::Partial(Rc::from([])))]);
        let outer = ns(&[("p", Cols::Known(v(&["site_id"]).into()))]);
        assert_eq!(resolve(&v(&["site_id"]), &inner, [&outer]), None);
        // two tables that have it: ambiguous
        let both = ns(&[
            ("a", Cols::Known(v(&["site_id"]).into())),
            ("b", Cols::Known(v(&["site_id"]).into())),
        ]);
        assert_eq!(resolve(&v(&["site_id"]), &both, None), None);
    }
}
