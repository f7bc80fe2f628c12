//! `anyOf` of string schemas → one string schema, before progenitor sees the document.
//!
//! typify turns an `anyOf` into a struct with one flattened optional field per branch. For
//! branches that are objects that is a fair reading; for branches that are strings it is a
//! type that cannot read any JSON string (WirelessBlocklist `values`: `anyOf` of
//! `CountryCode`, `MobileCountryCode`, `PLMNCode`, so `"CA"` fails to decode). A value that
//! matches any of several strings is a string: one enum when every branch is one (their
//! values together), else a plain string, with the branches' format when they share one.

use serde_json::{Map, Value, json};

/// Rewrites every such `anyOf` in `document`; returns how many.
pub fn collapse(document: &mut Value) -> usize {
    let schemas = document
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut count = 0;
    walk(document, &schemas, &mut count, 0);
    count
}

fn walk(value: &mut Value, schemas: &Value, count: &mut usize, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(replacement) = string_union(map, schemas) {
                map.remove("anyOf");
                map.extend(replacement);
                *count += 1;
            }
            for child in map.values_mut() {
                walk(child, schemas, count, depth + 1);
            }
        }
        Value::Array(items) => {
            for child in items {
                walk(child, schemas, count, depth + 1);
            }
        }
        _ => {}
    }
}

/// The keys that replace `anyOf` in `map`, when every branch is a string schema.
fn string_union(map: &Map<String, Value>, schemas: &Value) -> Option<Map<String, Value>> {
    let branches = map.get("anyOf")?.as_array()?;
    if branches.is_empty() || map.contains_key("type") || map.contains_key("properties") {
        return None;
    }
    let resolved: Vec<&Map<String, Value>> = branches
        .iter()
        .map(|branch| resolve(branch, schemas)?.as_object())
        .collect::<Option<_>>()?;
    let plain_string = |schema: &&Map<String, Value>| {
        schema.get("type") == Some(&json!("string"))
            && !["anyOf", "oneOf", "allOf", "properties", "items"]
                .iter()
                .any(|key| schema.contains_key(*key))
    };
    if !resolved.iter().all(plain_string) {
        return None;
    }
    let mut replacement = Map::new();
    replacement.insert("type".into(), json!("string"));
    let enums: Option<Vec<&Vec<Value>>> = resolved
        .iter()
        .map(|s| s.get("enum").and_then(Value::as_array))
        .collect();
    if let Some(enums) = enums {
        let mut values: Vec<Value> = Vec::new();
        for value in enums.into_iter().flatten() {
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
        replacement.insert("enum".into(), Value::Array(values));
    }
    let format = resolved[0].get("format");
    if format.is_some() && resolved.iter().all(|s| s.get("format") == format) {
        replacement.insert("format".into(), format.cloned().unwrap_or(Value::Null));
    }
    Some(replacement)
}

/// `value`, or the component schema its `$ref` names (followed a few times).
fn resolve<'a>(mut value: &'a Value, schemas: &'a Value) -> Option<&'a Value> {
    for _ in 0..8 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Some(value);
        };
        let name = reference.strip_prefix("#/components/schemas/")?;
        value = schemas.get(name)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_branches_become_one_string() {
        let mut doc = json!({
            "components": {"schemas": {
                "CountryCode": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "Mcc": {"type": "string"},
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Other": {"type": "string", "enum": ["b", "c"]},
                "Obj": {"type": "object", "properties": {"x": {"type": "string"}}},
                "List": {"type": "object", "properties": {
                    "values": {"type": "array", "items": {"anyOf": [
                        {"$ref": "#/components/schemas/CountryCode"},
                        {"$ref": "#/components/schemas/Mcc"}]}},
                    "kinds": {"anyOf": [
                        {"$ref": "#/components/schemas/Kind"},
                        {"$ref": "#/components/schemas/Other"}], "description": "kept"},
                    "mixed": {"anyOf": [
                        {"$ref": "#/components/schemas/Mcc"},
                        {"$ref": "#/components/schemas/Obj"}]}}}
            }}
        });
        assert_eq!(collapse(&mut doc), 2);
        let list = &doc["components"]["schemas"]["List"]["properties"];
        assert_eq!(list["values"]["items"], json!({"type": "string"}));
        assert_eq!(
            list["kinds"],
            json!({"type": "string", "enum": ["a", "b", "c"], "description": "kept"})
        );
        assert!(list["mixed"].get("anyOf").is_some());
        assert_eq!(collapse(&mut doc), 0);
    }
}
