//! `spec/overlay.yaml`: our own words and our corrections of upstream, as an
//! [OpenAPI Overlay 1.0](https://spec.openapis.org/overlay/v1.0.0.html) document.
//!
//! Each action has an RFC 9535 JSONPath `target` (evaluated with `serde_json_path`), a
//! `description` saying why it exists (for a correction: what upstream gets wrong), and either
//! `update` (merged into every matched node: objects recursively, arrays appended to) or
//! `remove: true` (every matched node is removed from its parent).
//!
//! An action whose target matches nothing is an error that names it: a correction must not
//! silently stop applying when upstream changes. The overlay is applied by `spec sync` after
//! the fixups and the removal of upstream's prose, so targets name the fixed document's paths
//! and operationIds.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::{Error, Result};

/// Largest overlay file read.
const MAX_OVERLAY_BYTES: u64 = 4 * 1024 * 1024;

/// A parsed overlay document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// The Overlay specification version (`1.0.0`).
    pub overlay: String,
    /// Title and version of the overlay.
    pub info: OverlayInfo,
    /// The document this overlay is meant for (informative).
    #[serde(default)]
    pub extends: Option<String>,
    /// The actions, applied in order.
    pub actions: Vec<Action>,
}

/// `info` of an overlay.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayInfo {
    /// Title.
    pub title: String,
    /// Version of the overlay document.
    pub version: String,
}

/// One overlay action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// RFC 9535 JSONPath of the nodes to change.
    pub target: String,
    /// Why this action exists.
    pub description: String,
    /// Merged into every matched node.
    #[serde(default)]
    pub update: Option<Value>,
    /// Removes every matched node.
    #[serde(default)]
    pub remove: bool,
}

/// What applying one action did, for the lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AppliedAction {
    /// The action's target.
    pub target: String,
    /// `update` or `remove`.
    pub kind: String,
    /// How many nodes it changed.
    pub nodes: usize,
}

impl Overlay {
    /// Reads and checks the overlay at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = crate::load::read_file_bounded(path, MAX_OVERLAY_BYTES)?;
        Self::parse(&bytes, path)
    }

    /// Parses overlay YAML (`path` names it in errors).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self> {
        let config = |message: String| Error::Config {
            path: path.to_owned(),
            message,
        };
        let overlay: Overlay =
            serde_yaml_ng::from_slice(bytes).map_err(|e| config(e.to_string()))?;
        if !overlay.overlay.starts_with("1.0") {
            return Err(config(format!(
                "`overlay: {}` is not supported; this tool applies Overlay 1.0 documents",
                overlay.overlay
            )));
        }
        for (index, action) in overlay.actions.iter().enumerate() {
            let problem = match (&action.update, action.remove) {
                (Some(_), true) => Some("has both `update` and `remove: true`; keep one"),
                (None, false) => Some("has neither `update` nor `remove: true`"),
                _ => None,
            };
            if let Some(problem) = problem {
                return Err(config(format!(
                    "action {} (target `{}`) {problem}",
                    index + 1,
                    action.target
                )));
            }
            if action.description.trim().is_empty() {
                return Err(config(format!(
                    "action {} (target `{}`) has an empty description; say why it exists",
                    index + 1,
                    action.target
                )));
            }
            JsonPath::parse(&action.target).map_err(|e| {
                config(format!(
                    "action {} has an invalid JSONPath target `{}`: {e}",
                    index + 1,
                    action.target
                ))
            })?;
        }
        Ok(overlay)
    }

    /// Applies every action to `doc`, in order. `origin` names the overlay in errors. An action
    /// that matches nothing is an error, unless `allow_unmatched` (for syncing an older
    /// upstream version that predates what a correction fixes): it is then recorded with 0
    /// nodes.
    pub fn apply(
        &self,
        doc: &mut Value,
        origin: &str,
        allow_unmatched: bool,
    ) -> Result<Vec<AppliedAction>> {
        let mut applied = Vec::with_capacity(self.actions.len());
        for (index, action) in self.actions.iter().enumerate() {
            let fail = |message: String| Error::Overlay {
                origin: origin.to_owned(),
                action: index + 1,
                target: action.target.clone(),
                message,
            };
            let path = JsonPath::parse(&action.target).map_err(|e| fail(e.to_string()))?;
            let pointers: Vec<String> = path
                .query_located(doc)
                .locations()
                .map(|location| location.to_json_pointer())
                .collect();
            if pointers.is_empty() && allow_unmatched {
                applied.push(AppliedAction {
                    target: action.target.clone(),
                    kind: "unmatched".to_owned(),
                    nodes: 0,
                });
                continue;
            }
            if pointers.is_empty() {
                return Err(fail(format!(
                    "matches nothing in the synced document ({}). Upstream has changed: \
                     update the target, or delete the action if it is no longer needed (a sync \
                     of another version with --out elsewhere lists it as not applied instead)",
                    action.description.trim()
                )));
            }
            if action.remove {
                // Deepest and last first, so that earlier removals do not shift array indices
                // of later ones.
                let mut sorted = pointers.clone();
                sorted.sort_by(|a, b| b.cmp(a));
                for pointer in &sorted {
                    remove_at(doc, pointer).map_err(&fail)?;
                }
            } else if let Some(update) = &action.update {
                for pointer in &pointers {
                    let node = doc
                        .pointer_mut(pointer)
                        .ok_or_else(|| fail(format!("lost the node at `{pointer}`")))?;
                    merge(node, update).map_err(|m| fail(format!("at `{pointer}`: {m}")))?;
                }
            }
            applied.push(AppliedAction {
                target: action.target.clone(),
                kind: if action.remove { "remove" } else { "update" }.to_owned(),
                nodes: pointers.len(),
            });
        }
        Ok(applied)
    }
}

/// Overlay 1.0 merge: objects merge key by key (recursively), an array target gets the update
/// appended (its items, when the update is an array), anything else is replaced.
fn merge(target: &mut Value, update: &Value) -> std::result::Result<(), String> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() || existing.is_array() => {
                        merge(existing, value)?;
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(target), Value::Array(items)) => {
            target.extend(items.iter().cloned());
            Ok(())
        }
        (Value::Array(target), item) => {
            target.push(item.clone());
            Ok(())
        }
        (Value::Object(_), other) => Err(format!(
            "an object can only be updated with an object, not {}",
            crate::load::kind_of(other)
        )),
        (target, update) => {
            *target = update.clone();
            Ok(())
        }
    }
}

/// Removes the node at `pointer` from its parent object or array.
fn remove_at(doc: &mut Value, pointer: &str) -> std::result::Result<(), String> {
    let Some((parent, token)) = crate::pointer::split_last(pointer) else {
        return Err("cannot remove the whole document".to_owned());
    };
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&token);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index: usize = token
                .parse()
                .map_err(|_| format!("`{token}` is not an array index"))?;
            if index < items.len() {
                items.remove(index);
            }
            Ok(())
        }
        _ => Err(format!("no parent object at `{parent}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(yaml: &str) -> Result<Overlay> {
        Overlay::parse(yaml.as_bytes(), Path::new("overlay.yaml"))
    }

    #[test]
    fn update_merges_and_remove_deletes() {
        let o = overlay(
            r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: "$.paths['/a'].get"
    description: ours
    update: {description: "Lists a.", security: [{bearerAuth: []}]}
  - target: "$.paths['/a'].get.parameters[?@.name == 'x']"
    description: upstream documents a parameter the API ignores
    remove: true
"#,
        )
        .unwrap();
        let mut doc = json!({"paths": {"/a": {"get": {"security": [], "parameters": [
            {"name": "x"}, {"name": "y"}, {"name": "x"}]}}}});
        let applied = o.apply(&mut doc, "overlay.yaml", false).unwrap();
        assert_eq!(
            doc,
            json!({"paths": {"/a": {"get": {"description": "Lists a.",
                "security": [{"bearerAuth": []}], "parameters": [{"name": "y"}]}}}})
        );
        assert_eq!(applied[1].nodes, 2);
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error_naming_the_action() {
        let o = overlay(
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/gone']\n    description: fixes gone\n    remove: true\n",
        )
        .unwrap();
        let err = o
            .apply(&mut json!({"paths": {}}), "overlay.yaml", false)
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("action 1"), "{text}");
        assert!(text.contains("$.paths['/gone']"), "{text}");
        assert!(text.contains("matches nothing"), "{text}");
        let applied = o
            .apply(&mut json!({"paths": {}}), "overlay.yaml", true)
            .unwrap();
        assert_eq!(applied[0].kind, "unmatched");
    }

    #[test]
    fn malformed_actions_are_refused() {
        for (yaml, needle) in [
            (
                "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
                "not supported",
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: $.a, description: d}\n",
                "neither",
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: '$[', description: d, remove: true}\n",
                "invalid JSONPath",
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: $.a, description: ' ', remove: true}\n",
                "empty description",
            ),
        ] {
            let err = overlay(yaml).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }
}
