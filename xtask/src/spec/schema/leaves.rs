//! The leaves of an object-valued query parameter, named the way Telnyx spells them on the
//! wire (`filter[date_created_at][gte]`).

use serde_json::{Map, Value, json};

use super::structure::{required_names, resolve};

/// A leaf of an object-valued query parameter: bracketed name, schema, required.
pub(crate) struct Leaf {
    /// Bracketed wire name, e.g. `filter[date_created_at][gte]`.
    pub(crate) name: String,
    /// The leaf's schema (a `$ref` to a named scalar is kept as the `$ref`).
    pub(crate) schema: Value,
    /// Whether the parameter and every level down to the leaf are required.
    pub(crate) required: bool,
    /// The leaf's description, when it has one.
    pub(crate) description: Option<String>,
}

/// Collects the scalar (and array) leaves of `schema` below `name`.
pub(crate) fn collect_leaves(
    doc: &Value,
    schema: &Value,
    name: &str,
    required: bool,
    out: &mut Vec<Leaf>,
    depth: usize,
) {
    let resolved = resolve(doc, schema);
    let Some(map) = resolved.as_object() else {
        return;
    };
    if depth > 8 {
        return;
    }
    let description = map
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let mut found = Vec::new();
            for branch in branches {
                collect_leaves(doc, branch, name, false, &mut found, depth + 1);
            }
            // A scalar branch and an array branch of the same name: the array (sent as
            // repeated keys) covers the scalar.
            for mut leaf in found {
                if leaf.description.is_none() {
                    leaf.description.clone_from(&description);
                }
                match out.iter_mut().find(|l| l.name == leaf.name) {
                    Some(existing) => {
                        if leaf.schema.get("type") == Some(&json!("array"))
                            && existing.schema.get("type") != Some(&json!("array"))
                        {
                            *existing = leaf;
                        }
                    }
                    None => out.push(leaf),
                }
            }
            return;
        }
    }
    let mut properties: Vec<(String, Value, bool)> = Vec::new();
    let mut add_props = |m: &Map<String, Value>| {
        let req = required_names(m);
        if let Some(Value::Object(props)) = m.get("properties") {
            for (k, v) in props {
                properties.push((k.clone(), v.clone(), req.contains(k.as_str())));
            }
        }
    };
    add_props(map);
    if let Some(Value::Array(parts)) = map.get("allOf") {
        for part in parts {
            if let Some(part) = resolve(doc, part).as_object() {
                add_props(part);
            }
        }
    }
    let is_object = map.get("type") == Some(&json!("object")) || !properties.is_empty();
    if is_object {
        for (key, child, child_required) in properties {
            collect_leaves(
                doc,
                &child,
                &format!("{name}[{key}]"),
                required && child_required,
                out,
                depth + 1,
            );
        }
        return;
    }
    // A scalar or an array: keep a `$ref` to a named scalar (enum) rather than inlining it.
    let leaf_schema = if schema.get("$ref").is_some() {
        schema.clone()
    } else {
        let mut copy = map.clone();
        copy.remove("description");
        Value::Object(copy)
    };
    out.push(Leaf {
        name: name.to_owned(),
        schema: leaf_schema,
        required,
        description,
    });
}
