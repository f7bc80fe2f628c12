//! Reading a schema for its structure: following `$ref`s, and leaving out prose. The other
//! schema readers build on these, so this module imports none of them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::pointer;

/// Follows `$ref`s (at most 32 hops) from `value` within `doc`.
pub(crate) fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => match pointer::resolve(doc, reference) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

/// `value` without `description`, `title`, `example` and `examples` keys (recursively).
pub(crate) fn stripped(value: &Value) -> Value {
    match value {
        Value::Object(map) => stripped_map(map),
        Value::Array(items) => Value::Array(items.iter().map(stripped).collect()),
        other => other.clone(),
    }
}

/// [`stripped`] for an object.
pub(crate) fn stripped_map(map: &Map<String, Value>) -> Value {
    Value::Object(
        map.iter()
            .filter(|(k, _)| {
                !matches!(k.as_str(), "description" | "title" | "example" | "examples")
            })
            .map(|(k, v)| (k.clone(), stripped(v)))
            .collect(),
    )
}

/// The property names that the `required` list of `schema` holds (entries that are not
/// strings are left out).
pub(crate) fn required_names(schema: &Map<String, Value>) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}
