//! `vivox-token`: mint and verify Vivox access tokens from the command line.
//!
//! Exit codes: 0 success; 1 a token that does not verify; 2 bad input or usage.

#![warn(missing_docs)]

mod args;
mod run;

use std::io::Write as _;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use crate::args::Cli;
use crate::run::{Failure, KeySource};

/// Exit code for bad input or usage, as clap uses for its own errors.
const EXIT_USAGE: u8 = 2;
/// Exit code for a token that does not verify.
const EXIT_REJECTED: u8 = 1;

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return clap_exit(&error),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    // Global arguments are visible from the top-level matches wherever they were typed.
    let keys = KeySource {
        key: cli.key.as_deref(),
        key_on_command_line: matches.value_source("key") == Some(ValueSource::CommandLine),
        key_file: cli.key_file.as_deref(),
    };
    match run::run(&cli, &keys) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{output}").and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: cannot write to stdout: {error}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Rejected(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_REJECTED)
        }
    }
}

/// Prints a clap error or help text and picks its exit code (2 for usage errors, 0 for help).
fn clap_exit(error: &clap::Error) -> ExitCode {
    // Printing fails only if the terminal is gone; the exit code still tells.
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE))
}
