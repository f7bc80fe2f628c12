//! The `spec sync`, `spec check`, `spec pin`, `spec diff` and `codegen` commands as library
//! functions (the binary in `main.rs` only parses arguments and prints).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::load::{self, Loaded, OpenApiVersion, Source};
use crate::lock::Lock;
use crate::model::{self, Change};
use crate::output;
use crate::spec::{self, Additions, Report, TagSelection};

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

/// Our files that `spec sync` reads besides upstream: the overlay and the families.
#[derive(Debug, Clone)]
pub struct AdditionFiles {
    /// `spec/overlay.yaml`.
    pub overlay: PathBuf,
    /// `spec/families.toml`.
    pub families: PathBuf,
    /// Record overlay actions that match nothing instead of failing; for syncing an upstream
    /// version older than the corrections (never for the vendored spec).
    pub allow_unmatched_overlay: bool,
}

/// Project files that carry what the sync derives from the families: the `[features]` block of
/// `Cargo.toml` and the family table of `README.md`.
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The root `Cargo.toml`.
    pub cargo_toml: PathBuf,
    /// The root `README.md`.
    pub readme: PathBuf,
}

impl ProjectFiles {
    /// The files at the workspace root `root`.
    pub fn at(root: &Path) -> Self {
        Self {
            cargo_toml: root.join("Cargo.toml"),
            readme: root.join("README.md"),
        }
    }
}

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

/// The overlay and families, loaded.
struct LoadedAdditions {
    overlay: spec::overlay::Overlay,
    overlay_origin: String,
    families: spec::families::Families,
    allow_unmatched_overlay: bool,
}

impl LoadedAdditions {
    fn load(files: &AdditionFiles) -> Result<Self> {
        Ok(Self {
            overlay: spec::overlay::Overlay::load(&files.overlay)?,
            overlay_origin: files.overlay.display().to_string(),
            families: spec::families::Families::load(&files.families)?,
            allow_unmatched_overlay: files.allow_unmatched_overlay,
        })
    }

    fn as_additions(&self) -> Additions<'_> {
        Additions {
            overlay: Some((&self.overlay, &self.overlay_origin)),
            families: Some(&self.families),
            allow_unmatched_overlay: self.allow_unmatched_overlay,
        }
    }
}

/// The normalised document for `options`, with the additions it used.
fn normalised(
    loaded: &Loaded,
    tags: &TagSelection,
    additions: Option<&AdditionFiles>,
    progress: &mut Progress,
) -> Result<(spec::Normalised, Option<LoadedAdditions>)> {
    let additions = additions.map(LoadedAdditions::load).transpose()?;
    let normalised = spec::normalise(
        loaded.doc.clone(),
        &loaded.origin,
        tags,
        &additions
            .as_ref()
            .map_or_else(Additions::default, LoadedAdditions::as_additions),
        &mut |m| progress.step(m),
    )
    .map_err(|e| loaded.positions.annotate(e))?;
    Ok((normalised, additions))
}

/// Generates the client (every family) from `text`, as `build.rs` would: a spec the sync writes
/// must generate.
fn generate_all(text: &str, origin: &str) -> Result<usize> {
    let generated = telnyx_codegen::generate(text, origin, &telnyx_codegen::Options::default())
        .map_err(|e| Error::Generate {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
    Ok(generated.client.lines().count())
}

/// Generates the client (every family) from `normalised`; where the generator still fails,
/// removes the value, operation or schema it names (recording it) and tries again, a bounded
/// number of times. Returns the lines generated.
fn generate_repairing(
    normalised: &mut spec::Normalised,
    families: Option<&spec::families::Families>,
    origin: &str,
    progress: &mut Progress,
) -> Result<usize> {
    const MAX_ROUNDS: usize = 32;
    let mut values = 0;
    for _ in 0..MAX_ROUNDS {
        let error = match telnyx_codegen::generate(
            &normalised.text,
            origin,
            &telnyx_codegen::Options::default(),
        ) {
            Ok(generated) => {
                normalised.report.fixups.push(spec::FixupCount {
                    name: "generator_rejected_values".to_owned(),
                    count: values,
                });
                return Ok(generated.client.lines().count());
            }
            Err(error) => error,
        };
        match spec::quarantine::generation_failure(normalised, &error, families, origin)? {
            Some(repair) => {
                progress.step(&format!(
                    "the generator refused a part ({error}); removed it"
                ));
                if let spec::quarantine::GenerationRepair::Value(_) = repair {
                    values += 1;
                }
            }
            None => {
                return Err(Error::Generate {
                    origin: origin.to_owned(),
                    message: error.to_string(),
                });
            }
        }
    }
    generate_all(&normalised.text, origin)
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
    let spec::Normalised { text, report, .. } = normalised;
    let lock_path = Lock::path_for(&options.out);
    let lock = Lock {
        source: options.source.display(),
        upstream_sha256: loaded.sha256.clone(),
        date: Lock::today(),
        tags: options.tags.for_lock(),
        operation_count: report.operations,
        output: file_name(&options.out),
        output_sha256: load::sha256_hex(text.as_bytes()),
        families: report
            .families
            .as_ref()
            .map(|a| a.operations.clone())
            .unwrap_or_default(),
        unsorted_tags: report
            .families
            .as_ref()
            .map(|a| a.unsorted_tags.iter().cloned().collect())
            .unwrap_or_default(),
        webhooks: report
            .families
            .as_ref()
            .map(|a| a.webhooks.clone())
            .unwrap_or_default(),
        unsorted_webhooks: report
            .families
            .as_ref()
            .map(|a| a.unsorted_webhooks.iter().cloned().collect())
            .unwrap_or_default(),
        dropped_webhooks: report
            .webhooks
            .dropped
            .iter()
            .map(|(name, reason)| crate::lock::DroppedWebhook {
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

/// The new text of `Cargo.toml` and `README.md` with the family blocks replaced.
fn project_updates(
    project: &ProjectFiles,
    families: &spec::families::Families,
    assignment: &spec::families::Assignment,
) -> Result<Vec<(PathBuf, String)>> {
    use spec::families::{
        FEATURES_BEGIN, FEATURES_END, README_BEGIN, README_END, features_block, readme_table,
        replace_block,
    };
    let mut out = Vec::new();
    for (path, begin, end, block) in [
        (
            &project.cargo_toml,
            FEATURES_BEGIN,
            FEATURES_END,
            features_block(families, assignment),
        ),
        (
            &project.readme,
            README_BEGIN,
            README_END,
            readme_table(families, assignment),
        ),
    ] {
        let text = read_text(path)?;
        out.push((
            path.clone(),
            replace_block(&text, begin, end, &block, path)?,
        ));
    }
    Ok(out)
}

/// Reads a small project file as text.
fn read_text(path: &Path) -> Result<String> {
    load::read_text_bounded(path)
}

/// The file name of `path` as text.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A one-screen summary of a sync.
pub fn sync_summary(outcome: &SyncOutcome) -> String {
    use std::fmt::Write as _;
    let r = &outcome.report;
    let mut s = String::new();
    let _ = writeln!(s, "source:      {}", outcome.lock.source);
    let _ = writeln!(s, "upstream:    sha256 {}", outcome.lock.upstream_sha256);
    let _ = writeln!(s, "tags:        {}", outcome.lock.tags.join(", "));
    let _ = writeln!(
        s,
        "operations:  {} upstream, {} not selected, {} removed, {} kept",
        r.source_operations,
        r.unselected_operations,
        r.removed.len(),
        r.operations
    );
    for removed in &r.removed {
        let at = if removed.pointer.is_empty() {
            String::new()
        } else {
            format!(" at {}", removed.pointer)
        };
        let _ = writeln!(
            s,
            "  removed {} {} ({}){at}: {}",
            removed.method, removed.path, removed.operation_id, removed.reason
        );
    }
    for part in &r.removed_parts {
        let _ = writeln!(s, "  removed part {}: {}", part.pointer, part.reason);
    }
    if !r.dropped_keywords.is_empty() {
        let _ = writeln!(
            s,
            "dropped:     {} JSON Schema keyword(s) OpenAPI 3.0 cannot express (not enforced \
             by the generated client):",
            r.dropped_keywords.len()
        );
        for dropped in &r.dropped_keywords {
            let _ = writeln!(s, "  {} at {}", dropped.keyword, dropped.pointer);
        }
    }
    let _ = writeln!(s, "fixups:");
    for fixup in r.fixups.iter().filter(|f| f.count > 0) {
        let _ = writeln!(s, "  {:<28} {:>5}", fixup.name, fixup.count);
    }
    write_idle_fixups(&mut s, &idle_fixups(&r.fixups));
    let _ = writeln!(
        s,
        "pruned:      {} unreferenced components",
        r.pruned_components
    );
    if !r.overlay.is_empty() {
        let _ = writeln!(s, "overlay:     {} actions", r.overlay.len());
        for action in r.overlay.iter().filter(|a| a.nodes == 0) {
            let _ = writeln!(
                s,
                "note: overlay action `{}` not applied in this version (its target matches \
                 nothing)",
                action.target
            );
        }
    }
    let _ = writeln!(
        s,
        "webhooks:    {} kept (body schemas), {} dropped",
        r.webhooks.kept,
        r.webhooks.dropped.len()
    );
    for (name, reason) in &r.webhooks.dropped {
        let _ = writeln!(s, "warning: webhook `{name}` is not kept: {reason}");
    }
    if let Some(assignment) = &r.families {
        let _ = writeln!(s, "families:    operations, webhooks");
        for (family, count) in &assignment.operations {
            let webhooks = assignment.webhooks.get(family).copied().unwrap_or(0);
            let _ = writeln!(s, "  {family:<28} {count:>5} {webhooks:>5}");
        }
        if !assignment.unsorted_webhooks.is_empty() {
            let _ = writeln!(
                s,
                "warning: spec/families.toml does not list these webhooks; their events are in \
                 the family `unsorted`: {}",
                assignment
                    .unsorted_webhooks
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !assignment.unsorted_tags.is_empty() {
            let _ = writeln!(
                s,
                "warning: spec/families.toml does not list these tags; their operations are in \
                 the family `unsorted`: {}",
                assignment
                    .unsorted_tags
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    let _ = writeln!(
        s,
        "generated:   {} lines of client code (every family)",
        outcome.generated_lines
    );
    for path in &outcome.project_files {
        let _ = writeln!(s, "updated:     {}", path.display());
    }
    let _ = writeln!(
        s,
        "wrote:       {} ({} bytes, sha256 {})",
        outcome.out.display(),
        outcome.bytes,
        outcome.lock.output_sha256
    );
    let _ = writeln!(s, "lock:        {}", outcome.lock_path.display());
    s
}

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
    spec::prune::check_refs(&loaded.doc, &origin)
        .and_then(|()| spec::openapi30_from_value(&loaded.doc, &origin))
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
        operations: crate::walk::operation_count(&doc),
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
        let families = spec::families::Families::load(&files.families)?;
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

/// Renders a check outcome for the terminal.
pub fn check_summary(spec_path: &Path, outcome: &CheckOutcome, upstream: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: OpenAPI 3.0, {} operations, progenitor generated {} lines",
        spec_path.display(),
        outcome.operations,
        outcome.generated_lines
    );
    for problem in &outcome.problems {
        let _ = writeln!(s, "error: {problem}");
    }
    if upstream {
        if outcome.drift.is_empty() {
            let _ = writeln!(s, "no structural drift from upstream");
        } else {
            let _ = writeln!(
                s,
                "structural drift from upstream ({} differences; upstream → vendored):",
                outcome.drift.len()
            );
            s.push_str(&model::render(&outcome.drift));
        }
        if !outcome.notes.is_empty() {
            let _ = writeln!(s, "notes (not drift):");
            s.push_str(&model::render(&outcome.notes));
        }
    }
    write_idle_fixups(&mut s, &outcome.idle_fixups);
    if outcome.passed() {
        let _ = writeln!(s, "spec check passed");
    }
    s
}

/// The fixups that changed nothing.
fn idle_fixups(fixups: &[spec::FixupCount]) -> Vec<String> {
    fixups
        .iter()
        .filter(|f| f.count == 0)
        .map(|f| f.name.clone())
        .collect()
}

/// Names the fixups that matched nothing, so that one upstream no longer needs is noticed.
fn write_idle_fixups(s: &mut String, idle: &[String]) {
    use std::fmt::Write as _;
    if !idle.is_empty() {
        let _ = writeln!(
            s,
            "note: {} fixup(s) matched nothing in this upstream version: {}. Each guards \
             against a construct other versions have; delete one that no version needs",
            idle.len(),
            idle.join(", ")
        );
    }
}

/// `spec diff`: the changes from `old` to `new` (any OpenAPI 3.0/3.1 YAML or JSON).
pub fn diff(old: &Source, new: &Source) -> Result<Vec<Change>> {
    let old = load::load(old)?;
    let new = load::load(new)?;
    for loaded in [&old, &new] {
        spec::prune::check_refs(&loaded.doc, &loaded.origin)
            .map_err(|e| loaded.positions.annotate(e))?;
    }
    Ok(model::compare(
        &model::build(&old.doc, &|_| true),
        &model::build(&new.doc, &|_| true),
    ))
}

/// Options of `codegen`.
#[derive(Debug, Clone)]
pub struct CodegenOptions {
    /// The spec to generate from (3.1 documents are normalised with all tags first).
    pub spec: Source,
    /// Where to write the formatted client.
    pub out: PathBuf,
    /// The overlay and families applied to a 3.1 document before generating.
    pub additions: Option<AdditionFiles>,
    /// Generate only these families (none: all).
    pub families: Option<std::collections::BTreeSet<String>>,
    /// Also generate the webhook events.
    pub webhooks: bool,
}

/// What `codegen` wrote and left out.
#[derive(Debug, Clone, Default)]
pub struct CodegenOutcome {
    /// Lines written.
    pub lines: usize,
    /// List operations without `paginate()`, with the reason.
    pub unpaged: Vec<(String, String)>,
    /// With webhooks: the webhooks without an `Event` variant, with the reason.
    pub untyped_webhooks: Vec<(String, String)>,
    /// With webhooks: how many event types have a variant.
    pub event_types: usize,
}

/// `codegen`: generate the client and write it, formatted, to a file.
pub fn codegen(options: &CodegenOptions, progress: &mut Progress) -> Result<CodegenOutcome> {
    progress.step(&format!("reading {}", options.spec.display()));
    let loaded = load::load(&options.spec)?;
    let text = match loaded.version {
        OpenApiVersion::V30 => {
            spec::prune::check_refs(&loaded.doc, &loaded.origin)
                .and_then(|()| spec::validate_openapi30(&loaded.doc, &loaded.origin))
                .map_err(|e| loaded.positions.annotate(e))?
                .0
        }
        OpenApiVersion::V31 => {
            normalised(
                &loaded,
                &TagSelection::All,
                options.additions.as_ref(),
                progress,
            )?
            .0
            .text
        }
    };
    progress.step("generating the client with progenitor");
    let code = telnyx_codegen::generate(
        &text,
        &loaded.origin,
        &telnyx_codegen::Options {
            families: options.families.clone(),
            webhooks: options.webhooks,
            ..Default::default()
        },
    )
    .map_err(|e| Error::Generate {
        origin: loaded.origin.clone(),
        message: e.to_string(),
    })?;
    progress.step(&format!("writing {}", options.out.display()));
    output::write_atomic(&options.out, code.client.as_bytes())?;
    Ok(CodegenOutcome {
        lines: code.client.lines().count(),
        unpaged: code.unpaged,
        untyped_webhooks: code.untyped_webhooks,
        event_types: code.event_types.len(),
    })
}
