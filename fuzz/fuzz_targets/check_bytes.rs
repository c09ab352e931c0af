//! `check` on arbitrary bytes (as UTF-8, lossily), with the SQLite and PostgreSQL configs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopes_core::Markers;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    for config in configs() {
        let report = scopes_core::check(&sql, config, &Markers::None);
        let _ = report.is_scoped();
        for d in report.all_diagnostics() {
            let _ = scopes_core::render::render(d, &sql, Some("fuzz.sql"));
        }
    }
});
