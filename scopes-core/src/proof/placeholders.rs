//! Finds every `:dimension` placeholder in a statement and the comparison it stands in, for the
//! rewrite; reports placeholders naming an undeclared dimension.

use std::collections::BTreeSet;
use std::ops::{ControlFlow, Range};

use sqlparser::ast::{
    BinaryOperator, Expr, InTarget, ObjectName, Spanned, Statement, Visit, Visitor,
};
use sqlparser::tokenizer::Span;

use sqlparser::ast::{CastKind, DataType};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::expr::{is_column, placeholder_name, strip};
use super::Analyzer;
use crate::analysis::{PlaceholderContext, PlaceholderUse};
use crate::diagnostic::{Code, Diagnostic};

struct Collect<'a, 'c> {
    an: &'a Analyzer<'c>,
    uses: Vec<PlaceholderUse>,
    consumed: BTreeSet<usize>,
    diags: Vec<Diagnostic>,
    relations: Vec<Span>,
    /// The statement's tokens and their byte ranges, read when a cast placeholder needs them.
    tokens: Option<Vec<(Token, Range<usize>)>>,
}

/// One layer around a placeholder, innermost first.
enum Layer<'e> {
    Paren,
    Colon(&'e DataType),
    CastFn(&'e DataType),
}

/// The bare placeholder inside parentheses and casts, and the layers around it, innermost first.
fn layers(mut e: &Expr) -> (&Expr, Vec<Layer<'_>>) {
    let mut out = Vec::new();
    loop {
        match e {
            Expr::Nested(inner) => {
                out.push(Layer::Paren);
                e = inner;
            }
            Expr::Cast {
                kind,
                expr: inner,
                data_type,
                ..
            } => {
                out.push(match kind {
                    CastKind::DoubleColon => Layer::Colon(data_type),
                    _ => Layer::CastFn(data_type),
                });
                e = inner;
            }
            _ => break,
        }
    }
    out.reverse();
    (e, out)
}

impl Collect<'_, '_> {
    /// The byte range of a placeholder with its parentheses and casts: sqlparser's span of a
    /// cast is its operand's only. Read from the tokens; `None` when they do not match the AST.
    fn extent(&mut self, e: &Expr) -> Option<Range<usize>> {
        let (bare, layers) = layers(e);
        let bare = self.an.range(bare.span());
        if layers.is_empty() {
            return Some(bare);
        }
        let sql = self.an.sql;
        let tokens = self.tokens.get_or_insert_with(|| {
            let index = crate::span::LineIndex::new(sql);
            Tokenizer::new(crate::parse::sql_dialect(self.an.config.dialect), sql)
                .tokenize_with_location()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|TokenWithSpan { token, span }| index.range(span).map(|r| (token, r)))
                .collect()
        });
        let is_ws = |k: usize| matches!(tokens.get(k), Some((Token::Whitespace(_), _)));
        let next = |mut k: usize| loop {
            k += 1;
            if !is_ws(k) {
                return (k < tokens.len()).then_some(k);
            }
        };
        let prev = |mut k: usize| loop {
            k = k.checked_sub(1)?;
            if !is_ws(k) {
                return Some(k);
            }
        };
        let word = |k: usize, w: &str| matches!(tokens.get(k), Some((Token::Word(x), _)) if x.value.eq_ignore_ascii_case(w.trim_matches('"')));
        let tok = |k: usize, t: &Token| tokens.get(k).is_some_and(|(x, _)| x == t);
        let type_words = |mut k: usize, ty: &DataType| -> Option<usize> {
            for w in ty.to_string().split_whitespace() {
                k = next(k)?;
                if !word(k, w) {
                    return None;
                }
            }
            Some(k)
        };
        // `:name` may be one token or two (`:` and the name).
        let mut lo = tokens.iter().position(|(_, r)| r.start == bare.start)?;
        let mut hi = tokens.iter().position(|(_, r)| r.end == bare.end)?;
        for layer in layers {
            match layer {
                Layer::Paren => {
                    let (p, n) = (prev(lo)?, next(hi)?);
                    if !tok(p, &Token::LParen) || !tok(n, &Token::RParen) {
                        return None;
                    }
                    (lo, hi) = (p, n);
                }
                Layer::Colon(ty) => {
                    let n = next(hi)?;
                    if !tok(n, &Token::DoubleColon) {
                        return None;
                    }
                    hi = type_words(n, ty)?;
                }
                Layer::CastFn(ty) => {
                    let p = prev(lo)?;
                    let c = prev(p)?;
                    let a = next(hi)?;
                    if !tok(p, &Token::LParen) || !word(c, "cast") || !word(a, "as") {
                        return None;
                    }
                    let n = next(type_words(a, ty)?)?;
                    if !tok(n, &Token::RParen) {
                        return None;
                    }
                    (lo, hi) = (c, n);
                }
            }
        }
        Some(tokens.get(lo)?.1.start..tokens.get(hi)?.1.end)
    }

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
                        let column = self.an.range(col.span());
                        // A cast placeholder: the predicate spans the whole cast.
                        let context = match self.extent(ph) {
                            Some(x) => PlaceholderContext::Equality {
                                predicate: x.start.min(column.start)..x.end.max(column.end),
                                column,
                            },
                            None => PlaceholderContext::Value,
                        };
                        self.record(layers(ph).0, dim, context);
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
                    let Some(ph) = self.extent(&list[0]) else {
                        self.record(layers(&list[0]).0, dim, PlaceholderContext::Value);
                        return ControlFlow::Continue(());
                    };
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
                    self.record(layers(&list[0]).0, dim, context);
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
        tokens: None,
    };
    let _ = stmt.visit(&mut c);
    c.uses.sort_by_key(|u| u.span.start);
    Found {
        placeholders: c.uses,
        diags: c.diags,
        relations: c.relations,
    }
}
