//! Whether a value conforms to a schema, as far as typify checks a `default`.

use serde_json::{Map, Value, json};

use super::structure::{required_names, resolve};

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
        Some("string") => value
            .as_str()
            .is_some_and(|text| string_conforms(map, text)),
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
            let required_ok = required_names(map)
                .into_iter()
                .all(|k| object.contains_key(k));
            keys_ok && required_ok
        }
        Some("object") => value.is_object(),
        _ => true,
    }
}

/// Whether a string respects `minLength`, `maxLength`, `pattern` and the common formats
/// (`uri`/`url`, `email`, `uuid`, `date`, `date-time`). typify does not check these in a default,
/// but the generated client sends a default for a field the caller left unset, so one the
/// API's own validator rejects (upstream's `webhook_url: {format: url, default: ""}`) would make
/// every such request fail.
pub(crate) fn string_conforms(map: &Map<String, Value>, text: &str) -> bool {
    let length = text.chars().count() as u64;
    let length_ok = map
        .get("minLength")
        .and_then(Value::as_u64)
        .is_none_or(|min| length >= min)
        && map
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_none_or(|max| length <= max);
    let pattern_ok = map
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(|p| regress::Regex::new(p).ok())
        .is_none_or(|re| re.find(text).is_some());
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let is_date = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| digits(p))
    };
    let format_ok = match map.get("format").and_then(Value::as_str) {
        Some("uri" | "url") => text.split_once(':').is_some_and(|(scheme, rest)| {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }),
        Some("email") => text
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        Some("uuid") => {
            text.len() == 36
                && text.char_indices().all(|(i, c)| {
                    matches!(i, 8 | 13 | 18 | 23) == (c == '-')
                        && (c == '-' || c.is_ascii_hexdigit())
                })
        }
        Some("date") => is_date(text),
        Some("date-time") => text
            .split_once('T')
            .is_some_and(|(date, time)| is_date(date) && !time.is_empty()),
        _ => true,
    };
    length_ok && pattern_ok && format_ok
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
