//! `spec/telnyx.lock`: what the vendored spec was made from, and its hash.
//!
//! `spec sync` writes the full record: upstream source and hash, tags, operations per family,
//! fixup counts, overlay actions, removed operations and the output's hash. `spec check`
//! compares the recorded output hash with the file, which catches hand edits (corrections
//! belong in `spec/overlay.yaml`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::spec::fixups::RemovedPart;
use crate::spec::keywords::DroppedKeyword;
use crate::spec::overlay::AppliedAction;
use crate::spec::{FixupCount, RemovedOperation};

/// Header written above the TOML.
const HEADER: &str = "# Written by `cargo xtask spec sync`; do not edit by hand.\n# `cargo xtask spec check` compares output_sha256 with the vendored spec.\n\n";

/// The lock file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Upstream URL, or the file name of a local upstream document.
    pub source: String,
    /// SHA-256 of the upstream bytes.
    pub upstream_sha256: String,
    /// Tags of the kept operations (`["*"]` for all).
    pub tags: Vec<String>,
    /// Operations in the vendored spec.
    pub operation_count: usize,
    /// File name of the vendored spec (beside the lock).
    pub output: String,
    /// SHA-256 of the vendored spec's bytes.
    pub output_sha256: String,
    /// Tags that `spec/families.toml` does not list (their operations are in `unsorted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsorted_tags: Vec<String>,
    /// Operations per family.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub families: BTreeMap<String, usize>,
    /// Webhooks kept (their body schemas, in `x-telnyx-webhooks`) per family.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub webhooks: BTreeMap<String, usize>,
    /// Webhooks that `spec/families.toml` does not list (their events are in `unsorted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsorted_webhooks: Vec<String>,
    /// Webhooks upstream has that the vendored spec does not keep, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_webhooks: Vec<DroppedWebhook>,
    /// Fixups applied, with counts.
    #[serde(default, rename = "fixup", skip_serializing_if = "Vec::is_empty")]
    pub fixups: Vec<FixupCount>,
    /// Overlay actions applied, with the number of nodes each changed.
    #[serde(
        default,
        rename = "overlay_action",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub overlay: Vec<AppliedAction>,
    /// Operations removed, with reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedOperation>,
    /// Other parts (properties, branches, components, values) removed, with reasons.
    #[serde(
        default,
        rename = "removed_part",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub removed_parts: Vec<RemovedPart>,
    /// JSON Schema keywords removed because OpenAPI 3.0 has no form for them.
    #[serde(
        default,
        rename = "dropped_keyword",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub dropped_keywords: Vec<DroppedKeyword>,
}

/// A webhook the sync did not keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedWebhook {
    /// The webhook's name (its key in upstream's `webhooks`).
    pub name: String,
    /// Why it was not kept.
    pub reason: String,
}

impl Lock {
    /// The lock path for a spec at `spec`: `telnyx.lock` in the same directory.
    pub fn path_for(spec: &Path) -> PathBuf {
        spec.parent()
            .map_or_else(|| PathBuf::from("telnyx.lock"), |d| d.join("telnyx.lock"))
    }

    /// Reads `path`; `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> Result<Option<Self>> {
        let text = match crate::load::read_text_bounded(path) {
            Ok(text) => text,
            Err(Error::Io { source, .. })
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        toml::from_str(&text).map(Some).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })
    }

    /// The TOML text, with a header comment.
    pub fn to_text(&self) -> Result<String> {
        let body = toml::to_string(self).map_err(|e| Error::Config {
            path: PathBuf::from("telnyx.lock"),
            message: format!("cannot serialize the lock: {e}"),
        })?;
        Ok(format!("{HEADER}{body}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let lock = Lock {
            source: "https://example.test/spec.yml".into(),
            upstream_sha256: "ab".into(),
            tags: vec!["Rooms".into()],
            operation_count: 3,
            output: "telnyx.json".into(),
            output_sha256: "cd".into(),
            unsorted_tags: vec!["New".into()],
            families: BTreeMap::from([("video".to_owned(), 3)]),
            webhooks: BTreeMap::from([("call-control".to_owned(), 2)]),
            unsorted_webhooks: vec!["newHook".into()],
            dropped_webhooks: vec![DroppedWebhook {
                name: "formOnly".into(),
                reason: "has no JSON body".into(),
            }],
            overlay: vec![AppliedAction {
                target: "$.paths".into(),
                kind: "update".into(),
                nodes: 1,
            }],
            fixups: vec![FixupCount {
                name: "type_arrays".into(),
                count: 2,
            }],
            removed_parts: vec![RemovedPart {
                pointer: "/components/schemas/A/properties/b".into(),
                reason: "`$ref` names nothing".into(),
            }],
            removed: vec![RemovedOperation {
                method: "GET".into(),
                path: "/ws".into(),
                operation_id: "Ws".into(),
                reason: "WebSocket".into(),
                pointer: "/paths/~1ws/get".into(),
            }],
            dropped_keywords: vec![DroppedKeyword {
                keyword: "if".into(),
                pointer: "/components/schemas/A".into(),
            }],
        };
        let text = lock.to_text().unwrap();
        assert!(text.contains("[[fixup]]"), "{text}");
        let back: Lock = toml::from_str(&text).unwrap();
        assert_eq!(back, lock);
    }
}
