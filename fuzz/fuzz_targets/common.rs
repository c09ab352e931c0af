// Shared by the targets (included with `include!`): the example configs, loaded once.
use std::sync::OnceLock;

use scopes_core::Config;

fn configs() -> &'static [Config] {
    static CONFIGS: OnceLock<Vec<Config>> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        vec![
            Config::load(&root.join("scopes.toml")).expect("scopes.toml"),
            Config::load(&root.join("scopes-difftest/scopes-postgres.toml"))
                .expect("scopes-postgres.toml"),
        ]
    })
}
