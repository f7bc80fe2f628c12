//! `$ref`s that name nothing, removed with the smallest thing that holds them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::removals::{remove_operation, remove_path_item};
use super::work::{RemovedPart, Work};
use crate::pointer::{self, push};
use crate::spec::prune::anchors;
use crate::walk::{self, LIST_SCHEMA_KEYS, MAP_SCHEMA_KEYS, METHODS, SINGLE_SCHEMA_KEYS};

/// `$ref`s that name nothing (a missing component, another file, a non-string) → removed with
/// the smallest thing that holds them: an optional property, one branch of a `oneOf`/`anyOf`, a
/// discriminator mapping or example entry; else the operation (listed in the lock with the
/// reason) or the component, whose own referrers are then repaired the same way.
///
/// Upstream has published references to components it had renamed or deleted
/// (`#/components/responses/ListAdvancedOrderResponse`). The generator panics on the first
/// one, which stopped every operation of the document; removing only what depends on the
/// missing target keeps the rest exactly as it was.
pub fn dangling_refs(work: &mut Work) -> usize {
    let mut count = 0;
    // Removing a component makes its referrers dangle in turn; each round handles one level.
    for _ in 0..64 {
        let bad = dangling(&work.doc);
        if bad.is_empty() {
            break;
        }
        let mut removals: BTreeMap<Removal, (String, String)> = BTreeMap::new();
        for (at, reference) in bad {
            let removal = removal_for(&work.doc, &at);
            removals.entry(removal).or_insert((at, reference));
        }
        count += apply(work, removals);
    }
    count
}

/// `(pointer of the holder, reference text)` of every reference that names nothing.
fn dangling(doc: &Value) -> Vec<(String, String)> {
    let anchors = anchors(doc);
    let mut bad = Vec::new();
    walk::ref_values(doc, "", &mut |at, value| {
        let ok = match value.as_str() {
            Some(reference) => {
                anchors.contains(reference)
                    || pointer::local_ref_tokens(reference).is_some_and(|t| !t.is_empty())
                        && pointer::resolve(doc, reference).is_some()
            }
            None => false,
        };
        if !ok {
            bad.push((at.to_owned(), value.to_string()));
        }
    });
    bad
}

/// What to remove so that a bad reference held at some pointer goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Removal {
    /// One operation.
    Operation { path: String, method: String },
    /// A path item and all of its operations.
    PathItem { path: String },
    /// An entry of an object (`properties/x`, a mapping entry, an example); for a property,
    /// its name leaves the schema's `required` too.
    Entry { object: String, key: String },
    /// One element of a list (a `oneOf`/`anyOf` branch); applied from the highest index down.
    Element { list: String, index: usize },
    /// A whole component or webhook (`/components/schemas/X`, `/webhooks/x`).
    Node { pointer: String },
}

/// The smallest removal that takes the reference held at `at` with it.
fn removal_for(doc: &Value, at: &str) -> Removal {
    let tokens = pointer::tokens(at);
    let len = tokens.len();
    let prefix = |n: usize| pointer::join(&tokens[..n]);
    if len >= 3 && tokens[len - 3] == "discriminator" && tokens[len - 2] == "mapping"
        || len >= 2 && tokens[len - 2] == "examples"
    {
        return Removal::Entry {
            object: prefix(len - 1),
            key: tokens[len - 1].clone(),
        };
    }
    if let Some(removal) = schema_removal(doc, &tokens) {
        return removal;
    }
    match tokens.first().map(String::as_str) {
        Some("paths") if len >= 3 && METHODS.contains(&tokens[2].as_str()) => Removal::Operation {
            path: tokens[1].clone(),
            method: tokens[2].clone(),
        },
        Some("paths") if len >= 2 => Removal::PathItem {
            path: tokens[1].clone(),
        },
        Some("components" | "webhooks") if len >= 2 => Removal::Node {
            pointer: prefix(if tokens[0] == "components" {
                3.min(len)
            } else {
                2
            }),
        },
        _ => Removal::Node {
            pointer: at.to_owned(),
        },
    }
}

/// Inside a schema: the deepest optional property or one-of-several branch on the way to
/// `tokens`, if any.
fn schema_removal(doc: &Value, tokens: &[String]) -> Option<Removal> {
    let root = if tokens.len() >= 3 && tokens[0] == "components" && tokens[1] == "schemas" {
        3
    } else {
        tokens.iter().position(|t| t == "schema")? + 1
    };
    let pointer_of = |n: usize| pointer::join(&tokens[..n]);
    let mut candidates = Vec::new();
    let mut at = root;
    while at < tokens.len() {
        let keyword = tokens[at].as_str();
        if MAP_SCHEMA_KEYS.contains(&keyword) && at + 1 < tokens.len() {
            if keyword == "properties" {
                candidates.push((at, true));
            }
            at += 2;
        } else if LIST_SCHEMA_KEYS.contains(&keyword) && at + 1 < tokens.len() {
            if keyword == "oneOf" || keyword == "anyOf" {
                candidates.push((at, false));
            }
            at += 2;
        } else if SINGLE_SCHEMA_KEYS.contains(&keyword) {
            at += 1;
        } else {
            break;
        }
    }
    candidates.into_iter().rev().find_map(|(at, is_property)| {
        let owner = doc.pointer(&pointer_of(at))?;
        let name = &tokens[at + 1];
        if is_property {
            let required = owner
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)));
            (!required).then(|| Removal::Entry {
                object: pointer_of(at + 1),
                key: name.clone(),
            })
        } else {
            let branches = owner.get(&tokens[at]).and_then(Value::as_array)?.len();
            let index = name.parse().ok()?;
            (branches > 1).then(|| Removal::Element {
                list: pointer_of(at + 1),
                index,
            })
        }
    })
}

/// Applies `removals` (each with the reference that caused it); returns how many were
/// applied. Removed operations are recorded in `work.removed`.
fn apply(work: &mut Work, removals: BTreeMap<Removal, (String, String)>) -> usize {
    let mut count = 0;
    // Elements from the highest index down, so earlier indices stay valid.
    let mut elements: Vec<(&Removal, &(String, String))> = removals
        .iter()
        .filter(|(r, _)| matches!(r, Removal::Element { .. }))
        .collect();
    elements.sort_by(|a, b| b.0.cmp(a.0));
    let others = removals
        .iter()
        .filter(|(r, _)| !matches!(r, Removal::Element { .. }));
    for (removal, (at, reference)) in others.chain(elements) {
        let target = reference.trim_matches('"').trim_start_matches('#');
        let reason = match work
            .removed_parts
            .iter()
            .find(|part| pointer::is_within(target, &part.pointer))
        {
            Some(part) => format!(
                "`$ref` {reference} at {at} names what was removed: {}",
                part.reason
            ),
            None => format!("`$ref` {reference} at {at} names nothing in the document"),
        };
        let part = match removal {
            Removal::Entry { object, key } => Some(push(object, key)),
            Removal::Element { list, index } => Some(push(list, &index.to_string())),
            Removal::Node { pointer } => Some(pointer.clone()),
            Removal::Operation { .. } | Removal::PathItem { .. } => None,
        };
        let applied = match removal {
            Removal::Operation { path, method } => {
                remove_operation(work, path, method, &reason, at)
            }
            Removal::PathItem { path } => remove_path_item(work, path, &reason, at),
            Removal::Entry { object, key } => {
                let removed = pointer::remove_entry(&mut work.doc, &push(object, key)).is_some();
                // A removed property leaves its schema's `required` list too.
                if removed
                    && let Some(schema) = object.strip_suffix("/properties")
                    && let Some(Value::Array(required)) = work
                        .doc
                        .pointer_mut(schema)
                        .and_then(|s| s.get_mut("required"))
                {
                    required.retain(|n| n.as_str() != Some(key));
                }
                removed
            }
            Removal::Element { list, index } => match work.doc.pointer_mut(list) {
                Some(Value::Array(items)) if *index < items.len() => {
                    items.remove(*index);
                    true
                }
                _ => false,
            },
            Removal::Node { pointer: node } => pointer::remove_entry(&mut work.doc, node).is_some(),
        };
        if let (true, Some(pointer)) = (applied, part) {
            work.removed_parts.push(RemovedPart { pointer, reason });
        }
        count += usize::from(applied);
    }
    count
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    fn op(schema: Value) -> Value {
        json!({"operationId": "Op", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": schema}}}}})
    }

    #[test]
    fn dangling_refs_remove_the_smallest_holder() {
        let mut w = work(json!({
            "paths": {
                "/a": {"get": op(json!({"$ref": "#/components/schemas/Gone"}))},
                "/b": {"get": op(json!({"$ref": "#/components/schemas/Kept"})),
                       "post": op(json!({"$ref": "#/components/schemas/Broken"}))}
            },
            "components": {"schemas": {
                "Kept": {"type": "object", "properties": {
                    "x": {"$ref": "#/components/schemas/Gone"},
                    "y": {"oneOf": [{"$ref": "#/components/schemas/Gone"}, {"type": "string"}]}
                }},
                "Broken": {"type": "object", "required": ["z"], "properties": {
                    "z": {"$ref": "other.yaml#/Z"}}}
            }}
        }));
        // x, the branch of y, GET /a, the Broken component (its property is required), then
        // POST /b, which referred to Broken.
        assert_eq!(dangling_refs(&mut w), 5);
        let kept = &w.doc["components"]["schemas"]["Kept"];
        assert_eq!(kept["properties"].get("x"), None);
        assert_eq!(
            kept["properties"]["y"],
            json!({"oneOf": [{"type": "string"}]})
        );
        assert_eq!(w.doc["components"]["schemas"].get("Broken"), None);
        assert_eq!(w.doc["paths"].get("/a"), None);
        assert!(w.doc["paths"]["/b"].get("get").is_some());
        let removed: Vec<(&str, &str)> = w
            .removed
            .iter()
            .map(|r| (r.method.as_str(), r.pointer.as_str()))
            .collect();
        assert_eq!(
            removed,
            [
                (
                    "GET",
                    "/paths/~1a/get/responses/200/content/application~1json/schema"
                ),
                (
                    "POST",
                    "/paths/~1b/post/responses/200/content/application~1json/schema"
                )
            ]
        );
        assert!(
            w.removed[0].reason.contains("#/components/schemas/Gone"),
            "{:?}",
            w.removed
        );
        assert_eq!(dangling_refs(&mut w), 0);
    }
}
