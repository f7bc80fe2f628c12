//! `spec check`: the vendored spec is OpenAPI 3.0, generates, matches its lock and the project
//! files; with upstream, syncing it again gives the same document.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::files::{AdditionFiles, ProjectFiles, project_updates, read_text};
use super::generate::generate_all;
use super::normalise::normalised;
use super::progress::Progress;
use crate::error::{Error, Result};
use crate::load::{self, Loaded, OpenApiVersion, Source};
use crate::lock::Lock;
use crate::model::{self, Change};
use crate::spec::families::Families;
use crate::spec::prune::check_refs;
use crate::spec::{FixupCount, TagSelection, openapi30_from_value};
use crate::walk;

/// What `spec check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckOutcome {
    /// Operations in the vendored spec.
    pub operations: usize,
    /// Lines of generated client code.
    pub generated_lines: usize,
    /// Failures other than drift (hash mismatch, missing lock).
    pub problems: Vec<String>,
    /// Structural drift from upstream (empty without `--upstream`).
    pub drift: Vec<Change>,
    /// Differences that are not drift (operationId renames).
    pub notes: Vec<Change>,
    /// Fixups the lock records as having changed nothing in the last sync.
    pub idle_fixups: Vec<String>,
}

impl CheckOutcome {
    /// Whether the check passed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.drift.is_empty()
    }
}

/// Reads the vendored spec at `path`: JSON, OpenAPI 3.0, references resolve, `openapiv3`
/// accepts it. Returns the raw bytes, the JSON value and the typed document.
pub fn read_vendored(path: &Path) -> Result<(Vec<u8>, Value, openapiv3::OpenAPI)> {
    let bytes = load::read_file_bounded(path, load::MAX_DOCUMENT_BYTES)?;
    let origin = path.display().to_string();
    let loaded = load::parse_bytes(&bytes, &origin)?;
    if loaded.version != OpenApiVersion::V30 {
        return Err(Error::NotOpenApi {
            origin,
            pointer: "/openapi".to_owned(),
            message: "the vendored spec must be OpenAPI 3.0.x (progenitor reads 3.0 only)"
                .to_owned(),
        });
    }
    check_refs(&loaded.doc, &origin)
        .and_then(|()| openapi30_from_value(&loaded.doc, &origin))
        .map_err(|e| loaded.positions.annotate(e))
        .map(|typed| (bytes, loaded.doc, typed))
}

/// What `spec check` compares the vendored spec with.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The vendored spec.
    pub spec: PathBuf,
    /// Our overlay and families; the family blocks of the project files are checked against
    /// them.
    pub additions: Option<AdditionFiles>,
    /// The project files whose family blocks must be up to date.
    pub project: Option<ProjectFiles>,
}

/// `spec check`: the vendored spec is OpenAPI 3.0, progenitor generates from it, the lock's
/// hash matches, the family blocks of `Cargo.toml` and `README.md` are up to date; with
/// `upstream`, syncing upstream again gives exactly the vendored spec.
pub fn check(
    options: &CheckOptions,
    upstream: Option<&Source>,
    progress: &mut Progress,
) -> Result<CheckOutcome> {
    let upstream = match upstream {
        Some(source) => {
            progress.step(&format!("reading {}", source.display()));
            Some(load::load(source)?)
        }
        None => None,
    };
    check_loaded(options, upstream.as_ref(), progress)
}

/// [`check`] with upstream already parsed.
pub fn check_loaded(
    options: &CheckOptions,
    upstream: Option<&Loaded>,
    progress: &mut Progress,
) -> Result<CheckOutcome> {
    let spec_path = &options.spec;
    progress.step(&format!("reading {}", spec_path.display()));
    let (bytes, doc, _) = read_vendored(spec_path)?;
    let mut outcome = CheckOutcome {
        operations: walk::operation_count(&doc),
        ..CheckOutcome::default()
    };
    progress.step("generating the client (every family) with progenitor");
    let text = String::from_utf8_lossy(&bytes);
    outcome.generated_lines = generate_all(&text, &spec_path.display().to_string())?;
    let lock_path = Lock::path_for(spec_path);
    let actual = load::sha256_hex(&bytes);
    let lock = Lock::read(&lock_path)?;
    if let Some(lock) = &lock {
        outcome.idle_fixups = idle_fixups(&lock.fixups);
    }
    match &lock {
        None => outcome.problems.push(format!(
            "{} is missing: run `cargo xtask spec sync` (it writes the spec and its lock)",
            lock_path.display()
        )),
        Some(lock) if lock.output_sha256 != actual => outcome.problems.push(format!(
            "{} is not what `spec sync` wrote (sha256 {actual}, {} says {}). The vendored spec \
             is generated: undo the edit, put the change in spec/overlay.yaml, and run \
             `cargo xtask spec sync`",
            spec_path.display(),
            lock_path.display(),
            lock.output_sha256,
        )),
        Some(_) => {}
    }
    if let Some(files) = &options.additions {
        let families = Families::load(&files.families)?;
        let mut reassigned = doc.clone();
        let assignment = families.assign(&mut reassigned);
        if reassigned != doc {
            outcome.problems.push(format!(
                "{} assigns families that {} does not have: run `cargo xtask spec sync`",
                files.families.display(),
                spec_path.display()
            ));
        }
        if let Some(project) = &options.project {
            for (path, _) in project_updates(project, &families, &assignment)?
                .into_iter()
                .filter(|(path, new)| read_text(path).map_or(true, |old| &old != new))
            {
                outcome.problems.push(format!(
                    "the API family block of {} is out of date: run `cargo xtask spec sync` \
                     (it is written from spec/families.toml)",
                    path.display()
                ));
            }
        }
    }
    if let Some(upstream) = upstream {
        progress.step("syncing upstream again to compare");
        let tags = match lock.as_ref().map(|l| l.tags.as_slice()) {
            Some([all]) if all == "*" => TagSelection::All,
            Some(tags) if !tags.is_empty() => TagSelection::Only(tags.to_vec()),
            _ => TagSelection::All,
        };
        let (normalised, _) = normalised(upstream, &tags, options.additions.as_ref(), progress)?;
        if normalised.text != text {
            let changes = model::compare(
                &model::build(&normalised.doc, &|_| true),
                &model::build(&doc, &|_| true),
            );
            let (drift, notes): (Vec<Change>, Vec<Change>) =
                changes.into_iter().partition(Change::is_drift);
            if drift.is_empty() {
                outcome.problems.push(format!(
                    "syncing {} gives a different document than {} (no operation-level \
                     difference; the overlay, families or fixups changed): run `cargo xtask \
                     spec sync`",
                    upstream.origin,
                    spec_path.display()
                ));
            }
            outcome.drift = drift;
            outcome.notes = notes;
        }
    }
    Ok(outcome)
}

/// The fixups that changed nothing.
pub(super) fn idle_fixups(fixups: &[FixupCount]) -> Vec<String> {
    fixups
        .iter()
        .filter(|f| f.count == 0)
        .map(|f| f.name.clone())
        .collect()
}
