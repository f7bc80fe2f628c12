//! Walking an OpenAPI document: every schema object, and every `$ref`, with JSON pointers.
//!
//! The walker knows which keys hold schemas (`schema`, `components/schemas/*`, `properties/*`,
//! `items`, `allOf[*]`, …) and which hold data (`example`, `default`, `enum`, extensions), so an
//! example payload that happens to contain a `$ref` or `schema` key is never mistaken for one.

use serde_json::{Map, Value};

use crate::pointer::push;

/// HTTP methods that can hold an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema keywords whose value is one schema.
const SINGLE_SCHEMA_KEYS: [&str; 12] = [
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contentSchema",
];

/// Schema keywords whose value is a map of schemas.
const MAP_SCHEMA_KEYS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Schema keywords whose value is a list of schemas.
const LIST_SCHEMA_KEYS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Calls `f` on every schema object in `doc` (pre-order: a schema before its subschemas, which
/// are looked up after `f` returns, so rewrites are walked too).
pub fn schemas_mut(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    walk_doc_mut(doc, "", f);
}

/// Like [`schemas_mut`] but for one subtree that is itself a schema.
pub fn schema_tree_mut(
    schema: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    walk_schema_mut(schema, pointer, f);
}

fn walk_doc_mut(value: &mut Value, pointer: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            let is_components = pointer == "/components";
            for (key, child) in map.iter_mut() {
                if is_data_key(key) {
                    continue;
                }
                let child_pointer = push(pointer, key);
                if key == "schema" {
                    walk_schema_mut(child, &child_pointer, f);
                } else if is_components && key == "schemas" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            walk_schema_mut(schema, &push(&child_pointer, name), f);
                        }
                    }
                } else {
                    walk_doc_mut(child, &child_pointer, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk_doc_mut(child, &push(pointer, &i.to_string()), f);
            }
        }
        _ => {}
    }
}

/// Keys outside schemas whose values are data or prose, never schemas or references.
fn is_data_key(key: &str) -> bool {
    key == "example" || key == "examples" || key.starts_with("x-")
}

fn walk_schema_mut(
    value: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    let Value::Object(map) = value else { return };
    f(pointer, map);
    for (key, child) in map.iter_mut() {
        let key = key.as_str();
        if SINGLE_SCHEMA_KEYS.contains(&key) {
            walk_schema_mut(child, &push(pointer, key), f);
        } else if MAP_SCHEMA_KEYS.contains(&key) {
            if let Value::Object(children) = child {
                let base = push(pointer, key);
                for (name, schema) in children.iter_mut() {
                    walk_schema_mut(schema, &push(&base, name), f);
                }
            }
        } else if LIST_SCHEMA_KEYS.contains(&key) {
            if let Value::Array(children) = child {
                let base = push(pointer, key);
                for (i, schema) in children.iter_mut().enumerate() {
                    walk_schema_mut(schema, &push(&base, &i.to_string()), f);
                }
            }
        }
    }
}

/// Calls `f(pointer, reference)` for every `$ref` in `value` (a whole document when `pointer`
/// is ""), including discriminator mappings and references to examples.
pub fn refs(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &str)) {
    refs_doc(value, pointer, f);
}

/// Calls `f` for every `$ref` in a schema subtree.
pub fn schema_refs(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &str)) {
    refs_schema(value, pointer, f);
}

fn refs_doc(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                f(pointer, reference);
            }
            let is_components = pointer == "/components";
            for (key, child) in map {
                if key == "example" || key.starts_with("x-") {
                    continue;
                }
                let child_pointer = push(pointer, key);
                if key == "examples" {
                    // A map of Example objects: only their `$ref`s matter, `value` is data.
                    if let Value::Object(examples) = child {
                        for (name, example) in examples {
                            if let Some(Value::String(reference)) = example.get("$ref") {
                                f(&push(&child_pointer, name), reference);
                            }
                        }
                    }
                } else if key == "schema" {
                    refs_schema(child, &child_pointer, f);
                } else if is_components && key == "schemas" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas {
                            refs_schema(schema, &push(&child_pointer, name), f);
                        }
                    }
                } else {
                    refs_doc(child, &child_pointer, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs_doc(child, &push(pointer, &i.to_string()), f);
            }
        }
        _ => {}
    }
}

fn refs_schema(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &str)) {
    let Value::Object(map) = value else { return };
    if let Some(Value::String(reference)) = map.get("$ref") {
        f(pointer, reference);
    }
    if let Some(Value::Object(mapping)) = map.get("discriminator").and_then(|d| d.get("mapping")) {
        let base = push(&push(pointer, "discriminator"), "mapping");
        for (name, target) in mapping {
            if let Value::String(target) = target {
                // Mapping values may also be bare schema names; only `#…` values are pointers.
                if target.starts_with('#') {
                    f(&push(&base, name), target);
                }
            }
        }
    }
    for (key, child) in map {
        let key = key.as_str();
        if SINGLE_SCHEMA_KEYS.contains(&key) {
            refs_schema(child, &push(pointer, key), f);
        } else if MAP_SCHEMA_KEYS.contains(&key) {
            if let Value::Object(children) = child {
                let base = push(pointer, key);
                for (name, schema) in children {
                    refs_schema(schema, &push(&base, name), f);
                }
            }
        } else if LIST_SCHEMA_KEYS.contains(&key) {
            if let Value::Array(children) = child {
                let base = push(pointer, key);
                for (i, schema) in children.iter().enumerate() {
                    refs_schema(schema, &push(&base, &i.to_string()), f);
                }
            }
        }
    }
}

/// Calls `f(pointer, path, method, operation)` for every operation, in document order.
pub fn operations_mut(
    doc: &mut Value,
    f: &mut dyn FnMut(&str, &str, &str, &mut Map<String, Value>),
) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let item_pointer = push("/paths", path);
        for (method, operation) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Value::Object(operation) = operation {
                f(&push(&item_pointer, method), path, method, operation);
            }
        }
    }
}

/// Calls `f(path, method, operation)` for every operation, in document order.
pub fn operations(doc: &Value, f: &mut dyn FnMut(&str, &str, &Map<String, Value>)) {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for (method, operation) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Value::Object(operation) = operation {
                f(path, method, operation);
            }
        }
    }
}

/// The number of operations in `doc`.
pub fn operation_count(doc: &Value) -> usize {
    let mut count = 0;
    operations(doc, &mut |_, _, _| count += 1);
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_refs_but_not_in_examples() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A", "example": {"$ref": "nope"}},
                "examples": {"e": {"$ref": "#/components/examples/E"}, "f": {"value": {"$ref": "no"}}}
            }}}}}}},
            "components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/B"}},
                "discriminator": {"mapping": {"x": "#/components/schemas/C"}}}}}
        });
        let mut found = Vec::new();
        refs(&doc, "", &mut |_, r| found.push(r.to_owned()));
        found.sort();
        assert_eq!(
            found,
            [
                "#/components/examples/E",
                "#/components/schemas/A",
                "#/components/schemas/B",
                "#/components/schemas/C"
            ]
        );
    }
}
