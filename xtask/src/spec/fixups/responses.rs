//! Fixups of responses: default responses, error and success schemas.

use serde_json::{Value, json};

use super::shared::with_components;
use super::work::Work;
use crate::pointer;
use crate::spec::names::{Case, progenitor_ident};
use crate::spec::schema::{is_json_media_type, resolve, stripped};
use crate::walk;

/// Whether a response status key is an error (4xx, 5xx, `4XX`, `5XX`).
pub(super) fn is_error_status(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

/// Whether a response status key is a success (2xx, `2XX`).
pub(super) fn is_success_status(code: &str) -> bool {
    code.starts_with('2')
}

/// A `default` response beside explicit 2xx responses → `4XX` and `5XX` responses.
///
/// progenitor treats `default` as both a success and an error response; with a 2xx beside it
/// the operation has two success types and progenitor panics (`assert!(response_types.len()
/// <= 1)`). Upstream uses `default` for its error envelope, so stating it as `4XX`/`5XX`
/// (where those are not already given) is what it means; other statuses (1xx, 3xx) were never
/// described anyway.
pub fn default_responses(work: &mut Work) -> usize {
    let mut count = 0;
    walk::operations_mut(&mut work.doc, &mut |_, _, _, op| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return;
        };
        if !responses.keys().any(|c| is_success_status(c)) {
            return;
        }
        if let Some(default) = responses.remove("default") {
            for range in ["4XX", "5XX"] {
                responses.entry(range).or_insert_with(|| default.clone());
            }
            count += 1;
        }
    });
    count
}

/// What progenitor sees in a response: a JSON schema, raw bytes, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ResponseKind {
    Json(Value),
    Raw,
    Empty,
}

/// Classifies `response` (resolving a `$ref` to a component response).
pub(super) fn response_kind(doc: &Value, response: &Value) -> ResponseKind {
    let response = resolve(doc, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return ResponseKind::Empty;
    };
    match content.iter().find(|(k, _)| is_json_media_type(k)) {
        Some((_, media)) => ResponseKind::Json(media.get("schema").cloned().unwrap_or(json!({}))),
        None if content.is_empty() => ResponseKind::Empty,
        None => ResponseKind::Raw,
    }
}

/// A response object whose JSON body has `schema` (the description kept from `original`).
pub(super) fn json_response(doc: &Value, original: &Value, schema: Value) -> Value {
    let description = resolve(doc, original)
        .get("description")
        .cloned()
        .unwrap_or(json!(""));
    json!({
        "description": description,
        "content": {"application/json": {"schema": schema}}
    })
}

/// Operations whose error responses have different schemas, or mix JSON with empty or
/// non-JSON bodies → one JSON error schema per operation.
///
/// progenitor generates one error type per operation and panics when the error responses
/// disagree (`assert!(response_types.len() <= 1)`). The schema used by most error responses
/// (ties: the lowest status) becomes the error schema of all JSON error responses; error
/// responses without a JSON body are removed, so those statuses arrive as
/// `Error::UnexpectedResponse` carrying the status and body — nothing is lost. Upstream's
/// error schemas are all variants of the `{"errors": [...]}` envelope, so a body of another
/// variant still deserializes in the common cases, and when it does not the client returns
/// `Error::InvalidResponsePayload` with the raw bytes.
pub fn error_schemas(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        walk::operations_mut(doc, &mut |_, _, _, op| {
            let Some(Value::Object(responses)) = op.get_mut("responses") else {
                return;
            };
            let has_success = responses.keys().any(|c| is_success_status(c));
            let errors: Vec<(String, ResponseKind)> = responses
                .iter()
                .filter(|(code, _)| is_error_status(code) || (*code == "default" && has_success))
                .map(|(code, r)| (code.clone(), response_kind(snapshot, r)))
                .collect();
            let distinct: Vec<&ResponseKind> = errors.iter().fold(Vec::new(), |mut acc, (_, k)| {
                if !acc.contains(&k) {
                    acc.push(k);
                }
                acc
            });
            if distinct.len() <= 1 {
                return;
            }
            count += 1;
            // Most frequent JSON schema; ties go to the lowest status (the map is sorted).
            let mut tally: Vec<(Value, usize)> = Vec::new();
            for (_, kind) in &errors {
                if let ResponseKind::Json(schema) = kind {
                    match tally.iter_mut().find(|(s, _)| s == schema) {
                        Some((_, n)) => *n += 1,
                        None => tally.push((schema.clone(), 1)),
                    }
                }
            }
            let chosen = tally
                .iter()
                .enumerate()
                .max_by(|(ia, (_, a)), (ib, (_, b))| a.cmp(b).then(ib.cmp(ia)))
                .map(|(_, (s, _))| s.clone());
            for (code, kind) in errors {
                match (&chosen, kind) {
                    (Some(schema), ResponseKind::Json(current)) if current != *schema => {
                        if let Some(original) = responses.get(&code).cloned() {
                            responses
                                .insert(code, json_response(snapshot, &original, schema.clone()));
                        }
                    }
                    (Some(_), ResponseKind::Json(_)) => {}
                    (_, _) => {
                        responses.remove(&code);
                    }
                }
            }
        });
        count
    })
}

/// `schema` with prose and examples removed, for comparing structure.
pub(super) fn structure(doc: &Value, schema: &Value) -> Value {
    stripped(resolve(doc, schema))
}

/// Operations with several 2xx responses of different shapes → one success shape.
///
/// progenitor generates one success type per operation and panics when the 2xx responses
/// disagree. Upstream has one such operation (`POST /operator_connect/actions/refresh`:
/// 200 "already in progress" and 202 "started", same fields, different examples). Schemas
/// equal up to prose and examples are unified to the first; truly different JSON schemas
/// become an `anyOf` of both, which accepts each; a 2xx without a JSON body beside a JSON
/// one is dropped (it would arrive as `Error::UnexpectedResponse` with its status).
pub fn success_schemas(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        walk::operations_mut(doc, &mut |_, _, _, op| {
            let Some(Value::Object(responses)) = op.get_mut("responses") else {
                return;
            };
            let successes: Vec<(String, ResponseKind)> = responses
                .iter()
                .filter(|(code, _)| is_success_status(code))
                .map(|(code, r)| (code.clone(), response_kind(snapshot, r)))
                .collect();
            let mut distinct: Vec<&ResponseKind> = Vec::new();
            for (_, kind) in &successes {
                if !distinct.contains(&kind) {
                    distinct.push(kind);
                }
            }
            if distinct.len() <= 1 {
                return;
            }
            let jsons: Vec<Value> = successes
                .iter()
                .filter_map(|(_, k)| match k {
                    ResponseKind::Json(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            let Some(first) = jsons.first().cloned() else {
                return;
            };
            count += 1;
            let same = jsons
                .iter()
                .all(|s| structure(snapshot, s) == structure(snapshot, &first));
            let unified = if same {
                first
            } else {
                let mut branches: Vec<Value> = Vec::new();
                for s in jsons {
                    if !branches.contains(&s) {
                        branches.push(s);
                    }
                }
                json!({ "anyOf": branches })
            };
            for (code, kind) in successes {
                match kind {
                    ResponseKind::Json(_) => {
                        if let Some(original) = responses.get(&code).cloned() {
                            responses
                                .insert(code, json_response(snapshot, &original, unified.clone()));
                        }
                    }
                    _ => {
                        responses.remove(&code);
                    }
                }
            }
        });
        count
    })
}

/// A component name not yet used in `section`, starting from `wanted`.
pub(super) fn free_component_name(
    doc: &Value,
    section: &str,
    wanted: &str,
    content: &Value,
) -> (String, bool) {
    let existing = doc
        .get("components")
        .and_then(|c| c.get(section))
        .and_then(Value::as_object);
    let used = |name: &str| existing.and_then(|e| e.get(name));
    let mut name = wanted.to_owned();
    let mut n = 2;
    loop {
        match used(&name) {
            None => return (name, false),
            Some(existing) if existing == content => return (name, true),
            Some(_) => {
                name = format!("{wanted}{n}");
                n += 1;
            }
        }
    }
}

/// Inserts `schema` as `components.schemas[name]`.
pub(super) fn insert_component_schema(doc: &mut Value, name: &str, schema: Value) {
    if !doc.get("components").is_some_and(Value::is_object) {
        doc["components"] = json!({});
    }
    if !doc["components"]
        .get("schemas")
        .is_some_and(Value::is_object)
    {
        doc["components"]["schemas"] = json!({});
    }
    doc["components"]["schemas"][name] = schema;
}

/// An inline error schema in an operation that also has an inline success schema → the
/// error schema moved to `components.schemas.<OperationId>Error`.
///
/// progenitor names every inline response schema of an operation `<OperationId>Response`;
/// typify silently maps a second schema of the same name onto the first type, so the error
/// type would be the success type and error bodies would fail to parse (or, worse, parse as
/// an empty success object). A named component gets its own type. The schema is unchanged.
pub fn hoist_inline_errors(work: &mut Work) -> usize {
    let (hoisted, count) = with_components(&mut work.doc, |snapshot, doc| {
        let mut hoisted: Vec<(String, Value)> = Vec::new();
        let mut count = 0;
        walk::operations_mut(doc, &mut |_, _, _, op| {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("Operation")
                .to_owned();
            let Some(Value::Object(responses)) = op.get_mut("responses") else {
                return;
            };
            let inline = |r: &Value| match response_kind(snapshot, r) {
                ResponseKind::Json(s) if s.get("$ref").is_none() => Some(s),
                _ => None,
            };
            let has_inline_success = responses
                .iter()
                .any(|(c, r)| (is_success_status(c) || c == "default") && inline(r).is_some());
            if !has_inline_success {
                return;
            }
            let error_codes: Vec<String> = responses
                .iter()
                .filter(|(c, r)| is_error_status(c) && inline(r).is_some())
                .map(|(c, _)| c.clone())
                .collect();
            if error_codes.is_empty() {
                return;
            }
            count += 1;
            for code in error_codes {
                let Some(original) = responses.get(&code).cloned() else {
                    continue;
                };
                let Some(schema) = inline(&original) else {
                    continue;
                };
                let wanted = format!("{}Error", progenitor_ident(&id, Case::Pascal));
                let name = match hoisted.iter().find(|(_, s)| *s == schema) {
                    Some((name, _)) => name.clone(),
                    None => {
                        let mut candidate = wanted.clone();
                        let mut n = 2;
                        while hoisted.iter().any(|(h, _)| *h == candidate)
                            || free_component_name(snapshot, "schemas", &candidate, &schema).0
                                != candidate
                        {
                            candidate = format!("{wanted}{n}");
                            n += 1;
                        }
                        hoisted.push((candidate.clone(), schema.clone()));
                        candidate
                    }
                };
                let reference = json!({ "$ref": pointer::component_ref("schemas", &name) });
                responses.insert(code, json_response(snapshot, &original, reference));
            }
        });
        (hoisted, count)
    });
    for (name, schema) in hoisted {
        insert_component_schema(&mut work.doc, &name, schema);
    }
    count
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn default_beside_success_becomes_ranges() {
        let mut w = work(
            json!({"paths": {"/a": {"get": {"operationId": "A", "responses": {
            "200": {"description": "ok"}, "default": {"description": "err"}}}}}}),
        );
        assert_eq!(default_responses(&mut w), 1);
        let responses = w.doc["paths"]["/a"]["get"]["responses"]
            .as_object()
            .unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "4XX", "5XX"]);
    }

    #[test]
    fn error_responses_share_the_most_common_json_schema() {
        let errors = json!({"$ref": "#/components/schemas/Errors"});
        let mut w = work(json!({
            "paths": {"/messages": {"post": {"operationId": "SendMessage", "responses": {
                "200": {"description": "ok"},
                "400": {"description": "bad", "content": {"application/json": {"schema": errors}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "422": {"description": "invalid", "content": {"application/json": {"schema": errors}}},
                "500": {"description": "oops", "content": {"text/plain": {"schema": {"type": "string"}}}}
            }}}},
            "components": {
                "schemas": {"Errors": {"type": "object"}, "Detail": {"type": "object"}},
                "responses": {"Unauthorized": {"description": "unauthorized", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}}}
            }
        }));
        assert_eq!(error_schemas(&mut w), 1);
        let responses = &w.doc["paths"]["/messages"]["post"]["responses"];
        assert_eq!(
            responses.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["200", "400", "401", "422"]
        );
        assert_eq!(
            responses["401"],
            json!({"description": "unauthorized",
                "content": {"application/json": {"schema": errors}}})
        );
        assert_eq!(error_schemas(&mut w), 0);
    }

    #[test]
    fn success_responses_equal_up_to_examples_are_unified() {
        let status = |example: &str| json!({"type": "object", "properties": {"status": {"type": "string", "example": example}}});
        let mut w = work(
            json!({"paths": {"/operator_connect/actions/refresh": {"post": {
            "operationId": "RefreshOperatorConnect", "responses": {
                "200": {"description": "in progress",
                    "content": {"application/json": {"schema": status("in progress")}}},
                "202": {"description": "started",
                    "content": {"application/json": {"schema": status("started")}}}
            }}}}}),
        );
        assert_eq!(success_schemas(&mut w), 1);
        let responses = &w.doc["paths"]["/operator_connect/actions/refresh"]["post"]["responses"];
        assert_eq!(
            responses["202"],
            json!({"description": "started",
                "content": {"application/json": {"schema": status("in progress")}}})
        );
        assert_eq!(success_schemas(&mut w), 0);
    }

    #[test]
    fn different_success_schemas_become_any_of_and_bodiless_2xx_is_dropped() {
        let a = json!({"$ref": "#/components/schemas/Call"});
        let b = json!({"$ref": "#/components/schemas/Conference"});
        let mut w = work(json!({
            "paths": {"/calls": {"post": {"operationId": "DialCall", "responses": {
                "200": {"description": "call", "content": {"application/json": {"schema": a}}},
                "201": {"description": "conference", "content": {"application/json": {"schema": b}}},
                "204": {"description": "nothing"}
            }}}},
            "components": {"schemas": {
                "Call": {"type": "object", "properties": {"call_control_id": {"type": "string"}}},
                "Conference": {"type": "object", "properties": {"name": {"type": "string"}}}}}
        }));
        assert_eq!(success_schemas(&mut w), 1);
        let responses = &w.doc["paths"]["/calls"]["post"]["responses"];
        assert_eq!(
            responses.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["200", "201"]
        );
        let any_of = json!({"anyOf": [a, b]});
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            any_of
        );
        assert_eq!(
            responses["201"]["content"]["application/json"]["schema"],
            any_of
        );
        assert_eq!(success_schemas(&mut w), 0);
    }

    #[test]
    fn inline_error_beside_inline_success_is_hoisted_to_a_component() {
        let error = json!({"type": "object", "properties": {"errors": {"type": "array"}}});
        let mut w = work(json!({"paths": {"/number_orders": {"post": {
        "operationId": "CreateNumberOrder", "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema":
                {"type": "object", "properties": {"data": {"type": "object"}}}}}},
            "422": {"description": "invalid", "content": {"application/json": {"schema": error}}}
        }}}}}));
        assert_eq!(hoist_inline_errors(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/number_orders"]["post"]["responses"]["422"],
            json!({"description": "invalid", "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/CreateNumberOrderError"}}}})
        );
        assert_eq!(
            w.doc["components"]["schemas"]["CreateNumberOrderError"],
            error
        );
        assert_eq!(hoist_inline_errors(&mut w), 0);
    }
}
