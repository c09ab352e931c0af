//! Finds every `:dimension` placeholder in a statement and the comparison it stands in, for the
//! rewrite; reports placeholders naming an undeclared dimension.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, InTarget, ObjectName, Spanned, Statement, Visit, Visitor,
};
use sqlparser::tokenizer::Span;

use super::expr::{is_column, placeholder_name, strip};
use super::Analyzer;
use crate::diagnostic::{Code, Diagnostic};
use crate::report::{PlaceholderContext, PlaceholderUse};

struct Collect<'a, 'c> {
    an: &'a Analyzer<'c>,
    uses: Vec<PlaceholderUse>,
    consumed: BTreeSet<usize>,
    diags: Vec<Diagnostic>,
    relations: Vec<Span>,
}

impl Collect<'_, '_> {
    fn record(&mut self, ph: &Expr, dim: &str, context: PlaceholderContext) {
        let span = self.an.range(ph.span());
        if !self.consumed.insert(span.start) {
            return;
        }
        if !self.an.config.dimensions.contains_key(dim) {
            let known: Vec<String> = self
                .an
                .config
                .dimensions
                .keys()
                .map(|d| format!(":{d}"))
                .collect();
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownDimension,
                    format!("`:{dim}` names no dimension declared in scopes.toml"),
                    span,
                )
                .label("unknown dimension")
                .help(if known.is_empty() {
                    "declare the dimension in scopes.toml [dimensions]".to_string()
                } else {
                    format!(
                        "use one of {}, or declare `{dim}` in scopes.toml [dimensions]",
                        known.join(", ")
                    )
                }),
            );
            return;
        }
        self.uses.push(PlaceholderUse {
            dimension: dim.to_string(),
            span,
            context,
        });
    }
}

impl Visitor for Collect<'_, '_> {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        self.relations.push(relation.span());
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => {
                let (l, r) = (strip(left), strip(right));
                for (ph, col) in [(l, r), (r, l)] {
                    if let Some(dim) = placeholder_name(ph).filter(|_| is_column(col)) {
                        let context = PlaceholderContext::Equality {
                            predicate: self.an.range(expr.span()),
                            column: self.an.range(col.span()),
                        };
                        self.record(ph, dim, context);
                        break;
                    }
                }
            }
            Expr::In {
                expr: lhs,
                target: InTarget::List(list),
                negated: false,
                ..
            } if list.len() == 1 => {
                if let Some(dim) = placeholder_name(&list[0]).filter(|_| is_column(lhs)) {
                    // sqlparser's span of `x IN (:d)` ends at `:d`: extend it over the closing
                    // parenthesis, or treat the placeholder as a plain value if it is not there.
                    let predicate = self.an.range(expr.span());
                    let ph = self.an.range(list[0].span());
                    let rest = self.an.sql.get(ph.end..).unwrap_or("");
                    let skipped = rest.len() - rest.trim_start().len();
                    let context = if rest.trim_start().starts_with(')') {
                        PlaceholderContext::InList {
                            predicate: predicate.start..ph.end + skipped + 1,
                            column: self.an.range(lhs.span()),
                        }
                    } else {
                        PlaceholderContext::Value
                    };
                    self.record(strip(&list[0]), dim, context);
                }
            }
            Expr::Value(_) => {
                if let Some(dim) = placeholder_name(expr) {
                    self.record(expr, dim, PlaceholderContext::Value);
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// What one pass over a statement finds.
pub(crate) struct Found {
    /// The scope placeholders, in text order.
    pub placeholders: Vec<PlaceholderUse>,
    /// Problems with them.
    pub diags: Vec<Diagnostic>,
    /// The span of every relation name the statement mentions (for the fail-closed check).
    pub relations: Vec<Span>,
}

/// The placeholders of a statement, and every relation it names, in one pass.
pub(crate) fn collect(an: &Analyzer<'_>, stmt: &Statement) -> Found {
    let mut c = Collect {
        an,
        uses: Vec::new(),
        consumed: BTreeSet::new(),
        diags: Vec::new(),
        relations: Vec::new(),
    };
    let _ = stmt.visit(&mut c);
    c.uses.sort_by_key(|u| u.span.start);
    Found {
        placeholders: c.uses,
        diags: c.diags,
        relations: c.relations,
    }
}
