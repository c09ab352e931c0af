//! The only place that converts sqlparser positions (1-based line and column, column counted in
//! characters, 0 meaning "unknown") into byte ranges of the SQL text.

use std::ops::Range;

use sqlparser::tokenizer::{Location, Span};

/// Byte offsets of line starts, for converting `Location`s into byte offsets.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Whether the whole text is ASCII: then a column is a byte offset.
    ascii: bool,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            line_starts,
            ascii: text.is_ascii(),
        }
    }

    /// The byte offset of a location, or `None` for an empty (unknown) location.
    /// A column past the end of its line clamps to the line's end.
    pub fn offset(&self, location: Location) -> Option<usize> {
        if location.line == 0 || location.column == 0 {
            return None;
        }
        let line = usize::try_from(location.line - 1).ok()?;
        let start = *self.line_starts.get(line)?;
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let column = usize::try_from(location.column - 1).ok()?;
        if self.ascii {
            return Some(start + column.min(end - start));
        }
        let line_text = self.text.get(start..end)?;
        let byte = line_text
            .char_indices()
            .nth(column)
            .map(|(i, _)| i)
            .unwrap_or(line_text.len());
        Some(start + byte)
    }

    /// The byte range of a span (end exclusive), or `None` when the span is empty.
    pub fn range(&self, span: Span) -> Option<Range<usize>> {
        let start = self.offset(span.start)?;
        let end = self.offset(span.end)?.max(start);
        Some(start..end)
    }

    /// The byte range of a span, or `fallback` when the span is empty.
    pub fn range_or(&self, span: Span, fallback: Range<usize>) -> Range<usize> {
        self.range(span).unwrap_or(fallback)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn offset_ok() {
        let idx = LineIndex::new("SELECT\n  é, x");
        assert_eq!(idx.offset(Location::new(1, 1)), Some(0));
        assert_eq!(idx.offset(Location::new(2, 3)), Some(9));
        // column counted in chars: `x` is the 6th char of line 2, after a 2-byte `é`
        assert_eq!(idx.offset(Location::new(2, 6)), Some(13));
    }

    #[test]
    fn offset_err() {
        let idx = LineIndex::new("SELECT 1");
        assert_eq!(idx.offset(Location::new(0, 0)), None);
        assert_eq!(idx.offset(Location::new(5, 1)), None);
        assert_eq!(idx.offset(Location::new(1, 99)), Some(8));
    }
}
