//! Fixups of type names: component, inline and tag names that would collide once progenitor
//! and typify turn them into Rust identifiers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::work::Work;
use crate::pointer;
use crate::spec::names::{Case, progenitor_ident};
use crate::spec::schema::{NameRegistry, is_json_media_type, stripped};
use crate::walk;

/// Rewrites references to components in `section` per `renames` (old → new name), including
/// discriminator mappings.
fn rewrite_component_refs(doc: &mut Value, section: &str, renames: &BTreeMap<String, String>) {
    fn visit(value: &mut Value, section: &str, renames: &BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "$ref" || key == "mapping" {
                        match child {
                            Value::String(reference) => rename(reference, section, renames),
                            Value::Object(mapping) => {
                                for target in mapping.values_mut() {
                                    if let Value::String(reference) = target {
                                        rename(reference, section, renames);
                                    }
                                }
                            }
                            _ => {}
                        }
                    } else {
                        visit(child, section, renames);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| visit(v, section, renames)),
            _ => {}
        }
    }
    fn rename(reference: &mut String, section: &str, renames: &BTreeMap<String, String>) {
        let Some(name) = pointer::component_name(reference, section) else {
            return;
        };
        if let Some(new) = renames.get(&name) {
            *reference = pointer::component_ref(section, new);
        }
    }
    visit(doc, section, renames);
}

/// Component schemas whose Rust type names collide (names equal up to case or separators,
/// like `toll-free-verification_EntityType`/`TollFreeVerificationEntityType`) → all but one
/// renamed with a numeric suffix, references rewritten.
///
/// typify names each component by its sanitized name and silently reuses the first type for a
/// second component of the same name, so one of them would get the other's fields. Renaming
/// changes only the Rust type name; the JSON is unchanged.
pub fn component_name_collisions(work: &mut Work) -> usize {
    let Some(Value::Object(schemas)) = work.doc.get("components").and_then(|c| c.get("schemas"))
    else {
        return 0;
    };
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in schemas.keys() {
        by_type
            .entry(progenitor_ident(name, Case::Pascal))
            .or_default()
            .push(name.clone());
    }
    let mut used: BTreeSet<String> = by_type.keys().cloned().collect();
    let mut renames = BTreeMap::new();
    for names in by_type.values().filter(|n| n.len() > 1) {
        for name in names.iter().skip(1) {
            let mut n = 2;
            let new = loop {
                let candidate = format!("{name}{n}");
                if used.insert(progenitor_ident(&candidate, Case::Pascal))
                    && !schemas.contains_key(&candidate)
                {
                    break candidate;
                }
                n += 1;
            };
            renames.insert(name.clone(), new);
        }
    }
    if renames.is_empty() {
        return 0;
    }
    if let Some(Value::Object(schemas)) = work
        .doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        for (old, new) in &renames {
            if let Some(schema) = schemas.remove(old) {
                schemas.insert(new.clone(), schema);
                work.moved.push((
                    crate::pointer::push("/components/schemas", new),
                    crate::pointer::push("/components/schemas", old),
                ));
            }
        }
    }
    rewrite_component_refs(&mut work.doc, "schemas", &renames);
    renames.len()
}

/// Inline schemas whose generated type name is already taken by a different type (a
/// component `CallStatus` and an inline enum at `Call.status`; two inline schemas with the
/// same `title`; an inline schema titled like a component) → given a distinct `title`.
///
/// typify names inline types `Parent` + `Property` (or by `title`) and, like for components,
/// silently reuses an existing type of the same name, so a property would get an unrelated
/// type. A distinct `title` (`<Name>Inline`) gives it its own type; titles are documentation,
/// so the JSON is unchanged. Operation-level inline schemas are named as progenitor does
/// (`<OperationId>Response`, `<OperationId>Body`, `<OperationId><Parameter>`).
pub fn inline_name_collisions(work: &mut Work) -> usize {
    let mut registry = NameRegistry::default();
    if let Some(Value::Object(schemas)) = work.doc.get("components").and_then(|c| c.get("schemas"))
    {
        for (name, schema) in schemas {
            registry.claim(&progenitor_ident(name, Case::Pascal), &stripped(schema));
        }
    }
    if let Some(Value::Object(schemas)) = work
        .doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        for (name, schema) in schemas.iter_mut() {
            if let Value::Object(map) = schema {
                registry.children(map, &progenitor_ident(name, Case::Pascal));
            }
        }
    }
    walk::operations_mut(&mut work.doc, &mut |_, _, _, op| {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for param in params.iter_mut() {
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                if let Some(schema) = param.get_mut("schema") {
                    registry.inline(
                        schema,
                        &progenitor_ident(&format!("{id}-{name}"), Case::Pascal),
                    );
                }
            }
        }
        if let Some(Value::Object(content)) =
            op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
        {
            for media in content.values_mut() {
                if let Some(schema) = media.get_mut("schema") {
                    registry.inline(
                        schema,
                        &progenitor_ident(&format!("{id}-body"), Case::Pascal),
                    );
                }
            }
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for response in responses.values_mut() {
                if let Some(Value::Object(content)) = response.get_mut("content") {
                    for (media_type, media) in content.iter_mut() {
                        if !is_json_media_type(media_type) {
                            continue;
                        }
                        if let Some(schema) = media.get_mut("schema") {
                            registry.inline(
                                schema,
                                &progenitor_ident(&format!("{id}-response"), Case::Pascal),
                            );
                        }
                    }
                }
            }
        }
    });
    registry.renamed()
}

/// Tags whose generated trait names collide (`Client<Tag>Ext`, equal up to case and
/// separators) → all but one renamed with a numeric suffix.
///
/// progenitor's separate-tag style emits one extension trait per tag; two tags with the same
/// Pascal-case name would define the same trait twice and fail to compile. Tags only group
/// operations, so renaming one changes the trait name, nothing on the wire.
pub fn tag_name_collisions(work: &mut Work) -> usize {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    walk::operations(&work.doc, &mut |_, _, op| {
        for tag in crate::spec::prune::operation_tags(op) {
            let key = progenitor_ident(&tag, Case::Pascal);
            match seen.get(&key) {
                Some(owner) if *owner != tag => {
                    if !renames.contains_key(&tag) {
                        renames.insert(tag.clone(), String::new());
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert(key, tag.clone());
                }
            }
        }
    });
    for (tag, new) in renames.iter_mut() {
        let mut n = 2;
        loop {
            let candidate = format!("{tag} {n}");
            if let std::collections::btree_map::Entry::Vacant(e) =
                seen.entry(progenitor_ident(&candidate, Case::Pascal))
            {
                e.insert(candidate.clone());
                *new = candidate;
                break;
            }
            n += 1;
        }
    }
    if renames.is_empty() {
        return 0;
    }
    walk::operations_mut(&mut work.doc, &mut |_, _, _, op| {
        if let Some(Value::Array(tags)) = op.get_mut("tags") {
            for tag in tags.iter_mut() {
                if let Some(new) = tag.as_str().and_then(|t| renames.get(t)) {
                    *tag = json!(new);
                }
            }
        }
    });
    if let Some(Value::Array(tags)) = work.doc.get_mut("tags") {
        for tag in tags.iter_mut() {
            if let Some(new) = tag
                .get("name")
                .and_then(Value::as_str)
                .and_then(|t| renames.get(t))
                .cloned()
            {
                tag["name"] = json!(new);
            }
        }
    }
    renames.len()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn components_with_the_same_rust_name_are_renamed_and_refs_rewritten() {
        let mut w = work(json!({
            "paths": {"/verifications": {"get": {"operationId": "ListVerifications", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema":
                    {"$ref": "#/components/schemas/toll-free-verification_EntityType"}}}}}}}},
            "components": {"schemas": {
                "TollFreeVerificationEntityType": {"type": "string", "enum": ["SOLE_PROPRIETOR"]},
                "toll-free-verification_EntityType": {"type": "string", "enum": ["PRIVATE_PROFIT"]},
                "Holder": {"discriminator": {"propertyName": "kind", "mapping": {
                    "private": "#/components/schemas/toll-free-verification_EntityType"}}}
            }}
        }));
        assert_eq!(component_name_collisions(&mut w), 1);
        let renamed = "#/components/schemas/toll-free-verification_EntityType2";
        let schemas = w.doc["components"]["schemas"].as_object().unwrap();
        assert!(!schemas.contains_key("toll-free-verification_EntityType"));
        assert_eq!(
            schemas["toll-free-verification_EntityType2"]["enum"],
            json!(["PRIVATE_PROFIT"])
        );
        assert_eq!(
            w.doc["paths"]["/verifications"]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"]["$ref"],
            renamed
        );
        assert_eq!(
            schemas["Holder"]["discriminator"]["mapping"]["private"],
            renamed
        );
        assert_eq!(
            w.moved,
            [(
                "/components/schemas/toll-free-verification_EntityType2".to_owned(),
                "/components/schemas/toll-free-verification_EntityType".to_owned()
            )]
        );
        assert_eq!(component_name_collisions(&mut w), 0);
    }

    #[test]
    fn inline_enum_named_like_a_different_component_gets_its_own_title() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {
            "CallStatus": {"type": "string", "enum": ["queued", "ringing"]},
            "Call": {"type": "object", "properties": {
                "status": {"type": "string", "enum": ["active", "hangup"]}}}
        }}}));
        assert_eq!(inline_name_collisions(&mut w), 1);
        assert_eq!(
            w.doc["components"]["schemas"]["Call"]["properties"]["status"]["title"],
            "CallStatusInline"
        );
        assert!(
            w.doc["components"]["schemas"]["CallStatus"]
                .get("title")
                .is_none()
        );
        assert_eq!(inline_name_collisions(&mut w), 0);
    }

    #[test]
    fn tags_with_the_same_trait_name_are_renamed_with_a_number() {
        let mut w = work(json!({
            "tags": [{"name": "Call Commands"}, {"name": "call-commands"}],
            "paths": {
                "/calls/{call_control_id}/actions/answer": {"post": {
                    "operationId": "AnswerCall", "tags": ["Call Commands"], "responses": {}}},
                "/calls/{call_control_id}/actions/hangup": {"post": {
                    "operationId": "HangupCall", "tags": ["call-commands"], "responses": {}}}
            }
        }));
        assert_eq!(tag_name_collisions(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/calls/{call_control_id}/actions/hangup"]["post"]["tags"],
            json!(["call-commands 2"])
        );
        assert_eq!(
            w.doc["paths"]["/calls/{call_control_id}/actions/answer"]["post"]["tags"],
            json!(["Call Commands"])
        );
        assert_eq!(
            w.doc["tags"],
            json!([{"name": "Call Commands"}, {"name": "call-commands 2"}])
        );
        assert_eq!(tag_name_collisions(&mut w), 0);
    }
}
