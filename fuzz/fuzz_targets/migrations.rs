//! The migrations loader (`Schema::apply_sql`) on arbitrary text, in every dialect, applied
//! twice (the second run sees the first run's tables: ALTER/DROP paths).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopes_core::schema::Schema;
use scopes_core::Dialect;

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let mut schema = Schema::default();
        let path = std::path::Path::new("fuzz.sql");
        let _ = schema.apply_sql(&sql, path, dialect);
        let _ = schema.apply_sql(&sql, path, dialect);
    }
});
