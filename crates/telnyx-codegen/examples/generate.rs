//! Prints the client source generated from an OpenAPI document, for inspection:
//!
//! ```sh
//! cargo run -p telnyx-codegen --example generate -- spec/telnyx.json [--mock] > /tmp/client.rs
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: generate <openapi.json> [--mock]");
        return ExitCode::FAILURE;
    };
    let options = telnyx_codegen::Options {
        mock: args.any(|a| a == "--mock"),
        ..Default::default()
    };
    let json = match std::fs::read_to_string(&path) {
        Ok(json) => json,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match telnyx_codegen::generate(&json, &path, &options) {
        Ok(generated) => {
            print!("{}", generated.client);
            if let Some(mock) = generated.mock {
                print!("\n// ---- mock ----\n\n{mock}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
