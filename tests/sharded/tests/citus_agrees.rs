//! The Citus check agrees with the sharded run: `scopes check --target citus` accepts every
//! query of the sharded scenarios, routes each one-value query to one shard and marks the
//! `unscoped` ones as fan-out. Needs no server.

use std::path::Path;

use clap::Parser;
use scopes_cli::opt::Opt;

#[test]
fn scenarios_route_to_one_shard_ok() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = dir.join("scopes.toml");
    let scenarios = dir.join("tests/sharded/scenarios.rs");
    let opt = Opt::try_parse_from([
        "scopes".as_ref(),
        "check".as_ref(),
        "--target".as_ref(),
        "citus".as_ref(),
        "--explain".as_ref(),
        "--color".as_ref(),
        "never".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        scenarios.as_os_str(),
    ])
    .unwrap();
    let mut out = Vec::new();
    let status = scopes_cli::run(&opt, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(status, scopes_cli::Status::Scoped, "{text}");
    assert!(!text.contains("not-single-shard"), "{text}");
    // The twelve statements the scenarios run with one value of `site`, and the two unscoped
    // ones (every tenant's posts: the control query and the check after the writes).
    let single = text
        .matches("citus: one value of `site`: single shard (router)")
        .count();
    let fan_out = text.matches("citus: fan-out to every shard").count();
    assert_eq!((single, fan_out), (12, 2), "{text}");
}
