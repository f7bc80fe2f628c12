//! What the normalisation did, and what it produced. Kept apart from the pipeline so that the
//! steps that finish a document again (the quarantine) can fill it without importing the
//! pipeline that calls them.

use serde_json::Value;

use super::families::Assignment;
use super::fixups::{RemovedOperation, RemovedPart};
use super::keywords::DroppedKeyword;
use super::overlay::AppliedAction;
use super::webhooks::KeptWebhooks;

/// One applied fixup and how many places it changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FixupCount {
    /// The fixup's function name.
    pub name: String,
    /// How many places it changed.
    pub count: usize,
}

/// What the normalisation did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every fixup, in the order applied, with its count (zero counts included).
    pub fixups: Vec<FixupCount>,
    /// Operations removed because progenitor cannot generate them.
    pub removed: Vec<RemovedOperation>,
    /// Other parts removed because they could not be repaired.
    pub removed_parts: Vec<RemovedPart>,
    /// Operations in the source document.
    pub source_operations: usize,
    /// Operations dropped because their tags were not selected.
    pub unselected_operations: usize,
    /// Operations in the result.
    pub operations: usize,
    /// Components pruned because nothing referred to them any more.
    pub pruned_components: usize,
    /// Overlay actions applied, in order.
    pub overlay: Vec<AppliedAction>,
    /// Operations per family, when families were assigned.
    pub families: Option<Assignment>,
    /// JSON Schema keywords removed because OpenAPI 3.0 has no form for them.
    pub dropped_keywords: Vec<DroppedKeyword>,
    /// Webhooks kept in `x-telnyx-webhooks`, and those dropped.
    pub webhooks: KeptWebhooks,
}

impl Report {
    /// Records that fixup `name` changed `count` places.
    pub fn record(&mut self, name: &str, count: usize) {
        self.fixups.push(FixupCount {
            name: name.to_owned(),
            count,
        });
    }

    /// The count recorded for fixup `name` (0 when absent).
    pub fn count(&self, name: &str) -> usize {
        self.fixups
            .iter()
            .find(|f| f.name == name)
            .map_or(0, |f| f.count)
    }
}

/// The result of the normalisation.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// The OpenAPI 3.0 document.
    pub doc: Value,
    /// `doc` as deterministic pretty JSON (what `spec sync` writes).
    pub text: String,
    /// `doc` as `openapiv3` reads it (what progenitor generates from).
    pub openapi: openapiv3::OpenAPI,
    /// What was done.
    pub report: Report,
}
