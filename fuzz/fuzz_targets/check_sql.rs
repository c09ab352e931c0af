//! `check` on SQL-shaped input: generated statements with dictionary edits, token soups, and
//! deeply nested statements (bounded stack).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopes_core::Markers;

include!("common.rs");
include!("sqlgen.rs");

fuzz_target!(|input: (Shape, u8)| {
    let (shape, marker) = input;
    let sql = shape.sql();
    let markers = match marker % 4 {
        0 => Markers::None,
        1 => Markers::All,
        2 => Markers::parse_list("user").expect("valid list"),
        _ => Markers::parse_list("site, nope").expect("valid list"),
    };
    for config in configs() {
        let report = scopes_core::check(&sql, config, &markers);
        for s in &report.statements {
            for p in &s.placeholders {
                // Spans are byte ranges of the input, on char boundaries.
                assert!(
                    sql.get(p.span.clone()).is_some(),
                    "placeholder span {:?} outside {sql:?}",
                    p.span
                );
            }
        }
    }
});
