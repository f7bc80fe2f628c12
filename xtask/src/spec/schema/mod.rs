//! Reading schemas the way typify does: following `$ref`s, comparing structure without prose,
//! checking a value against a schema, listing a query object's leaves and predicting the type
//! names typify will give. Fixups use these to decide what to change; `model.rs` uses them to
//! describe the generated client.

use serde_json::{Map, Value};

use crate::pointer;

mod conform;
mod leaves;
mod registry;

pub(crate) use self::conform::conforms_map;
pub(crate) use self::leaves::collect_leaves;
pub(crate) use self::registry::NameRegistry;

/// Whether progenitor reads a media type as JSON: `application/json`, bare or with parameters
/// (`application/json; charset=utf-8`). progenitor gives every other type (`application/jsonl`,
/// `application/problem+json`) a raw body, so fixups that prepare JSON bodies use the same rule.
pub(crate) fn is_json_media_type(name: &str) -> bool {
    name.split(';')
        .next()
        .is_some_and(|bare| bare.trim() == "application/json")
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_follow_progenitor() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(!is_json_media_type("application/jsonl"));
        assert!(!is_json_media_type("application/json-patch+json"));
        assert!(!is_json_media_type("text/json"));
    }
}
