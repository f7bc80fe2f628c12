//! `cargo xtask`: project automation for this workspace.
//!
//! ```text
//! cargo xtask spec sync  [--source URL|PATH] [--tags A,B,… | --all-tags] [--out PATH]
//! cargo xtask spec check [--upstream URL|PATH] [--spec PATH]
//! cargo xtask spec diff  OLD NEW
//! cargo xtask codegen    [--spec URL|PATH] [--families A,B,…] [--webhooks] [--out FILE]
//! ```
//!
//! Exit status: 0 on success, 1 when a check fails or drift is found, 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use xtask::commands::{
    self, AdditionFiles, CheckOptions, CodegenOptions, Progress, ProjectFiles, SyncOptions,
};
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
    /// Convert upstream (OpenAPI 3.1) to 3.0, apply the fixups, strip upstream's prose, apply
    /// spec/overlay.yaml, assign the families of spec/families.toml, check that the client
    /// generates, then write the spec, its lock and the family blocks of Cargo.toml and
    /// README.md.
    Sync(SyncArgs),
    /// Check the vendored spec: OpenAPI 3.0, the client generates, the lock and the family
    /// blocks match; with --upstream, syncing upstream again gives the same document.
    Check(CheckArgs),
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
    /// Keep every operation (the default unless spec/sync.toml lists `tags`).
    #[arg(long)]
    all_tags: bool,
    /// Where to write the spec; the lock (telnyx.lock) goes beside it (default: `output` in
    /// spec/sync.toml, which also updates the family blocks of Cargo.toml and README.md).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Report overlay actions whose target matches nothing instead of failing. This is what a
    /// sync with `--out` elsewhere than the vendored spec always does (another upstream
    /// version may not have the mistakes a correction fixes); refused for the vendored spec.
    #[arg(long)]
    allow_unmatched_overlay: bool,
    /// Our overlay (default: `overlay` in spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    overlay: Option<PathBuf>,
    /// The tag → family assignment (default: `families` in spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    families: Option<PathBuf>,
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
    /// Our overlay, for the re-sync of --upstream (default for the vendored spec: `overlay`
    /// in spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    overlay: Option<PathBuf>,
    /// The family assignment to check (default for the vendored spec: `families` in
    /// spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    families: Option<PathBuf>,
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
    /// Our overlay, applied to a 3.1 document (default: `overlay` in spec/sync.toml).
    #[arg(long, value_name = "PATH")]
    overlay: Option<PathBuf>,
    /// The tag → family assignment for a 3.1 document (default: `families` in
    /// spec/sync.toml).
    #[arg(long = "families-file", value_name = "PATH")]
    families_file: Option<PathBuf>,
    /// Generate only these families (default: all).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    families: Option<Vec<String>>,
    /// Also generate the webhook events of those families (as the `webhooks` feature does).
    #[arg(long)]
    webhooks: bool,
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
            let tags = match (args.all_tags, args.tags.or(config.tags.clone())) {
                (false, Some(tags)) => TagSelection::Only(dedup(tags)),
                _ => TagSelection::All,
            };
            let vendored = root.join(&config.output);
            let out = args.out.map_or_else(|| vendored.clone(), absolute);
            // Only the vendored spec's sync rewrites the family blocks of the project files.
            let is_vendored = same_file(&out, &vendored);
            if is_vendored && args.allow_unmatched_overlay {
                return Err(xtask::Error::Usage(
                    "--allow-unmatched-overlay is for syncing other upstream versions elsewhere \
                     (--out); the vendored spec takes every overlay action"
                        .to_owned(),
                ));
            }
            let project = is_vendored.then(|| ProjectFiles::at(&root));
            let mut additions = addition_files(&config, &root, args.overlay, args.families);
            // Another upstream version, written elsewhere, may predate (or postdate) the
            // mistakes our corrections fix: those are listed as not applied. The vendored spec
            // takes every correction, so that a stale one is noticed and deleted.
            additions.allow_unmatched_overlay = args.allow_unmatched_overlay || !is_vendored;
            let outcome = commands::sync(
                &SyncOptions {
                    source,
                    tags,
                    out,
                    additions: Some(additions),
                    project,
                },
                &mut progress,
            )?;
            progress.step("done");
            print!("{}", commands::sync_summary(&outcome));
            Ok(ExitCode::SUCCESS)
        }
        Command::Spec(SpecCommand::Check(args)) => {
            let config = SyncConfig::load(&config_path)?;
            let vendored = root.join(&config.output);
            let spec_path = args.spec.map_or_else(|| vendored.clone(), absolute);
            let is_vendored = same_file(&spec_path, &vendored);
            let upstream = args.upstream.map(|u| Source::parse(&u, &cwd));
            let given = args.overlay.is_some() || args.families.is_some();
            let options = CheckOptions {
                spec: spec_path.clone(),
                additions: (is_vendored || given)
                    .then(|| addition_files(&config, &root, args.overlay, args.families)),
                project: is_vendored.then(|| ProjectFiles::at(&root)),
            };
            let outcome = commands::check(&options, upstream.as_ref(), &mut progress)?;
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
            let config = SyncConfig::load(&config_path)?;
            let spec = match args.spec {
                Some(s) => Source::parse(&s, &cwd),
                None => Source::Path(root.join(&config.output)),
            };
            let out = args.out.map_or_else(
                || root.join("target").join("xtask").join("telnyx_client.rs"),
                absolute,
            );
            let outcome = commands::codegen(
                &CodegenOptions {
                    spec,
                    out: out.clone(),
                    additions: Some(addition_files(
                        &config,
                        &root,
                        args.overlay,
                        args.families_file,
                    )),
                    families: args.families.map(|f| f.into_iter().collect()),
                    webhooks: args.webhooks,
                },
                &mut progress,
            )?;
            progress.step("done");
            for (operation, reason) in &outcome.unpaged {
                println!("no paginate() for {operation}: {reason}");
            }
            if args.webhooks {
                for (webhook, reason) in &outcome.untyped_webhooks {
                    println!("no Event variant for webhook {webhook}: {reason}");
                }
                println!(
                    "{} webhook event types with an Event variant",
                    outcome.event_types
                );
            }
            println!(
                "{} types share the definition of an identical one",
                outcome.shared_types
            );
            for conversion in &outcome.dropped_conversions {
                println!("dropped an ambiguous conversion: impl {conversion}");
            }
            println!("wrote {} ({} lines)", out.display(), outcome.lines);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The overlay and families: the arguments, or those named by spec/sync.toml.
fn addition_files(
    config: &SyncConfig,
    root: &std::path::Path,
    overlay: Option<PathBuf>,
    families: Option<PathBuf>,
) -> AdditionFiles {
    AdditionFiles {
        overlay: overlay.map_or_else(|| root.join(&config.overlay), absolute),
        families: families.map_or_else(|| root.join(&config.families), absolute),
        allow_unmatched_overlay: false,
    }
}

/// Whether two paths name the same file (or would, once created).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `tags` without repeats, in first-seen order.
fn dedup(tags: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    tags.into_iter()
        .filter(|tag| seen.insert(tag.clone()))
        .collect()
}
