//! Fixes to upstream's (already 3.0-shaped) document so that progenitor generates a correct
//! client from it.
//!
//! Each function fixes one thing, says in its doc comment what upstream does, why progenitor
//! needs the change and why the change is safe, and returns how many places it changed. Nothing
//! is removed silently: operations that cannot be generated are removed by the `remove_*`
//! functions, which record each one with its reason in [`Work::removed`] (and so in the lock).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::names::{Case, enum_variant_names, progenitor_ident};
use crate::pointer;
use crate::walk::{self, METHODS};

/// An operation removed because progenitor cannot generate it, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedOperation {
    /// HTTP method, upper case.
    pub method: String,
    /// Path as upstream spells it.
    pub path: String,
    /// Upstream's `operationId` (empty when it had none).
    pub operation_id: String,
    /// Why it was removed.
    pub reason: String,
}

/// The document being fixed, plus what has been removed from it.
#[derive(Debug)]
pub struct Work {
    /// The document.
    pub doc: Value,
    /// Operations removed so far.
    pub removed: Vec<RemovedOperation>,
    /// Nodes moved so far, as (JSON pointer now, JSON pointer in the source), so that an error
    /// found later can name the node where the user will look for it.
    pub moved: Vec<(String, String)>,
}

/// Follows `$ref`s (at most 32 hops) from `value` within `doc`.
pub(crate) fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => match pointer::resolve(doc, reference) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

/// The path part of the first server URL (`https://api.telnyx.com/v2` → `/v2`), without a
/// trailing slash; empty when there is none.
pub fn server_base_path(doc: &Value) -> String {
    let url = doc
        .get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or("");
    url_path(url).trim_end_matches('/').to_owned()
}

/// The path of an absolute URL, or the URL itself when it is relative.
fn url_path(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find('/').map_or("", |j| &rest[j..])
        }
        None => url,
    }
}

/// Decides whether an operation is removed: `(document, path, path item, operation)` → the
/// reason, or `None` to keep it.
type RemovalReason<'a> = dyn Fn(&Value, &str, &walk::Object, &walk::Object) -> Option<String> + 'a;

/// Removes every operation for which `reason` returns `Some`, recording it.
fn remove_operations(work: &mut Work, reason: &RemovalReason<'_>) -> usize {
    // Decide on the unchanged document first, then remove.
    let mut removed = Vec::new();
    if let Some(Value::Object(paths)) = work.doc.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(op) = op.as_object() else { continue };
                if let Some(why) = reason(&work.doc, path, item, op) {
                    removed.push(RemovedOperation {
                        method: method.to_uppercase(),
                        path: path.clone(),
                        operation_id: op
                            .get("operationId")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        reason: why,
                    });
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = work.doc.get_mut("paths") {
        for r in &removed {
            if let Some(Value::Object(item)) = paths.get_mut(&r.path) {
                item.remove(&r.method.to_lowercase());
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|i| i.keys().any(|k| METHODS.contains(&k.as_str())))
        });
    }
    let count = removed.len();
    work.removed.extend(removed);
    count
}

/// Runs `f(components, doc)` with `components` moved out of `doc` into a document of its own,
/// so operation-level fixups can resolve `$ref`s while they change `paths` — without copying
/// the whole document. `components` is put back afterwards.
fn with_components<R>(doc: &mut Value, f: impl FnOnce(&Value, &mut Value) -> R) -> R {
    let mut holder = Map::new();
    if let Some(components) = doc.as_object_mut().and_then(|d| d.remove("components")) {
        holder.insert("components".into(), components);
    }
    let holder = Value::Object(holder);
    let result = f(&holder, doc);
    if let (Value::Object(mut holder), Some(root)) = (holder, doc.as_object_mut())
        && let Some(components) = holder.remove("components")
    {
        root.insert("components".into(), components);
    }
    result
}

/// Server URLs listed on an operation or its path item.
fn server_urls<'a>(item: &'a Map<String, Value>, op: &'a Map<String, Value>) -> Vec<&'a str> {
    [op.get("servers"), item.get("servers")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str))
        .collect()
}

/// WebSocket operations (a `101 Switching Protocols` response or a `ws(s)://` server) →
/// removed and listed in the lock.
///
/// Upstream describes two streaming endpoints (speech-to-text, text-to-speech) as GET
/// operations that upgrade to a WebSocket. progenitor only generates WebSocket upgrades for
/// dropshot's `x-dropshot-websocket` extension and otherwise would emit a plain GET whose
/// 101 response it cannot use. Removing them is safe: nothing else refers to them, and the
/// lock lists them so a hand-written WebSocket client can cover them.
pub fn remove_websockets(work: &mut Work) -> usize {
    remove_operations(work, &|_, _, item, op| {
        let upgrade = op
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| r.contains_key("101"));
        let ws_server = server_urls(item, op)
            .iter()
            .any(|u| u.starts_with("ws://") || u.starts_with("wss://"));
        (upgrade || ws_server).then(|| {
            "WebSocket endpoint (101 upgrade / ws server); progenitor generates plain HTTP only"
                .to_owned()
        })
    })
}

/// Operations served from another base URL than the document's (a path- or
/// operation-level `servers` entry such as `https://api.telnyx.com` for `/.well-known/…`) →
/// removed and listed in the lock.
///
/// progenitor ignores `servers` and builds every request as `baseurl + path`; with the
/// client's base URL `https://api.telnyx.com/v2` these requests would go to
/// `/v2/.well-known/…`, which does not exist. Removing them is safe (they are OAuth discovery
/// documents, not API calls) and better than generating methods that always fail.
pub fn remove_foreign_servers(work: &mut Work) -> usize {
    let base = work
        .doc
        .get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned();
    remove_operations(work, &|_, _, item, op| {
        let urls = server_urls(item, op);
        if urls.is_empty() || urls.iter().any(|u| u.trim_end_matches('/') == base) {
            return None;
        }
        Some(format!(
            "served from {} rather than the client's base URL {base}; progenitor uses one base URL",
            urls.join(", ")
        ))
    })
}

/// Media types progenitor can send as a request body.
fn is_supported_body_type(media_type: &str) -> bool {
    let bare = media_type.split(';').next().unwrap_or("").trim();
    matches!(
        bare,
        "application/json"
            | "application/x-www-form-urlencoded"
            | "application/octet-stream"
            | "text/plain"
            | "text/x-markdown"
            | "*/*"
    )
}

/// Operations whose request body is only `multipart/form-data` (or another type progenitor
/// cannot send) → removed and listed in the lock.
///
/// progenitor 0.15 has no multipart support and rejects the whole document ("unexpected
/// content type"). Where upstream offers JSON beside multipart the operation is kept with its
/// JSON body (see [`prefer_json_bodies`]); only multipart-only uploads are removed.
pub fn remove_multipart_only(work: &mut Work) -> usize {
    remove_operations(work, &|doc, _, _, op| {
        let body = resolve(doc, op.get("requestBody")?);
        let content = body.get("content")?.as_object()?;
        if content.is_empty() || content.keys().any(|k| is_supported_body_type(k)) {
            return None;
        }
        Some(format!(
            "request body is {} only; progenitor cannot send multipart or other non-JSON bodies",
            content.keys().cloned().collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Calls `f` on every request body object: inline ones in operations and
/// `components.requestBodies`.
fn request_bodies_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
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

/// Request bodies offering several media types → only one kept: `application/json` when
/// present, else `application/x-www-form-urlencoded`, else the first supported one.
///
/// Upstream offers JSON beside multipart (file uploads by URL or by content) and beside
/// form-urlencoded (OAuth endpoints). progenitor accepts exactly one media type per body and
/// panics otherwise ("more media types than expected"). The API accepts each of the offered
/// types, so sending JSON only is correct; the multipart variants are not reachable from the
/// generated client (use the JSON form with a URL instead).
pub fn prefer_json_bodies(work: &mut Work) -> usize {
    let mut count = 0;
    request_bodies_mut(&mut work.doc, &mut |body| {
        let Some(Value::Object(content)) = body.get_mut("content") else {
            return;
        };
        if content.len() < 2 {
            return;
        }
        let keys: Vec<String> = content.keys().cloned().collect();
        let keep = keys
            .iter()
            .find(|k| k.starts_with("application/json"))
            .or_else(|| {
                keys.iter()
                    .find(|k| k.starts_with("application/x-www-form-urlencoded"))
            })
            .or_else(|| keys.iter().find(|k| is_supported_body_type(k)))
            .cloned();
        if let Some(keep) = keep {
            content.retain(|k, _| *k == keep);
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
fn json_media_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    fn in_content(holder: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        if let Some(Value::Object(content)) = holder.get_mut("content") {
            for (name, media) in content.iter_mut() {
                if name.starts_with("application/json")
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
                    work.removed.push(RemovedOperation {
                        method: key.to_uppercase(),
                        path: old.clone(),
                        operation_id: value
                            .get("operationId")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        reason: format!(
                            "duplicate of {} {new} once the `{base}` prefix is dropped",
                            key.to_uppercase()
                        ),
                    });
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
fn unmentioned_segments(path: &str, id: &str) -> Vec<String> {
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

/// Expands query parameters selected by `select` into one parameter per leaf.
fn expand_query_objects(work: &mut Work, select: fn(&Map<String, Value>, &Value) -> bool) -> usize {
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
                count += 1;
                let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                let required = p.get("required") == Some(&json!(true));
                let mut leaves = Vec::new();
                if let Some(s) = p.get("schema") {
                    collect_leaves(snapshot, s, name, required, &mut leaves, 0);
                }
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
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            for item in paths.values_mut() {
                let Value::Object(item) = item else { continue };
                for (key, value) in item.iter_mut() {
                    if key == "parameters" {
                        if let Value::Array(list) = value {
                            expand_list(list);
                        }
                    } else if METHODS.contains(&key.as_str())
                        && let Some(Value::Array(list)) = value.get_mut("parameters")
                    {
                        expand_list(list);
                    }
                }
            }
        }
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
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            for item in paths.values_mut() {
                let Value::Object(item) = item else { continue };
                for (key, value) in item.iter_mut() {
                    if key == "parameters" {
                        if let Value::Array(list) = value {
                            fix_list(list);
                        }
                    } else if METHODS.contains(&key.as_str())
                        && let Some(Value::Array(list)) = value.get_mut("parameters")
                    {
                        fix_list(list);
                    }
                }
            }
        }
        count
    })
}

/// Whether a response status key is an error (4xx, 5xx, `4XX`, `5XX`).
fn is_error_status(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

/// Whether a response status key is a success (2xx, `2XX`).
fn is_success_status(code: &str) -> bool {
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
enum ResponseKind {
    Json(Value),
    Raw,
    Empty,
}

/// Classifies `response` (resolving a `$ref` to a component response).
fn response_kind(doc: &Value, response: &Value) -> ResponseKind {
    let response = resolve(doc, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return ResponseKind::Empty;
    };
    match content
        .iter()
        .find(|(k, _)| *k == "application/json" || k.starts_with("application/json;"))
    {
        Some((_, media)) => ResponseKind::Json(media.get("schema").cloned().unwrap_or(json!({}))),
        None if content.is_empty() => ResponseKind::Empty,
        None => ResponseKind::Raw,
    }
}

/// A response object whose JSON body has `schema` (the description kept from `original`).
fn json_response(doc: &Value, original: &Value, schema: Value) -> Value {
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
fn structure(doc: &Value, schema: &Value) -> Value {
    stripped(resolve(doc, schema))
}

/// `value` without `description`, `title`, `example` and `examples` keys (recursively).
fn stripped(value: &Value) -> Value {
    match value {
        Value::Object(map) => stripped_map(map),
        Value::Array(items) => Value::Array(items.iter().map(stripped).collect()),
        other => other.clone(),
    }
}

/// [`stripped`] for an object.
fn stripped_map(map: &Map<String, Value>) -> Value {
    Value::Object(
        map.iter()
            .filter(|(k, _)| {
                !matches!(k.as_str(), "description" | "title" | "example" | "examples")
            })
            .map(|(k, v)| (k.clone(), stripped(v)))
            .collect(),
    )
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
fn free_component_name(
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
fn insert_component_schema(doc: &mut Value, name: &str, schema: Value) {
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

/// String enums whose Rust variant names collide → plain strings.
///
/// typify derives variant names from the values; when two values map to the same name even
/// after its second attempt (e.g. `"A"`/`"a"`, or `"x_y"`/`"x-y"`), it panics ("Failed to
/// make unique variant names"). Dropping `enum` makes the field a `String`, which accepts
/// every value the enum allowed; the allowed values stay listed in the description.
pub fn enum_variant_collisions(work: &mut Work) -> usize {
    let mut count = 0;
    walk::schemas_mut(&mut work.doc, &mut |schema| {
        let Some(Value::Array(values)) = schema.get("enum") else {
            return;
        };
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if strings.is_empty() || enum_variant_names(&strings).is_some() {
            return;
        }
        let listed = strings
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        schema.remove("enum");
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\nAllowed values: {listed}."),
            None => format!("Allowed values: {listed}."),
        };
        schema.insert("description".into(), json!(description));
        count += 1;
    });
    count
}

/// Whether `value` is valid for `schema`, as far as typify checks defaults: type, `nullable`,
/// `enum`, array items, object properties (known keys, required keys) and the branches of
/// `allOf`/`oneOf`/`anyOf`.
fn conforms(doc: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    match resolve(doc, schema).as_object() {
        Some(map) => conforms_map(doc, map, value, depth),
        None => true,
    }
}

/// [`conforms`] for a schema object.
fn conforms_map(doc: &Value, map: &Map<String, Value>, value: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    if let Some(Value::Array(parts)) = map.get("allOf")
        && !parts.iter().all(|p| conforms(doc, p, value, depth + 1))
    {
        return false;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get(key) {
            let nullable_ok = value.is_null() && map.get("nullable") == Some(&json!(true));
            if !nullable_ok && !parts.iter().any(|p| conforms(doc, p, value, depth + 1)) {
                return false;
            }
        }
    }
    if value.is_null() {
        return map.get("nullable") == Some(&json!(true))
            || map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(&Value::Null))
            || (map.get("type").is_none()
                && !map.contains_key("enum")
                && !map.contains_key("properties"));
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && !values.contains(value)
    {
        return false;
    }
    let inferred = if map.contains_key("items") {
        Some("array")
    } else if map.contains_key("properties") || map.contains_key("additionalProperties") {
        Some("object")
    } else {
        None
    };
    match map.get("type").and_then(Value::as_str).or(inferred) {
        Some("string") => value.is_string(),
        Some("integer") => {
            (value.as_i64().is_some() || value.as_u64().is_some()) && within_bounds(map, value)
        }
        Some("number") => value.is_number() && within_bounds(map, value),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.as_array().is_some_and(|items| {
            map.get("items")
                .is_none_or(|schema| items.iter().all(|v| conforms(doc, schema, v, depth + 1)))
        }),
        Some("object") | None if map.contains_key("properties") => {
            let Some(object) = value.as_object() else {
                return false;
            };
            let props = map.get("properties").and_then(Value::as_object);
            let open_map = matches!(map.get("additionalProperties"), Some(Value::Object(_)));
            let keys_ok = object
                .iter()
                .all(|(k, v)| match props.and_then(|p| p.get(k)) {
                    Some(schema) => conforms(doc, schema, v, depth + 1),
                    None => open_map,
                });
            let required_ok = map
                .get("required")
                .and_then(Value::as_array)
                .is_none_or(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .all(|k| object.contains_key(k))
                });
            keys_ok && required_ok
        }
        Some("object") => value.is_object(),
        _ => true,
    }
}

/// Whether a number respects `minimum`/`maximum` (with 3.0's boolean `exclusiveMinimum` and
/// `exclusiveMaximum`), as typify checks a default.
fn within_bounds(map: &Map<String, Value>, value: &Value) -> bool {
    let Some(number) = value.as_f64() else {
        return true;
    };
    let exclusive = |key: &str| map.get(key) == Some(&json!(true));
    let low_ok = map
        .get("minimum")
        .and_then(Value::as_f64)
        .is_none_or(|min| {
            if exclusive("exclusiveMinimum") {
                number > min
            } else {
                number >= min
            }
        });
    let high_ok = map
        .get("maximum")
        .and_then(Value::as_f64)
        .is_none_or(|max| {
            if exclusive("exclusiveMaximum") {
                number < max
            } else {
                number <= max
            }
        });
    low_ok && high_ok
}

/// `default` values that their own schema rejects (e.g. `default: null` on a non-nullable
/// integer, a default outside the enum) → dropped.
///
/// JSON Schema treats `default` as an annotation that need not validate, and upstream has
/// such defaults; typify validates every default against the generated type and fails the
/// whole generation ("value does not conform to the given schema"). A default only documents
/// what the server assumes when the field is omitted; without it the generated field is
/// simply optional or required as declared, and the server still applies its own default.
pub fn nonconforming_defaults(work: &mut Work) -> usize {
    let mut rejected = Vec::new();
    walk::schemas(&work.doc, &mut |pointer, schema| {
        if let Some(default) = schema.get("default")
            && !conforms_map(&work.doc, schema, default, 0)
        {
            rejected.push(pointer.to_owned());
        }
    });
    for pointer in &rejected {
        if let Some(Value::Object(schema)) = work.doc.pointer_mut(pointer) {
            schema.remove("default");
        }
    }
    rejected.len()
}

/// `pattern`s that the `regress` engine cannot compile → dropped.
///
/// typify turns `pattern` into a `regress::Regex` built (and unwrapped) at run time, so an
/// ECMAScript-incompatible pattern would panic the first time the type is constructed. The
/// pattern only validates; without it the value is an unconstrained string, which the server
/// still validates.
pub fn invalid_patterns(work: &mut Work) -> usize {
    let mut count = 0;
    walk::schemas_mut(&mut work.doc, &mut |schema| {
        if let Some(Value::String(pattern)) = schema.get("pattern")
            && regress::Regex::new(pattern).is_err()
        {
            schema.remove("pattern");
            count += 1;
        }
    });
    count
}

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

/// Whether typify generates a named type (struct, enum or constrained newtype) for `schema`.
fn makes_named_type(schema: &Map<String, Value>) -> bool {
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
struct NameRegistry {
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
        for tag in super::prune::operation_tags(op) {
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
    use super::*;

    fn work(doc: Value) -> Work {
        Work {
            doc,
            removed: Vec::new(),
            moved: Vec::new(),
        }
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
    fn duplicate_ids_get_path_segment() {
        let mut w = work(json!({"paths": {
            "/phone_numbers": {"get": {"operationId": "ListPhoneNumbers", "responses": {}}},
            "/whatsapp/phone_numbers": {"get": {"operationId": "ListPhoneNumbers", "responses": {}}}
        }}));
        assert_eq!(operation_ids(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/whatsapp/phone_numbers"]["get"]["operationId"],
            "ListPhoneNumbersWhatsapp"
        );
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
    fn colliding_enum_becomes_string() {
        let mut w = work(
            json!({"paths": {}, "components": {"schemas": {"E": {"type": "string", "enum": ["A", "a"]}}}}),
        );
        assert_eq!(enum_variant_collisions(&mut w), 1);
        assert!(w.doc["components"]["schemas"]["E"].get("enum").is_none());
    }

    #[test]
    fn reserved_builder_names_get_the_method_appended() {
        let mut w = work(json!({"openapi": "3.0.3", "paths": {
            "/messages": {"post": {"operationId": "send"}, "get": {"operationId": "sendPost"}},
            "/errors": {"get": {"operationId": "error"}}
        }}));
        assert_eq!(reserved_operation_names(&mut w), 2);
        assert_eq!(w.doc["paths"]["/messages"]["post"]["operationId"], "send2");
        assert_eq!(w.doc["paths"]["/errors"]["get"]["operationId"], "errorGet");
        assert_eq!(reserved_operation_names(&mut w), 0);
    }
}
