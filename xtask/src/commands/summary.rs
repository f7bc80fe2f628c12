//! What the commands print: one screen per outcome.

use std::fmt::Write as _;
use std::path::Path;

use super::check::{CheckOutcome, idle_fixups};
use super::sync::SyncOutcome;
use crate::model;
use crate::text::quoted_list;

/// A one-screen summary of a sync.
pub fn sync_summary(outcome: &SyncOutcome) -> String {
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
                quoted_list(&assignment.unsorted_webhooks)
            );
        }
        if !assignment.unsorted_tags.is_empty() {
            let _ = writeln!(
                s,
                "warning: spec/families.toml does not list these tags; their operations are in \
                 the family `unsorted`: {}",
                quoted_list(&assignment.unsorted_tags)
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

/// Renders a check outcome for the terminal.
pub fn check_summary(spec_path: &Path, outcome: &CheckOutcome, upstream: bool) -> String {
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

/// Names the fixups that matched nothing, so that one upstream no longer needs is noticed.
fn write_idle_fixups(s: &mut String, idle: &[String]) {
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
