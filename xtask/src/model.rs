//! A structural model of an API, for drift checks (`spec check --upstream`) and changelogs
//! (`spec diff`).
//!
//! The model keeps what shapes a generated client and the bytes on the wire: operations
//! (method + path), parameters (wire name, location, required, type, enum values), the request
//! body (media type, flattened properties with type and required) and the *success* responses
//! (status, flattened properties). It ignores prose, examples, titles, component names, error
//! responses and security. Both OpenAPI 3.0 and 3.1 idioms are understood (`nullable` and
//! `type: [T, "null"]`, `const`), and object-valued query parameters are expanded to their
//! bracketed leaves (`filter[date_created_at][gte]`) the way the vendored spec writes them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::spec::schema::{collect_leaves, is_json_media_type, resolve};
use crate::walk::METHODS;

/// The type, requiredness and enum values of a parameter or property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Type descriptor, e.g. `string(date-time)?` or `array<integer>`.
    pub ty: String,
    /// Whether it is required.
    pub required: bool,
    /// Allowed values (JSON text), when it is an enum (or an array of one).
    pub enum_values: Option<BTreeSet<String>>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operation {
    /// The `operationId` (reported, not compared as drift).
    pub operation_id: String,
    /// Parameters by (location, wire name).
    pub params: BTreeMap<(String, String), Field>,
    /// Request body media type, when there is a body.
    pub body_media: Option<String>,
    /// Whether the body is required.
    pub body_required: bool,
    /// Flattened request body properties (`data.id`, `items[].name`).
    pub body: BTreeMap<String, Field>,
    /// Success responses by status: flattened JSON properties (empty for no JSON body).
    pub responses: BTreeMap<String, BTreeMap<String, Field>>,
}

/// The whole API: operations keyed by `METHOD /path`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiModel {
    /// Operations keyed by `GET /rooms`.
    pub operations: BTreeMap<String, Operation>,
}

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
            let tags = crate::spec::prune::operation_tags(op);
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
        let required: BTreeSet<String> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(Value::Object(props)) = map.get("properties") {
            for (name, child) in props {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                let f = field(doc, child, required.contains(name));
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

/// Kinds of difference between two models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// An operation exists only in the new model.
    OperationAdded,
    /// An operation exists only in the old model.
    OperationRemoved,
    /// A parameter, body or response changed.
    Changed,
    /// The `operationId` changed (informational; not drift).
    Renamed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `METHOD /path`.
    pub operation: String,
    /// What kind of change.
    pub kind: ChangeKind,
    /// Human-readable description.
    pub text: String,
}

impl Change {
    /// Whether this change is structural drift (everything but renames).
    pub fn is_drift(&self) -> bool {
        self.kind != ChangeKind::Renamed
    }
}

/// Describes a field for messages: `string(date-time)?, required, enum [..]`.
fn show(f: &Field) -> String {
    let mut s = f.ty.clone();
    s.push_str(if f.required {
        ", required"
    } else {
        ", optional"
    });
    if let Some(values) = &f.enum_values {
        let _ = write!(
            s,
            ", enum [{}]",
            values.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    s
}

/// Compares two field maps, pushing changes labelled with `what` ("parameter", …).
fn compare_fields<K: Ord + Clone>(
    what: &str,
    old: &BTreeMap<K, Field>,
    new: &BTreeMap<K, Field>,
    label: &dyn Fn(&K) -> String,
    push: &mut dyn FnMut(String),
) {
    for (key, o) in old {
        match new.get(key) {
            None => push(format!("{what} {} removed (was {})", label(key), show(o))),
            Some(n) if n != o => {
                let mut parts = Vec::new();
                if o.ty != n.ty {
                    parts.push(format!("type {} → {}", o.ty, n.ty));
                }
                if o.required != n.required {
                    parts.push(if n.required {
                        "now required".to_owned()
                    } else {
                        "now optional".to_owned()
                    });
                }
                if o.enum_values != n.enum_values {
                    let empty = BTreeSet::new();
                    let ov = o.enum_values.as_ref().unwrap_or(&empty);
                    let nv = n.enum_values.as_ref().unwrap_or(&empty);
                    let added: Vec<&String> = nv.difference(ov).collect();
                    let removed: Vec<&String> = ov.difference(nv).collect();
                    let mut text = String::from("enum");
                    if o.enum_values.is_none() {
                        text.push_str(" introduced");
                    } else if n.enum_values.is_none() {
                        text.push_str(" dropped");
                    }
                    if !added.is_empty() {
                        let _ = write!(
                            text,
                            " +[{}]",
                            added
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    if !removed.is_empty() {
                        let _ = write!(
                            text,
                            " -[{}]",
                            removed
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    parts.push(text);
                }
                push(format!("{what} {}: {}", label(key), parts.join("; ")));
            }
            Some(_) => {}
        }
    }
    for (key, n) in new {
        if !old.contains_key(key) {
            push(format!("{what} {} added ({})", label(key), show(n)));
        }
    }
}

/// All differences from `old` to `new`, ordered by operation.
pub fn compare(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    let mut changes = Vec::new();
    for (key, o) in &old.operations {
        let Some(n) = new.operations.get(key) else {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::OperationRemoved,
                text: format!("operation removed ({})", o.operation_id),
            });
            continue;
        };
        let mut push = |text: String| {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::Changed,
                text,
            });
        };
        compare_fields(
            "parameter",
            &o.params,
            &n.params,
            &|(location, name)| format!("`{name}` (in {location})"),
            &mut push,
        );
        if o.body_media != n.body_media {
            push(format!(
                "request body media type {} → {}",
                o.body_media.as_deref().unwrap_or("none"),
                n.body_media.as_deref().unwrap_or("none")
            ));
        }
        if o.body_media.is_some() && n.body_media.is_some() && o.body_required != n.body_required {
            push(format!(
                "request body now {}",
                if n.body_required {
                    "required"
                } else {
                    "optional"
                }
            ));
        }
        compare_fields(
            "body property",
            &o.body,
            &n.body,
            &|k| format!("`{k}`"),
            &mut push,
        );
        for (status, of) in &o.responses {
            match n.responses.get(status) {
                None => push(format!("success response {status} removed")),
                Some(nf) => compare_fields(
                    &format!("response {status} property"),
                    of,
                    nf,
                    &|k| format!("`{k}`"),
                    &mut push,
                ),
            }
        }
        for status in n.responses.keys() {
            if !o.responses.contains_key(status) {
                push(format!("success response {status} added"));
            }
        }
        if o.operation_id != n.operation_id {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::Renamed,
                text: format!("operationId {} → {}", o.operation_id, n.operation_id),
            });
        }
    }
    for (key, n) in &new.operations {
        if !old.operations.contains_key(key) {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::OperationAdded,
                text: format!("operation added ({})", n.operation_id),
            });
        }
    }
    changes.sort_by(|a, b| (&a.operation, a.kind).cmp(&(&b.operation, b.kind)));
    changes
}

/// Renders changes grouped by operation, one indented line per change.
pub fn render(changes: &[Change]) -> String {
    let mut out = String::new();
    let mut current = "";
    for change in changes {
        if change.operation != current {
            current = &change.operation;
            let _ = writeln!(out, "{current}");
        }
        let _ = writeln!(out, "  {}", change.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn detects_param_and_property_changes() {
        let old = json!({"paths": {"/a": {"get": {"operationId": "A",
            "parameters": [{"name": "page", "in": "query", "style": "deepObject",
                "schema": {"type": "object", "properties": {"number": {"type": "integer"}}}}],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema":
                {"properties": {"data": {"properties": {"id": {"type": "string"}}}}}}}}}}}}});
        let new = json!({"paths": {"/a": {"get": {"operationId": "A",
            "parameters": [{"name": "page[number]", "in": "query", "schema": {"type": "integer"}},
                {"name": "page[size]", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema":
                {"properties": {"data": {"properties": {"id": {"type": "string", "format": "uuid"}}}}}}}},
                "404": {"description": "ignored"}}}}}});
        let changes = compare(&build(&old, &|_| true), &build(&new, &|_| true));
        let text = render(&changes);
        assert!(
            text.contains("parameter `page[size]` (in query) added"),
            "{text}"
        );
        assert!(
            text.contains("response 200 property `data.id`: type string → string(uuid)"),
            "{text}"
        );
        assert_eq!(changes.len(), 2, "{text}");
    }
}
