//! Repairs of the `$ref`s upstream gets wrong: a schema reference to a response or a
//! parameter, and a reference into the inside of a component (a reference to nothing is
//! `dangling.rs`'s).
//!
//! The generator resolves a schema `$ref` only when it names a whole entry of
//! `components/schemas` (typify panics on anything else: "$ref … is missing"), and progenitor
//! resolves parameters, responses and bodies the same way. One such reference stops the
//! generation of the whole document, so each is repaired here, before anything else reads the
//! document.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Value, json};

use super::work::Work;
use crate::pointer::{self, push};
use crate::spec::schema::is_json_media_type;
use crate::walk;

/// Schema `$ref`s to a response, a request body or a parameter → a reference to that object's
/// schema; to a schema written among the responses → a reference to a copy of it among the
/// schemas.
///
/// Upstream has written `items: {$ref: '#/components/responses/AdvancedOrderResponse'}`,
/// meaning the body of that response, and has put schemas (`properties`, no `content`) under
/// `components/responses`. A schema reference must name a schema, and typify panics on any
/// other target. The response's (JSON) body schema is what was meant, so the reference is
/// pointed there ([`deep_refs`] then gives it a component of its own).
pub fn misplaced_refs(work: &mut Work) -> usize {
    let mut fixes: Vec<(String, String)> = Vec::new();
    let mut copies: BTreeMap<String, (String, Value)> = BTreeMap::new();
    walk::schemas(&work.doc, &mut |at, schema| {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return;
        };
        let Some(tokens) = pointer::local_ref_tokens(reference) else {
            return;
        };
        if tokens.len() != 3 || tokens[0] != "components" {
            return;
        }
        let Some(target) = pointer::resolve(&work.doc, reference) else {
            return;
        };
        let inner = match tokens[1].as_str() {
            "responses" | "requestBodies" => body_schema_token(target)
                .map(|media| format!("{reference}/content/{}/schema", pointer::escape(&media))),
            "parameters" | "headers" => target
                .get("schema")
                .is_some()
                .then(|| format!("{reference}/schema")),
            _ => None,
        };
        let inner = inner.or_else(|| {
            (tokens[1] != "schemas" && looks_like_schema(target)).then(|| {
                if let Some((new_ref, _)) = copies.get(reference) {
                    return new_ref.clone();
                }
                // Not a name taken in the document, nor by an earlier copy of this pass.
                let mut name = free_name(&work.doc, "schemas", &tokens[2]);
                let mut n = 2;
                while copies
                    .values()
                    .any(|(r, _)| *r == pointer::component_ref("schemas", &name))
                {
                    name = free_name(&work.doc, "schemas", &format!("{}{n}", tokens[2]));
                    n += 1;
                }
                let new_ref = pointer::component_ref("schemas", &name);
                copies.insert(reference.to_owned(), (new_ref.clone(), target.clone()));
                new_ref
            })
        });
        if let Some(inner) = inner {
            fixes.push((at.to_owned(), inner));
        }
    });
    for (new_ref, schema) in copies.into_values() {
        if let Some(name) = pointer::component_name(&new_ref, "schemas")
            && let Some(schemas) = work
                .doc
                .as_object_mut()
                .and_then(|d| {
                    d.entry("components")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                })
                .and_then(|c| {
                    c.entry("schemas")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                })
        {
            schemas.insert(name, schema);
        }
    }
    for (at, inner) in &fixes {
        set_ref(&mut work.doc, at, inner);
    }
    fixes.len()
}

/// A `$ref` where a response or a request body belongs that names a schema → a response or
/// body whose JSON content is that schema.
///
/// `responses: {200: {$ref: '#/components/schemas/Address'}}` says what the answer's body
/// is, in the place of the response object that would carry it; the reader refuses the whole
/// document over it. Wrapping the reference in the object OpenAPI wants there says the same.
pub fn schema_refs_as_objects(work: &mut Work) -> usize {
    let mut places: Vec<(String, bool)> = Vec::new();
    let names_schema = |doc: &Value, holder: &Value| {
        let Some(reference) = holder.get("$ref").and_then(Value::as_str) else {
            return false;
        };
        let Some(tokens) = pointer::local_ref_tokens(reference) else {
            return false;
        };
        tokens.len() == 3 && tokens[0] == "components" && tokens[1] == "schemas"
            || !matches!(
                tokens.get(1).map(String::as_str),
                Some("responses" | "requestBodies")
            ) && pointer::resolve(doc, reference).is_some_and(looks_like_schema)
    };
    walk::operations(&work.doc, &mut |path, method, operation| {
        let at = push(&push("/paths", path), method);
        if operation
            .get("requestBody")
            .is_some_and(|b| names_schema(&work.doc, b))
        {
            places.push((push(&at, "requestBody"), true));
        }
        if let Some(Value::Object(responses)) = operation.get("responses") {
            for (code, response) in responses {
                if names_schema(&work.doc, response) {
                    places.push((push(&push(&at, "responses"), code), false));
                }
            }
        }
    });
    for (section, is_body) in [("responses", false), ("requestBodies", true)] {
        if let Some(Value::Object(entries)) = work.doc.pointer(&push("/components", section)) {
            for (name, entry) in entries {
                if names_schema(&work.doc, entry) {
                    places.push((push(&push("/components", section), name), is_body));
                }
            }
        }
    }
    for (at, is_body) in &places {
        if let Some(slot) = work.doc.pointer_mut(at) {
            let content = json!({"application/json": {"schema": slot.clone()}});
            *slot = if *is_body {
                json!({"required": true, "content": content})
            } else {
                json!({"description": "", "content": content})
            };
        }
    }
    places.len()
}

/// Whether an object outside `components/schemas` is a schema (it has schema keywords and no
/// `content`).
fn looks_like_schema(target: &Value) -> bool {
    const KEYWORDS: [&str; 7] = [
        "type",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "enum",
    ];
    target.get("content").is_none() && KEYWORDS.iter().any(|k| target.get(*k).is_some())
}

/// The media type whose schema describes a response's or body's content: the JSON one, else
/// the first with a schema.
fn body_schema_token(target: &Value) -> Option<String> {
    let content = target.get("content")?.as_object()?;
    content
        .iter()
        .filter(|(_, media)| media.get("schema").is_some())
        .find(|(name, _)| is_json_media_type(name))
        .or_else(|| {
            content
                .iter()
                .find(|(_, media)| media.get("schema").is_some())
        })
        .map(|(name, _)| name.clone())
}

/// `$ref`s into the inside of a component (`#/components/schemas/BusinessIdentity/properties/
/// address`) or of an operation → the target moved into a component of its own, referred to
/// from its old place and from every reference to it.
///
/// Such a reference is a legal JSON Reference, and upstream uses it to share one property
/// between a resource and its create request. The generator only resolves references to whole
/// components (typify panics on the whole document). Moving the target into a component
/// (`BusinessIdentityAddress`) and pointing both places at it keeps one type for both.
pub fn deep_refs(work: &mut Work) -> usize {
    let mut count = 0;
    // A moved target may itself hold deep references; a few rounds reach every one.
    for _ in 0..16 {
        let mut deep: BTreeMap<String, Vec<String>> = BTreeMap::new();
        walk::refs(&work.doc, "", &mut |at, reference| {
            if let Some(tokens) = pointer::local_ref_tokens(reference)
                && is_deep(&tokens)
                && pointer::resolve(&work.doc, reference).is_some()
            {
                deep.entry(reference.to_owned())
                    .or_default()
                    .push(at.to_owned());
            }
        });
        if deep.is_empty() {
            break;
        }
        for (reference, holders) in deep {
            let Some(new_ref) = hoist(work, &reference) else {
                continue;
            };
            for at in &holders {
                set_ref(&mut work.doc, at, &new_ref);
            }
            count += holders.len();
        }
    }
    count
}

/// Whether a reference names something inside a component or outside `components`. A
/// reference into `$defs`/`definitions` is not: the 3.1 conversion gives those definitions
/// components of their own names.
fn is_deep(tokens: &[String]) -> bool {
    let whole_component = tokens.len() == 3 && tokens[0] == "components";
    let in_definitions = tokens.iter().any(|t| t == "$defs" || t == "definitions");
    !(tokens.is_empty() || whole_component || in_definitions)
}

/// Moves the target of `reference` into a component and leaves a reference in its place;
/// returns the new reference (`None` when the kind of the target is unknown).
fn hoist(work: &mut Work, reference: &str) -> Option<String> {
    let tokens = pointer::local_ref_tokens(reference)?;
    let target = pointer::resolve(&work.doc, reference)?.clone();
    // A reference to a reference: point at the final target directly.
    if let Some(next) = target.get("$ref").and_then(Value::as_str)
        && target.as_object().is_some_and(|m| m.len() == 1)
        && next != reference
    {
        return Some(next.to_owned());
    }
    let kind = target_kind(&tokens)?;
    let name = free_name(&work.doc, kind, &hoisted_name(&tokens));
    let new_ref = pointer::component_ref(kind, &name);
    let section = work
        .doc
        .as_object_mut()?
        .entry("components")
        .or_insert_with(|| json!({}))
        .as_object_mut()?
        .entry(kind)
        .or_insert_with(|| json!({}));
    section.as_object_mut()?.insert(name, target);
    let old_place = reference.strip_prefix('#')?.to_owned();
    if let Some(slot) = work.doc.pointer_mut(&old_place) {
        *slot = json!({ "$ref": new_ref });
    }
    work.moved.push((
        new_ref.trim_start_matches('#').to_owned(),
        old_place.clone(),
    ));
    Some(new_ref)
}

/// The component section a target at `tokens` belongs in.
fn target_kind(tokens: &[String]) -> Option<&'static str> {
    let last = tokens.last().map(String::as_str);
    let parent = tokens.len().checked_sub(2).map(|i| tokens[i].as_str());
    if tokens.starts_with(&["components".to_owned(), "schemas".to_owned()])
        || tokens.iter().any(|t| t == "schema")
    {
        return Some("schemas");
    }
    match (parent, last) {
        (Some("parameters"), _) => Some("parameters"),
        (Some("responses"), _) => Some("responses"),
        (Some("headers"), _) => Some("headers"),
        (Some("examples"), _) => Some("examples"),
        (_, Some("requestBody")) => Some("requestBodies"),
        _ => None,
    }
}

/// `BusinessIdentityAddress` for `components/schemas/BusinessIdentity/properties/address`:
/// the tokens that name something, in UpperCamelCase.
fn hoisted_name(tokens: &[String]) -> String {
    const STRUCTURE: [&str; 12] = [
        "components",
        "schemas",
        "responses",
        "requestBodies",
        "parameters",
        "paths",
        "properties",
        "content",
        "schema",
        "items",
        "additionalProperties",
        "requestBody",
    ];
    let name: String = tokens
        .iter()
        .filter(|t| (!STRUCTURE.contains(&t.as_str()) && !t.contains('/')) || t.starts_with('/'))
        .map(|t| t.to_upper_camel_case())
        .collect();
    if name.is_empty() {
        "Hoisted".to_owned()
    } else {
        name
    }
}

/// `name`, or `name2`, `name3`, … : the first not taken in `components/<kind>`.
fn free_name(doc: &Value, kind: &str, name: &str) -> String {
    let taken = |candidate: &str| {
        doc.pointer(&push(&push("/components", kind), candidate))
            .is_some()
    };
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|n| format!("{name}{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| name.to_owned())
}

/// Sets the reference held at `at` (an object with `$ref`, or a discriminator mapping's
/// string) to `reference`.
fn set_ref(doc: &mut Value, at: &str, reference: &str) {
    match doc.pointer_mut(at) {
        Some(Value::Object(holder)) => {
            holder.insert("$ref".into(), Value::String(reference.to_owned()));
        }
        Some(slot @ Value::String(_)) => *slot = Value::String(reference.to_owned()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn misplaced_refs_point_at_the_response_body() {
        let mut w = work(json!({"paths": {}, "components": {
            "responses": {"Order": {"description": "d", "content": {"application/json": {
                "schema": {"type": "object"}}}}},
            "schemas": {"List": {"type": "array",
                "items": {"$ref": "#/components/responses/Order"}}}}}));
        assert_eq!(misplaced_refs(&mut w), 1);
        assert_eq!(
            w.doc["components"]["schemas"]["List"]["items"]["$ref"],
            "#/components/responses/Order/content/application~1json/schema"
        );
        assert_eq!(misplaced_refs(&mut w), 0);
    }

    #[test]
    fn a_schema_among_the_responses_is_copied_to_the_schemas() {
        let mut w = work(json!({"paths": {}, "components": {
            "responses": {"Creds": {"description": "d", "properties": {"data": {"type": "array"}}}},
            "schemas": {"Creds": {"type": "string"},
                "Page": {"type": "object", "properties": {
                    "a": {"$ref": "#/components/responses/Creds"},
                    "b": {"$ref": "#/components/responses/Creds"}}}}}}));
        assert_eq!(misplaced_refs(&mut w), 2);
        let schemas = &w.doc["components"]["schemas"];
        assert_eq!(
            schemas["Page"]["properties"]["b"]["$ref"],
            "#/components/schemas/Creds2"
        );
        assert_eq!(
            schemas["Creds2"]["properties"],
            json!({"data": {"type": "array"}})
        );
        assert_eq!(misplaced_refs(&mut w), 0);
    }

    #[test]
    fn a_schema_named_as_a_response_or_body_is_wrapped() {
        let schema = json!({"$ref": "#/components/schemas/Address"});
        let mut w = work(json!({"paths": {"/a": {"post": {
            "requestBody": schema.clone(),
            "responses": {"200": schema.clone(), "404": {"$ref": "#/components/responses/No"}}
        }}}, "components": {"schemas": {"Address": {"type": "object"}},
            "responses": {"No": {"description": "no"}}}}));
        assert_eq!(schema_refs_as_objects(&mut w), 2);
        let op = &w.doc["paths"]["/a"]["post"];
        assert_eq!(
            op["responses"]["200"],
            json!({"description": "", "content": {"application/json": {"schema": schema}}})
        );
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"],
            schema
        );
        assert_eq!(
            op["responses"]["404"],
            json!({"$ref": "#/components/responses/No"})
        );
        assert_eq!(schema_refs_as_objects(&mut w), 0);
    }

    #[test]
    fn deep_refs_move_the_target_into_a_component() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {
            "Identity": {"type": "object", "properties": {
                "address": {"type": "object", "properties": {"city": {"type": "string"}}}}},
            "CreateIdentity": {"type": "object", "properties": {
                "address": {"$ref": "#/components/schemas/Identity/properties/address"}}}}}}));
        assert_eq!(deep_refs(&mut w), 1);
        let schemas = &w.doc["components"]["schemas"];
        assert_eq!(
            schemas["IdentityAddress"],
            json!({"type": "object", "properties": {"city": {"type": "string"}}})
        );
        let new_ref = json!({"$ref": "#/components/schemas/IdentityAddress"});
        assert_eq!(schemas["Identity"]["properties"]["address"], new_ref);
        assert_eq!(schemas["CreateIdentity"]["properties"]["address"], new_ref);
        assert_eq!(deep_refs(&mut w), 0);
    }

    #[test]
    fn a_response_body_moves_under_the_response_name() {
        let mut w = work(json!({"paths": {}, "components": {
            "responses": {"Order": {"description": "d", "content": {"application/json": {
                "schema": {"type": "object"}}}}},
            "schemas": {"List": {"type": "array", "items": {
                "$ref": "#/components/responses/Order/content/application~1json/schema"}}}}}));
        assert_eq!(deep_refs(&mut w), 1);
        assert_eq!(
            w.doc["components"]["schemas"]["Order"],
            json!({"type": "object"})
        );
        assert_eq!(
            w.doc["components"]["schemas"]["List"]["items"]["$ref"],
            "#/components/schemas/Order"
        );
    }
}
