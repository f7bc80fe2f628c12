//! Swagger 2 habits in an OpenAPI 3 document: `required: true` on a property, and request
//! bodies written as `in: body` / `in: formData` parameters.
//!
//! Upstream's documents say `openapi: 3.0.0` but were partly written the Swagger 2 way; the
//! OpenAPI 3 reader refuses the whole document at the first such place ("invalid type:
//! boolean, expected a sequence", "unknown variant `body`").

use serde_json::{Map, Value, json};

use super::shared::with_components;
use super::work::Work;
use crate::spec::schema::resolve;
use crate::walk::{self, METHODS};

/// `required: true|false` on a property → the property's name in its object's `required`
/// list (for `true`); any other `required` that is not a list of names → removed or filtered.
///
/// Swagger 2 marked parameters `required: true`, and upstream (hundreds of times per version
/// from 2022 to 2025) wrote the same on schema properties, where OpenAPI wants a list of
/// names on the object. The list on the parent says exactly what the boolean meant.
pub fn boolean_required(work: &mut Work) -> usize {
    let mut count = 0;
    walk::schemas_mut(&mut work.doc, &mut |schema| {
        let mut required_names = Vec::new();
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                let Value::Object(property) = property else {
                    continue;
                };
                if let Some(Value::Bool(flag)) = property.get("required") {
                    if *flag {
                        required_names.push(name.clone());
                    }
                    property.remove("required");
                    count += 1;
                }
            }
        }
        match schema.get_mut("required") {
            Some(Value::Array(names)) => {
                let before = names.len();
                names.retain(Value::is_string);
                count += before - names.len();
            }
            Some(_) => {
                schema.remove("required");
                count += 1;
            }
            None => {}
        }
        if !required_names.is_empty() {
            let list = schema
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for name in required_names {
                    if !list.iter().any(|n| n.as_str() == Some(&name)) {
                        list.push(Value::String(name));
                    }
                }
            }
        }
    });
    count
}

/// `in: body` and `in: formData` parameters → the operation's `requestBody` (JSON for a body
/// parameter; a form, or `multipart/form-data` when a field is a file, for form fields).
///
/// These are Swagger 2's ways of describing a request body, and upstream published some in
/// OpenAPI 3 documents. OpenAPI 3 has no such parameter locations; the same body, described
/// as a `requestBody`, is what the API receives. An operation that already has a
/// `requestBody` keeps it and only loses the parameters.
pub fn body_parameters(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        let Some(Value::Object(paths)) = doc.get_mut("paths") else {
            return 0;
        };
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            let shared = take_body_parameters(snapshot, item.get_mut("parameters"));
            count += shared.len();
            for (method, operation) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Value::Object(operation) = operation else {
                    continue;
                };
                let own = take_body_parameters(snapshot, operation.get_mut("parameters"));
                count += own.len();
                let fields: Vec<&Value> = own.iter().chain(&shared).collect();
                if !fields.is_empty() && !operation.contains_key("requestBody") {
                    operation.insert("requestBody".into(), request_body(&fields));
                }
            }
        }
        count
    })
}

/// Removes the body and form parameters from `list`; returns them (references resolved).
fn take_body_parameters(snapshot: &Value, list: Option<&mut Value>) -> Vec<Value> {
    let Some(Value::Array(list)) = list else {
        return Vec::new();
    };
    let mut taken = Vec::new();
    list.retain(|param| {
        let resolved = resolve(snapshot, param);
        let is_body = matches!(
            resolved.get("in").and_then(Value::as_str),
            Some("body" | "formData")
        );
        if is_body {
            taken.push(resolved.clone());
        }
        !is_body
    });
    taken
}

/// The `requestBody` that says what `fields` (body or form parameters) said.
fn request_body(fields: &[&Value]) -> Value {
    if let Some(body) = fields.iter().find(|p| p.get("in") == Some(&json!("body"))) {
        return json!({
            "required": body.get("required") == Some(&json!(true)),
            "content": {"application/json": {
                "schema": body.get("schema").cloned().unwrap_or_else(|| json!({}))
            }}
        });
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            continue;
        };
        has_file |= field.get("type") == Some(&json!("file"));
        properties.insert(name.to_owned(), field_schema(field));
        if field.get("required") == Some(&json!(true)) {
            required.push(json!(name));
        }
    }
    let media = if has_file {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    json!({
        "required": !required.is_empty(),
        "content": {media: {"schema": {
            "type": "object", "properties": properties, "required": required
        }}}
    })
}

/// The schema of a Swagger 2 parameter: its `schema`, or its inline type keywords (`type:
/// file` is binary text).
fn field_schema(field: &Value) -> Value {
    if let Some(schema) = field.get("schema") {
        return schema.clone();
    }
    const KEYWORDS: [&str; 12] = [
        "type",
        "format",
        "items",
        "enum",
        "default",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
    ];
    let mut schema: Map<String, Value> = KEYWORDS
        .iter()
        .filter_map(|k| field.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    if schema.get("type") == Some(&json!("file")) {
        schema.insert("type".into(), json!("string"));
        schema.insert("format".into(), json!("binary"));
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn boolean_required_moves_to_the_parent_list() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {"Call": {
        "type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"},
            "to": {"type": "string", "required": true},
            "from": {"type": "string", "required": false},
            "inner": {"type": "object", "required": true,
                "properties": {"x": {"type": "string", "required": true}}}
        }}}}}));
        assert_eq!(boolean_required(&mut w), 4);
        let call = &w.doc["components"]["schemas"]["Call"];
        assert_eq!(call["required"], json!(["id", "inner", "to"]));
        assert_eq!(call["properties"]["from"], json!({"type": "string"}));
        assert_eq!(call["properties"]["inner"]["required"], json!(["x"]));
        assert_eq!(boolean_required(&mut w), 0);
    }

    #[test]
    fn boolean_required_leaves_parameters_alone() {
        let doc = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}]}}}});
        let mut w = work(doc.clone());
        assert_eq!(boolean_required(&mut w), 0);
        assert_eq!(w.doc, doc);
    }

    #[test]
    fn body_parameters_become_the_request_body() {
        let mut w = work(json!({"paths": {
            "/sims": {"post": {"parameters": [
                {"name": "id", "in": "query", "schema": {"type": "string"}},
                {"name": "body", "in": "body", "required": true,
                 "schema": {"$ref": "#/components/schemas/Sims"}}
            ]}},
            "/upload": {"post": {"parameters": [
                {"name": "file", "in": "formData", "type": "file", "required": true},
                {"name": "label", "in": "formData", "type": "string"}
            ]}}
        }}));
        assert_eq!(body_parameters(&mut w), 3);
        let sims = &w.doc["paths"]["/sims"]["post"];
        assert_eq!(sims["parameters"].as_array().unwrap().len(), 1);
        assert_eq!(
            sims["requestBody"],
            json!({"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Sims"}}}})
        );
        let upload = &w.doc["paths"]["/upload"]["post"]["requestBody"];
        assert_eq!(
            upload["content"]["multipart/form-data"]["schema"],
            json!({"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"},
                "label": {"type": "string"}}})
        );
        assert_eq!(body_parameters(&mut w), 0);
    }
}
