//! The `spec sync`, `spec check`, `spec pin`, `spec diff` and `codegen` commands as library
//! functions (the binary in `main.rs` only parses arguments and prints).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::codegen::generate_client;
use crate::error::{Error, Result};
use crate::load::{self, Loaded, OpenApiVersion, Source};
use crate::lock::{HAND_WRITTEN, Lock};
use crate::model::{self, Change};
use crate::output;
use crate::spec::{self, Report, TagSelection};

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

/// Options of `spec sync`.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Upstream document.
    pub source: Source,
    /// Operations to keep.
    pub tags: TagSelection,
    /// Where to write the spec; the lock goes beside it.
    pub out: PathBuf,
    /// Overwrite a spec the lock records as hand-written.
    pub force: bool,
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
}

/// `spec sync`: read upstream, normalise, write the spec and the lock.
pub fn sync(options: &SyncOptions, progress: &mut Progress) -> Result<SyncOutcome> {
    guard_hand_written(options)?;
    progress.step(&format!("reading {}", options.source.display()));
    let bytes = load::read_bytes(&options.source)?;
    progress.step(&format!("parsing {} bytes", bytes.len()));
    let loaded = load::parse_bytes(&bytes, &options.source.display())?;
    sync_loaded(&loaded, options, progress)
}

/// Refuses to overwrite a hand-written spec unless `force` is set.
fn guard_hand_written(options: &SyncOptions) -> Result<()> {
    let lock_path = Lock::path_for(&options.out);
    if options.force {
        return Ok(());
    }
    if let Some(lock) = Lock::read(&lock_path)?
        && lock.source == HAND_WRITTEN
        && options.out.exists()
    {
        return Err(Error::Usage(format!(
            "{} records {} as hand-written; `spec sync` would replace it with a copy derived from upstream. \
                 Write elsewhere with --out, or pass --force if replacing it is really intended",
            lock_path.display(),
            options.out.display()
        )));
    }
    Ok(())
}

/// `spec sync` on an already parsed document (tests parse upstream once).
pub fn sync_loaded(
    loaded: &Loaded,
    options: &SyncOptions,
    progress: &mut Progress,
) -> Result<SyncOutcome> {
    guard_hand_written(options)?;
    let spec::Normalised { text, report, .. } = spec::normalise(
        loaded.doc.clone(),
        &loaded.origin,
        &options.tags,
        &mut |m| progress.step(m),
    )?;
    let lock_path = Lock::path_for(&options.out);
    let lock = Lock {
        source: options.source.display(),
        upstream_sha256: Some(loaded.sha256.clone()),
        date: Lock::today(),
        tags: options.tags.for_lock(),
        operation_count: report.operations,
        output: file_name(&options.out),
        output_sha256: load::sha256_hex(text.as_bytes()),
        fixups: report.fixups.clone(),
        removed: report.removed.clone(),
    };
    let lock_text = lock.to_text()?;
    progress.step(&format!("writing {}", options.out.display()));
    output::write_atomic(&options.out, text.as_bytes())?;
    output::write_atomic(&lock_path, lock_text.as_bytes())?;
    Ok(SyncOutcome {
        report,
        lock,
        out: options.out.clone(),
        lock_path,
        bytes: text.len(),
    })
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
    let _ = writeln!(
        s,
        "upstream:    sha256 {}",
        outcome.lock.upstream_sha256.as_deref().unwrap_or("-")
    );
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
        let _ = writeln!(
            s,
            "  removed {} {} ({}): {}",
            removed.method, removed.path, removed.operation_id, removed.reason
        );
    }
    let _ = writeln!(s, "fixups:");
    for fixup in r.fixups.iter().filter(|f| f.count > 0) {
        let _ = writeln!(s, "  {:<28} {:>5}", fixup.name, fixup.count);
    }
    let _ = writeln!(
        s,
        "pruned:      {} unreferenced components",
        r.pruned_components
    );
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
    let bytes = std::fs::read(path).map_err(|e| Error::io("cannot read", path, e))?;
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
    spec::prune::check_refs(&loaded.doc, &origin)?;
    let text = String::from_utf8_lossy(&bytes);
    let typed = spec::parse_openapi30_text(&text, &origin)?;
    Ok((bytes, loaded.doc, typed))
}

/// `spec check`: the vendored spec is OpenAPI 3.0, progenitor generates from it, the lock's
/// hash matches; with `upstream`, no structural drift from upstream's operations of the same
/// tags.
pub fn check(
    spec_path: &Path,
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
    check_loaded(spec_path, upstream.as_ref(), progress)
}

/// [`check`] with upstream already parsed.
pub fn check_loaded(
    spec_path: &Path,
    upstream: Option<&Loaded>,
    progress: &mut Progress,
) -> Result<CheckOutcome> {
    progress.step(&format!("reading {}", spec_path.display()));
    let (bytes, doc, typed) = read_vendored(spec_path)?;
    let mut outcome = CheckOutcome {
        operations: crate::walk::operation_count(&doc),
        ..CheckOutcome::default()
    };
    progress.step("generating the client with progenitor");
    let code = generate_client(&typed).map_err(|e| Error::Generate {
        origin: spec_path.display().to_string(),
        message: e.to_string(),
    })?;
    outcome.generated_lines = code.lines().count();
    let lock_path = Lock::path_for(spec_path);
    let actual = load::sha256_hex(&bytes);
    match Lock::read(&lock_path)? {
        None => outcome.problems.push(format!(
            "{} is missing: run `cargo xtask spec pin` to record the hand-written spec (or `cargo xtask spec sync`)",
            lock_path.display()
        )),
        Some(lock) if lock.output_sha256 != actual => outcome.problems.push(format!(
            "{} changed since {} was written (sha256 {actual}, lock says {}): \
             if the edit is deliberate, run `cargo xtask spec pin`; otherwise restore the file{}",
            spec_path.display(),
            lock_path.display(),
            lock.output_sha256,
            if lock.source == HAND_WRITTEN {
                String::new()
            } else {
                " or run `cargo xtask spec sync`".to_owned()
            }
        )),
        Some(_) => {}
    }
    if let Some(upstream) = upstream {
        progress.step("normalising upstream for the drift check");
        let (drift, notes) = drift(&doc, upstream)?;
        outcome.drift = drift;
        outcome.notes = notes;
    }
    Ok(outcome)
}

/// Structural drift of the vendored `doc` from `upstream` restricted to the vendored spec's
/// tags: `(drift, notes)`.
pub fn drift(doc: &Value, upstream: &Loaded) -> Result<(Vec<Change>, Vec<Change>)> {
    // The tags of the vendored operations plus the tags it declares, so that a tag whose
    // operations are all missing is still compared.
    let mut tags: std::collections::BTreeSet<String> =
        spec::prune::tag_counts(doc).into_keys().collect();
    if let Some(Value::Array(declared)) = doc.get("tags") {
        tags.extend(
            declared
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .map(str::to_owned),
        );
    }
    let upstream_tags = spec::prune::tag_counts(&upstream.doc);
    let mut unknown = Vec::new();
    tags.retain(|t| {
        let known = upstream_tags.contains_key(t);
        if !known {
            unknown.push(Change {
                operation: "(tags)".to_owned(),
                kind: model::ChangeKind::Changed,
                text: format!("tag \"{t}\" has no operations upstream"),
            });
        }
        known
    });
    let tags: Vec<String> = tags.into_iter().collect();
    if tags.is_empty() && unknown.is_empty() {
        return Err(Error::Check(
            "the vendored spec's operations have no tags, so there is nothing to compare with upstream".to_owned(),
        ));
    }
    let vendored_model = model::build(doc, &|_| true);
    let mut changes = unknown;
    if !tags.is_empty() {
        let normalised = spec::normalise(
            upstream.doc.clone(),
            &upstream.origin,
            &TagSelection::Only(tags),
            &mut |_| {},
        )?;
        let upstream_model = model::build(&normalised.doc, &|_| true);
        changes.extend(model::compare(&upstream_model, &vendored_model));
    }
    Ok(changes.into_iter().partition(Change::is_drift))
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
    if outcome.passed() {
        let _ = writeln!(s, "spec check passed");
    }
    s
}

/// `spec pin`: record the vendored spec's hash, operation count and tags as hand-written.
pub fn pin(spec_path: &Path) -> Result<Lock> {
    let (bytes, doc, _) = read_vendored(spec_path)?;
    let lock = Lock {
        source: HAND_WRITTEN.to_owned(),
        upstream_sha256: None,
        date: Lock::today(),
        tags: spec::prune::tag_counts(&doc).into_keys().collect(),
        operation_count: crate::walk::operation_count(&doc),
        output: file_name(spec_path),
        output_sha256: load::sha256_hex(&bytes),
        fixups: Vec::new(),
        removed: Vec::new(),
    };
    output::write_atomic(&Lock::path_for(spec_path), lock.to_text()?.as_bytes())?;
    Ok(lock)
}

/// `spec diff`: the changes from `old` to `new` (any OpenAPI 3.0/3.1 YAML or JSON).
pub fn diff(old: &Source, new: &Source) -> Result<Vec<Change>> {
    let old = load::load(old)?;
    let new = load::load(new)?;
    spec::prune::check_refs(&old.doc, &old.origin)?;
    spec::prune::check_refs(&new.doc, &new.origin)?;
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
}

/// `codegen`: generate the client and write it, formatted, to a file. Returns the line count.
pub fn codegen(options: &CodegenOptions, progress: &mut Progress) -> Result<usize> {
    progress.step(&format!("reading {}", options.spec.display()));
    let loaded = load::load(&options.spec)?;
    let typed = match loaded.version {
        OpenApiVersion::V30 => {
            spec::prune::check_refs(&loaded.doc, &loaded.origin)?;
            spec::validate_openapi30(&loaded.doc, &loaded.origin)?.1
        }
        OpenApiVersion::V31 => {
            spec::normalise(loaded.doc, &loaded.origin, &TagSelection::All, &mut |m| {
                progress.step(m)
            })?
            .openapi
        }
    };
    progress.step("generating the client with progenitor");
    let code = generate_client(&typed).map_err(|e| Error::Generate {
        origin: loaded.origin.clone(),
        message: e.to_string(),
    })?;
    progress.step(&format!("writing {}", options.out.display()));
    output::write_atomic(&options.out, code.as_bytes())?;
    Ok(code.lines().count())
}
