//! Operations that take `multipart/form-data` (file uploads), before progenitor runs.
//!
//! progenitor 0.15 does not generate multipart bodies. So for each such operation this module
//! reads the form's file parts (`format: binary`, or a list of them) from the document, and
//! hands progenitor the rest: the form's text parts become a component schema of their own,
//! `<Operation>UploadForm`, that typify turns into a type with a builder like any JSON body.
//! - An operation that also takes JSON keeps its JSON body for progenitor; the upload builder
//!   is a copy of the JSON one with the body type changed (see `upload_builders`).
//! - An operation that takes only multipart is given the text-part type as its (JSON) body, so
//!   that progenitor writes its builder, whose `send()` `upload_builders` then changes to send
//!   the form. When the form has no text parts, the body is dropped instead.

use serde_json::{Value, json};

use crate::idents::{Case, progenitor_ident};
use crate::refs::{add_schema_component, follow};
use crate::select::METHODS;

/// The media type of an upload.
pub const MULTIPART: &str = "multipart/form-data";

/// What the document says of one upload operation's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFacts {
    /// The operation's id.
    pub operation_id: String,
    /// The component schema of the text parts; `None` when the form has only files.
    pub form_schema: Option<String>,
    /// Whether the operation also takes JSON (so its upload builder is a second builder).
    pub has_json_form: bool,
    /// The file parts, in the document's order.
    pub files: Vec<FileField>,
}

/// One file part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileField {
    /// The part's name on the wire.
    pub name: String,
    /// Whether the document requires it.
    pub required: bool,
    /// Whether it is a list of files (one part per file).
    pub list: bool,
    /// The content type the document's `encoding` gives it.
    pub content_type: Option<String>,
}

/// Finds the upload operations of `doc` and rewrites them for progenitor as the module docs
/// say; returns their facts in document order.
pub fn prepare(doc: &mut Value) -> Vec<UploadFacts> {
    let mut found = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(body) = op.get("requestBody") else {
                continue;
            };
            let body = follow(doc, body);
            let Some(content) = body.get("content").and_then(Value::as_object) else {
                continue;
            };
            let Some(media) = content.get(MULTIPART) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let schema = media.get("schema").map_or(Value::Null, |s| inline(doc, s));
            let encoding = media.get("encoding").cloned().unwrap_or(Value::Null);
            let files = file_fields(doc, &schema, &encoding);
            let text = without_files(&schema, &files);
            let has_json_form = content.len() > 1;
            found.push((
                path.clone(),
                method,
                id.to_owned(),
                text,
                has_json_form,
                files,
            ));
        }
    }
    let mut facts = Vec::new();
    for (path, method, id, text, has_json_form, files) in found {
        let form_schema = text.map(|schema| {
            let base = format!("{}UploadForm", progenitor_ident(&id, Case::Pascal));
            add_schema_component(doc, &base, schema)
        });
        let pointer = format!("/paths/{}/{method}/requestBody", crate::refs::escape(&path));
        // A body shared through `components.requestBodies` is copied into the operation
        // first, so that the rewrite changes this operation only.
        let shared = doc.pointer(&pointer).map(|body| follow(doc, body).clone());
        if let (Some(shared), Some(body)) = (shared, doc.pointer_mut(&pointer)) {
            *body = shared;
            rewrite_body(body, has_json_form, form_schema.as_deref());
        }
        facts.push(UploadFacts {
            operation_id: id,
            form_schema,
            has_json_form,
            files,
        });
    }
    facts
}

/// The request body progenitor sees: the JSON form alone, the text parts as JSON, or none.
fn rewrite_body(body: &mut Value, has_json_form: bool, form_schema: Option<&str>) {
    if has_json_form {
        if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) {
            content.remove(MULTIPART);
        }
        return;
    }
    match form_schema {
        Some(name) => {
            let required = body.get("required").cloned().unwrap_or(Value::Bool(false));
            *body = json!({
                "required": required,
                "content": {"application/json": {"schema": {
                    "$ref": crate::refs::component_ref("schemas", name)
                }}}
            });
        }
        // Marked for removal by the caller (an operation without a body is progenitor's).
        None => *body = Value::Null,
    }
}

/// A copy of `schema` with the `$ref`s that lead to object schemas (the form itself and the
/// branches of its `allOf`/`oneOf`/`anyOf`) replaced by their targets, so that file parts can
/// be removed from the copy without changing a shared component.
fn inline(doc: &Value, schema: &Value) -> Value {
    let mut copy = follow(doc, schema).clone();
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = copy.get_mut(key) {
            for branch in branches.iter_mut() {
                *branch = inline(doc, branch);
            }
        }
    }
    copy
}

/// The properties of an object schema and, through `allOf`/`oneOf`/`anyOf`, of its branches:
/// `(name, property schema, required)`.
fn properties(schema: &Value, out: &mut Vec<(String, Value, bool)>, all_required: bool) {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let is_required = all_required && required.contains(&name.as_str());
            match out.iter_mut().find(|(n, _, _)| n == name) {
                // Required only when every branch that has it requires it.
                Some(seen) => seen.2 &= is_required,
                None => out.push((name.clone(), prop.clone(), is_required)),
            }
        }
    }
    if let Some(Value::Array(branches)) = schema.get("allOf") {
        for branch in branches {
            properties(branch, out, all_required);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            let single = branches.len() == 1;
            for branch in branches {
                properties(branch, out, all_required && single);
            }
        }
    }
}

/// Whether a (resolved) property schema is a file: a binary string, or a list of them.
fn is_file(schema: &Value) -> Option<bool> {
    let binary = |s: &Value| {
        s.get("format").and_then(Value::as_str) == Some("binary")
            || s.get("contentMediaType").is_some()
    };
    if binary(schema) {
        return Some(false);
    }
    let items = schema.get("items")?;
    (schema.get("type").and_then(Value::as_str) == Some("array") && binary(items)).then_some(true)
}

fn file_fields(doc: &Value, schema: &Value, encoding: &Value) -> Vec<FileField> {
    let mut props = Vec::new();
    properties(schema, &mut props, true);
    props
        .into_iter()
        .filter_map(|(name, prop, required)| {
            let list = is_file(follow(doc, &prop))?;
            let content_type = encoding
                .get(&name)
                .and_then(|e| e.get("contentType"))
                .and_then(Value::as_str)
                // A list of types (`image/png, image/jpeg`) names no one default.
                .filter(|ct| !ct.contains(','))
                .map(str::to_owned);
            Some(FileField {
                name,
                required,
                list,
                content_type,
            })
        })
        .collect()
}

/// `schema` without the file properties (removed from every branch, and from `required`);
/// `None` when no text property is left.
fn without_files(schema: &Value, files: &[FileField]) -> Option<Value> {
    let mut copy = schema.clone();
    strip(&mut copy, files);
    let mut left = Vec::new();
    properties(&copy, &mut left, true);
    (!left.is_empty()).then_some(copy)
}

fn strip(schema: &mut Value, files: &[FileField]) {
    let is_file = |name: &str| files.iter().any(|f| f.name == name);
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.retain(|name, _| !is_file(name));
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|name| !name.as_str().is_some_and(is_file));
        if required.is_empty()
            && let Some(object) = schema.as_object_mut()
        {
            object.remove("required");
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get_mut(key) {
            for branch in branches.iter_mut() {
                strip(branch, files);
            }
        }
    }
}

/// Removes the request bodies [`rewrite_body`] marked (set to `null`).
pub fn drop_marked_bodies(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(method)
                && op.get("requestBody").is_some_and(Value::is_null)
            {
                op.remove("requestBody");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(content: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/faxes": {"post": {
                "operationId": "SendFax",
                "requestBody": {"required": true, "content": content},
                "responses": {"200": {"description": ""}}
            }}},
            "components": {"schemas": {"To": {"type": "string"}}}
        })
    }

    #[test]
    fn multipart_only_gets_its_text_parts_as_a_json_body() {
        let mut d = doc(json!({MULTIPART: {
            "schema": {"type": "object", "required": ["to", "contents"], "properties": {
                "to": {"$ref": "#/components/schemas/To"},
                "contents": {"type": "string", "format": "binary"},
                "pages": {"type": "array", "items": {"type": "string", "format": "binary"}}
            }},
            "encoding": {"contents": {"contentType": "application/pdf"}}
        }}));
        let facts = prepare(&mut d);
        assert_eq!(facts.len(), 1);
        let f = &facts[0];
        assert_eq!(f.form_schema.as_deref(), Some("SendFaxUploadForm"));
        assert!(!f.has_json_form);
        assert_eq!(
            f.files,
            vec![
                FileField {
                    name: "contents".into(),
                    required: true,
                    list: false,
                    content_type: Some("application/pdf".into())
                },
                FileField {
                    name: "pages".into(),
                    required: false,
                    list: true,
                    content_type: None
                },
            ]
        );
        let form = &d["components"]["schemas"]["SendFaxUploadForm"];
        assert_eq!(form["required"], json!(["to"]));
        assert!(form["properties"].get("contents").is_none());
        assert_eq!(
            d["paths"]["/faxes"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/SendFaxUploadForm"
        );
    }

    #[test]
    fn json_form_is_kept_and_a_files_only_form_drops_the_body() {
        let mut d = doc(json!({
            "application/json": {"schema": {"type": "object"}},
            MULTIPART: {"schema": {"type": "object", "properties": {
                "media": {"type": "string", "format": "binary"}}}}
        }));
        let facts = prepare(&mut d);
        assert!(facts[0].has_json_form);
        assert_eq!(facts[0].form_schema, None);
        let content = &d["paths"]["/faxes"]["post"]["requestBody"]["content"];
        assert!(content.get(MULTIPART).is_none() && content.get("application/json").is_some());

        let mut d = doc(
            json!({MULTIPART: {"schema": {"type": "object", "properties": {
            "media": {"type": "string", "format": "binary"}}}}}),
        );
        prepare(&mut d);
        drop_marked_bodies(&mut d);
        assert!(d["paths"]["/faxes"]["post"].get("requestBody").is_none());
    }

    #[test]
    fn branches_are_inlined_and_a_file_is_required_only_where_every_branch_requires_it() {
        let mut d = doc(json!({MULTIPART: {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/A"},
            {"type": "object", "properties": {
                "audio": {"type": "string", "format": "binary"}, "label": {"type": "string"}}}
        ]}}}));
        d["components"]["schemas"]["A"] = json!({"type": "object", "required": ["audio"],
            "properties": {"audio": {"type": "string", "format": "binary"},
                           "name": {"type": "string"}}});
        let facts = prepare(&mut d);
        assert_eq!(facts[0].files.len(), 1);
        assert!(!facts[0].files[0].required);
        // The shared component keeps its file property.
        assert!(
            d["components"]["schemas"]["A"]["properties"]
                .get("audio")
                .is_some()
        );
        let form = &d["components"]["schemas"]["SendFaxUploadForm"];
        assert!(form["oneOf"][0]["properties"].get("audio").is_none());
        assert!(form["oneOf"][0].get("required").is_none());
    }
}
