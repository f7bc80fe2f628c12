//! `cargo xtask`: project automation for this workspace.
//!
//! ```text
//! cargo xtask spec sync  [--source URL|PATH] [--tags A,B,… | --all-tags] [--out PATH] [--force]
//! cargo xtask spec check [--upstream URL|PATH] [--spec PATH]
//! cargo xtask spec pin   [--spec PATH]
//! cargo xtask spec diff  OLD NEW
//! cargo xtask codegen    [--spec URL|PATH] [--out FILE]
//! ```
//!
//! Exit status: 0 on success, 1 when a check fails or drift is found, 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use xtask::commands::{self, CodegenOptions, Progress, SyncOptions};
use xtask::config::SyncConfig;
use xtask::load::Source;
use xtask::spec::TagSelection;
use xtask::{Error, workspace_root};

/// Project automation for the telnyx-client workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Keep spec/telnyx.json in sync with Telnyx's published OpenAPI spec.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Write the generated client, formatted, to a file for review.
    Codegen(CodegenArgs),
}

/// `spec` subcommands.
#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// Convert upstream (OpenAPI 3.1) to 3.0, apply the fixups, keep the selected tags, write
    /// the spec and its lock.
    Sync(SyncArgs),
    /// Check the vendored spec: OpenAPI 3.0, progenitor generates from it, the lock matches;
    /// with --upstream, report structural drift from upstream.
    Check(CheckArgs),
    /// Record the vendored spec's hash in the lock after a deliberate hand edit.
    Pin(PinArgs),
    /// Print an API changelog between two specs (OpenAPI 3.0 or 3.1, YAML or JSON).
    Diff(DiffArgs),
}

/// Arguments of `spec sync`.
#[derive(Debug, Args)]
struct SyncArgs {
    /// Upstream spec URL or path (default: `source` in spec/sync.toml).
    #[arg(long, value_name = "URL|PATH")]
    source: Option<String>,
    /// Comma-separated tags to keep (default: `tags` in spec/sync.toml).
    #[arg(
        long,
        value_delimiter = ',',
        conflicts_with = "all_tags",
        value_name = "A,B,…"
    )]
    tags: Option<Vec<String>>,
    /// Keep every operation.
    #[arg(long)]
    all_tags: bool,
    /// Where to write the spec; the lock (telnyx.lock) goes beside it (default: `output` in
    /// spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Overwrite a spec that the lock records as hand-written.
    #[arg(long)]
    force: bool,
}

/// Arguments of `spec check`.
#[derive(Debug, Args)]
struct CheckArgs {
    /// Compare with this upstream spec (URL or path) and fail on structural drift.
    #[arg(long, value_name = "URL|PATH")]
    upstream: Option<String>,
    /// The vendored spec (default: `output` in spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
}

/// Arguments of `spec pin`.
#[derive(Debug, Args)]
struct PinArgs {
    /// The vendored spec (default: `output` in spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
}

/// Arguments of `spec diff`.
#[derive(Debug, Args)]
struct DiffArgs {
    /// The older spec (URL or path).
    old: String,
    /// The newer spec (URL or path).
    new: String,
}

/// Arguments of `codegen`.
#[derive(Debug, Args)]
struct CodegenArgs {
    /// The spec to generate from (default: `output` in spec/sync.toml); OpenAPI 3.1 input is
    /// normalised (all tags) first.
    #[arg(long, value_name = "URL|PATH")]
    spec: Option<String>,
    /// Where to write the client (default: target/xtask/telnyx_client.rs).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            match error {
                Error::Usage(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// Resolves a path argument against the current directory.
fn absolute(path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        path
    } else {
        std::env::current_dir().map_or(path.clone(), |cwd| cwd.join(path))
    }
}

/// Runs the command; `Ok` carries the exit code for commands that can "fail" without error.
fn run(cli: Cli) -> xtask::Result<ExitCode> {
    let root = workspace_root();
    let config_path = root.join("spec").join("sync.toml");
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.clone());
    let mut progress = Progress::new(false);
    match cli.command {
        Command::Spec(SpecCommand::Sync(args)) => {
            let config = SyncConfig::load(&config_path)?;
            let source = Source::parse(args.source.as_deref().unwrap_or(&config.source), &cwd);
            let tags = if args.all_tags {
                TagSelection::All
            } else {
                TagSelection::Only(args.tags.unwrap_or(config.tags))
            };
            let out = args.out.map_or_else(|| root.join(&config.output), absolute);
            let outcome = commands::sync(
                &SyncOptions {
                    source,
                    tags,
                    out,
                    force: args.force,
                },
                &mut progress,
            )?;
            progress.step("done");
            print!("{}", commands::sync_summary(&outcome));
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec(SpecCommand::Check(args)) => {
            let spec_path = vendored_path(args.spec, &config_path, &root)?;
            let upstream = args.upstream.map(|u| Source::parse(&u, &cwd));
            let outcome = commands::check(&spec_path, upstream.as_ref(), &mut progress)?;
            progress.step("done");
            print!(
                "{}",
                commands::check_summary(&spec_path, &outcome, upstream.is_some())
            );
            Ok(if outcome.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Spec(SpecCommand::Pin(args)) => {
            let spec_path = vendored_path(args.spec, &config_path, &root)?;
            let lock = commands::pin(&spec_path)?;
            println!(
                "pinned {}: {} operations, tags {}, sha256 {}",
                spec_path.display(),
                lock.operation_count,
                lock.tags.join(", "),
                lock.output_sha256
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec(SpecCommand::Diff(args)) => {
            let changes = commands::diff(
                &Source::parse(&args.old, &cwd),
                &Source::parse(&args.new, &cwd),
            )?;
            if changes.is_empty() {
                println!("no API changes");
            } else {
                print!("{}", xtask::model::render(&changes));
                println!("{} changes", changes.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Codegen(args) => {
            let spec = match args.spec {
                Some(s) => Source::parse(&s, &cwd),
                None => Source::Path(vendored_path(None, &config_path, &root)?),
            };
            let out = args.out.map_or_else(
                || root.join("target").join("xtask").join("telnyx_client.rs"),
                absolute,
            );
            let lines = commands::codegen(
                &CodegenOptions {
                    spec,
                    out: out.clone(),
                },
                &mut progress,
            )?;
            progress.step("done");
            println!("wrote {} ({lines} lines)", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The vendored spec path: the argument, or `output` from spec/sync.toml.
fn vendored_path(
    arg: Option<PathBuf>,
    config_path: &std::path::Path,
    root: &std::path::Path,
) -> xtask::Result<PathBuf> {
    match arg {
        Some(path) => Ok(absolute(path)),
        None => Ok(root.join(SyncConfig::load(config_path)?.output)),
    }
}
