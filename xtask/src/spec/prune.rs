//! Reference checking, tag selection and pruning of unreferenced components.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::pointer;
use crate::walk;

/// Which operations to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagSelection {
    /// Every operation, tagged or not.
    All,
    /// Operations that carry at least one of these tags.
    Only(Vec<String>),
}

impl TagSelection {
    /// Whether an operation with `tags` is selected.
    pub fn selects(&self, tags: &[String]) -> bool {
        match self {
            Self::All => true,
            Self::Only(wanted) => tags.iter().any(|t| wanted.contains(t)),
        }
    }

    /// The tags for the lock: `["*"]` for all.
    pub fn for_lock(&self) -> Vec<String> {
        match self {
            Self::All => vec!["*".to_owned()],
            Self::Only(tags) => tags.clone(),
        }
    }
}

/// The tags of an operation object.
pub fn operation_tags(operation: &serde_json::Map<String, Value>) -> Vec<String> {
    operation
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The references (`#name`) that the `$anchor`s and `$dynamicAnchor`s of `doc` define.
pub fn anchors(doc: &Value) -> std::collections::BTreeSet<String> {
    let mut anchors = std::collections::BTreeSet::new();
    walk::schemas(doc, &mut |_, schema| {
        for key in ["$anchor", "$dynamicAnchor"] {
            if let Some(Value::String(name)) = schema.get(key) {
                anchors.insert(format!("#{name}"));
            }
        }
    });
    anchors
}

/// Checks that every `$ref` in `doc` is local and resolves; the first failure is an error
/// naming the reference and the JSON pointer of the object that holds it.
pub fn check_refs(doc: &Value, origin: &str) -> Result<()> {
    let anchors = anchors(doc);
    let mut failure: Option<Error> = None;
    walk::ref_values(doc, "", &mut |at, value| {
        if failure.is_some() {
            return;
        }
        let Some(reference) = value.as_str() else {
            failure = Some(Error::UnresolvedRef {
                origin: origin.to_owned(),
                reference: value.to_string(),
                pointer: at.to_owned(),
                message: format!(
                    "`$ref` is {}; it must be a string such as \"#/components/schemas/Name\"",
                    crate::load::kind_of(value)
                ),
            });
            return;
        };
        let message = if anchors.contains(reference) {
            // A JSON Schema anchor (3.1); the conversion turns it into a pointer.
            None
        } else if pointer::local_ref_tokens(reference).is_none() {
            Some("only local references (`#/…`) are supported".to_owned())
        } else if pointer::local_ref_tokens(reference).is_some_and(|t| t.is_empty()) {
            Some(
                "it refers to the whole document; name a component such as \
                 \"#/components/schemas/Name\""
                    .to_owned(),
            )
        } else if pointer::resolve(doc, reference).is_none() {
            Some("the target does not exist".to_owned())
        } else {
            None
        };
        if let Some(message) = message {
            failure = Some(Error::UnresolvedRef {
                origin: origin.to_owned(),
                reference: reference.to_owned(),
                pointer: at.to_owned(),
                message,
            });
        }
    });
    match failure {
        Some(error) => Err(error),
        None => super::cycles::check_containment_cycles(doc, origin),
    }
}

/// Removes operations not selected by `tags`, then path items left without operations.
/// Returns the number of operations removed.
pub fn select_tags(doc: &mut Value, tags: &TagSelection) -> usize {
    if *tags == TagSelection::All {
        return 0;
    }
    let mut removed = 0;
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            let before = item.len();
            item.retain(|key, operation| {
                !walk::METHODS.contains(&key.as_str())
                    || operation
                        .as_object()
                        .is_some_and(|op| tags.selects(&operation_tags(op)))
            });
            removed += before - item.len();
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|item| item.keys().any(|k| walk::METHODS.contains(&k.as_str())))
        });
    }
    removed
}

// Component sections whose entries can be pruned when nothing refers to them (the
// generator's list).
use telnyx_codegen::select::PRUNABLE;

/// Removes components that nothing outside `components` reaches (transitively), and tags
/// no operation uses. Security schemes are kept (security requirements name them without a
/// `$ref`). Returns the number of components removed.
pub fn prune_components(doc: &mut Value) -> usize {
    let mut reachable: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    if let Value::Object(root) = &*doc {
        for (key, value) in root {
            if key != "components" {
                walk::refs(value, &pointer::push("", key), &mut |_, r| {
                    queue.push(r.to_owned())
                });
            }
        }
    }
    while let Some(reference) = queue.pop() {
        let Some(tokens) = pointer::local_ref_tokens(&reference) else {
            continue;
        };
        if tokens.len() < 3 || tokens[0] != "components" {
            continue;
        }
        let key = (tokens[1].clone(), tokens[2].clone());
        if !reachable.insert(key.clone()) {
            continue;
        }
        if let Some(target) = doc
            .get("components")
            .and_then(|c| c.get(&key.0))
            .and_then(|section| section.get(&key.1))
        {
            let base = pointer::push(&pointer::push("/components", &key.0), &key.1);
            if key.0 == "schemas" {
                walk::schema_refs(target, &base, &mut |_, r| queue.push(r.to_owned()));
            } else {
                walk::refs(target, &base, &mut |_, r| queue.push(r.to_owned()));
            }
        }
    }
    let mut removed = 0;
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for section in PRUNABLE {
            if let Some(Value::Object(entries)) = components.get_mut(section) {
                let before = entries.len();
                entries.retain(|name, _| reachable.contains(&(section.to_owned(), name.clone())));
                removed += before - entries.len();
            }
        }
    }
    prune_tags(doc);
    removed
}

/// Keeps only the top-level tag definitions that some operation uses.
fn prune_tags(doc: &mut Value) {
    let mut used = BTreeSet::new();
    walk::operations(doc, &mut |_, _, op| {
        used.extend(operation_tags(op));
    });
    if let Some(Value::Array(tags)) = doc.get_mut("tags") {
        tags.retain(|tag| {
            tag.get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| used.contains(name))
        });
    }
}

/// Tags used by the operations of `doc`, with the number of operations per tag.
pub fn tag_counts(doc: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    walk::operations(doc, &mut |_, _, op| {
        for tag in operation_tags(op) {
            *counts.entry(tag).or_insert(0) += 1;
        }
    });
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prunes_transitively() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"tags": ["A"], "responses": {"200": {"description": "",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}},
                "post": {"tags": ["B"], "responses": {"200": {"$ref": "#/components/responses/R"}}}}},
            "components": {
                "schemas": {"X": {"properties": {"y": {"$ref": "#/components/schemas/Y"}}}, "Y": {}, "Z": {}},
                "responses": {"R": {"description": ""}}
            }
        });
        assert_eq!(
            select_tags(&mut doc, &TagSelection::Only(vec!["A".into()])),
            1
        );
        assert_eq!(prune_components(&mut doc), 2);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(schemas.keys().collect::<Vec<_>>(), ["X", "Y"]);
    }

    #[test]
    fn unresolvable_ref_names_pointer() {
        let doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}});
        let err = check_refs(&doc, "f.json").unwrap_err().to_string();
        assert!(err.contains("#/components/responses/Nope"), "{err}");
        assert!(err.contains("/paths/~1a/get/responses/200"), "{err}");
    }
}
