//! The `scopes` binary: parses options and calls `scopes_cli::run`; everything else is in the lib.

use std::io::{self, BufWriter};
use std::process::ExitCode;

use clap::Parser;
use scopes_cli::opt::Opt;

// The analyzer allocates many small, short-lived values (AST nodes, names, fact sets); checking
// runs about a third faster on mimalloc than on the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2, the code of every usage error here.
    let opt = Opt::parse();
    match try_main(&opt) {
        Ok(status) => ExitCode::from(status.exit_code()),
        Err(err) => {
            // Every message of ours already includes its cause: print the outermost only.
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn try_main(opt: &Opt) -> Result<scopes_cli::Status, scopes_cli::Error> {
    let mut out = BufWriter::new(io::stdout().lock());
    scopes_cli::run(opt, &mut out)
}
