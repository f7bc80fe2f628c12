//! The pipeline on Telnyx's published spec, read from `TELNYX_UPSTREAM_SPEC` (CI sets it to the
//! shared copy). Without it every test skips or fails as `tests/support/outside_input.rs` says.
//!
//! Upstream is parsed once per test binary. Sync output goes to temporary directories only:
//! the upstream document and anything derived from it never enter the project.

#[path = "../../tests/support/outside_input.rs"]
mod outside_input;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xtask::commands::{self, AdditionFiles, CheckOptions, Progress, SyncOptions};
use xtask::load::{self, Loaded, Source};
use xtask::spec::TagSelection;

/// SHA-256 of the shared copy (team-telnyx/openapi 12de4dd) whose counts are asserted exactly.
const PINNED_UPSTREAM: &str = "020dcdb3d9da1ecfd401ed4ecdc597fef9e2bf7c0141e02c1cc7b9a0fb1e553d";

/// The six Telnyx Video tags (as in spec/sync.toml).
const VIDEO_TAGS: [&str; 6] = [
    "Rooms",
    "Room Sessions",
    "Room Participants",
    "Room Recordings",
    "Room Compositions",
    "Rooms Client Tokens",
];

/// Upstream, parsed once; `None` (after printing why) when the variable is unset.
fn upstream() -> Option<&'static Loaded> {
    static UPSTREAM: OnceLock<Option<Loaded>> = OnceLock::new();
    UPSTREAM
        .get_or_init(|| {
            let path = outside_input::upstream_spec()?;
            let started = std::time::Instant::now();
            let loaded = load::load(&Source::Path(path)).expect("parse upstream");
            eprintln!("parsed upstream in {:.2?}", started.elapsed());
            Some(loaded)
        })
        .as_ref()
}

/// The project's overlay and families.
fn additions() -> AdditionFiles {
    let root = xtask::workspace_root();
    AdditionFiles {
        overlay: root.join("spec/overlay.yaml"),
        families: root.join("spec/families.toml"),
        allow_unmatched_overlay: false,
    }
}

fn sync_into(dir: &Path, tags: TagSelection) -> commands::SyncOutcome {
    let loaded = upstream().expect("checked by caller");
    let options = SyncOptions {
        source: Source::Path(PathBuf::from(&loaded.origin)),
        tags,
        out: dir.join("telnyx.json"),
        additions: Some(additions()),
        project: None,
    };
    commands::sync_loaded(loaded, &options, &mut Progress::new(true)).expect("sync")
}

#[test]
fn full_sync_generates_a_client_in_process() {
    let Some(loaded) = upstream() else { return };
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let outcome = sync_into(dir.path(), TagSelection::All);
    eprintln!("synced all tags in {:.2?}", started.elapsed());
    let report = &outcome.report;
    eprint!("{}", commands::sync_summary(&outcome));

    // Every operation is either kept or removed with a reason.
    assert_eq!(
        report.operations + report.removed.len(),
        report.source_operations
    );
    assert!(report.removed.iter().all(|r| !r.reason.is_empty()));

    // The sync generated the client (every family) before writing.
    assert!(
        outcome.generated_lines > 100_000,
        "{}",
        outcome.generated_lines
    );
    let families = outcome.report.families.as_ref().expect("families assigned");
    for family in ["video", "messaging", "call-control", "numbers"] {
        assert!(families.operations[family] > 0, "{family}");
    }
    assert!(
        families.unsorted_tags.is_empty() || loaded.sha256 != PINNED_UPSTREAM,
        "spec/families.toml misses tags of the pinned upstream: {:?}",
        families.unsorted_tags
    );

    if loaded.sha256 == PINNED_UPSTREAM {
        assert_eq!(report.source_operations, 1156);
        // Every operation is kept: uploads, WebSockets and the root's /.well-known documents too.
        assert_eq!(report.operations, 1156);
        assert!(report.removed.is_empty(), "{:?}", report.removed);
        for (name, count) in [
            ("type_arrays", 345),
            ("exclusive_bounds", 7),
            ("const_to_enum", 24),
            ("const_defaults", 19),
            ("operation_ids", 2),
            ("deep_object_params", 250),
            ("form_object_params", 10),
            ("default_responses", 251),
            ("success_schemas", 1),
            ("websocket_operations", 2),
            ("foreign_servers", 2),
            ("strip_server_prefix", 37),
            ("enum_variant_collisions", 12),
        ] {
            assert_eq!(report.count(name), count, "fixup {name}");
        }
        // Every webhook's body schema is kept, and each has a family.
        assert_eq!(report.webhooks.kept, 66);
        assert!(
            report.webhooks.dropped.is_empty(),
            "{:?}",
            report.webhooks.dropped
        );
        let families = report.families.as_ref().expect("families assigned");
        assert!(
            families.unsorted_webhooks.is_empty(),
            "{:?}",
            families.unsorted_webhooks
        );
        assert_eq!(families.webhooks.values().sum::<usize>(), 66);
    } else {
        eprintln!(
            "note: upstream sha256 {} is not the pinned copy; exact counts not asserted",
            loaded.sha256
        );
    }
}

#[test]
fn the_vendored_spec_is_what_sync_writes_from_the_pinned_upstream() {
    let Some(loaded) = upstream() else { return };
    if loaded.sha256 != PINNED_UPSTREAM {
        let _: Option<()> = outside_input::unavailable(&format!(
            "upstream is not the pinned copy (sha256 {}): spec/telnyx.json is compared with \
             what sync writes from that copy only",
            loaded.sha256
        ));
        return;
    }
    let root = xtask::workspace_root();
    let options = CheckOptions {
        spec: root.join("spec/telnyx.json"),
        additions: Some(additions()),
        project: Some(commands::ProjectFiles::at(&root)),
    };
    let outcome = commands::check_loaded(&options, Some(loaded), &mut Progress::new(true))
        .expect("check runs");
    assert!(
        outcome.passed(),
        "{}",
        commands::check_summary(&options.spec, &outcome, true)
    );
}

#[test]
fn video_sync_is_deterministic_and_check_accepts_it() {
    if upstream().is_none() {
        return;
    }
    let tags = TagSelection::Only(VIDEO_TAGS.iter().map(|t| (*t).to_owned()).collect());
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = sync_into(a.path(), tags.clone());
    let second = sync_into(b.path(), tags);
    assert_eq!(
        std::fs::read(&first.out).unwrap(),
        std::fs::read(&second.out).unwrap()
    );
    assert_eq!(first.lock.output_sha256, second.lock.output_sha256);
    // `spec check` accepts sync output: OpenAPI 3.0, generates, hash matches, no drift.
    let options = CheckOptions {
        spec: first.out.clone(),
        additions: Some(additions()),
        project: None,
    };
    let outcome = commands::check_loaded(&options, upstream(), &mut Progress::new(true)).unwrap();
    assert!(
        outcome.passed(),
        "{}",
        commands::check_summary(&first.out, &outcome, true)
    );
    assert_eq!(outcome.operations, 25);
}
