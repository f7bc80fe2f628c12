//! Choosing what to generate: the operations of the enabled API families, and only the
//! components they reach.
//!
//! `spec sync` marks every operation with `x-telnyx-family`; an operation without the mark
//! belongs to the family `unsorted`. Selection works on the JSON document before it is read as
//! OpenAPI, so a crate that enables one family pays for parsing, generating and compiling that
//! family only.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The extension naming an operation's family.
pub const FAMILY_EXTENSION: &str = "x-telnyx-family";
/// Our top-level extension holding upstream's webhooks: webhook name → `{tags, schema,
/// x-telnyx-family}`, where `schema` is the schema of the JSON body Telnyx posts.
pub const WEBHOOKS_EXTENSION: &str = "x-telnyx-webhooks";
/// Our extension on a WebSocket operation: `{receives, sends}`, the schemas of the frames the
/// server sends and the client sends (either may be absent). `spec sync` writes it in place of
/// the operation's `101` answer and request body; telnyx-codegen writes the operation's client.
pub const WEBSOCKET_EXTENSION: &str = "x-telnyx-websocket";
/// Our extension on an operation served from the root of the base URL rather than the base
/// URL itself (`/.well-known/…`): `{"strip": "/v2"}`, the end of the base URL's path that its
/// requests leave out.
pub const SERVER_EXTENSION: &str = "x-telnyx-server";
/// The family of an operation without [`FAMILY_EXTENSION`].
pub const UNSORTED: &str = "unsorted";

/// HTTP methods that can hold an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Component sections whose unreached entries are dropped.
pub const PRUNABLE: [&str; 8] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
];

/// The family of an operation object.
pub fn family_of(operation: &Map<String, Value>) -> &str {
    operation
        .get(FAMILY_EXTENSION)
        .and_then(Value::as_str)
        .unwrap_or(UNSORTED)
}

/// Every family named in `doc`, with its number of operations.
pub fn families(doc: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for_each_operation(doc, |_, _, op| {
        *out.entry(family_of(op).to_owned()).or_insert(0) += 1;
    });
    out
}

fn for_each_operation(doc: &Value, mut f: impl FnMut(&str, &str, &Map<String, Value>)) {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for (method, op) in item {
            if let (true, Value::Object(op)) = (METHODS.contains(&method.as_str()), op) {
                f(path, method, op);
            }
        }
    }
}

/// Decides whether an operation is kept: `(path, method, operation)`.
pub type KeepOperation<'a> = dyn FnMut(&str, &str, &Map<String, Value>) -> bool + 'a;

/// Keeps the operations for which `keep(path, method, operation)` holds, then drops the
/// components nothing kept reaches. Returns the number of operations kept.
pub fn retain_operations(doc: &mut Value, keep: &mut KeepOperation<'_>) -> usize {
    let mut kept = 0;
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            item.retain(|method, op| {
                if !METHODS.contains(&method.as_str()) {
                    return true;
                }
                let keep = op.as_object().is_some_and(|op| keep(path, method, op));
                kept += usize::from(keep);
                keep
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|item| item.keys().any(|k| METHODS.contains(&k.as_str())))
        });
    }
    prune_components(doc);
    kept
}

/// Keeps the operations of `families` (all when `None`), and with `webhooks` the webhooks of
/// those families ([`WEBHOOKS_EXTENSION`]; without, none), then drops the components nothing
/// kept reaches.
pub fn select_families(doc: &mut Value, families: Option<&BTreeSet<String>>, webhooks: bool) {
    let keep = |entry: &Map<String, Value>| families.is_none_or(|f| f.contains(family_of(entry)));
    let mut changed = false;
    if let Some(root) = doc.as_object_mut() {
        if !webhooks {
            changed |= root.remove(WEBHOOKS_EXTENSION).is_some();
        } else if let Some(Value::Object(hooks)) = root.get_mut(WEBHOOKS_EXTENSION) {
            let before = hooks.len();
            hooks.retain(|_, hook| hook.as_object().is_some_and(keep));
            changed |= hooks.len() != before;
        }
    }
    match families {
        Some(families) => {
            retain_operations(doc, &mut |_, _, op| families.contains(family_of(op)));
        }
        None if changed => prune_components(doc),
        None => {}
    }
}

/// Every webhook in [`WEBHOOKS_EXTENSION`]: `(name, family, schema)`.
pub fn webhooks(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let Some(Value::Object(hooks)) = doc.get(WEBHOOKS_EXTENSION) else {
        return Vec::new();
    };
    hooks
        .iter()
        .filter_map(|(name, hook)| {
            let hook = hook.as_object()?;
            Some((name.as_str(), family_of(hook), hook.get("schema")?))
        })
        .collect()
}

/// Drops the components that nothing outside `components` reaches, transitively.
pub fn prune_components(doc: &mut Value) {
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: Vec<(String, String)> = Vec::new();
    if let Value::Object(root) = &*doc {
        for (key, value) in root {
            if key != "components" {
                collect_refs(value, &mut |section, name| {
                    queue.push((section.to_owned(), name.to_owned()));
                });
            }
        }
    }
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    while let Some(entry) = queue.pop() {
        if !reached.insert(entry.clone()) {
            continue;
        }
        if let Some(target) = components.get(&entry.0).and_then(|s| s.get(&entry.1)) {
            collect_refs(target, &mut |section, name| {
                let next = (section.to_owned(), name.to_owned());
                if !reached.contains(&next) {
                    queue.push(next);
                }
            });
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for section in PRUNABLE {
            if let Some(Value::Object(entries)) = components.get_mut(section) {
                entries.retain(|name, _| reached.contains(&(section.to_owned(), name.clone())));
            }
        }
    }
}

/// Calls `f(section, name)` for every `$ref: "#/components/<section>/<name>"` in `value`.
fn collect_refs(value: &Value, f: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(rest) = reference.strip_prefix("#/components/")
                && let Some((section, name)) = rest.split_once('/')
            {
                let name = crate::refs::unescape(name);
                f(section, &name);
            }
            for (key, child) in map {
                // Data, not document structure.
                if key != "default" && key != "enum" && key != "example" && key != "examples" {
                    collect_refs(child, f);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_one_family_and_what_it_reaches() {
        let mut doc = json!({
            "paths": {
                "/rooms": {"get": {"x-telnyx-family": "video", "responses": {"200": {
                    "$ref": "#/components/responses/Rooms"}}}},
                "/messages": {"post": {"x-telnyx-family": "messaging", "responses": {"200": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}}}}},
                "/other": {"get": {"responses": {}}}
            },
            "components": {
                "responses": {"Rooms": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Room"}}}}},
                "schemas": {
                    "Room": {"properties": {"meta": {"$ref": "#/components/schemas/Meta"}}},
                    "Meta": {"type": "object"},
                    "Message": {"type": "object"}
                }
            }
        });
        assert_eq!(
            families(&doc),
            BTreeMap::from([
                ("messaging".to_owned(), 1),
                (UNSORTED.to_owned(), 1),
                ("video".to_owned(), 1)
            ])
        );
        select_families(&mut doc, Some(&BTreeSet::from(["video".to_owned()])), false);
        assert_eq!(
            doc["paths"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["/rooms"]
        );
        let schemas: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["Meta", "Room"]);
    }
}
