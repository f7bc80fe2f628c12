//! `spec sync`: read upstream, normalise, check that the client generates, write the spec, the
//! lock and the project files together.

use std::path::{Path, PathBuf};

use super::files::{AdditionFiles, ProjectFiles, project_updates};
use super::generate::generate_repairing;
use super::normalise::normalised;
use super::progress::Progress;
use crate::error::Result;
use crate::load::{self, Loaded, Source};
use crate::lock::{DroppedWebhook, Lock};
use crate::output;
use crate::spec::{Normalised, Report, TagSelection};

/// Options of `spec sync`.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Upstream document.
    pub source: Source,
    /// Operations to keep.
    pub tags: TagSelection,
    /// Where to write the spec; the lock goes beside it.
    pub out: PathBuf,
    /// The overlay and families to apply (none: upstream's facts only, no families).
    pub additions: Option<AdditionFiles>,
    /// Project files to update with the families (only when `out` is the vendored spec).
    pub project: Option<ProjectFiles>,
}

/// What `spec sync` did.
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    /// Normalisation report.
    pub report: Report,
    /// The lock that was written.
    pub lock: Lock,
    /// Where the spec was written.
    pub out: PathBuf,
    /// Where the lock was written.
    pub lock_path: PathBuf,
    /// The spec's bytes.
    pub bytes: usize,
    /// Lines of the client generated from it (all families).
    pub generated_lines: usize,
    /// Project files rewritten (the features block, the README table).
    pub project_files: Vec<PathBuf>,
}

/// `spec sync`: read upstream, normalise, check that the client generates, write the spec, the
/// lock and the project files together.
pub fn sync(options: &SyncOptions, progress: &mut Progress) -> Result<SyncOutcome> {
    progress.step(&format!("reading {}", options.source.display()));
    let bytes = load::read_bytes(&options.source)?;
    progress.step(&format!("parsing {} bytes", bytes.len()));
    let loaded = load::parse_bytes(&bytes, &options.source.display())?;
    sync_loaded(&loaded, options, progress)
}

/// `spec sync` on an already parsed document (tests parse upstream once).
pub fn sync_loaded(
    loaded: &Loaded,
    options: &SyncOptions,
    progress: &mut Progress,
) -> Result<SyncOutcome> {
    let (mut normalised, additions) =
        normalised(loaded, &options.tags, options.additions.as_ref(), progress)?;
    progress.step("generating the client (every family) to check the result");
    let generated_lines = generate_repairing(
        &mut normalised,
        additions.as_ref().map(|a| &a.families),
        &options.out.display().to_string(),
        progress,
    )?;
    let Normalised { text, report, .. } = normalised;
    let lock_path = Lock::path_for(&options.out);
    let (families, unsorted_tags, webhooks, unsorted_webhooks) = match &report.families {
        Some(a) => (
            a.operations.clone(),
            a.unsorted_tags.iter().cloned().collect(),
            a.webhooks.clone(),
            a.unsorted_webhooks.iter().cloned().collect(),
        ),
        None => Default::default(),
    };
    let lock = Lock {
        source: options.source.for_lock(),
        upstream_sha256: loaded.sha256.clone(),
        tags: options.tags.for_lock(),
        operation_count: report.operations,
        output: file_name(&options.out),
        output_sha256: load::sha256_hex(text.as_bytes()),
        families,
        unsorted_tags,
        webhooks,
        unsorted_webhooks,
        dropped_webhooks: report
            .webhooks
            .dropped
            .iter()
            .map(|(name, reason)| DroppedWebhook {
                name: name.clone(),
                reason: reason.clone(),
            })
            .collect(),
        fixups: report.fixups.clone(),
        overlay: report.overlay.clone(),
        removed: report.removed.clone(),
        removed_parts: report.removed_parts.clone(),
        dropped_keywords: report.dropped_keywords.clone(),
    };
    let mut writes: Vec<(PathBuf, Vec<u8>)> = vec![
        (options.out.clone(), text.clone().into_bytes()),
        (lock_path.clone(), lock.to_text()?.into_bytes()),
    ];
    if let (Some(project), Some(additions), Some(assignment)) =
        (&options.project, &additions, &report.families)
    {
        for (path, contents) in project_updates(project, &additions.families, assignment)? {
            writes.push((path, contents.into_bytes()));
        }
    }
    progress.step(&format!("writing {}", options.out.display()));
    output::write_all_atomic(&writes)?;
    Ok(SyncOutcome {
        report,
        lock,
        out: options.out.clone(),
        lock_path,
        bytes: text.len(),
        generated_lines,
        project_files: writes.into_iter().skip(2).map(|(path, _)| path).collect(),
    })
}

/// The file name of `path` as text.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
