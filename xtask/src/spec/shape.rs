//! Reading a JSON value as a typed OpenAPI 3.0 document, and saying exactly where it does not
//! fit; [`validate_openapi30`] does so for a whole document, as the pipeline's last check.
//!
//! `openapiv3` flattens its extension maps into most objects, and serde buffers a flattened
//! object before reading it, so a mistake deep inside `paths` is reported at `/paths`. When
//! that happens the failing object's children are read one by one as the `openapiv3` type that
//! belongs at their place, descending to the smallest object that does not fit.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::pointer::{self, push};
use crate::walk::METHODS;

use openapiv3::{
    Components, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Responses,
    Schema, SecurityScheme,
};

/// Deserializes an OpenAPI 3.0 document with `openapiv3`; a value that does not fit is
/// reported by the JSON pointer of the smallest object that does not fit (which
/// [`crate::positions::SourceMap`] turns into a line of the source).
pub fn openapi30_from_value(doc: &Value, origin: &str) -> Result<openapiv3::OpenAPI> {
    probe::<openapiv3::OpenAPI>(doc).map_err(|(pointer, message)| {
        let (pointer, message) = narrow(doc, pointer, message);
        Error::OpenApiShape {
            origin: origin.to_owned(),
            pointer,
            message,
        }
    })
}

/// Reads `value` as `T`: the value, or the JSON pointer (relative to `value`) serde reached
/// and its message.
fn probe<T: DeserializeOwned>(value: &Value) -> std::result::Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = String::new();
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    pointer = push(&pointer, &index.to_string());
                }
                serde_path_to_error::Segment::Map { key } => pointer = push(&pointer, key),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        (pointer, e.into_inner().to_string())
    })
}

/// Whether `value` reads as the `openapiv3` type expected at `pointer`: `None` when no type is
/// known for that place, else the failure (pointer relative to `value`) if any.
fn probe_at(pointer: &str, value: &Value) -> Option<std::result::Result<(), (String, String)>> {
    let tokens = pointer::tokens(pointer);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    fn check<T: DeserializeOwned>(value: &Value) -> std::result::Result<(), (String, String)> {
        probe::<T>(value).map(drop)
    }
    let is_method = |t: &str| METHODS.contains(&t);
    Some(match tokens.as_slice() {
        ["paths", _] => check::<ReferenceOr<PathItem>>(value),
        ["paths", _, "parameters", _] => check::<ReferenceOr<Parameter>>(value),
        ["paths", _, method] if is_method(method) => check::<Operation>(value),
        ["paths", _, method, "parameters", _] if is_method(method) => {
            check::<ReferenceOr<Parameter>>(value)
        }
        ["paths", _, method, "requestBody"] if is_method(method) => {
            check::<ReferenceOr<RequestBody>>(value)
        }
        ["paths", _, method, "responses"] if is_method(method) => check::<Responses>(value),
        ["paths", _, method, "responses", _] if is_method(method) => {
            check::<ReferenceOr<Response>>(value)
        }
        ["components"] => check::<Components>(value),
        ["components", "schemas", _] => check::<ReferenceOr<Schema>>(value),
        ["components", "parameters", _] => check::<ReferenceOr<Parameter>>(value),
        ["components", "responses", _] => check::<ReferenceOr<Response>>(value),
        ["components", "requestBodies", _] => check::<ReferenceOr<RequestBody>>(value),
        ["components", "securitySchemes", _] => check::<ReferenceOr<SecurityScheme>>(value),
        _ => return None,
    })
}

/// Descends from the failure at `pointer` to the smallest child that fails on its own.
fn narrow(doc: &Value, mut pointer: String, mut message: String) -> (String, String) {
    // Bounded by the document's depth: every round moves at least one level down.
    'descend: for _ in 0..64 {
        let children: Vec<(String, &Value)> = match doc.pointer(&pointer) {
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (push(&pointer, k), v)).collect(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (push(&pointer, &i.to_string()), v))
                .collect(),
            _ => break,
        };
        for (child, value) in children {
            if let Some(Err((inner, inner_message))) = probe_at(&child, value) {
                pointer = format!("{child}{inner}");
                message = inner_message;
                continue 'descend;
            }
        }
        break;
    }
    (pointer, message)
}

/// Checks that `doc` deserializes as an OpenAPI 3.0 document; returns its deterministic JSON
/// text and the typed document.
pub fn validate_openapi30(doc: &Value, origin: &str) -> Result<(String, openapiv3::OpenAPI)> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        return Err(Error::NotOpenApi {
            origin: origin.to_owned(),
            pointer: "/openapi".to_owned(),
            message: format!("expected OpenAPI 3.0.x, found \"{version}\""),
        });
    }
    let openapi = openapi30_from_value(doc, origin)?;
    Ok((crate::output::to_pretty_json(doc), openapi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bad_parameter_is_named_not_the_paths_object() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [
                    {"name": "ok", "in": "query", "schema": {"type": "string"}},
                    {"name": "bad", "in": "query", "style": 17, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": ""}}
            }}}
        });
        let err = openapi30_from_value(&doc, "t.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`/paths/~1a/get/parameters/1"), "{err}");
    }

    #[test]
    fn a_valid_document_reads() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}});
        assert!(openapi30_from_value(&doc, "t.json").is_ok());
    }
}
