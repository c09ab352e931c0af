//! `rewrite` of accepted statements: no panic, and every variant's SQL parses again and
//! re-checks without panicking (a `Reparse` error is a bug).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopes_core::rewrite::{rewrite, RewriteError};
use scopes_core::Markers;

include!("common.rs");
include!("sqlgen.rs");

fuzz_target!(|shape: Shape| {
    let sql = shape.sql();
    for config in configs() {
        let report = scopes_core::check(&sql, config, &Markers::None);
        if !report.is_scoped() {
            continue;
        }
        match rewrite(&sql, config, &report) {
            Ok(r) => {
                for v in &r.variants {
                    if let Ok(v) = &v.sql {
                        assert!(
                            scopes_core::parse::parse(&v.sql, config.dialect).is_ok(),
                            "variant does not parse: {}\nfrom: {sql}",
                            v.sql
                        );
                        let _ = scopes_core::check(&v.sql, config, &Markers::All);
                    }
                }
            }
            Err(RewriteError::Reparse(a, b)) => {
                panic!("rewritten SQL does not parse: {a}: {b}\nfrom: {sql}")
            }
            Err(_) => {}
        }
    }
});
