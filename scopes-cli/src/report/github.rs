//! The GitHub Actions format: one `::error` (or `::warning`) workflow command per problem, which
//! GitHub shows as an annotation on the file and line.

use std::io::{self, Write};

use super::problems;
use crate::check::Run;

/// Escapes a workflow-command property value (`file`, `title`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes a workflow-command message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Writes the run as GitHub Actions annotations.
pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    for problem in problems(run) {
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            problem.level.as_str(),
            property(&problem.path),
            problem.line,
            problem.column,
            problem.end_line,
            problem.end_column,
            property(&problem.code),
            data(&problem.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_ok() {
        assert_eq!(data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
