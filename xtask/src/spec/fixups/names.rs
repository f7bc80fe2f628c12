//! Fixups of names: operation ids, and component, inline and tag names that would collide
//! once progenitor and typify turn them into Rust identifiers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::*;
use crate::pointer;
use crate::walk;

/// Missing, duplicate, and case-insensitively equal `operationId`s → made unique.
///
/// progenitor requires an id on every operation and rejects duplicates ("duplicate operation
/// ID"); ids that differ only in case (`getMdrUsageReports`/`GetMdrUsageReports`) become the
/// same Rust method and builder names and fail to compile. Within a group of clashing ids the
/// operation whose path is best described by the id keeps it; the others get the first path
/// segment their id does not already mention (`ListPhoneNumbers` on `/whatsapp/phone_numbers`
/// → `ListPhoneNumbersWhatsapp`). Only the Rust names change; requests are identical.
pub fn operation_ids(work: &mut Work) -> usize {
    struct Entry {
        path: String,
        method: String,
        id: String,
    }
    let mut entries = Vec::new();
    let mut count = 0;
    walk::operations_mut(&mut work.doc, &mut |_, path, method, op| {
        let id = match op.get("operationId").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => {
                let generated = progenitor_ident(&format!("{method} {path}"), Case::Snake);
                op.insert("operationId".into(), json!(generated));
                count += 1;
                generated
            }
        };
        entries.push(Entry {
            path: path.to_owned(),
            method: method.to_owned(),
            id,
        });
    });
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        groups
            .entry(progenitor_ident(&entry.id, Case::Snake))
            .or_default()
            .push(i);
        taken.insert(progenitor_ident(&entry.id, Case::Snake));
    }
    let mut renames: BTreeMap<(String, String), String> = BTreeMap::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let mut ranked: Vec<(usize, Vec<String>)> = members
            .iter()
            .map(|&i| (i, unmentioned_segments(&entries[i].path, &entries[i].id)))
            .collect();
        ranked.sort_by(|a, b| {
            (a.1.len(), &entries[a.0].path, &entries[a.0].method).cmp(&(
                b.1.len(),
                &entries[b.0].path,
                &entries[b.0].method,
            ))
        });
        for (i, segments) in ranked.into_iter().skip(1) {
            let entry = &entries[i];
            let mut candidates: Vec<String> = segments
                .iter()
                .map(|s| format!("{}{}", entry.id, progenitor_ident(s, Case::Pascal)))
                .collect();
            candidates.push(format!(
                "{}{}",
                entry.id,
                progenitor_ident(&entry.method, Case::Pascal)
            ));
            let mut chosen = None;
            for candidate in candidates {
                if taken.insert(progenitor_ident(&candidate, Case::Snake)) {
                    chosen = Some(candidate);
                    break;
                }
            }
            let chosen = chosen.unwrap_or_else(|| {
                let mut n = 2;
                loop {
                    let candidate = format!("{}{n}", entry.id);
                    if taken.insert(progenitor_ident(&candidate, Case::Snake)) {
                        break candidate;
                    }
                    n += 1;
                }
            });
            renames.insert((entry.path.clone(), entry.method.clone()), chosen);
        }
    }
    walk::operations_mut(&mut work.doc, &mut |_, path, method, op| {
        if let Some(new) = renames.get(&(path.to_owned(), method.to_owned())) {
            op.insert("operationId".into(), json!(new));
            count += 1;
        }
    });
    count
}

/// `operationId`s whose request builder would shadow a name the generated `builder` module
/// uses (`send` → `builder::Send`, `error` → `builder::Error`) → the HTTP method appended
/// (`sendPost`), or a number when that is taken too.
///
/// Upstream is free to name an operation `send`; the generator refuses it rather than emit
/// code that does not compile or shadows a trait (see `telnyx_codegen::names`).
pub fn reserved_operation_names(work: &mut Work) -> usize {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    walk::operations(&work.doc, &mut |_, _, op| {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            taken.insert(progenitor_ident(id, Case::Snake));
        }
    });
    let mut count = 0;
    walk::operations_mut(&mut work.doc, &mut |_, _, method, op| {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return;
        };
        if telnyx_codegen::names::reserved_builder_name(id).is_none() {
            return;
        }
        let mut candidates = vec![format!("{id}{}", progenitor_ident(method, Case::Pascal))];
        candidates.extend((2..).map(|n| format!("{id}{n}")).take(1000));
        if let Some(new) = candidates.into_iter().find(|c| {
            telnyx_codegen::names::reserved_builder_name(c).is_none()
                && taken.insert(progenitor_ident(c, Case::Snake))
        }) {
            op.insert("operationId".into(), json!(new));
            count += 1;
        }
    });
    count
}

/// Static path segments (not `{params}`) that the snake-cased `id` does not contain.
pub(super) fn unmentioned_segments(path: &str, id: &str) -> Vec<String> {
    let id = progenitor_ident(id, Case::Snake);
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .filter(|s| !id.contains(&progenitor_ident(s, Case::Snake)))
        .map(str::to_owned)
        .collect()
}

/// A leaf of an object-valued query parameter: bracketed name, schema, required.
pub(crate) struct Leaf {
    /// Bracketed wire name, e.g. `filter[date_created_at][gte]`.
    pub(crate) name: String,
    /// The leaf's schema (a `$ref` to a named scalar is kept as the `$ref`).
    pub(crate) schema: Value,
    /// Whether the parameter and every level down to the leaf are required.
    pub(crate) required: bool,
    /// The leaf's description, when it has one.
    pub(crate) description: Option<String>,
}

/// Collects the scalar (and array) leaves of `schema` below `name`.
pub(crate) fn collect_leaves(
    doc: &Value,
    schema: &Value,
    name: &str,
    required: bool,
    out: &mut Vec<Leaf>,
    depth: usize,
) {
    let resolved = resolve(doc, schema);
    let Some(map) = resolved.as_object() else {
        return;
    };
    if depth > 8 {
        return;
    }
    let description = map
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let mut found = Vec::new();
            for branch in branches {
                collect_leaves(doc, branch, name, false, &mut found, depth + 1);
            }
            // A scalar branch and an array branch of the same name: the array (sent as
            // repeated keys) covers the scalar.
            for mut leaf in found {
                if leaf.description.is_none() {
                    leaf.description.clone_from(&description);
                }
                match out.iter_mut().find(|l| l.name == leaf.name) {
                    Some(existing) => {
                        if leaf.schema.get("type") == Some(&json!("array"))
                            && existing.schema.get("type") != Some(&json!("array"))
                        {
                            *existing = leaf;
                        }
                    }
                    None => out.push(leaf),
                }
            }
            return;
        }
    }
    let mut properties: Vec<(String, Value, bool)> = Vec::new();
    let mut add_props = |m: &Map<String, Value>| {
        let req: BTreeSet<&str> = m
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(props)) = m.get("properties") {
            for (k, v) in props {
                properties.push((k.clone(), v.clone(), req.contains(k.as_str())));
            }
        }
    };
    add_props(map);
    if let Some(Value::Array(parts)) = map.get("allOf") {
        for part in parts {
            if let Some(part) = resolve(doc, part).as_object() {
                add_props(part);
            }
        }
    }
    let is_object = map.get("type") == Some(&json!("object")) || !properties.is_empty();
    if is_object {
        for (key, child, child_required) in properties {
            collect_leaves(
                doc,
                &child,
                &format!("{name}[{key}]"),
                required && child_required,
                out,
                depth + 1,
            );
        }
        return;
    }
    // A scalar or an array: keep a `$ref` to a named scalar (enum) rather than inlining it.
    let leaf_schema = if schema.get("$ref").is_some() {
        schema.clone()
    } else {
        let mut copy = map.clone();
        copy.remove("description");
        Value::Object(copy)
    };
    out.push(Leaf {
        name: name.to_owned(),
        schema: leaf_schema,
        required,
        description,
    });
}

/// Rewrites references to components in `section` per `renames` (old → new name), including
/// discriminator mappings.
pub(super) fn rewrite_component_refs(
    doc: &mut Value,
    section: &str,
    renames: &BTreeMap<String, String>,
) {
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

/// Whether typify generates a named type (struct, enum or constrained newtype) for `schema`.
pub(super) fn makes_named_type(schema: &Map<String, Value>) -> bool {
    if schema.contains_key("$ref") {
        return false;
    }
    let has = |k: &str| schema.contains_key(k);
    let non_empty = |k: &str| {
        schema.get(k).is_some_and(|v| {
            v.as_object().is_some_and(|o| !o.is_empty())
                || v.as_array().is_some_and(|a| !a.is_empty())
        })
    };
    non_empty("properties")
        || non_empty("enum")
        || non_empty("oneOf")
        || non_empty("anyOf")
        || (non_empty("allOf")
            && schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() > 1))
        || (schema.get("type") == Some(&json!("string"))
            && (has("pattern") || has("minLength") || has("maxLength")))
}

/// Registry of generated type names and the structure each stands for.
pub(super) struct NameRegistry {
    taken: BTreeMap<String, Value>,
    renamed: usize,
}

impl NameRegistry {
    /// Claims `name` for `fingerprint`; returns `false` when a different structure has it.
    fn claim(&mut self, name: &str, fingerprint: &Value) -> bool {
        match self.taken.get(name) {
            Some(existing) => existing == fingerprint,
            None => {
                self.taken.insert(name.to_owned(), fingerprint.clone());
                true
            }
        }
    }

    /// Walks an inline schema that typify will name `suggested` (unless it has a title),
    /// retitling it when its name is taken by a different structure, then its children.
    fn inline(&mut self, schema: &mut Value, suggested: &str) {
        let Value::Object(map) = schema else { return };
        if map.contains_key("$ref") {
            return;
        }
        let mut name = suggested.to_owned();
        if makes_named_type(map) {
            let title = map
                .get("title")
                .and_then(Value::as_str)
                .map(|t| progenitor_ident(t, Case::Pascal));
            name = title.unwrap_or_else(|| suggested.to_owned());
            let fingerprint = stripped_map(map);
            if !self.claim(&name, &fingerprint) {
                let base = progenitor_ident(&format!("{suggested}-inline"), Case::Pascal);
                let mut candidate = base.clone();
                let mut n = 2;
                while !self.claim(&candidate, &fingerprint) {
                    candidate = format!("{base}{n}");
                    n += 1;
                }
                map.insert("title".into(), json!(candidate));
                name = candidate;
                self.renamed += 1;
            }
        }
        self.children(map, &name);
    }

    /// Visits the property, item and map-value subschemas of `map`, named as typify would.
    fn children(&mut self, map: &mut Map<String, Value>, name: &str) {
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (prop, child) in props.iter_mut() {
                let suggested = progenitor_ident(
                    &format!("{name}_{}", heck::ToSnakeCase::to_snake_case(prop.as_str())),
                    Case::Pascal,
                );
                self.inline(child, &suggested);
            }
        }
        if let Some(items) = map.get_mut("items") {
            self.inline(items, &format!("{name}Item"));
        }
        if let Some(value) = map.get_mut("additionalProperties") {
            self.inline(value, &format!("{name}Value"));
        }
    }
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
    let mut registry = NameRegistry {
        taken: BTreeMap::new(),
        renamed: 0,
    };
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
                        if !media_type.starts_with("application/json") {
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
    registry.renamed
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
