//! One private PostgreSQL cluster: `initdb` into a temporary directory, `pg_ctl start` on a
//! loopback port of 6500-6599, `pg_ctl stop` when dropped. Run as the `postgres` user when the
//! test runs as root (the server refuses to run as root).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The first port this suite may use, and how many.
const PORTS: std::ops::Range<u16> = 6500..6600;

/// The PostgreSQL 15 server programs, found or not.
pub struct Binaries {
    pub bin: PathBuf,
    /// `Some(user)` when the programs must run as that user (the test runs as root).
    pub run_as: Option<String>,
}

impl Binaries {
    /// The server programs (`SCOPES_TEST_PG_BIN`, default /usr/lib/postgresql/15/bin) with the
    /// postgres_fdw and auto_explain modules, or why they cannot be used.
    pub fn find() -> Result<Binaries, String> {
        let bin = std::env::var_os("SCOPES_TEST_PG_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"));
        for program in ["initdb", "pg_ctl", "postgres"] {
            if !bin.join(program).is_file() {
                return Err(format!("{} is missing", bin.join(program).display()));
            }
        }
        let lib = bin.join("../lib");
        for module in ["postgres_fdw.so", "auto_explain.so"] {
            if !lib.join(module).is_file() {
                return Err(format!("{} is missing", lib.join(module).display()));
            }
        }
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let run_as = if root {
            let exists = Command::new("id")
                .arg("postgres")
                .output()
                .is_ok_and(|o| o.status.success());
            if !exists {
                return Err(
                    "running as root and there is no `postgres` user to run the server as".into(),
                );
            }
            Some("postgres".to_string())
        } else {
            None
        };
        Ok(Binaries { bin, run_as })
    }

    /// A command running one of the programs, as the server user.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    /// Gives the directory to the server user.
    pub fn own(&self, dir: &Path) -> Result<(), String> {
        if let Some(user) = &self.run_as {
            let status = Command::new("chown")
                .args(["-R", &format!("{user}:{user}")])
                .arg(dir)
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !status.success() {
                return Err(format!("chown {} failed", dir.display()));
            }
        }
        Ok(())
    }
}

/// A running cluster; stopped when dropped.
pub struct Cluster<'b> {
    binaries: &'b Binaries,
    pub data: PathBuf,
    pub port: u16,
    pub log_dir: PathBuf,
}

impl<'b> Cluster<'b> {
    /// Creates and starts a cluster named `name` under `root`, with the extra settings.
    pub fn start(
        binaries: &'b Binaries,
        root: &Path,
        name: &str,
        settings: &[(&str, &str)],
    ) -> Result<Cluster<'b>, String> {
        let data = root.join(name);
        let log_dir = root.join(format!("{name}-log"));
        std::fs::create_dir_all(&log_dir).map_err(|e| e.to_string())?;
        binaries.own(root)?;
        run(binaries
            .command("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(&data))?;
        let mut last = String::new();
        // Another run may take a free port between the probe and the start: try a few.
        for _ in 0..5 {
            let port = free_port()?;
            let mut conf = format!(
                "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
                 fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 16MB\n\
                 max_connections = 60\nlogging_collector = on\nlog_destination = 'jsonlog'\n\
                 log_directory = '{}'\nlog_filename = 'postgresql'\nlog_rotation_age = 0\nlog_rotation_size = 0\n",
                root.display(),
                log_dir.display()
            );
            for (key, value) in settings {
                conf.push_str(&format!("{key} = '{value}'\n"));
            }
            let file = data.join("postgresql.conf");
            let base = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
            let base = base
                .split("\n# scopes-sharded\n")
                .next()
                .unwrap_or("")
                .to_string();
            std::fs::write(&file, format!("{base}\n# scopes-sharded\n{conf}"))
                .map_err(|e| e.to_string())?;
            let started = run(binaries
                .command("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(root.join(format!("{name}.startup.log")))
                .arg("start"));
            match started {
                Ok(()) => {
                    return Ok(Cluster {
                        binaries,
                        data,
                        port,
                        log_dir,
                    })
                }
                Err(e) => last = e,
            }
        }
        Err(format!("cannot start {name}: {last}"))
    }

    /// `postgres://postgres@127.0.0.1:<port>/<db>`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// The server's JSON log (one object per line), once the server has stopped or flushed it.
    pub fn log_path(&self) -> PathBuf {
        self.log_dir.join("postgresql.json")
    }
}

impl Drop for Cluster<'_> {
    fn drop(&mut self) {
        let _ = run(self
            .binaries
            .command("pg_ctl")
            .args(["-w", "-m", "fast", "-D"])
            .arg(&self.data)
            .arg("stop"));
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A loopback port of the suite's range that nothing listens on now (a different start in the
/// range per process, so that two runs rarely probe the same ports).
fn free_port() -> Result<u16, String> {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let span = PORTS.end - PORTS.start;
    let offset = (std::process::id() % u32::from(span)) as u16;
    for _ in 0..span {
        let k = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = PORTS.start + (offset + k) % span;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(format!("no free port in {}-{}", PORTS.start, PORTS.end - 1))
}
