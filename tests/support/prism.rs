//! Prism (Stoplight's OpenAPI mock server and request validator) for the client's test
//! binaries: finding the upstream document and Prism (installing it when npm is there), and
//! running one Prism process that cannot outlive the test.
//!
//! A test that cannot have Prism skips or fails the way `outside_input` says (which every
//! binary that includes this file includes too).
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::outside_input::{test_name, unavailable};

/// Prism's launcher, relative to the repository root, as installed by the script below.
const PRISM_BIN: &str = ".tools/prism/node_modules/.bin/prism";
/// Installs Prism into `.tools/prism`.
const INSTALL_SCRIPT: &str = "scripts/install-prism.sh";
/// How long Prism may take to load the document and start listening.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
/// How long Prism may take to exit once asked to.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
/// What Prism prints (on stdout) once it accepts requests, followed by its base URL.
const LISTENING: &str = "Prism is listening on ";

/// Runs `sh -c WATCHDOG prism-watchdog PRISM ARGS...`. Prism runs in the background, in the
/// process group the shell leads; the shell gives up its copies of the output pipes (so that
/// their end of file means that Prism has exited) and waits for end of file on its stdin, which
/// happens when the test closes it or dies. Then it sends SIGTERM to the whole group.
const WATCHDOG: &str = r#""$@" </dev/null &
exec >/dev/null 2>&1
read -r _ || :
kill -TERM 0
"#;

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `program --version` runs successfully.
pub fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Prism's launcher, installed first if needed, or `None` (with a message) when the test should
/// skip.
pub fn prism_binary() -> Option<PathBuf> {
    if !cfg!(unix) {
        return unavailable("this test starts Prism with a POSIX shell and runs on Unix only");
    }
    if !runs("node") {
        return unavailable("Node.js (`node`) was not found on PATH; install Node.js >= 18.20.1");
    }
    let bin = repo_root().join(PRISM_BIN);
    if bin.is_file() {
        return Some(bin);
    }
    if !runs("npm") {
        return unavailable(&format!(
            "Prism is not installed ({PRISM_BIN} is missing) and `npm` was not found on PATH to \
             install it; install npm, or run {INSTALL_SCRIPT}"
        ));
    }
    eprintln!(
        "{}: Prism is not installed; running {INSTALL_SCRIPT} (about 20 s)",
        test_name()
    );
    let status = Command::new("bash")
        .arg(repo_root().join(INSTALL_SCRIPT))
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .stderr(Stdio::inherit())
        .status();
    match status {
        Ok(status) if status.success() && bin.is_file() => Some(bin),
        Ok(status) if status.success() => unavailable(&format!(
            "{INSTALL_SCRIPT} succeeded but {PRISM_BIN} is still missing"
        )),
        Ok(status) => unavailable(&format!("{INSTALL_SCRIPT} failed ({status})")),
        Err(error) => unavailable(&format!(
            "could not run {INSTALL_SCRIPT} with bash: {error}"
        )),
    }
}

/// A running Prism. Dropping it stops Prism and waits for it.
pub struct Prism {
    /// The watchdog shell, leader of the process group Prism runs in.
    watchdog: Child,
    /// The watchdog's stdin; closing it stops Prism.
    lifeline: Option<ChildStdin>,
    /// Prism's stdout lines after the readiness line; disconnects when Prism has exited.
    log: Receiver<String>,
    /// The last lines Prism wrote to stderr.
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    /// Where Prism listens, `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl Prism {
    /// Starts Prism on `spec` with `--errors` (and a fixed seed for generated answers) and
    /// waits until it listens.
    pub fn start(bin: &Path, spec: &Path) -> Result<Prism, String> {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(WATCHDOG)
            .arg("prism-watchdog")
            .arg(bin)
            // The seed makes answers generated from the schema (`Prefer: dynamic=true`)
            // the same on every run.
            .args([
                "mock",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--errors",
                "--seed",
                "1",
            ])
            .arg(spec)
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut watchdog = command
            .spawn()
            .map_err(|e| format!("could not start Prism through sh: {e}"))?;
        let lifeline = watchdog.stdin.take();
        let stdout = watchdog.stdout.take().expect("piped stdout");
        let stderr = watchdog.stderr.take().expect("piped stderr");

        let (sender, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in lines(stdout) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::spawn(move || {
            for line in lines(stderr) {
                let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                if tail.len() == 40 {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });

        // From here on, dropping `prism` stops the process, also on the error paths below.
        let mut prism = Prism {
            watchdog,
            lifeline,
            log,
            stderr_tail,
            base_url: String::new(),
        };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut stdout_tail = VecDeque::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match prism.log.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = listening_url(&line) {
                        prism.base_url = url;
                        return Ok(prism);
                    }
                    if stdout_tail.len() == 20 {
                        stdout_tail.pop_front();
                    }
                    stdout_tail.push_back(line);
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(prism.startup_failure(
                        &format!(
                            "Prism did not report `{LISTENING}...` within {} s",
                            STARTUP_TIMEOUT.as_secs()
                        ),
                        &stdout_tail,
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // Let the stderr reader catch up with the last lines.
                    std::thread::sleep(Duration::from_millis(300));
                    return Err(
                        prism.startup_failure("Prism exited before it was ready", &stdout_tail)
                    );
                }
            }
        }
    }

    fn startup_failure(&self, what: &str, stdout_tail: &VecDeque<String>) -> String {
        let stderr_tail = self.stderr_tail.lock().unwrap_or_else(|e| e.into_inner());
        let join = |lines: &VecDeque<String>| {
            if lines.is_empty() {
                "    (nothing)".to_owned()
            } else {
                lines
                    .iter()
                    .map(|l| format!("    {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        format!(
            "{what}.\n  Prism's stderr (last lines):\n{}\n  Prism's stdout (last lines):\n{}",
            join(&stderr_tail),
            join(stdout_tail)
        )
    }

    /// Prism's stdout lines logged since the last call.
    pub fn drain_log(&mut self) -> Vec<String> {
        self.log.try_iter().collect()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // End of file on the watchdog's stdin: it sends SIGTERM to Prism's process group.
        drop(self.lifeline.take());
        // Prism has exited when its stdout closes.
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        let exited = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(_) => {}
                Err(RecvTimeoutError::Disconnected) => break true,
                Err(RecvTimeoutError::Timeout) => break false,
            }
        };
        if !exited {
            eprintln!(
                "{}: Prism did not stop on SIGTERM; sending SIGKILL",
                test_name()
            );
            // The watchdog has not been reaped yet, so its pid still names this group.
            let group = format!("-{}", self.watchdog.id());
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
    }
}

/// The lines of `reader`, decoded leniently, until end of file or a read error.
pub fn lines(reader: impl Read) -> impl Iterator<Item = String> {
    let mut reader = BufReader::new(reader);
    std::iter::from_fn(move || {
        let mut buffer = Vec::new();
        match reader.read_until(b'\n', &mut buffer) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(String::from_utf8_lossy(&buffer).trim_end().to_owned()),
        }
    })
}

/// The base URL in Prism's readiness line, e.g. `http://127.0.0.1:41071` from
/// `[11:21:38 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:41071`.
pub fn listening_url(line: &str) -> Option<String> {
    let start = line.find(LISTENING)? + LISTENING.len();
    let url = line[start..]
        .split_whitespace()
        .next()?
        .trim_end_matches('/');
    let port = url.strip_prefix("http://127.0.0.1:")?;
    port.parse::<u16>().ok()?;
    Some(url.to_owned())
}

// ------------------------------------------------------------------------------------------
// Recording what the client sends.
