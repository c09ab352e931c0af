//! What the proof knows about a value: facts, the terms they attach to, and the union-find over
//! equality conjuncts that spreads facts between equal terms.
//!
//! Facts hold "whenever the value is not NULL": equality with NULL is never true, so a fact
//! reached through equalities is always justified for the rows where it matters.

use std::rc::Rc;

use smallvec::SmallVec;

/// A lowercase table, column or dimension name inside the proof. Shared, not copied: facts and
/// terms are cloned often while the fixpoint runs, and a clone is then a counter increment.
pub(crate) type Name = Rc<str>;

/// One thing known about a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Fact {
    /// The value is a scope value of the dimension (the placeholder, or a column equal to it).
    Scope(Name),
    /// The value is `table.column` of a row that is in scope for `dim`.
    Key {
        /// Lowercase table name.
        table: Name,
        /// Lowercase column name.
        column: Name,
        /// The dimension the row is proven in.
        dim: Name,
    },
}

/// A set of facts: sorted and without duplicates, the first two inline. A value typically
/// has one or two facts, and sets are built, cloned and dropped for every term at every level,
/// so a set that needs no allocation (a `BTreeSet` allocates a node for its first element)
/// saves most of the analysis's allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Facts(SmallVec<[Fact; 2]>);

impl Facts {
    /// The empty set.
    pub(crate) fn new() -> Self {
        Facts(SmallVec::new())
    }

    /// Adds a fact; `false` when it was there already.
    pub(crate) fn insert(&mut self, fact: Fact) -> bool {
        match self.0.binary_search(&fact) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, fact);
                true
            }
        }
    }

    /// Whether the set has the fact.
    pub(crate) fn contains(&self, fact: &Fact) -> bool {
        self.0.binary_search(fact).is_ok()
    }

    /// The facts, in order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Fact> {
        self.0.iter()
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Facts of `self` that `other` lacks.
    pub(crate) fn difference<'a>(&'a self, other: &'a Facts) -> impl Iterator<Item = &'a Fact> {
        self.0.iter().filter(move |f| !other.contains(f))
    }

    /// Facts in both.
    pub(crate) fn intersection<'a>(&'a self, other: &'a Facts) -> impl Iterator<Item = &'a Fact> {
        self.0.iter().filter(move |f| other.contains(f))
    }

    /// Whether every fact of `self` is in `other`.
    pub(crate) fn is_subset(&self, other: &Facts) -> bool {
        self.0.iter().all(|f| other.contains(f))
    }

    /// Moves every fact of `other` into `self`.
    pub(crate) fn append(&mut self, other: &mut Facts) {
        if self.0.is_empty() {
            std::mem::swap(self, other);
        } else {
            self.extend(other.0.drain(..));
        }
    }

    /// Removes every fact.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

impl Extend<Fact> for Facts {
    fn extend<I: IntoIterator<Item = Fact>>(&mut self, facts: I) {
        for f in facts {
            self.insert(f);
        }
    }
}

impl FromIterator<Fact> for Facts {
    fn from_iter<I: IntoIterator<Item = Fact>>(facts: I) -> Self {
        let mut out = Facts::new();
        out.extend(facts);
        out
    }
}

impl<const N: usize> From<[Fact; N]> for Facts {
    fn from(facts: [Fact; N]) -> Self {
        facts.into_iter().collect()
    }
}

impl IntoIterator for Facts {
    type Item = Fact;
    type IntoIter = smallvec::IntoIter<[Fact; 2]>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Facts {
    type Item = &'a Fact;
    type IntoIter = std::slice::Iter<'a, Fact>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A value the proof reasons about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Term {
    /// The scope placeholder of a dimension (`:site`).
    Placeholder(Name),
    /// A column of an occurrence at the current level.
    Local(usize, Name),
    /// A column of an occurrence at an enclosing level: (levels up, occurrence, column).
    Outer(usize, usize, Name),
}

/// Union-find over terms, each class carrying the union of its members' facts.
#[derive(Debug, Default)]
pub(crate) struct Classes {
    terms: Vec<Term>,
    parent: Vec<usize>,
    facts: Vec<Facts>,
}

impl Classes {
    /// The index of a term, added on first use.
    pub(crate) fn id(&mut self, term: &Term) -> usize {
        if let Some(i) = self.terms.iter().position(|t| t == term) {
            return i;
        }
        if self.terms.is_empty() {
            // A level typically has a dozen terms: one allocation each instead of five.
            self.terms.reserve(16);
            self.parent.reserve(16);
            self.facts.reserve(16);
        }
        self.terms.push(term.clone());
        self.parent.push(self.parent.len());
        self.facts.push(Facts::new());
        self.terms.len() - 1
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Records that two terms are equal.
    pub(crate) fn union(&mut self, a: &Term, b: &Term) {
        let (a, b) = (self.id(a), self.id(b));
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[rb] = ra;
            let mut moved = std::mem::take(&mut self.facts[rb]);
            self.facts[ra].append(&mut moved);
        }
    }

    /// Adds facts to a term's class.
    pub(crate) fn add_facts(&mut self, term: &Term, facts: impl IntoIterator<Item = Fact>) {
        let i = self.id(term);
        let r = self.find(i);
        self.facts[r].extend(facts);
    }

    /// The facts of a term's class (empty for a term never seen).
    pub(crate) fn facts(&mut self, term: &Term) -> Facts {
        match self.terms.iter().position(|t| t == term) {
            Some(i) => {
                let r = self.find(i);
                self.facts[r].clone()
            }
            None => Facts::new(),
        }
    }

    /// Whether the term's class has the fact.
    pub(crate) fn has(&mut self, term: &Term, fact: &Fact) -> bool {
        match self.terms.iter().position(|t| t == term) {
            Some(i) => {
                let r = self.find(i);
                self.facts[r].contains(fact)
            }
            None => false,
        }
    }

    /// Every term seen so far.
    pub(crate) fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The columns of occurrence `occ` that equalities put in one class with `term` (a
    /// placeholder): what a planner's equivalence classes would derive. Empty for a term
    /// never seen.
    pub(crate) fn local_columns_with(&mut self, term: &Term, occ: usize) -> Vec<Name> {
        let Some(i) = self.terms.iter().position(|t| t == term) else {
            return Vec::new();
        };
        let root = self.find(i);
        let mut out = Vec::new();
        for k in 0..self.terms.len() {
            if let Term::Local(o, c) = &self.terms[k] {
                if *o == occ && !out.contains(c) {
                    let c = c.clone();
                    if self.find(k) == root {
                        out.push(c);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn facts_spread_through_chains_ok() {
        let mut c = Classes::default();
        let a = Term::Local(0, "site_id".into());
        let b = Term::Local(1, "site_id".into());
        let p = Term::Placeholder("site".into());
        c.add_facts(&p, [Fact::Scope("site".into())]);
        c.union(&a, &b);
        c.union(&b, &p);
        assert!(c.has(&a, &Fact::Scope("site".into())));
    }

    #[test]
    fn local_columns_with_placeholder_ok() {
        let mut c = Classes::default();
        let p = Term::Placeholder("site".into());
        c.union(
            &Term::Local(0, "site_id".into()),
            &Term::Local(1, "site_id".into()),
        );
        c.union(&Term::Local(1, "site_id".into()), &p);
        c.union(
            &Term::Local(1, "id".into()),
            &Term::Local(0, "post_id".into()),
        );
        assert_eq!(c.local_columns_with(&p, 0), [Name::from("site_id")]);
        assert_eq!(c.local_columns_with(&p, 2), Vec::<Name>::new());
        assert!(c
            .local_columns_with(&Term::Placeholder("user".into()), 0)
            .is_empty());
    }

    #[test]
    fn unrelated_terms_err() {
        let mut c = Classes::default();
        let a = Term::Local(0, "site_id".into());
        let p = Term::Placeholder("site".into());
        c.add_facts(&p, [Fact::Scope("site".into())]);
        assert!(!c.has(&a, &Fact::Scope("site".into())));
    }
}
