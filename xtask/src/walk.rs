//! Walking an OpenAPI document: every schema object, and every `$ref`, with JSON pointers.
//!
//! The walker knows which keys hold schemas (`schema`, `components/schemas/*`, `properties/*`,
//! `items`, `allOf[*]`, …) and which hold data (`example`, `default`, `enum`, extensions), so an
//! example payload that happens to contain a `$ref` or `schema` key is never mistaken for one.

use serde_json::{Map, Value};

use crate::pointer::push;

/// HTTP methods that can hold an operation in a path item (the generator's list).
pub use telnyx_codegen::select::METHODS;
/// Our extension on WebSocket operations: a map of frame schemas, walked as schemas.
use telnyx_codegen::select::WEBSOCKET_EXTENSION;

/// Schema keywords whose value is one schema.
pub(crate) const SINGLE_SCHEMA_KEYS: [&str; 12] = [
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
pub(crate) const MAP_SCHEMA_KEYS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Schema keywords whose value is a list of schemas.
pub(crate) const LIST_SCHEMA_KEYS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// A callback on one schema object.
pub type SchemaVisitorMut<'a> = dyn FnMut(&mut Map<String, Value>) + 'a;

/// Calls `f` on every schema object in `doc` (pre-order: a schema before its subschemas, which
/// are looked up after `f` returns, so rewrites are walked too).
pub fn schemas_mut(doc: &mut Value, f: &mut SchemaVisitorMut<'_>) {
    walk_doc_mut(doc, true, f);
}

fn walk_doc_mut(value: &mut Value, at_root: bool, f: &mut SchemaVisitorMut<'_>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == WEBSOCKET_EXTENSION {
                    if let Value::Object(frames) = child {
                        frames.values_mut().for_each(|s| walk_schema_mut(s, f));
                    }
                    continue;
                }
                if is_data_key(key) {
                    continue;
                }
                if key == "schema" {
                    walk_schema_mut(child, f);
                } else if at_root && key == "components" {
                    if let Value::Object(components) = child {
                        for (section, entries) in components.iter_mut() {
                            if section == "schemas" {
                                if let Value::Object(schemas) = entries {
                                    schemas.values_mut().for_each(|s| walk_schema_mut(s, f));
                                }
                            } else {
                                walk_doc_mut(entries, false, f);
                            }
                        }
                    }
                } else {
                    walk_doc_mut(child, false, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| walk_doc_mut(c, false, f)),
        _ => {}
    }
}

/// Keys outside schemas whose values are data or prose, never schemas or references.
fn is_data_key(key: &str) -> bool {
    key == "example" || key == "examples" || key.starts_with("x-")
}

fn walk_schema_mut(value: &mut Value, f: &mut SchemaVisitorMut<'_>) {
    let Value::Object(map) = value else { return };
    f(map);
    for (key, child) in map.iter_mut() {
        let key = key.as_str();
        if SINGLE_SCHEMA_KEYS.contains(&key) {
            walk_schema_mut(child, f);
        } else if MAP_SCHEMA_KEYS.contains(&key) {
            if let Value::Object(children) = child {
                children.values_mut().for_each(|s| walk_schema_mut(s, f));
            }
        } else if LIST_SCHEMA_KEYS.contains(&key)
            && let Value::Array(children) = child
        {
            children.iter_mut().for_each(|s| walk_schema_mut(s, f));
        }
    }
}

/// Calls `f(pointer, schema)` on every schema object in `doc` (pre-order), read-only.
pub fn schemas(doc: &Value, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
    schemas_doc(doc, "", f);
}

fn schemas_doc(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            let is_components = pointer == "/components";
            for (key, child) in map {
                if is_data_key(key) {
                    continue;
                }
                let child_pointer = push(pointer, key);
                if key == "schema" {
                    schemas_schema(child, &child_pointer, f);
                } else if is_components && key == "schemas" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas {
                            schemas_schema(schema, &push(&child_pointer, name), f);
                        }
                    }
                } else {
                    schemas_doc(child, &child_pointer, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                schemas_doc(child, &push(pointer, &i.to_string()), f);
            }
        }
        _ => {}
    }
}

fn schemas_schema(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
    let Value::Object(map) = value else { return };
    f(pointer, map);
    for (key, child) in map {
        let key = key.as_str();
        if SINGLE_SCHEMA_KEYS.contains(&key) {
            schemas_schema(child, &push(pointer, key), f);
        } else if MAP_SCHEMA_KEYS.contains(&key) {
            if let Value::Object(children) = child {
                let base = push(pointer, key);
                for (name, schema) in children {
                    schemas_schema(schema, &push(&base, name), f);
                }
            }
        } else if LIST_SCHEMA_KEYS.contains(&key)
            && let Value::Array(children) = child
        {
            let base = push(pointer, key);
            for (i, schema) in children.iter().enumerate() {
                schemas_schema(schema, &push(&base, &i.to_string()), f);
            }
        }
    }
}

/// Calls `f(pointer, reference)` for every `$ref` in `value` (a whole document when `pointer`
/// is ""), including discriminator mappings and references to examples.
pub fn refs(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &str)) {
    refs_doc(value, pointer, &mut strings_only(f));
}

/// Calls `f` for every `$ref` in a schema subtree.
pub fn schema_refs(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &str)) {
    refs_schema(value, pointer, &mut strings_only(f));
}

/// Calls `f(pointer, value)` for every `$ref` keyword in `value` whatever its value is (a
/// number, an object), so that malformed references can be reported.
pub fn ref_values(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &Value)) {
    refs_doc(value, pointer, f);
}

/// A callback on `$ref` values that passes string ones on to `f`.
fn strings_only<'a>(f: &'a mut dyn FnMut(&str, &str)) -> impl FnMut(&str, &Value) + 'a {
    move |at, value| {
        if let Value::String(reference) = value {
            f(at, reference);
        }
    }
}

fn refs_doc(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &Value)) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                f(pointer, reference);
            }
            let is_components = pointer == "/components";
            for (key, child) in map {
                let child_pointer = push(pointer, key);
                if key == WEBSOCKET_EXTENSION {
                    if let Value::Object(frames) = child {
                        for (name, schema) in frames {
                            refs_schema(schema, &push(&child_pointer, name), f);
                        }
                    }
                    continue;
                }
                if key == "example" || key.starts_with("x-") {
                    continue;
                }
                if key == "examples" {
                    // A map of Example objects: only their `$ref`s matter, `value` is data.
                    if let Value::Object(examples) = child {
                        for (name, example) in examples {
                            if let Some(reference) = example.get("$ref") {
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

fn refs_schema(value: &Value, pointer: &str, f: &mut dyn FnMut(&str, &Value)) {
    let Value::Object(map) = value else { return };
    if let Some(reference) = map.get("$ref") {
        f(pointer, reference);
    }
    if let Some(Value::Object(mapping)) = map.get("discriminator").and_then(|d| d.get("mapping")) {
        let base = push(&push(pointer, "discriminator"), "mapping");
        for (name, target) in mapping {
            // Mapping values may also be bare schema names; only `#…` values are pointers.
            if target.as_str().is_some_and(|t| t.starts_with('#')) {
                f(&push(&base, name), target);
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
        } else if LIST_SCHEMA_KEYS.contains(&key)
            && let Value::Array(children) = child
        {
            let base = push(pointer, key);
            for (i, schema) in children.iter().enumerate() {
                refs_schema(schema, &push(&base, &i.to_string()), f);
            }
        }
    }
}

/// A JSON object, as `serde_json` represents it.
pub type Object = Map<String, Value>;

/// Callback of [`operations_mut`]: `(pointer, path, method, operation)`.
pub type OperationVisitorMut<'a> = dyn FnMut(&str, &str, &str, &mut Object) + 'a;

/// Callback of [`operations`]: `(path, method, operation)`.
pub type OperationVisitor<'a> = dyn FnMut(&str, &str, &Object) + 'a;

/// Calls `f(pointer, path, method, operation)` for every operation, in document order.
pub fn operations_mut(doc: &mut Value, f: &mut OperationVisitorMut<'_>) {
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
pub fn operations(doc: &Value, f: &mut OperationVisitor<'_>) {
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

    #[test]
    fn websocket_frames_are_schemas_but_other_extensions_are_data() {
        let mut doc = json!({"paths": {"/socket": {"get": {
            "x-telnyx-websocket": {"receives": {"$ref": "#/components/schemas/Frame",
                "properties": {"a": {"type": "string"}}}},
            "x-upstream": {"$ref": "#/components/schemas/Nope"}
        }}}});
        let mut found = Vec::new();
        refs(&doc, "", &mut |at, r| {
            found.push((at.to_owned(), r.to_owned()))
        });
        assert_eq!(
            found,
            [(
                "/paths/~1socket/get/x-telnyx-websocket/receives".to_owned(),
                "#/components/schemas/Frame".to_owned()
            )]
        );
        let mut visited = 0;
        schemas_mut(&mut doc, &mut |_| visited += 1);
        assert_eq!(visited, 2);
    }
}
