//! `Config::parse` on arbitrary text (resolving `migrations` against the repository root).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scopes.toml");
        let _ = scopes_core::Config::parse(text, &path);
    }
});
