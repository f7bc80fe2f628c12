//! Removing upstream's prose: only facts about the API enter the vendored spec.
//!
//! Upstream's repository has no licence, so its descriptions, summaries, examples and
//! documentation links must not be copied into ours. [`strip_prose`] removes every
//! `description`, `summary`, `externalDocs`, `example` and `examples`, and every upstream
//! `x-` extension (none of them is read by the generator: they steer upstream's docs and SDK
//! tooling) but those earlier fixups wrote ([`WEBSOCKET_EXTENSION`], [`SERVER_EXTENSION`]), and
//! reduces `info` to its title and version. Our own words are added afterwards by the overlay
//! (`spec/overlay.yaml`).
//!
//! The walk knows which objects are maps of *names* (`properties`, `paths`, `responses`,
//! `components/schemas`, …): a property called `description` is a fact and stays. Data values
//! (`default`, `enum`, `const`, `security` requirements) are not walked at all.

use serde_json::{Map, Value};

use super::fixups::{SERVER_EXTENSION, WEBSOCKET_EXTENSION};

/// The extensions earlier fixups wrote: ours, kept.
const OURS: [&str; 2] = [WEBSOCKET_EXTENSION, SERVER_EXTENSION];

/// Keys whose values are upstream's prose or sample data.
const PROSE_KEYS: [&str; 5] = [
    "description",
    "summary",
    "externalDocs",
    "example",
    "examples",
];

/// Keys whose value is a map from names to objects (the names are facts, never stripped).
const NAME_MAP_KEYS: [&str; 20] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "paths",
    "webhooks",
    "responses",
    "content",
    "headers",
    "encoding",
    "links",
    "callbacks",
    "variables",
    "schemas",
    "requestBodies",
    "securitySchemes",
    "pathItems",
    "scopes",
    "mapping",
];

/// Keys whose value is data, not document structure: never walked.
const DATA_KEYS: [&str; 4] = ["default", "enum", "const", "security"];

/// Removes upstream prose from `doc` (see the module documentation); returns how many keys
/// were removed.
pub fn strip_prose(doc: &mut Value) -> usize {
    let mut count = 0;
    if let Some(Value::Object(info)) = doc.get_mut("info") {
        let before = info.len();
        info.retain(|key, _| key == "title" || key == "version");
        count += before - info.len();
    }
    strip_object_value(doc, false, &mut count);
    count
}

/// `value` is a structural object (or an array of them): strip its prose keys and walk on.
/// `response` says it is a response object, whose `description` OpenAPI 3.0 requires: it is
/// emptied rather than removed.
fn strip_object_value(value: &mut Value, response: bool, count: &mut usize) {
    match value {
        Value::Object(map) => strip_object(map, response, count),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| strip_object_value(item, false, count)),
        _ => {}
    }
}

fn strip_object(map: &mut Map<String, Value>, response: bool, count: &mut usize) {
    let before = map.len();
    map.retain(|key, _| {
        !(PROSE_KEYS.contains(&key.as_str())
            || key.starts_with("x-") && !OURS.contains(&key.as_str()))
    });
    *count += before - map.len();
    if response && !map.contains_key("$ref") {
        map.insert("description".to_owned(), Value::String(String::new()));
    }
    for (key, child) in map.iter_mut() {
        let key = key.as_str();
        if DATA_KEYS.contains(&key) {
            continue;
        }
        // `parameters` is a name map under `components` and a list in operations.
        let names = NAME_MAP_KEYS.contains(&key) || (key == "parameters" && child.is_object());
        match (names, child) {
            (true, Value::Object(entries)) => entries
                .values_mut()
                .for_each(|entry| strip_object_value(entry, key == "responses", count)),
            (_, child) => strip_object_value(child, false, count),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_prose_keeps_named_facts() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1", "description": "prose", "contact": {"name": "x"}},
            "x-latency": 1,
            "tags": [{"name": "Rooms", "description": "prose"}],
            "paths": {"/description": {"get": {
                "summary": "prose", "description": "prose", "x-hidden": true,
                "operationId": "Get",
                "parameters": [{"name": "description", "in": "query", "description": "prose",
                    "schema": {"type": "string", "example": "x"}}],
                "security": [{"description": []}],
                "responses": {"200": {"description": "prose", "content": {"application/json": {
                    "examples": {"a": {"value": 1}},
                    "schema": {"type": "object", "properties": {
                        "description": {"type": "string", "description": "prose",
                            "default": {"description": "data stays"}},
                        "example": {"type": "string", "enum": ["description"]}
                    }}
                }}}}
            }}},
            "components": {
                "schemas": {"description": {"type": "string", "externalDocs": {"url": "u"}}},
                "parameters": {"summary": {"name": "summary", "in": "query", "description": "p"}},
                "examples": {"e": {"value": 1}}
            }
        });
        let removed = strip_prose(&mut doc);
        assert_eq!(
            doc,
            json!({
                "openapi": "3.0.3",
                "info": {"title": "T", "version": "1"},
                "tags": [{"name": "Rooms"}],
                "paths": {"/description": {"get": {
                    "operationId": "Get",
                    "parameters": [{"name": "description", "in": "query",
                        "schema": {"type": "string"}}],
                    "security": [{"description": []}],
                    "responses": {"200": {"description": "", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "description": {"type": "string",
                                "default": {"description": "data stays"}},
                            "example": {"type": "string", "enum": ["description"]}
                        }}
                    }}}}
                }}},
                "components": {
                    "schemas": {"description": {"type": "string"}},
                    "parameters": {"summary": {"name": "summary", "in": "query"}}
                }
            })
        );
        assert_eq!(removed, 15);
    }
}
