//! Schemas that contain themselves: reference cycles no finite value can satisfy.
//!
//! `A: {$ref: B}` with `B: {$ref: A}`, a schema that is only a reference to itself, or `A`
//! requiring a property of type `B` that requires a property of type `A`: no JSON value (which
//! is always finite) has such a type, and the generator turns the first two into Rust types of
//! infinite size (`struct A(pub B); struct B(pub A);`). A cycle is only refused when every link
//! is one a value cannot leave out: a plain reference, an `allOf` member, the only member of a
//! `oneOf`/`anyOf`, or a required property that is not nullable. Going through an array, a
//! map, an optional or nullable property, or one branch of several ends the recursion, so those
//! cycles are fine (the generator boxes them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::pointer;

/// One link a value cannot avoid: from the schema at `via` to the schema `$ref` names.
#[derive(Debug, Clone)]
struct Link {
    /// JSON pointer of the schema object holding the `$ref`.
    via: String,
    /// The referenced schema, as a JSON pointer (without `#`).
    target: String,
}

/// Refuses a reference cycle whose every link is unavoidable, naming the cycle's path.
pub fn check_containment_cycles(doc: &Value, origin: &str) -> Result<()> {
    match first_cycle(doc) {
        None => Ok(()),
        Some(cycle) => Err(Error::Unsupported {
            origin: origin.to_owned(),
            pointer: cycle.start.clone(),
            message: format!(
                "the schema contains itself: {}; no finite value has this type. Make one link \
                 optional (not `required`), nullable, or an array, in spec/overlay.yaml or upstream",
                cycle.describe()
            ),
        }),
    }
}

/// A cycle of unavoidable links.
#[derive(Debug, Clone)]
pub(crate) struct Cycle {
    /// JSON pointer of the schema where the cycle starts and ends.
    pub(crate) start: String,
    /// The links in order, from `start` back to it.
    links: Vec<Link>,
}

impl Cycle {
    /// `#/A → (via #/A/properties/b) → #/B → #/A`.
    fn describe(&self) -> String {
        let mut steps = vec![format!("#{}", self.start)];
        let mut node = self.start.as_str();
        for link in &self.links {
            if link.via != node {
                steps.push(format!("(via #{})", link.via));
            }
            steps.push(format!("#{}", link.target));
            node = &link.target;
        }
        steps.join(" → ")
    }

    /// The links that are required properties: `(pointer of the object schema, property
    /// name)`.
    pub(crate) fn required_properties(&self) -> Vec<(String, String)> {
        self.links
            .iter()
            .filter_map(|link| {
                let (owner, name) = link.via.rsplit_once("/properties/")?;
                Some((owner.to_owned(), pointer::unescape(name)))
            })
            .collect()
    }
}

/// The first cycle (in schema name order) whose every link is unavoidable.
pub(crate) fn first_cycle(doc: &Value) -> Option<Cycle> {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return None;
    };
    let mut links: BTreeMap<String, Vec<Link>> = BTreeMap::new();
    let mut pending: Vec<String> = schemas
        .keys()
        .map(|name| pointer::push("/components/schemas", name))
        .collect();
    while let Some(node) = pending.pop() {
        if links.contains_key(&node) {
            continue;
        }
        let mut out = Vec::new();
        if let Some(schema) = doc.pointer(&node) {
            unavoidable_links(schema, &node, &mut out);
        }
        pending.extend(out.iter().map(|link| link.target.clone()));
        links.insert(node, out);
    }
    // Depth-first search with an explicit stack; `on_path` holds the nodes being visited.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in links.keys() {
        if done.contains(start.as_str()) {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        let mut on_path: BTreeSet<&str> = BTreeSet::from([start.as_str()]);
        while let Some((node, next)) = path.last_mut() {
            let node_links = links.get(*node).map_or(&[][..], Vec::as_slice);
            let Some(link) = node_links.get(*next) else {
                done.insert(node);
                on_path.remove(*node);
                path.pop();
                continue;
            };
            *next += 1;
            let target = link.target.as_str();
            if on_path.contains(target) {
                return Some(closed_cycle(&path, &links, target));
            }
            if !done.contains(target) {
                on_path.insert(target);
                path.push((target, 0));
            }
        }
    }
    None
}

/// The cycle that closes at `target`, which is on `path`.
fn closed_cycle(
    path: &[(&str, usize)],
    links: &BTreeMap<String, Vec<Link>>,
    target: &str,
) -> Cycle {
    let start = path
        .iter()
        .position(|(node, _)| *node == target)
        .unwrap_or(0);
    let cycle_links = path[start..]
        .iter()
        .filter_map(|(node, next)| links.get(*node)?.get(next.checked_sub(1)?).cloned())
        .collect();
    Cycle {
        start: target.to_owned(),
        links: cycle_links,
    }
}

/// Whether a value of this schema may be `null`.
fn nullable(schema: &serde_json::Map<String, Value>) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || matches!(schema.get("type"), Some(Value::Array(types)) if types.iter().any(|t| t == "null"))
}

/// Collects the references a value of `schema` (at `at`) must contain.
fn unavoidable_links(schema: &Value, at: &str, out: &mut Vec<Link>) {
    let Value::Object(map) = schema else { return };
    if nullable(map) {
        return;
    }
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        out.push(Link {
            via: at.to_owned(),
            target: target.to_owned(),
        });
    }
    if let Some(Value::Array(members)) = map.get("allOf") {
        for (i, member) in members.iter().enumerate() {
            unavoidable_links(
                member,
                &pointer::push(&pointer::push(at, "allOf"), &i.to_string()),
                out,
            );
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(keyword)
            && let [only] = members.as_slice()
        {
            unavoidable_links(only, &pointer::push(&pointer::push(at, keyword), "0"), out);
        }
    }
    if let (Some(Value::Array(required)), Some(Value::Object(properties))) =
        (map.get("required"), map.get("properties"))
    {
        for name in required.iter().filter_map(Value::as_str) {
            if let Some(property) = properties.get(name) {
                unavoidable_links(
                    property,
                    &pointer::push(&pointer::push(at, "properties"), name),
                    out,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schemas: Value) -> std::result::Result<(), String> {
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}});
        check_containment_cycles(&doc, "t.json").map_err(|e| e.to_string())
    }

    fn r(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn alias_cycles_are_refused_with_their_path() {
        let err = check(json!({"A": r("B"), "B": r("A")})).unwrap_err();
        assert!(
            err.contains(
                "#/components/schemas/A → #/components/schemas/B → #/components/schemas/A"
            ) || err.contains(
                "#/components/schemas/B → #/components/schemas/A → #/components/schemas/B"
            ),
            "{err}"
        );
        let err = check(json!({"Me": r("Me")})).unwrap_err();
        assert!(err.contains("contains itself"), "{err}");
    }

    #[test]
    fn required_and_all_of_links_count() {
        let err = check(json!({
            "A": {"type": "object", "required": ["b"], "properties": {"b": r("B")}},
            "B": {"allOf": [r("A")]}
        }))
        .unwrap_err();
        assert!(
            err.contains("via #/components/schemas/A/properties/b"),
            "{err}"
        );
    }

    #[test]
    fn arrays_maps_optionals_and_branches_end_the_recursion() {
        check(json!({
            "Tree": {"type": "object", "required": ["children"], "properties": {
                "children": {"type": "array", "items": r("Tree")}}},
            "Map": {"type": "object", "additionalProperties": r("Map")},
            "Opt": {"type": "object", "properties": {"next": r("Opt")}},
            "Null": {"type": "object", "required": ["n"], "properties": {
                "n": {"allOf": [r("Null")], "nullable": true}}},
            "Either": {"oneOf": [r("Either"), {"type": "string"}]}
        }))
        .unwrap();
    }
}
