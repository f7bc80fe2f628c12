//! `vivox-token`: mint and verify Vivox access tokens from the command line.
//!
//! Exit codes: 0 success; 1 a token that does not verify; 2 bad input or
//! usage, or the output could not be written.

#![warn(missing_docs)]

mod args;
mod output;
mod run;
mod secrets;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::Cli;
use crate::run::{Environment, Failure};

/// Exit code for bad input or usage, as clap uses for its own errors.
const EXIT_USAGE: u8 = 2;
/// Exit code for a token that does not verify.
const EXIT_REJECTED: u8 = 1;

fn main() -> ExitCode {
    let argv: Vec<_> = std::env::args_os().collect();
    let env = Environment::from_process();
    // Before clap sees the arguments: clap would echo a key that looks like an option.
    if let Err(message) = secrets::check_key_arguments(&argv) {
        eprintln!("error: {message}");
        return ExitCode::from(EXIT_USAGE);
    }
    let parsed = Cli::command()
        .try_get_matches_from(&argv)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error, &argv, &env),
    };
    match run::run(&cli, &env) {
        Ok(text) => match output::print_line(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_USAGE)
            }
        },
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
///
/// An error message that would contain the signing key is replaced by one that does not.
fn clap_exit(error: &clap::Error, argv: &[std::ffi::OsString], env: &Environment) -> ExitCode {
    let code = ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE));
    if error.use_stderr() {
        let rendered = error.render().to_string();
        let env_key = env.key.as_ref().map(|secret| secret.0.as_slice());
        if secrets::mentions_a_key(rendered.as_bytes(), argv, env_key) {
            eprintln!("error: {}", secrets::REDACTED_USAGE_ERROR);
            return ExitCode::from(EXIT_USAGE);
        }
    }
    // Printing fails only if the terminal is gone; the exit code still tells.
    let _ = error.print();
    code
}
