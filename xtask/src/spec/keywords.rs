//! JSON Schema 2020-12 keywords that OpenAPI 3.0 does not have.
//!
//! A document labelled 3.0.3 must not carry them: `openapiv3` ignores unknown keywords, so
//! their constraints would vanish without a word. Those with a 3.0 form are rewritten into it
//! (and counted); the rest are removed and listed by JSON pointer, so the lock and the sync's
//! output say exactly which constraints the generated client does not enforce.
//!
//! Rewritten: `$anchor` and `$dynamicRef`/`$dynamicAnchor` references become JSON-pointer
//! `$ref`s; `$defs` (and `definitions`) entries move to `components/schemas`; a lone
//! `unevaluatedProperties`/`unevaluatedItems` (nothing else evaluates properties or items)
//! becomes `additionalProperties`/`items`; `contentEncoding: base64` becomes `format: byte`;
//! the annotations `$id`, `$schema`, `$comment` and `contentMediaType` are dropped.
//! Removed and reported: `if`/`then`/`else`, `patternProperties`, `dependentRequired`,
//! `dependentSchemas`, `prefixItems`, `contains`, `minContains`, `maxContains`,
//! `propertyNames`, and the `unevaluated*` keywords that have no equivalent where they stand.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::pointer::{self, push};
use crate::walk;

/// Keywords removed because OpenAPI 3.0 cannot express them.
const NO_30_FORM: [&str; 11] = [
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
];

/// Annotations that constrain nothing and are simply dropped.
const ANNOTATIONS: [&str; 5] = [
    "$id",
    "$schema",
    "$comment",
    "contentMediaType",
    "$dynamicAnchor",
];

/// Keywords whose presence means other subschemas may evaluate properties or items, so an
/// `unevaluated*` keyword is not the same as `additional*`/`items`.
const APPLICATORS: [&str; 5] = ["allOf", "anyOf", "oneOf", "$ref", "not"];

/// A keyword removed without a 3.0 equivalent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DroppedKeyword {
    /// The keyword, e.g. `patternProperties`.
    pub keyword: String,
    /// JSON pointer of the schema that had it.
    pub pointer: String,
}

/// What [`convert_keywords`] did.
#[derive(Debug, Clone, Default)]
pub struct KeywordReport {
    /// Places rewritten into their 3.0 form (annotations dropped included).
    pub converted: usize,
    /// Keywords removed, with where they were.
    pub dropped: Vec<DroppedKeyword>,
}

/// Rewrites or removes every 3.1-only schema keyword of `doc`.
pub fn convert_keywords(doc: &mut Value) -> KeywordReport {
    let mut report = KeywordReport {
        converted: anchors_to_pointers(doc),
        ..KeywordReport::default()
    };
    report.converted += hoist_defs(doc);
    // Collect first (pointers stay valid while nothing is removed), then edit deepest first.
    let mut edits: Vec<(String, &'static str)> = Vec::new();
    walk::schemas(doc, &mut |at, schema| {
        // The `unevaluated*` keywords first: whether they have a 3.0 form depends on the
        // keywords beside them, which must still be there when that is decided.
        let keywords = [
            "unevaluatedProperties",
            "unevaluatedItems",
            "contentEncoding",
        ]
        .iter()
        .chain(&NO_30_FORM)
        .chain(&ANNOTATIONS);
        for keyword in keywords {
            if schema.contains_key(*keyword) {
                edits.push((at.to_owned(), keyword));
            }
        }
    });
    // Deepest first (a stable sort keeps the order above within one schema).
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0.len()));
    for (at, keyword) in edits {
        let Some(Value::Object(schema)) = doc.pointer_mut(&at) else {
            continue;
        };
        if rewrite(schema, keyword) {
            report.converted += 1;
        } else {
            schema.remove(keyword);
            report.dropped.push(DroppedKeyword {
                keyword: keyword.to_owned(),
                pointer: at,
            });
        }
    }
    report
        .dropped
        .sort_by(|a, b| (&a.pointer, &a.keyword).cmp(&(&b.pointer, &b.keyword)));
    report
}

/// Rewrites `keyword` of `schema` into its 3.0 form; `false` when it has none here.
fn rewrite(schema: &mut Map<String, Value>, keyword: &str) -> bool {
    let applied = APPLICATORS.iter().any(|k| schema.contains_key(*k));
    match keyword {
        k if ANNOTATIONS.contains(&k) => {
            schema.remove(k);
            true
        }
        "contentEncoding" => {
            let base64 = schema.get(keyword).and_then(Value::as_str) == Some("base64");
            if base64 && !schema.contains_key("format") {
                schema.remove(keyword);
                schema.insert("format".into(), json!("byte"));
                return true;
            }
            // Any other encoding is an annotation a 3.0 client cannot act on either.
            schema.remove(keyword);
            !base64
        }
        "unevaluatedProperties" if !applied && !schema.contains_key("patternProperties") => {
            if let Some(value) = schema.remove(keyword) {
                schema.entry("additionalProperties").or_insert(value);
            }
            true
        }
        "unevaluatedItems" if !applied && !schema.contains_key("prefixItems") => {
            if let Some(value) = schema.remove(keyword) {
                schema.entry("items").or_insert(value);
            }
            true
        }
        _ => false,
    }
}

/// `$ref: "#name"` (an `$anchor`) and `$dynamicRef: "#name"` (resolved statically to the
/// schema with that `$dynamicAnchor` or `$anchor`) → `$ref`s by JSON pointer; `$anchor`
/// removed. Returns the number of references and anchors rewritten.
fn anchors_to_pointers(doc: &mut Value) -> usize {
    let mut anchors: BTreeMap<String, String> = BTreeMap::new();
    walk::schemas(doc, &mut |at, schema| {
        for key in ["$anchor", "$dynamicAnchor"] {
            if let Some(Value::String(name)) = schema.get(key) {
                anchors.entry(name.clone()).or_insert_with(|| at.to_owned());
            }
        }
    });
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        if let Some(Value::String(target)) = schema.remove("$dynamicRef") {
            schema.insert("$ref".into(), json!(target));
        }
        if let Some(Value::String(reference)) = schema.get("$ref")
            && let Some(name) = reference.strip_prefix('#').filter(|n| !n.starts_with('/'))
            && let Some(pointer) = anchors.get(name)
        {
            schema.insert("$ref".into(), json!(format!("#{pointer}")));
            count += 1;
        }
        if schema.remove("$anchor").is_some() {
            count += 1;
        }
    });
    count
}

/// Every `$defs`/`definitions` entry → a component schema (named after the entry, or after
/// its owner and the entry when that is taken), with every reference into it rewritten.
/// Returns the number of entries moved.
fn hoist_defs(doc: &mut Value) -> usize {
    let mut moved = 0;
    // Each round moves the outermost `$defs`; nested ones move in later rounds.
    for _ in 0..64 {
        let mut found: Option<(String, String)> = None;
        walk::schemas(doc, &mut |at, schema| {
            if found.is_none() {
                for key in ["$defs", "definitions"] {
                    if schema.get(key).is_some_and(Value::is_object) {
                        found = Some((at.to_owned(), key.to_owned()));
                        break;
                    }
                }
            }
        });
        let Some((owner, key)) = found else { break };
        let Some(Value::Object(defs)) = doc
            .pointer_mut(&owner)
            .and_then(Value::as_object_mut)
            .and_then(|schema| schema.remove(&key))
        else {
            break;
        };
        let owner_name =
            pointer::split_last(&owner).map_or_else(|| "Schema".to_owned(), |(_, name)| name);
        let mut renames: Vec<(String, String)> = Vec::new();
        for (name, schema) in defs {
            let new = free_component_name(doc, &name, &owner_name);
            renames.push((
                format!("#{}", push(&push(&owner, &key), &name)),
                pointer::component_ref("schemas", &new),
            ));
            if let Some(components) = doc.as_object_mut().map(|root| {
                root.entry("components")
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
            }) && let Some(Value::Object(schemas)) = components
            {
                schemas.insert(new, schema);
                moved += 1;
            }
        }
        walk::schemas_mut(doc, &mut |schema| {
            if let Some(Value::String(reference)) = schema.get_mut("$ref") {
                for (old, new) in &renames {
                    if pointer::is_within(reference, old) {
                        *reference = format!("{new}{}", &reference[old.len()..]);
                    }
                }
            }
        });
    }
    moved
}

/// A component schema name not yet taken: `name`, `{owner}{Name}`, then numbered.
fn free_component_name(doc: &Value, name: &str, owner: &str) -> String {
    let taken = |n: &str| doc.pointer(&push("/components/schemas", n)).is_some();
    let mut candidates = vec![name.to_owned(), format!("{owner}{name}")];
    candidates.extend((2..1000).map(|n| format!("{owner}{name}{n}")));
    candidates
        .into_iter()
        .find(|c| !taken(c))
        .unwrap_or_else(|| format!("{owner}{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": schemas}})
    }

    #[test]
    fn defs_move_to_components_and_references_follow() {
        let mut d = doc(json!({
            "Order": {"type": "object", "properties": {"item": {"$ref": "#/components/schemas/Order/$defs/Item"}},
                      "$defs": {"Item": {"type": "string"}}}
        }));
        let report = convert_keywords(&mut d);
        assert_eq!(report.converted, 1);
        assert!(report.dropped.is_empty());
        assert_eq!(
            d["components"]["schemas"]["Item"],
            json!({"type": "string"})
        );
        assert_eq!(
            d["components"]["schemas"]["Order"]["properties"]["item"]["$ref"],
            "#/components/schemas/Item"
        );
        assert!(d["components"]["schemas"]["Order"].get("$defs").is_none());
    }

    #[test]
    fn anchors_become_pointers() {
        let mut d = doc(json!({
            "Node": {"$anchor": "node", "type": "object", "properties": {
                "next": {"$ref": "#node"}, "meta": {"$dynamicRef": "#node"}}}
        }));
        convert_keywords(&mut d);
        let node = &d["components"]["schemas"]["Node"];
        assert_eq!(
            node["properties"]["next"]["$ref"],
            "#/components/schemas/Node"
        );
        assert_eq!(
            node["properties"]["meta"]["$ref"],
            "#/components/schemas/Node"
        );
        assert!(node.get("$anchor").is_none());
    }

    #[test]
    fn lone_unevaluated_keywords_have_a_30_form_others_are_reported() {
        let mut d = doc(json!({
            "Closed": {"type": "object", "properties": {"a": {"type": "string"}}, "unevaluatedProperties": false},
            "Mixed": {"allOf": [{"$ref": "#/components/schemas/Closed"}], "unevaluatedProperties": false},
            "Cond": {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]},
                     "patternProperties": {"^x-": {"type": "string"}}, "dependentRequired": {"a": ["b"]}},
            "Bytes": {"type": "string", "contentEncoding": "base64", "$comment": "c"}
        }));
        let report = convert_keywords(&mut d);
        let s = &d["components"]["schemas"];
        assert_eq!(s["Closed"]["additionalProperties"], false);
        assert_eq!(s["Bytes"], json!({"type": "string", "format": "byte"}));
        let dropped: Vec<(&str, &str)> = report
            .dropped
            .iter()
            .map(|d| (d.keyword.as_str(), d.pointer.as_str()))
            .collect();
        assert_eq!(
            dropped,
            [
                ("dependentRequired", "/components/schemas/Cond"),
                ("if", "/components/schemas/Cond"),
                ("patternProperties", "/components/schemas/Cond"),
                ("then", "/components/schemas/Cond"),
                ("unevaluatedProperties", "/components/schemas/Mixed"),
            ]
        );
        let text = serde_json::to_string(&d).unwrap();
        for keyword in [
            "\"if\"",
            "patternProperties",
            "unevaluated",
            "dependentRequired",
            "$comment",
        ] {
            assert!(!text.contains(keyword), "{keyword} left in {text}");
        }
    }
}
