//! Upstream's webhooks: the requests Telnyx sends to a backend (OpenAPI 3.1's top-level
//! `webhooks`).
//!
//! OpenAPI 3.0 has no place for them, and a client has no operation to call for them, but
//! their body schemas are what `telnyx-client`'s `webhooks` feature decodes events into.
//! [`keep_webhooks`] therefore moves the facts of each webhook into our extension
//! [`WEBHOOKS_EXTENSION`] at the top of the document: its name, its tags and the schema of its
//! JSON body. `spec/families.toml` then gives each one a family (see
//! [`Families::assign`](super::families::Families::assign)), and the components the bodies
//! refer to survive pruning like those of operations.

use serde_json::{Map, Value, json};

pub use telnyx_codegen::select::WEBHOOKS_EXTENSION;

use super::prune::TagSelection;

/// The media type whose schema is kept.
const JSON: &str = "application/json";

/// What [`keep_webhooks`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptWebhooks {
    /// Webhooks moved into [`WEBHOOKS_EXTENSION`].
    pub kept: usize,
    /// Webhooks dropped, with the reason (no JSON body, or their tags were not selected).
    pub dropped: Vec<(String, String)>,
}

/// Replaces the 3.1 `webhooks` section of `doc` by [`WEBHOOKS_EXTENSION`]: one entry per
/// webhook whose tags `tags` selects and that has a JSON body, holding `tags` and `schema`.
/// A document without webhooks (OpenAPI 3.0) is left as it is.
pub fn keep_webhooks(doc: &mut Value, tags: &TagSelection) -> KeptWebhooks {
    let mut out = KeptWebhooks::default();
    let Some(root) = doc.as_object_mut() else {
        return out;
    };
    let Some(webhooks) = root.remove("webhooks") else {
        return out;
    };
    let Value::Object(webhooks) = webhooks else {
        out.dropped
            .push(("webhooks".to_owned(), "is not an object".to_owned()));
        return out;
    };
    let mut kept = Map::new();
    for (name, item) in webhooks {
        // A webhook is a path item; Telnyx's all use POST, but any method is read.
        let operation = item.as_object().and_then(|item| {
            crate::walk::METHODS
                .iter()
                .find_map(|method| item.get(*method).and_then(Value::as_object))
        });
        let Some(operation) = operation else {
            out.dropped
                .push((name, "has no operation (method)".to_owned()));
            continue;
        };
        let op_tags = super::prune::operation_tags(operation);
        if !tags.selects(&op_tags) {
            out.dropped
                .push((name, "its tags are not selected".to_owned()));
            continue;
        }
        let schema = operation
            .get("requestBody")
            .and_then(|body| body.get("content"))
            .and_then(|content| content.get(JSON))
            .and_then(|media| media.get("schema"));
        let Some(schema) = schema else {
            out.dropped
                .push((name, format!("has no `{JSON}` request body")));
            continue;
        };
        kept.insert(name, json!({ "tags": op_tags, "schema": schema }));
    }
    out.kept = kept.len();
    if !kept.is_empty() {
        root.insert(WEBHOOKS_EXTENSION.to_owned(), Value::Object(kept));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "webhooks": {
                "callInitiated": {"post": {
                    "tags": ["Callbacks"],
                    "parameters": [{"name": "telnyx-timestamp", "in": "header"}],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/CallInitiatedEvent"}}}},
                    "responses": {"200": {"description": ""}}
                }},
                "formOnly": {"post": {
                    "tags": ["Callbacks"],
                    "requestBody": {"content": {"application/x-www-form-urlencoded": {}}}
                }},
                "other": {"post": {"tags": ["Other"], "requestBody": {"content": {
                    "application/json": {"schema": {"type": "object"}}}}}}
            }
        })
    }

    #[test]
    fn keeps_the_body_schema_and_tags_of_each_webhook() {
        let mut doc = doc();
        let report = keep_webhooks(&mut doc, &TagSelection::All);
        assert_eq!(report.kept, 2);
        assert_eq!(report.dropped.len(), 1);
        assert_eq!(report.dropped[0].0, "formOnly");
        assert!(doc.get("webhooks").is_none());
        assert_eq!(
            doc[WEBHOOKS_EXTENSION]["callInitiated"],
            json!({"tags": ["Callbacks"], "schema": {"$ref": "#/components/schemas/CallInitiatedEvent"}})
        );
    }

    #[test]
    fn a_tag_selection_applies_to_webhooks_too() {
        let mut doc = doc();
        let report = keep_webhooks(&mut doc, &TagSelection::Only(vec!["Other".to_owned()]));
        assert_eq!(report.kept, 1);
        assert_eq!(
            doc[WEBHOOKS_EXTENSION]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["other"]
        );
    }

    #[test]
    fn a_document_without_webhooks_is_unchanged() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}});
        let before = doc.clone();
        assert_eq!(
            keep_webhooks(&mut doc, &TagSelection::All),
            KeptWebhooks::default()
        );
        assert_eq!(doc, before);
    }
}
