//! Whether a value conforms to a schema, as far as typify checks a `default`.

use serde_json::{Map, Value, json};

use super::resolve;

/// Whether `value` is valid for `schema`, as far as typify checks defaults: type, `nullable`,
/// `enum`, array items, object properties (known keys, required keys) and the branches of
/// `allOf`/`oneOf`/`anyOf`.
pub(crate) fn conforms(doc: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    match resolve(doc, schema).as_object() {
        Some(map) => conforms_map(doc, map, value, depth),
        None => true,
    }
}

/// [`conforms`] for a schema object.
pub(crate) fn conforms_map(
    doc: &Value,
    map: &Map<String, Value>,
    value: &Value,
    depth: usize,
) -> bool {
    if depth > 16 {
        return true;
    }
    if let Some(Value::Array(parts)) = map.get("allOf")
        && !parts.iter().all(|p| conforms(doc, p, value, depth + 1))
    {
        return false;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get(key) {
            let nullable_ok = value.is_null() && map.get("nullable") == Some(&json!(true));
            if !nullable_ok && !parts.iter().any(|p| conforms(doc, p, value, depth + 1)) {
                return false;
            }
        }
    }
    if value.is_null() {
        return map.get("nullable") == Some(&json!(true))
            || map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(&Value::Null))
            || (map.get("type").is_none()
                && !map.contains_key("enum")
                && !map.contains_key("properties"));
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && !values.contains(value)
    {
        return false;
    }
    let inferred = if map.contains_key("items") {
        Some("array")
    } else if map.contains_key("properties") || map.contains_key("additionalProperties") {
        Some("object")
    } else {
        None
    };
    match map.get("type").and_then(Value::as_str).or(inferred) {
        Some("string") => value.is_string(),
        Some("integer") => {
            (value.as_i64().is_some() || value.as_u64().is_some()) && within_bounds(map, value)
        }
        Some("number") => value.is_number() && within_bounds(map, value),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.as_array().is_some_and(|items| {
            map.get("items")
                .is_none_or(|schema| items.iter().all(|v| conforms(doc, schema, v, depth + 1)))
        }),
        Some("object") | None if map.contains_key("properties") => {
            let Some(object) = value.as_object() else {
                return false;
            };
            let props = map.get("properties").and_then(Value::as_object);
            let open_map = matches!(map.get("additionalProperties"), Some(Value::Object(_)));
            let keys_ok = object
                .iter()
                .all(|(k, v)| match props.and_then(|p| p.get(k)) {
                    Some(schema) => conforms(doc, schema, v, depth + 1),
                    None => open_map,
                });
            let required_ok = map
                .get("required")
                .and_then(Value::as_array)
                .is_none_or(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .all(|k| object.contains_key(k))
                });
            keys_ok && required_ok
        }
        Some("object") => value.is_object(),
        _ => true,
    }
}

/// Whether a number respects `minimum`/`maximum` (with 3.0's boolean `exclusiveMinimum` and
/// `exclusiveMaximum`), as typify checks a default.
pub(crate) fn within_bounds(map: &Map<String, Value>, value: &Value) -> bool {
    let Some(number) = value.as_f64() else {
        return true;
    };
    let exclusive = |key: &str| map.get(key) == Some(&json!(true));
    let low_ok = map
        .get("minimum")
        .and_then(Value::as_f64)
        .is_none_or(|min| {
            if exclusive("exclusiveMinimum") {
                number > min
            } else {
                number >= min
            }
        });
    let high_ok = map
        .get("maximum")
        .and_then(Value::as_f64)
        .is_none_or(|max| {
            if exclusive("exclusiveMaximum") {
                number < max
            } else {
                number <= max
            }
        });
    low_ok && high_ok
}
