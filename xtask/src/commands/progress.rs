//! Progress lines on stderr, timed from the start of the command.

use std::time::Instant;

/// Prints progress lines to stderr with the time since the command started.
pub struct Progress {
    start: Instant,
    quiet: bool,
}

impl Progress {
    /// A progress printer; `quiet` suppresses output (tests).
    pub fn new(quiet: bool) -> Self {
        Self {
            start: Instant::now(),
            quiet,
        }
    }

    /// Prints `[  1.23s] message`.
    pub fn step(&mut self, message: &str) {
        if !self.quiet {
            eprintln!("[{:>6.2}s] {message}", self.start.elapsed().as_secs_f64());
        }
    }
}
