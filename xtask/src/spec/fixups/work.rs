//! The document the fixups change, and the record of what they removed from it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An operation removed because progenitor cannot generate it, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedOperation {
    /// HTTP method, upper case.
    pub method: String,
    /// Path as upstream spells it.
    pub path: String,
    /// Upstream's `operationId` (empty when it had none).
    pub operation_id: String,
    /// Why it was removed.
    pub reason: String,
    /// JSON pointer of what made the removal necessary (the operation itself when nothing
    /// narrower is known).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pointer: String,
}

/// A part of the document other than an operation (a property, a `oneOf` branch, a component,
/// a value) removed because it could not be repaired, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedPart {
    /// JSON pointer of the part (in the source document, where it was moved since).
    pub pointer: String,
    /// Why it was removed.
    pub reason: String,
}

impl RemovedOperation {
    /// The record for the operation `method` `path` (`operation` is its object, for its id).
    pub fn new(
        method: &str,
        path: &str,
        operation: Option<&serde_json::Map<String, Value>>,
        reason: String,
        pointer: String,
    ) -> Self {
        Self {
            method: method.to_uppercase(),
            path: path.to_owned(),
            operation_id: operation
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            reason,
            pointer,
        }
    }
}

/// The document being fixed, plus what has been removed from it.
#[derive(Debug)]
pub struct Work {
    /// The document.
    pub doc: Value,
    /// Operations removed so far.
    pub removed: Vec<RemovedOperation>,
    /// Nodes moved so far, as (JSON pointer now, JSON pointer in the source), so that an error
    /// found later can name the node where the user will look for it.
    pub moved: Vec<(String, String)>,
    /// Parts removed because they could not be repaired (also so that the removal of what
    /// referred to them can say why).
    pub removed_parts: Vec<RemovedPart>,
}

impl Work {
    /// `doc`, with nothing removed or moved yet.
    pub fn new(doc: Value) -> Self {
        Self {
            doc,
            removed: Vec::new(),
            moved: Vec::new(),
            removed_parts: Vec::new(),
        }
    }
}

/// What the fixups' tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;

    use super::Work;

    /// `doc` as a [`Work`] with nothing removed or moved yet.
    pub(crate) fn work(doc: Value) -> Work {
        Work::new(doc)
    }
}
