//! Compile-fail and compile-pass tests of the macros (trybuild): one failure per file under
//! tests/ui/<category>/, `.stderr` snapshots from this machine's stable toolchain.

#[test]
fn ui() {
    let root = env!("CARGO_MANIFEST_DIR");
    // trybuild builds in its own directory: point the macros at the example config.
    std::env::set_var("SQLX_SCOPES_CONFIG", format!("{root}/scopes.toml"));
    let t = trybuild::TestCases::new();
    for category in ["filter", "write", "dimension", "argument", "typed"] {
        t.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
    t.pass("tests/ui/pass/*.rs");
    drop(t);

    // A broken scopes.toml is reported at the query.
    std::env::set_var(
        "SQLX_SCOPES_CONFIG",
        format!("{root}/tests/ui/config/bad-scopes.toml"),
    );
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/config/*.rs");
}
