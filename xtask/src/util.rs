//! Running commands from the repository root with the project's tools on PATH.

use std::path::PathBuf;
use std::process::Command;

/// Errors are messages for the terminal.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The repository root: the parent of xtask's manifest dir, read at run time (`cargo run` sets
/// it). Not `env!`: with a target dir shared between checkouts, a binary built in one checkout
/// would otherwise work on another.
pub fn root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .and_then(|dir| dir.parent().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, default `~/.cargo/bin`.
pub fn cargo_bin() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

/// PATH with the installed tools first: cargo's bin dir and the npm packages' binaries.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![cargo_bin(), root().join("node_modules/.bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// When this run of xtask started: step headings tell how far into the run they begin.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Starts the clock that step headings read.
pub fn start_clock() {
    STARTED.get_or_init(std::time::Instant::now);
}

/// Prints a step heading with the time since xtask started (`[12:34]`), so a slow stage shows
/// in the log.
pub fn step(name: &str) {
    let elapsed = STARTED
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs();
    println!("\n==> [{:02}:{:02}] {name}", elapsed / 60, elapsed % 60);
}

/// A command to run from the repository root with [`tool_path`].
pub struct Cmd {
    inner: Command,
    line: String,
}

/// Makes a [`Cmd`].
pub fn cmd(program: &str, args: &[&str]) -> Cmd {
    let mut inner = Command::new(program);
    inner
        .args(args)
        .current_dir(root())
        .env("PATH", tool_path());
    Cmd {
        inner,
        line: format!("{program} {}", args.join(" ")),
    }
}

impl Cmd {
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.inner.env(key, value);
        self
    }

    /// Runs it, failing with the command line if it fails.
    pub fn run(mut self) -> Result<()> {
        let status = self
            .inner
            .status()
            .map_err(|e| format!("could not start `{}`: {e}", self.line))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed ({status})", self.line).into())
        }
    }

    /// Sends its output and errors to the file at `path` (made or emptied).
    pub fn log_to(mut self, path: &std::path::Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::File::create(path)?;
        self.inner.stderr(file.try_clone()?).stdout(file);
        Ok(self)
    }

    /// Starts it without waiting.
    pub fn spawn(mut self) -> Result<std::process::Child> {
        self.inner
            .spawn()
            .map_err(|e| format!("could not start `{}`: {e}", self.line).into())
    }

    /// Runs it and returns its standard output, or `Err` if it cannot start or fails.
    pub fn output(mut self) -> Result<String> {
        let out = self
            .inner
            .output()
            .map_err(|e| format!("could not start `{}`: {e}", self.line))?;
        if !out.status.success() {
            return Err(format!("`{}` failed ({})", self.line, out.status).into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// FNV-1a, 64 bits: enough to tell builds and requirement sets apart (xtask uses only the
/// standard library).
pub struct Fnv64(pub u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// Mixes `bytes` into the hash.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
