//! Fixups of request and response media types.

use serde_json::{Map, Value, json};

use super::removals::is_supported_body_type;
use super::work::Work;
use crate::spec::schema::is_json_media_type;
use crate::walk;

/// Calls `f` on every request body object: inline ones in operations and
/// `components.requestBodies`.
pub(super) fn request_bodies_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    walk::operations_mut(doc, &mut |_, _, _, op| {
        if let Some(Value::Object(body)) = op.get_mut("requestBody")
            && !body.contains_key("$ref")
        {
            f(body);
        }
    });
    if let Some(Value::Object(bodies)) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("requestBodies"))
    {
        for body in bodies.values_mut() {
            if let Value::Object(body) = body {
                f(body);
            }
        }
    }
}

/// Request bodies offering several media types → one kept (`application/json` when present,
/// else `application/x-www-form-urlencoded`, else the first supported one), and
/// `multipart/form-data` beside it.
///
/// Upstream offers JSON beside multipart (a file by URL or by content) and beside
/// form-urlencoded (OAuth endpoints). progenitor accepts exactly one media type per body and
/// panics otherwise ("more media types than expected"); telnyx-codegen takes the multipart
/// form aside before progenitor runs and generates the upload builder itself. The API accepts
/// each of the offered types, so the others add nothing.
pub fn prefer_json_bodies(work: &mut Work) -> usize {
    let mut count = 0;
    request_bodies_mut(&mut work.doc, &mut |body| {
        let Some(Value::Object(content)) = body.get_mut("content") else {
            return;
        };
        let keys: Vec<String> = content.keys().cloned().collect();
        let is_multipart = |k: &str| k.starts_with("multipart/form-data");
        let others: Vec<&String> = keys.iter().filter(|k| !is_multipart(k)).collect();
        if others.len() < 2 {
            return;
        }
        let keep = others
            .iter()
            .find(|k| is_json_media_type(k))
            .or_else(|| {
                others
                    .iter()
                    .find(|k| k.starts_with("application/x-www-form-urlencoded"))
            })
            .or_else(|| others.iter().find(|k| is_supported_body_type(k)))
            .map(|k| (*k).clone());
        if let Some(keep) = keep {
            content.retain(|k, _| *k == keep || is_multipart(k));
            count += 1;
        }
    });
    count
}

/// Request bodies declared as `*/*` → `application/json`.
///
/// Four legacy reporting operations declare `*/*` with a JSON object schema; progenitor
/// rejects `*/*` ("unexpected content type"). The schemas are JSON objects and the API takes
/// JSON, so declaring `application/json` is what upstream means.
pub fn wildcard_media_types(work: &mut Work) -> usize {
    let mut count = 0;
    request_bodies_mut(&mut work.doc, &mut |body| {
        let Some(Value::Object(content)) = body.get_mut("content") else {
            return;
        };
        if content.contains_key("application/json") {
            return;
        }
        if let Some(media) = content.remove("*/*") {
            content.insert("application/json".into(), media);
            count += 1;
        }
    });
    count
}

/// Calls `f(is_response, media_type_name, media_object)` for JSON media type objects in
/// request bodies and responses (inline and in components).
pub(super) fn json_media_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    fn in_content(holder: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        if let Some(Value::Object(content)) = holder.get_mut("content") {
            for (name, media) in content.iter_mut() {
                if is_json_media_type(name)
                    && let Value::Object(media) = media
                {
                    f(media);
                }
            }
        }
    }
    walk::operations_mut(doc, &mut |_, _, _, op| {
        if let Some(body) = op.get_mut("requestBody") {
            in_content(body, f);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for response in responses.values_mut() {
                in_content(response, f);
            }
        }
    });
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for section in ["requestBodies", "responses"] {
            if let Some(Value::Object(entries)) = components.get_mut(section) {
                for entry in entries.values_mut() {
                    in_content(entry, f);
                }
            }
        }
    }
}

/// JSON media types without a schema → `schema: {}`; JSON media `encoding` → dropped.
///
/// progenitor panics on both (`todo!("media type encoding, no schema")`,
/// `assert!(mt.encoding.is_empty())`). An empty schema means "any JSON", which is what a
/// missing schema means; `encoding` only applies to multipart and form bodies, so it has no
/// effect on JSON.
pub fn json_media_shape(work: &mut Work) -> usize {
    let mut count = 0;
    json_media_mut(&mut work.doc, &mut |media| {
        if !media.contains_key("schema") {
            media.insert("schema".into(), json!({}));
            count += 1;
        }
        if media.remove("encoding").is_some() {
            count += 1;
        }
    });
    count
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn json_is_kept_over_form_and_multipart_beside_either() {
        let mut w = work(json!({
            "paths": {"/documents": {"post": {"operationId": "UploadDocument",
                "requestBody": {"content": {
                    "multipart/form-data": {"schema": {"type": "object"}},
                    "application/json": {"schema": {"type": "object"}}}},
                "responses": {}}}},
            "components": {"requestBodies": {"Token": {"content": {
                "application/json": {"schema": {"type": "object"}},
                "multipart/form-data": {"schema": {"type": "object"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}}}
        }));
        assert_eq!(prefer_json_bodies(&mut w), 1);
        let inline = w.doc["paths"]["/documents"]["post"]["requestBody"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(
            inline.keys().collect::<Vec<_>>(),
            ["application/json", "multipart/form-data"]
        );
        let component = w.doc["components"]["requestBodies"]["Token"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(
            component.keys().collect::<Vec<_>>(),
            ["application/json", "multipart/form-data"]
        );
        assert_eq!(prefer_json_bodies(&mut w), 0);
    }

    #[test]
    fn wildcard_request_body_becomes_json() {
        let schema = json!({"type": "object", "properties": {"start_date": {"type": "string"}}});
        let mut w = work(json!({"paths": {"/reports/cdrs": {"post": {
            "operationId": "CreateCdrReport",
            "requestBody": {"content": {"*/*": {"schema": schema}}}, "responses": {}}}}}));
        assert_eq!(wildcard_media_types(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/reports/cdrs"]["post"]["requestBody"]["content"],
            json!({"application/json": {"schema": schema}})
        );
        assert_eq!(wildcard_media_types(&mut w), 0);
    }

    #[test]
    fn json_media_gets_an_empty_schema_and_loses_encoding() {
        let mut w = work(json!({"paths": {"/messages": {"post": {
            "operationId": "SendMessage",
            "requestBody": {"content": {"application/json": {
                "schema": {"type": "object"}, "encoding": {"to": {"contentType": "text/plain"}}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {}}}}}}}}));
        assert_eq!(json_media_shape(&mut w), 2);
        let op = &w.doc["paths"]["/messages"]["post"];
        assert_eq!(
            op["requestBody"]["content"]["application/json"],
            json!({"schema": {"type": "object"}})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"],
            json!({"schema": {}})
        );
        assert_eq!(json_media_shape(&mut w), 0);
    }
}
