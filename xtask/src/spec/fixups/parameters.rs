//! Fixups of paths and parameters.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::shared::{server_base_path, with_components};
use super::work::{RemovedOperation, RemovedPart, Work};
use crate::pointer::push;
use crate::spec::names::{Case, progenitor_ident};
use crate::spec::schema::{collect_leaves, resolve};
use crate::walk::METHODS;

/// Paths that start with `/v2/` while the server URL already ends in `/v2` → the `/v2`
/// prefix dropped (`/v2/whatsapp/…` → `/whatsapp/…`).
///
/// progenitor builds URLs as `baseurl + path`, so these operations would request
/// `https://api.telnyx.com/v2/v2/…`. Dropping the duplicated prefix yields the URL upstream
/// documents. When the shortened path already exists the two path items are merged; an
/// operation present under both spellings keeps the unprefixed one and the prefixed duplicate
/// is listed as removed.
pub fn strip_server_prefix(work: &mut Work) -> usize {
    let base = server_base_path(&work.doc);
    if base.is_empty() {
        return 0;
    }
    let prefix = format!("{base}/");
    let Some(Value::Object(paths)) = work.doc.get_mut("paths") else {
        return 0;
    };
    let prefixed: Vec<String> = paths
        .keys()
        .filter(|p| p.starts_with(&prefix))
        .cloned()
        .collect();
    let mut count = 0;
    for old in prefixed {
        let Some(Value::Object(item)) = paths.remove(&old) else {
            continue;
        };
        let new = old[base.len()..].to_owned();
        let target = paths.entry(new.clone()).or_insert_with(|| json!({}));
        let Value::Object(target) = target else {
            continue;
        };
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                if target.contains_key(&key) {
                    work.removed.push(RemovedOperation::new(
                        &key,
                        &old,
                        value.as_object(),
                        format!(
                            "duplicate of {} {new} once the `{base}` prefix is dropped",
                            key.to_uppercase()
                        ),
                        push(&push("/paths", &old), &key),
                    ));
                } else {
                    work.moved.push((
                        crate::pointer::push(&crate::pointer::push("/paths", &new), &key),
                        crate::pointer::push(&crate::pointer::push("/paths", &old), &key),
                    ));
                    target.insert(key, value);
                    count += 1;
                }
            } else {
                target.entry(key).or_insert(value);
            }
        }
    }
    count
}

/// Expands query parameters selected by `select` into one parameter per leaf.
pub(super) fn expand_query_objects(
    work: &mut Work,
    select: fn(&Map<String, Value>, &Value) -> bool,
) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        let mut expand_list = |list: &mut Vec<Value>| {
            let mut out: Vec<Value> = Vec::with_capacity(list.len());
            let mut names: BTreeSet<(String, String)> = BTreeSet::new();
            for param in list.iter() {
                let resolved = resolve(snapshot, param);
                if let Some(p) = resolved.as_object()
                    && let (Some(n), Some(i)) = (
                        p.get("name").and_then(Value::as_str),
                        p.get("in").and_then(Value::as_str),
                    )
                {
                    names.insert((n.to_owned(), i.to_owned()));
                }
            }
            for param in list.drain(..) {
                let resolved = resolve(snapshot, &param);
                let Some(p) = resolved.as_object() else {
                    out.push(param);
                    continue;
                };
                let schema = p
                    .get("schema")
                    .map(|s| resolve(snapshot, s))
                    .unwrap_or(&Value::Null);
                if p.get("in").and_then(Value::as_str) != Some("query") || !select(p, schema) {
                    out.push(param);
                    continue;
                }
                let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                // A member the object's schema requires is required of the request even when
                // the parameter itself is optional: upstream writes "filter[record_type] must be
                // specified" as an optional `filter` that requires `record_type`, and a
                // validator reads an absent deepObject as an empty one. Flattened, the leaf is
                // the only place that requirement can live.
                let required = true;
                let mut leaves = Vec::new();
                if let Some(s) = p.get("schema") {
                    collect_leaves(snapshot, s, name, required, &mut leaves, 0);
                }
                // A free-form object has no leaves to send; it is kept as it is rather than
                // dropped unseen, and generation names it if progenitor cannot take it.
                if leaves.is_empty() {
                    out.push(param);
                    continue;
                }
                count += 1;
                for leaf in leaves {
                    if !names.insert((leaf.name.clone(), "query".to_owned())) {
                        continue;
                    }
                    let mut new = Map::new();
                    new.insert("name".into(), json!(leaf.name));
                    new.insert("in".into(), json!("query"));
                    if let Some(d) = leaf.description.or_else(|| {
                        p.get("description")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    }) {
                        new.insert("description".into(), json!(d));
                    }
                    if leaf.required {
                        new.insert("required".into(), json!(true));
                    }
                    if p.get("deprecated") == Some(&json!(true)) {
                        new.insert("deprecated".into(), json!(true));
                    }
                    new.insert("schema".into(), leaf.schema);
                    out.push(Value::Object(new));
                }
            }
            *list = out;
        };
        for_each_parameter_list(doc, &mut expand_list);
        count
    })
}

/// `style: deepObject` query parameters → one scalar parameter per leaf, named
/// `filter[date_created_at][gte]` (arrays sent as repeated keys).
///
/// Upstream consolidated Telnyx's bracketed query parameters into deepObject objects.
/// progenitor rejects the deepObject style ("unsupported style of query parameter"). One
/// parameter per leaf, named with the brackets, puts exactly the keys deepObject serialisation
/// would produce on the wire (the descriptions even list the original names). `oneOf` leaves
/// ("a value or an object of operators") contribute the leaves of every branch; where a scalar
/// and an array share a name the array is kept, since one element sends the same query.
pub fn deep_object_params(work: &mut Work) -> usize {
    expand_query_objects(work, |p, _| p.get("style") == Some(&json!("deepObject")))
}

/// Object-typed `style: form` query parameters (`page`) → one parameter per leaf named
/// `page[number]`, like [`deep_object_params`].
///
/// Form-exploded objects would be sent as bare `number=1&size=20`, which Telnyx ignores; the
/// API reads `page[number]`/`page[size]` (as the operation descriptions say). progenitor
/// would also generate a struct query parameter it serialises the form way. Expanding to
/// bracketed leaves sends what the API expects.
pub fn form_object_params(work: &mut Work) -> usize {
    expand_query_objects(work, |p, schema| {
        p.get("style").is_none_or(|s| s == "form")
            && (schema.get("type") == Some(&json!("object")) || schema.get("properties").is_some())
    })
}

/// Path parameters not marked `required` → `required: true`; parameters with `content`
/// instead of `schema` → the content's schema; cookie parameters → dropped.
///
/// OpenAPI requires path parameters to be required and progenitor asserts it; `content`
/// parameters and cookies are rejected by progenitor. A path parameter is always sent, a
/// `content` parameter's schema describes the same value, and the API authenticates with a
/// bearer token, not cookies.
pub fn parameter_shapes(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        let mut fix_list = |list: &mut Vec<Value>| {
            list.retain(|param| {
                let resolved = resolve(snapshot, param);
                let cookie = resolved.get("in") == Some(&json!("cookie"));
                count += usize::from(cookie);
                !cookie
            });
            for param in list.iter_mut() {
                let resolved = resolve(snapshot, param).clone();
                let is_path = resolved.get("in") == Some(&json!("path"));
                let needs_required = is_path && resolved.get("required") != Some(&json!(true));
                let content_schema = resolved
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
                    .cloned();
                if needs_required || content_schema.is_some() {
                    let mut fixed = resolved.as_object().cloned().unwrap_or_default();
                    if needs_required {
                        fixed.insert("required".into(), json!(true));
                    }
                    if let Some(schema) = content_schema {
                        fixed.remove("content");
                        fixed.insert("schema".into(), schema);
                    }
                    *param = Value::Object(fixed);
                    count += 1;
                }
            }
        };
        for_each_parameter_list(doc, &mut fix_list);
        count
    })
}

/// Parameters of one operation whose Rust names collide (`StartTime`, `StartTime>`,
/// `StartTime<` are all `start_time`) → only the first kept (a path parameter before any
/// other); the others are removed and listed.
///
/// progenitor names a builder field after each parameter and declares the field twice, so the
/// generated client does not compile, although generation succeeds. Its names cannot be
/// overridden and a parameter's wire name cannot change, so the later parameters go: the
/// operation keeps working without those filters.
pub fn parameter_name_collisions(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut parts = Vec::new();
        let Some(Value::Object(paths)) = doc.get_mut("paths") else {
            return Vec::new();
        };
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            // (Rust name, wire name) of the path item's own parameters.
            let shared: Vec<(String, String)> = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(|list| list.iter().map(|p| names_of(snapshot, p).0).collect())
                .unwrap_or_default();
            for (method, operation) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(Value::Array(list)) = operation.get_mut("parameters") else {
                    continue;
                };
                let names: Vec<((String, String), bool)> =
                    list.iter().map(|p| names_of(snapshot, p)).collect();
                // Rust name → the wire name that has it: the path item's parameters, then this
                // operation's path parameters (always kept), then the others in order. A
                // parameter that redeclares one of the same wire name is an override, not a
                // collision.
                let mut claimed: std::collections::BTreeMap<String, String> =
                    shared.iter().cloned().collect();
                for ((rust, wire), is_path) in &names {
                    if *is_path {
                        claimed.insert(rust.clone(), wire.clone());
                    }
                }
                let keep: Vec<bool> = names
                    .iter()
                    .map(|((rust, wire), is_path)| {
                        *is_path
                            || match claimed.get(rust) {
                                Some(owner) => owner == wire,
                                None => {
                                    claimed.insert(rust.clone(), wire.clone());
                                    true
                                }
                            }
                    })
                    .collect();
                let at = push(&push(&push("/paths", path), method), "parameters");
                let mut index = 0;
                list.retain(|_| {
                    let kept = keep.get(index).copied().unwrap_or(true);
                    if !kept {
                        parts.push(RemovedPart {
                            pointer: push(&at, &index.to_string()),
                            reason: format!(
                                "its Rust name `{}` is another parameter's of the same \
                                 operation; the generated builder would declare it twice",
                                names[index].0.0
                            ),
                        });
                    }
                    index += 1;
                    kept
                });
            }
        }
        parts
    })
    .into_iter()
    .map(|part| work.removed_parts.push(part))
    .count()
}

/// `((Rust name, wire name), is a path parameter)` of a parameter (references resolved); the
/// Rust name is the builder field progenitor makes of it.
fn names_of(snapshot: &Value, parameter: &Value) -> ((String, String), bool) {
    let parameter = resolve(snapshot, parameter);
    let wire = parameter.get("name").and_then(Value::as_str).unwrap_or("");
    let rust = progenitor_ident(wire, Case::Snake);
    (
        (rust, wire.to_owned()),
        parameter.get("in") == Some(&json!("path")),
    )
}

/// Calls `f` on every `parameters` list of the document's path items and operations.
fn for_each_parameter_list(doc: &mut Value, f: &mut dyn FnMut(&mut Vec<Value>)) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                if let Value::Array(list) = value {
                    f(list);
                }
            } else if METHODS.contains(&key.as_str())
                && let Some(Value::Array(list)) = value.get_mut("parameters")
            {
                f(list);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn parameters_with_one_rust_name_keep_the_first() {
        let q = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string"}});
        let mut w = work(json!({"paths": {"/calls/{sid}": {"get": {"parameters": [
            q("StartTime"), q("StartTime>"), q("Sid"), q("StartTime<"), q("EndTime"),
            {"name": "sid", "in": "path", "required": true, "schema": {"type": "string"}}
        ]}}}}));
        assert_eq!(parameter_name_collisions(&mut w), 3);
        let names: Vec<&str> = w.doc["paths"]["/calls/{sid}"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["StartTime", "EndTime", "sid"]);
        assert_eq!(
            w.removed_parts[0].pointer,
            "/paths/~1calls~1{sid}/get/parameters/1"
        );
        assert_eq!(parameter_name_collisions(&mut w), 0);
    }

    #[test]
    fn v2_prefix_is_dropped() {
        let mut w = work(
            json!({"servers": [{"url": "https://api.telnyx.com/v2"}], "paths": {
            "/v2/whatsapp": {"get": {"operationId": "A", "responses": {}}}}}),
        );
        assert_eq!(strip_server_prefix(&mut w), 1);
        assert!(w.doc["paths"]["/whatsapp"]["get"].is_object());
    }

    #[test]
    fn prefixed_duplicate_of_an_existing_operation_is_removed_with_a_reason() {
        let mut w = work(
            json!({"servers": [{"url": "https://api.telnyx.com/v2"}], "paths": {
                "/v2/whatsapp/templates": {
                    "get": {"operationId": "ListTemplatesPrefixed", "responses": {}},
                    "post": {"operationId": "CreateTemplate", "responses": {}}},
                "/whatsapp/templates": {"get": {"operationId": "ListTemplates", "responses": {}}}
            }}),
        );
        assert_eq!(strip_server_prefix(&mut w), 1);
        let paths: Vec<&String> = w.doc["paths"].as_object().unwrap().keys().collect();
        assert_eq!(paths, ["/whatsapp/templates"]);
        let item = &w.doc["paths"]["/whatsapp/templates"];
        assert_eq!(item["get"]["operationId"], "ListTemplates");
        assert_eq!(item["post"]["operationId"], "CreateTemplate");
        assert_eq!(w.removed.len(), 1);
        let r = &w.removed[0];
        assert_eq!(
            (r.method.as_str(), r.path.as_str(), r.operation_id.as_str()),
            ("GET", "/v2/whatsapp/templates", "ListTemplatesPrefixed")
        );
        assert!(r.reason.contains("duplicate of GET /whatsapp/templates"));
        assert_eq!(
            w.moved,
            [(
                "/paths/~1whatsapp~1templates/post".to_owned(),
                "/paths/~1v2~1whatsapp~1templates/post".to_owned()
            )]
        );
        assert_eq!(strip_server_prefix(&mut w), 0);
    }

    #[test]
    fn deep_object_expands_to_bracketed_leaves() {
        let mut w = work(
            json!({"paths": {"/rooms": {"get": {"operationId": "ListRooms", "parameters": [
            {"name": "filter", "in": "query", "style": "deepObject", "explode": true, "schema": {
                "type": "object", "properties": {
                    "date_created_at": {"type": "object", "properties": {"gte": {"type": "string", "format": "date"}}},
                    "unique_name": {"type": "string"}}}}
        ], "responses": {}}}}}),
        );
        assert_eq!(deep_object_params(&mut w), 1);
        let params = w.doc["paths"]["/rooms"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["filter[date_created_at][gte]", "filter[unique_name]"]
        );
        assert_eq!(
            params[0]["schema"],
            json!({"type": "string", "format": "date"})
        );
    }

    #[test]
    fn a_member_the_object_requires_is_a_required_leaf() {
        // SearchDetailRecords: an optional `filter` whose schema requires `record_type`.
        let mut w = work(json!({"paths": {"/detail_records": {"get": {
            "operationId": "SearchDetailRecords", "parameters": [
            {"name": "filter", "in": "query", "style": "deepObject", "required": false,
             "schema": {"type": "object", "required": ["record_type"], "properties": {
                "record_type": {"type": "string", "enum": ["messaging"]},
                "date_range": {"type": "string"}}}}
        ], "responses": {}}}}}));
        assert_eq!(deep_object_params(&mut w), 1);
        let params = &w.doc["paths"]["/detail_records"]["get"]["parameters"];
        assert_eq!(params[0]["name"], "filter[date_range]");
        assert_eq!(params[0].get("required"), None);
        assert_eq!(params[1]["name"], "filter[record_type]");
        assert_eq!(params[1]["required"], true);
    }

    #[test]
    fn object_form_query_parameter_becomes_bracketed_leaves() {
        let mut w = work(json!({
            "paths": {"/messaging_profiles": {"get": {"operationId": "ListMessagingProfiles",
                "parameters": [
                    {"$ref": "#/components/parameters/Page"},
                    {"name": "name", "in": "query", "schema": {"type": "string"}}],
                "responses": {}}}},
            "components": {"parameters": {"Page": {"name": "page", "in": "query",
                "style": "form", "explode": true, "schema": {"type": "object", "properties": {
                    "number": {"type": "integer", "minimum": 1},
                    "size": {"type": "integer", "maximum": 250}}}}}}
        }));
        assert_eq!(form_object_params(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/messaging_profiles"]["get"]["parameters"],
            json!([
                {"name": "page[number]", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "page[size]", "in": "query", "schema": {"type": "integer", "maximum": 250}},
                {"name": "name", "in": "query", "schema": {"type": "string"}}
            ])
        );
        assert_eq!(form_object_params(&mut w), 0);
    }

    #[test]
    fn a_free_form_object_query_parameter_is_kept_not_dropped() {
        let param = json!({"name": "metadata", "in": "query", "style": "deepObject",
            "schema": {"type": "object", "additionalProperties": {"type": "string"}}});
        let mut w = work(
            json!({"paths": {"/calls": {"get": {"operationId": "ListCalls",
            "parameters": [param.clone()], "responses": {}}}}}),
        );
        assert_eq!(deep_object_params(&mut w), 0);
        assert_eq!(
            w.doc["paths"]["/calls"]["get"]["parameters"],
            json!([param])
        );
    }

    #[test]
    fn path_parameters_become_required_content_becomes_schema_and_cookies_go() {
        let mut w = work(
            json!({"paths": {"/calls/{call_control_id}/actions/answer": {
            "parameters": [{"name": "call_control_id", "in": "path", "schema": {"type": "string"}}],
            "post": {"operationId": "AnswerCall", "parameters": [
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                {"name": "client_state", "in": "query",
                    "content": {"application/json": {"schema": {"type": "string"}}}}
            ], "responses": {}}}}}),
        );
        assert_eq!(parameter_shapes(&mut w), 3);
        let item = &w.doc["paths"]["/calls/{call_control_id}/actions/answer"];
        assert_eq!(
            item["parameters"],
            json!([{"name": "call_control_id", "in": "path", "required": true,
                "schema": {"type": "string"}}])
        );
        assert_eq!(
            item["post"]["parameters"],
            json!([{"name": "client_state", "in": "query", "schema": {"type": "string"}}])
        );
        assert_eq!(parameter_shapes(&mut w), 0);
    }
}
