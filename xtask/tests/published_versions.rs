//! Every published version of Telnyx's spec in the shared folder syncs and generates: the
//! pinned `spec3.yml` and every `*.yml` beside it and in `versions/` (2019 to 2025, several
//! malformed the ways upstream has published). The folder is the one `TELNYX_UPSTREAM_SPEC`
//! names a file of; without it the test skips or fails as `tests/support/outside_input.rs` says.
//!
//! For each version it prints operations in and out, the repairs per fixup, the removals with
//! their reasons and the sync time, and it checks that removals stay the last resort: at most
//! 1% of a version's operations.

#[path = "../../tests/support/outside_input.rs"]
mod outside_input;

use std::path::{Path, PathBuf};

use xtask::commands::{self, AdditionFiles, Progress, SyncOptions};
use xtask::load::{self, Source};
use xtask::spec::TagSelection;

/// The shared folder's published versions, sorted; `None` (after printing why) when the
/// variable is unset.
fn published_versions() -> Option<Vec<PathBuf>> {
    let pinned = outside_input::upstream_spec()?;
    let folder = Path::new(&pinned)
        .parent()
        .expect("TELNYX_UPSTREAM_SPEC names a file")
        .to_path_buf();
    let mut files = Vec::new();
    for dir in [folder.clone(), folder.join("versions")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        files.extend(
            entries
                .map(|e| e.expect("read the shared folder").path())
                .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml")),
        );
    }
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the pinned spec, the 2025-08 version and versions/ (eight files) in {}; found {files:?}",
        folder.display()
    );
    Some(files)
}

#[test]
fn every_published_version_syncs_and_generates() {
    let Some(files) = published_versions() else {
        return;
    };
    let root = xtask::workspace_root();
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let result = load::load(&Source::Path(file.clone())).and_then(|loaded| {
            commands::sync_loaded(
                &loaded,
                &SyncOptions {
                    source: Source::Path(file.clone()),
                    tags: TagSelection::All,
                    out: dir.path().join("telnyx.json"),
                    additions: Some(AdditionFiles {
                        overlay: root.join("spec/overlay.yaml"),
                        families: root.join("spec/families.toml"),
                        allow_unmatched_overlay: true,
                    }),
                    project: None,
                },
                &mut Progress::new(true),
            )
        });
        let elapsed = started.elapsed();
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(error) => {
                eprintln!("{name}: FAILED after {elapsed:.2?}: {error}");
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        let report = &outcome.report;
        let repairs: Vec<String> = report
            .fixups
            .iter()
            .filter(|f| f.count > 0)
            .map(|f| format!("{} {}", f.name, f.count))
            .collect();
        eprintln!(
            "{name}: {} operations in, {} out, {} removed, {} lines generated, synced in \
             {elapsed:.2?}\n  repairs: {}",
            report.source_operations,
            report.operations,
            report.removed.len(),
            outcome.generated_lines,
            repairs.join(", ")
        );
        for removed in &report.removed {
            eprintln!(
                "  removed {} {} ({}) at {}: {}",
                removed.method, removed.path, removed.operation_id, removed.pointer, removed.reason
            );
        }
        for part in &report.removed_parts {
            eprintln!("  removed part {}: {}", part.pointer, part.reason);
        }
        assert_eq!(
            report.source_operations,
            report.operations + report.removed.len() + report.unselected_operations,
            "{name}: every operation is kept or removed with a reason"
        );
        assert!(
            report.removed.len() * 100 <= report.source_operations,
            "{name}: {} of {} operations removed; removals must stay under 1%",
            report.removed.len(),
            report.source_operations
        );
        assert!(outcome.generated_lines > 1000, "{name}: generated nothing");
        assert!(
            report.removed.iter().all(|r| !r.reason.is_empty()),
            "{name}: a removal without a reason"
        );
    }
    assert!(failures.is_empty(), "versions that failed: {failures:#?}");
}
