//! Titles that would give two different inline schemas one Rust name → removed.
//!
//! typify names an inline schema after its `title` when it has one, and a second, different
//! schema with the same title gets the same name and silently the first one's type: upstream
//! titles 31 different inline `data` arrays "Data", and `PaginatedScheduledEventList.data`
//! was generated as a list of another operation's `DataItem { record_count }`, so no answer
//! decoded. Without the title typify names the schema after where it is
//! (`PaginatedScheduledEventListDataItem`). A title shared only by identical schemas stays
//! (they are one type), and so does a component schema's own title (its key names it).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::idents::{Case, typify_ident};

/// Removes the colliding titles from `document`; returns how many.
pub fn remove_colliding(document: &mut Value) -> usize {
    let components: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .keys()
                .map(|k| typify_ident(k, Case::Pascal))
                .collect()
        })
        .unwrap_or_default();
    // Rust name → the distinct schemas (as JSON text) titled so.
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for_each_inline(document, &mut |schema| {
        if let Some(title) = schema.get("title").and_then(Value::as_str) {
            named
                .entry(typify_ident(title, Case::Pascal))
                .or_default()
                .insert(Value::Object(schema.clone()).to_string());
        }
    });
    let colliding: BTreeSet<String> = named
        .into_iter()
        .filter(|(name, schemas)| schemas.len() > 1 || components.contains(name))
        .map(|(name, _)| name)
        .collect();
    let mut count = 0;
    for_each_inline(document, &mut |schema| {
        let collides = schema
            .get("title")
            .and_then(Value::as_str)
            .is_some_and(|title| colliding.contains(&typify_ident(title, Case::Pascal)));
        if collides {
            schema.remove("title");
            count += 1;
        }
    });
    count
}

/// Calls `f` on every object under `paths` and `components` that may be an inline schema
/// (not a component schema's root, whose title does not name it), innermost first.
fn for_each_inline(document: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(paths) = document.get_mut("paths") {
        walk(paths, f, 0);
    }
    let Some(Value::Object(components)) = document.get_mut("components") else {
        return;
    };
    for (kind, group) in components.iter_mut() {
        if kind != "schemas" {
            walk(group, f, 0);
            continue;
        }
        let Value::Object(schemas) = group else {
            continue;
        };
        for schema in schemas.values_mut() {
            if let Value::Object(map) = schema {
                for child in map.values_mut() {
                    walk(child, f, 1);
                }
            }
        }
    }
}

fn walk(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>), depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                walk(child, f, depth + 1);
            }
            // Only a string `title` is a schema's title (`properties: {title: {...}}` is not).
            if map.get("title").is_some_and(Value::is_string) {
                f(map);
            }
        }
        Value::Array(items) => {
            for child in items {
                walk(child, f, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_titles_of_different_schemas_or_of_a_component_name_go() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "data": {"title": "Data", "type": "array", "items": {"type": "string"}}}}}}}}}}},
            "components": {"schemas": {
                "Data": {"title": "Data", "type": "object"},
                "List": {"type": "object", "title": "Kept", "properties": {
                    "data": {"title": "Data", "type": "array", "items": {"type": "integer"}},
                    "page": {"title": "Page", "type": "integer"},
                    "other_page": {"title": "Page", "type": "integer"},
                    "title": {"type": "string"}}}}}
        });
        assert_eq!(remove_colliding(&mut doc), 2);
        let list = &doc["components"]["schemas"]["List"];
        assert_eq!(list["title"], "Kept");
        assert!(list["properties"]["data"].get("title").is_none());
        assert_eq!(list["properties"]["page"]["title"], "Page");
        assert_eq!(list["properties"]["title"], json!({"type": "string"}));
        assert_eq!(doc["components"]["schemas"]["Data"]["title"], "Data");
        assert_eq!(remove_colliding(&mut doc), 0);
    }
}
