//! `cargo xtask`: project automation for this workspace.
//!
//! Commands that keep `spec/` in sync with Telnyx's published OpenAPI document live here.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            println!("usage: cargo xtask <command>\n\ncommands:\n  help    show this message");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown xtask command `{other}`; run `cargo xtask help` for the list");
            ExitCode::from(2)
        }
    }
}
