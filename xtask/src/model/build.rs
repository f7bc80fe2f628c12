//! Building an [`ApiModel`] from an OpenAPI 3.0 or 3.1 document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::api::{ApiModel, Field, Operation};
use crate::spec::prune::operation_tags;
use crate::spec::schema::{collect_leaves, is_json_media_type, required_names, resolve};
use crate::walk::METHODS;

/// Maximum nesting of flattened properties.
const MAX_DEPTH: usize = 8;

/// Builds the model of `doc`, keeping operations for which `keep(tags)` is true.
pub fn build(doc: &Value, keep: &dyn Fn(&[String]) -> bool) -> ApiModel {
    let mut model = ApiModel::default();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return model;
    };
    for (path, item) in paths {
        let item = resolve(doc, item);
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object() else { continue };
            let tags = operation_tags(op);
            if !keep(&tags) {
                continue;
            }
            model.operations.insert(
                format!("{} {path}", method.to_uppercase()),
                operation(doc, item, op),
            );
        }
    }
    model
}

/// The model of one operation.
fn operation(doc: &Value, item: &Map<String, Value>, op: &Map<String, Value>) -> Operation {
    let mut out = Operation {
        operation_id: op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        ..Operation::default()
    };
    let lists = [item.get("parameters"), op.get("parameters")];
    for param in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let param = resolve(doc, param);
        let (Some(name), Some(location)) = (
            param.get("name").and_then(Value::as_str),
            param.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let required = param.get("required") == Some(&Value::Bool(true));
        let schema = param
            .get("schema")
            .or_else(|| {
                param
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
            })
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        let resolved = resolve(doc, &schema);
        let object_query = location == "query"
            && (param.get("style") == Some(&Value::String("deepObject".into()))
                || resolved.get("type") == Some(&Value::String("object".into()))
                || resolved.get("properties").is_some());
        if object_query {
            let mut leaves = Vec::new();
            collect_leaves(doc, &schema, name, required, &mut leaves, 0);
            for leaf in leaves {
                out.params.insert(
                    (location.to_owned(), leaf.name),
                    field(doc, &leaf.schema, leaf.required),
                );
            }
        } else {
            out.params.insert(
                (location.to_owned(), name.to_owned()),
                field(doc, &schema, required || location == "path"),
            );
        }
    }
    if let Some(body) = op.get("requestBody") {
        let body = resolve(doc, body);
        out.body_required = body.get("required") == Some(&Value::Bool(true));
        if let Some(content) = body.get("content").and_then(Value::as_object) {
            let chosen = content
                .iter()
                .find(|(k, _)| is_json_media_type(k))
                .or_else(|| content.iter().next());
            if let Some((media, media_object)) = chosen {
                out.body_media = Some(media.clone());
                if let Some(schema) = media_object.get("schema") {
                    flatten(doc, schema, "", &mut out.body, &mut Vec::new(), 0);
                }
            }
        }
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            if !status.starts_with('2') {
                continue;
            }
            let response = resolve(doc, response);
            let mut fields = BTreeMap::new();
            if let Some(content) = response.get("content").and_then(Value::as_object)
                && let Some((_, media)) = content.iter().find(|(k, _)| is_json_media_type(k))
                && let Some(schema) = media.get("schema")
            {
                flatten(doc, schema, "", &mut fields, &mut Vec::new(), 0);
            }
            out.responses.insert(status.clone(), fields);
        }
    }
    out
}

/// The [`Field`] for `schema`.
fn field(doc: &Value, schema: &Value, required: bool) -> Field {
    Field {
        ty: describe(doc, schema, 0),
        required,
        enum_values: enum_values(doc, schema),
    }
}

/// Whether `schema` admits only `null`.
fn is_null(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
        _ => false,
    }
}

/// `(type name, nullable)` from `type`, which may be a 3.1 array.
fn type_of(schema: &Map<String, Value>) -> (Option<String>, bool) {
    match schema.get("type") {
        Some(Value::String(t)) => (Some(t.clone()), false),
        Some(Value::Array(ts)) => {
            let nullable = ts.iter().any(|t| t == "null");
            let rest: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            match rest.len() {
                0 => (None, nullable),
                1 => (Some(rest[0].to_owned()), nullable),
                _ => (Some(rest.join("|")), nullable),
            }
        }
        _ => (None, false),
    }
}

/// A short type descriptor: `string(date-time)`, `array<object>`, `map<string>`, with `?`
/// when null is allowed.
pub fn describe(doc: &Value, schema: &Value, depth: usize) -> String {
    let resolved = resolve(doc, schema);
    let Some(map) = resolved.as_object() else {
        return "any".to_owned();
    };
    if depth > MAX_DEPTH {
        return "…".to_owned();
    }
    let (ty, mut nullable) = type_of(map);
    nullable |= map.get("nullable") == Some(&Value::Bool(true));
    let mut base = None;
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            nullable |= branches.iter().any(|b| is_null(resolve(doc, b)));
            let described: BTreeSet<String> = branches
                .iter()
                .filter(|b| !is_null(resolve(doc, b)))
                .map(|b| describe(doc, b, depth + 1))
                .collect();
            base = Some(match described.len() {
                1 => described.into_iter().next().unwrap_or_default(),
                _ => format!(
                    "oneOf({})",
                    described.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    if base.is_none()
        && let Some(Value::Array(parts)) = map.get("allOf")
    {
        base = Some(if parts.len() == 1 {
            describe(doc, &parts[0], depth + 1)
        } else {
            "object".to_owned()
        });
    }
    let base = base.unwrap_or_else(|| {
        let ty = ty.or_else(|| {
            if map.contains_key("properties") || map.contains_key("additionalProperties") {
                Some("object".to_owned())
            } else if map.contains_key("items") {
                Some("array".to_owned())
            } else {
                infer_from_values(map)
            }
        });
        match ty.as_deref() {
            Some("array") => format!(
                "array<{}>",
                map.get("items")
                    .map_or_else(|| "any".to_owned(), |i| describe(doc, i, depth + 1))
            ),
            Some("object") => {
                let has_props = map
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty());
                match map.get("additionalProperties") {
                    Some(ap @ Value::Object(_)) if !has_props => {
                        format!("map<{}>", describe(doc, ap, depth + 1))
                    }
                    _ => "object".to_owned(),
                }
            }
            Some(t) => match map.get("format").and_then(Value::as_str) {
                Some(format) => format!("{t}({format})"),
                None => t.to_owned(),
            },
            None => "any".to_owned(),
        }
    });
    if nullable { format!("{base}?") } else { base }
}

/// The JSON type of a `const`/`enum` when `type` is absent.
fn infer_from_values(map: &Map<String, Value>) -> Option<String> {
    let value = map.get("const").or_else(|| {
        map.get("enum")
            .and_then(|e| e.as_array())
            .and_then(|e| e.iter().find(|v| !v.is_null()))
    })?;
    Some(
        match value {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Null => return None,
        }
        .to_owned(),
    )
}

/// The enum values of `schema` (or of its items), null excluded, as JSON text.
fn enum_values(doc: &Value, schema: &Value) -> Option<BTreeSet<String>> {
    let resolved = resolve(doc, schema);
    let map = resolved.as_object()?;
    let direct = map
        .get("enum")
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| map.get("const").map(|c| vec![c.clone()]));
    if let Some(values) = direct {
        return Some(
            values
                .iter()
                .filter(|v| !v.is_null())
                .map(Value::to_string)
                .collect(),
        );
    }
    if let Some(items) = map.get("items") {
        return enum_values(doc, items);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get(key) {
            let non_null: Vec<&Value> =
                parts.iter().filter(|p| !is_null(resolve(doc, p))).collect();
            if non_null.len() == 1 {
                return enum_values(doc, non_null[0]);
            }
        }
    }
    None
}

/// Flattens the properties of `schema` into `out` as dotted paths (`data.id`,
/// `data.items[].name`). `stack` holds the `$ref`s being expanded, to stop at cycles.
fn flatten(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    out: &mut BTreeMap<String, Field>,
    stack: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(r) = &reference {
        if stack.contains(r) {
            return;
        }
        stack.push(r.clone());
    }
    let resolved = resolve(doc, schema);
    if let Some(map) = resolved.as_object() {
        let required = required_names(map);
        if let Some(Value::Object(props)) = map.get("properties") {
            for (name, child) in props {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                let f = field(doc, child, required.contains(name.as_str()));
                merge_field(out, &path, f);
                descend(doc, child, &path, out, stack, depth + 1);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = map.get(key) {
                for part in parts {
                    flatten(doc, part, prefix, out, stack, depth + 1);
                }
            }
        }
        if prefix.is_empty() && !map.contains_key("properties") {
            let is_composite = ["allOf", "oneOf", "anyOf"]
                .iter()
                .any(|k| map.contains_key(*k));
            if !is_composite {
                merge_field(out, "(body)", field(doc, schema, true));
                descend(doc, schema, "", out, stack, depth + 1);
            }
        }
    }
    if reference.is_some() {
        stack.pop();
    }
}

/// Recurses into the object or array-of-object value of a property.
fn descend(
    doc: &Value,
    child: &Value,
    path: &str,
    out: &mut BTreeMap<String, Field>,
    stack: &mut Vec<String>,
    depth: usize,
) {
    let resolved = resolve(doc, child);
    if let Some(items) = resolved.get("items") {
        let item_path = format!("{path}[]");
        let item_resolved = resolve(doc, items);
        if item_resolved.get("properties").is_some()
            || ["allOf", "oneOf", "anyOf"]
                .iter()
                .any(|k| item_resolved.get(*k).is_some())
        {
            let reference = child.get("$ref").and_then(Value::as_str).map(str::to_owned);
            if let Some(r) = &reference {
                stack.push(r.clone());
            }
            flatten(doc, items, &item_path, out, stack, depth);
            if reference.is_some() {
                stack.pop();
            }
        }
    } else if !path.is_empty() {
        flatten(doc, child, path, out, stack, depth);
    }
}

/// Inserts `f` at `path`, joining types when branches of a `oneOf` disagree.
fn merge_field(out: &mut BTreeMap<String, Field>, path: &str, f: Field) {
    match out.get_mut(path) {
        Some(existing) if existing.ty != f.ty => {
            let mut types: BTreeSet<String> = existing.ty.split(" | ").map(str::to_owned).collect();
            types.insert(f.ty);
            existing.ty = types.into_iter().collect::<Vec<_>>().join(" | ");
            existing.required &= f.required;
        }
        Some(existing) => existing.required &= f.required,
        None => {
            out.insert(path.to_owned(), f);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nullable_forms_agree() {
        let doc = json!({});
        assert_eq!(
            describe(&doc, &json!({"type": ["string", "null"]}), 0),
            "string?"
        );
        assert_eq!(
            describe(&doc, &json!({"type": "string", "nullable": true}), 0),
            "string?"
        );
        assert_eq!(
            describe(
                &doc,
                &json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}),
                0
            ),
            "integer?"
        );
    }
}
