//! Finding what in a document makes progenitor fail, so that the error can name it: the
//! operation, or the component schema, and the JSON pointer of the offending value.
//!
//! Everything here runs only after a failed generation, and only by generating edited copies
//! of the document:
//!
//! - when the document without its paths generates, the failure is an operation's: the
//!   operations are bisected (each half generated with only the components it reaches);
//! - otherwise typify fails on the component schemas (it converts every one of them): the
//!   schemas are bisected by replacing a growing prefix of them with the empty schema `{}`,
//!   which always generates;
//! - in the part found, the offending value is bisected the same way: a growing prefix of its
//!   `default`/`enum`/`const` values and schema `$ref`s is removed until the document
//!   generates.
//!
//! Each bisection costs a logarithmic number of runs: with a bad `default` in one schema of the
//! Telnyx document (about 1,800 schemas), 15 runs and about 4 s.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use progenitor::GenerationSettings;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::document::OperationFacts;
use crate::error::OperationRef;
use crate::refs::{escape, unescape};
use crate::run::{Output, run_once};

/// Where a failure comes from, as far as the search could tell.
#[derive(Debug, Default)]
pub struct Location {
    /// The one operation that fails on its own.
    pub operation: Option<OperationRef>,
    /// The component schema holding the offending value (or, without one, the schema whose
    /// removal makes the document generate).
    pub schema: Option<String>,
    /// JSON pointer of the offending value in the document.
    pub pointer: Option<String>,
    /// progenitor's message for the operation on its own, when that is what was found.
    pub message: Option<String>,
}

/// Where the component schemas are in a document.
const SCHEMAS: &str = "/components/schemas";

/// Finds what makes `document` fail to generate (the caller has seen it fail).
pub fn locate(
    document: &OpenAPI,
    operations: &[OperationFacts],
    settings: &GenerationSettings,
    output: Output<'_>,
) -> Location {
    let Ok(value) = serde_json::to_value(document) else {
        return Location::default();
    };
    let mut without_paths = value.clone();
    if let Some(paths) = without_paths.get_mut("paths") {
        *paths = Value::Object(Map::new());
    }
    let found = if fails(&without_paths, settings, output).is_none() {
        find_operation(&value, operations, settings, output)
    } else {
        find_schema(&without_paths, settings, output)
    };
    found.unwrap_or_default()
}

/// Generates `doc` (a JSON document); the error message when it fails.
fn fails(doc: &Value, settings: &GenerationSettings, output: Output<'_>) -> Option<String> {
    match OpenAPI::deserialize(doc) {
        Ok(typed) => run_once(&typed, settings, output).err(),
        Err(error) => Some(error.to_string()),
    }
}

/// Bisects a list of `count` edits of a failing document, where `still_fails(n)` generates the
/// document with the first `n` edits applied. Returns the index of the edit after which it
/// generates (`still_fails(i)` and not `still_fails(i + 1)`), or `None` when it fails even
/// with every edit applied.
fn edit_that_fixes(count: usize, mut still_fails: impl FnMut(usize) -> bool) -> Option<usize> {
    if count == 0 || still_fails(count) {
        return None;
    }
    // Invariant: the document fails with `low` edits and generates with `high`.
    let (mut low, mut high) = (0, count);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if still_fails(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(low)
}

/// The document `value` with only the operations in `keep` (by path and method) and the
/// components they reach.
fn subset(value: &Value, keep: &[&OperationFacts]) -> Value {
    let mut doc = value.clone();
    let wanted: BTreeSet<(&str, String)> = keep
        .iter()
        .map(|op| (op.path.as_str(), op.http_method.to_ascii_lowercase()))
        .collect();
    crate::select::retain_operations(&mut doc, &mut |path, method, _| {
        wanted.contains(&(path, method.to_owned()))
    });
    doc
}

/// Bisects the operations down to one that fails on its own, then looks for the value in its
/// part of the document that makes it fail. `None` when only a combination of operations
/// fails (two whose types collide, say).
fn find_operation(
    value: &Value,
    operations: &[OperationFacts],
    settings: &GenerationSettings,
    output: Output<'_>,
) -> Option<Location> {
    let mut candidates: Vec<&OperationFacts> = operations.iter().collect();
    while candidates.len() > 1 {
        let (first, second) = candidates.split_at(candidates.len() / 2);
        if fails(&subset(value, first), settings, output).is_some() {
            candidates = first.to_vec();
        } else if fails(&subset(value, second), settings, output).is_some() {
            candidates = second.to_vec();
        } else {
            return None;
        }
    }
    let facts = candidates.first()?;
    let single = subset(value, &[facts]);
    let message = fails(&single, settings, output)?;
    // The operation's own part first: its components generate without it.
    let mut candidates = removable(&single, "/paths");
    candidates.extend(removable(&single, "/components"));
    let pointer = offending_value(&single, &candidates, settings, output);
    Some(Location {
        operation: Some(facts.to_ref()),
        schema: pointer.as_deref().and_then(schema_of_pointer),
        pointer,
        message: Some(message),
    })
}

/// Bisects the component schemas of `doc` (a document without paths that fails) down to the
/// one that makes it fail, then looks for the offending value. `None` when the document fails
/// even with every schema empty (an `openapi` version progenitor does not read, say).
fn find_schema(doc: &Value, settings: &GenerationSettings, output: Output<'_>) -> Option<Location> {
    let names: Vec<String> = doc.pointer(SCHEMAS)?.as_object()?.keys().cloned().collect();
    let emptied = |count: usize| {
        let mut trial = doc.clone();
        if let Some(Value::Object(schemas)) = trial.pointer_mut(SCHEMAS) {
            for name in &names[..count] {
                schemas.insert(name.clone(), Value::Object(Map::new()));
            }
        }
        trial
    };
    let index = edit_that_fixes(names.len(), |count| {
        fails(&emptied(count), settings, output).is_some()
    })?;
    let suspect = &names[index];
    // The suspect is needed for the failure. Usually it fails itself, and then does so among
    // just the schemas it reaches (a much smaller document to search). Otherwise it is a
    // schema another one depends on (a `default` elsewhere that is not one of its `enum`
    // values, say): search the others' values first.
    let context = emptied(index);
    let reached = reachable_only(&context, suspect);
    let suspect_fails = fails(&reached, settings, output).is_some();
    let context = if suspect_fails { reached } else { context };
    let own = schema_pointer(suspect);
    let others: Vec<String> = context
        .pointer(SCHEMAS)
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .keys()
                .filter(|name| *name != suspect)
                .map(|name| schema_pointer(name))
                .collect()
        })
        .unwrap_or_default();
    let mut regions = vec![own];
    if suspect_fails {
        regions.extend(others);
    } else {
        regions.splice(0..0, others);
    }
    let candidates: Vec<String> = regions
        .iter()
        .flat_map(|region| removable(&context, region))
        .collect();
    let pointer = offending_value(&context, &candidates, settings, output);
    let schema = pointer
        .as_deref()
        .and_then(schema_of_pointer)
        .unwrap_or_else(|| suspect.clone());
    Some(Location {
        schema: Some(schema),
        pointer,
        ..Location::default()
    })
}

/// `/components/schemas/<name>`, with the name escaped.
fn schema_pointer(name: &str) -> String {
    format!("{SCHEMAS}/{}", escape(name))
}

/// The name of the component schema a JSON pointer points into.
fn schema_of_pointer(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix(SCHEMAS)?.strip_prefix('/')?;
    rest.split('/').next().map(unescape)
}

/// `doc` with only `root` and the component schemas it reaches through `$ref`s.
fn reachable_only(doc: &Value, root: &str) -> Value {
    let mut out = doc.clone();
    let Some(Value::Object(schemas)) = doc.pointer(SCHEMAS) else {
        return out;
    };
    let mut reached = BTreeSet::from([root.to_owned()]);
    let mut queue = vec![root];
    while let Some(name) = queue.pop() {
        let Some(schema) = schemas.get(name) else {
            continue;
        };
        let mut targets = Vec::new();
        collect_refs(schema, &mut targets);
        for target in targets {
            for name in referenced_schemas(target) {
                if let Some((name, _)) = schemas.get_key_value(&name)
                    && reached.insert(name.clone())
                {
                    queue.push(name.as_str());
                }
            }
        }
    }
    if let Some(Value::Object(schemas)) = out.pointer_mut(SCHEMAS) {
        schemas.retain(|name, _| reached.contains(name));
    }
    out
}

/// Every `$ref` string in `value`.
fn collect_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target);
            }
            map.values().for_each(|child| collect_refs(child, out));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

/// The schema names a `$ref` into `#/components/schemas/` can need: the first segment (`X` of
/// `#/components/schemas/X/properties/y`) and the last, which is the name typify looks up.
fn referenced_schemas(target: &str) -> Vec<String> {
    let Some(rest) = target
        .strip_prefix("#")
        .and_then(|t| t.strip_prefix(SCHEMAS))
    else {
        return Vec::new();
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    segments
        .first()
        .into_iter()
        .chain(segments.last())
        .map(|segment| unescape(segment))
        .collect()
}

/// Keys whose values typify checks against their schema.
const VALUE_KEYS: [&str; 3] = ["default", "enum", "const"];

/// Keys whose value maps names (paths, property names, status codes, media types, …) to
/// objects: a `default` or `enum` key directly inside one is a name, not a keyword.
const NAME_MAPS: [&str; 12] = [
    "paths",
    "properties",
    "responses",
    "schemas",
    "parameters",
    "requestBodies",
    "headers",
    "content",
    "encoding",
    "links",
    "callbacks",
    "securitySchemes",
];

/// The JSON pointers, under `region` of `doc`, of the values whose removal can make a failing
/// document generate: every `default`, `enum` and `const`, then every `$ref` that is not to a
/// non-schema component (removing a response's or parameter's `$ref` would leave an invalid
/// document, not a simpler one).
fn removable(doc: &Value, region: &str) -> Vec<String> {
    let (mut values, mut refs) = (Vec::new(), Vec::new());
    if let Some(value) = doc.pointer(region) {
        collect_removable(value, region.to_owned(), false, &mut values, &mut refs);
    }
    values.extend(refs);
    values
}

/// [`removable`] below `value`, which is at `at`; `names` when `value` is a name map.
fn collect_removable(
    value: &Value,
    at: String,
    names: bool,
    values: &mut Vec<String>,
    refs: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{at}/{}", escape(key));
                if names {
                    collect_removable(child, pointer, false, values, refs);
                } else if VALUE_KEYS.contains(&key.as_str()) {
                    values.push(pointer);
                } else if key == "$ref" {
                    if child.as_str().is_some_and(is_schema_ref) {
                        refs.push(pointer);
                    }
                } else if !matches!(key.as_str(), "example" | "examples" | "servers")
                    && !key.starts_with("x-")
                {
                    let child_names = NAME_MAPS.contains(&key.as_str());
                    collect_removable(child, pointer, child_names, values, refs);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_removable(item, format!("{at}/{index}"), false, values, refs);
            }
        }
        _ => {}
    }
}

/// Whether a `$ref` can stand where a schema does: anything but a reference to another
/// section of `components` (responses, parameters, …).
fn is_schema_ref(target: &str) -> bool {
    match target.strip_prefix("#/components/") {
        Some(rest) => rest.starts_with("schemas/"),
        None => true,
    }
}

/// Of `candidates` (JSON pointers of keys in `doc`, most likely first), the one whose removal
/// makes `doc` generate, given the ones before it removed too.
fn offending_value(
    doc: &Value,
    candidates: &[String],
    settings: &GenerationSettings,
    output: Output<'_>,
) -> Option<String> {
    let index = edit_that_fixes(candidates.len(), |count| {
        let mut trial = doc.clone();
        for pointer in &candidates[..count] {
            remove_pointer(&mut trial, pointer);
        }
        fails(&trial, settings, output).is_some()
    })?;
    candidates.get(index).cloned()
}

/// Removes the object member a JSON pointer names.
fn remove_pointer(doc: &mut Value, pointer: &str) {
    if let Some((parent, key)) = pointer.rsplit_once('/')
        && let Some(Value::Object(map)) = doc.pointer_mut(parent)
    {
        map.remove(&unescape(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bisection_finds_the_edit_that_fixes() {
        // Fails until edit 6 is applied.
        assert_eq!(edit_that_fixes(10, |n| n <= 6), Some(6));
        assert_eq!(edit_that_fixes(10, |n| n == 0), Some(0));
        assert_eq!(edit_that_fixes(10, |n| n < 10), Some(9));
        assert_eq!(edit_that_fixes(10, |_| true), None);
        assert_eq!(edit_that_fixes(0, |_| true), None);
    }

    #[test]
    fn removable_values_skip_names_examples_and_other_components() {
        let doc = json!({"components": {"schemas": {"A": {
            "type": "object",
            "default": {},
            "properties": {
                "default": {"type": "string", "enum": ["a"]},
                "b": {"$ref": "#/components/schemas/B", "example": {"default": 1}},
                "c": {"allOf": [{"$ref": "#/components/schemas/A/properties/b"}]}
            }
        }}, "responses": {"R": {"$ref": "#/components/responses/S"}}}});
        assert_eq!(
            removable(&doc, "/components"),
            [
                "/components/schemas/A/default",
                "/components/schemas/A/properties/default/enum",
                "/components/schemas/A/properties/b/$ref",
                "/components/schemas/A/properties/c/allOf/0/$ref",
            ]
        );
    }

    #[test]
    fn reachable_only_follows_refs_into_schemas() {
        let doc = json!({"components": {"schemas": {
            "A": {"properties": {"b": {"$ref": "#/components/schemas/B/properties/c"}}},
            "B": {"items": {"$ref": "#/components/schemas/a~1b"}},
            "a/b": {},
            "c": {},
            "D": {}
        }}});
        let reached = reachable_only(&doc, "A");
        let names: Vec<&String> = reached["components"]["schemas"]
            .as_object()
            .map(|s| s.keys().collect())
            .unwrap_or_default();
        assert_eq!(names, ["A", "B", "a/b", "c"]);
    }

    #[test]
    fn pointers_name_their_schema() {
        assert_eq!(
            schema_of_pointer("/components/schemas/a~1b/properties/x/default").as_deref(),
            Some("a/b")
        );
        assert_eq!(schema_of_pointer("/components/schemasX/a"), None);
        assert_eq!(schema_of_pointer("/paths/~1a/get"), None);
        let mut doc = json!({"a/b": {"default": 1, "enum": [1]}});
        remove_pointer(&mut doc, "/a~1b/default");
        assert_eq!(doc, json!({"a/b": {"enum": [1]}}));
    }
}
