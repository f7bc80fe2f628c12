//! Fixups that remove operations progenitor cannot generate, each recorded with its reason.

use serde_json::{Map, Value, json};

use super::work::{RemovedOperation, Work};
use crate::pointer::{self, push};
use crate::spec::schema::resolve;
use crate::walk::{self, METHODS};
pub use telnyx_codegen::select::SERVER_EXTENSION;

/// Decides whether an operation is removed: `(document, path, path item, operation)` → the
/// reason, or `None` to keep it.
pub(super) type RemovalReason<'a> =
    dyn Fn(&Value, &str, &walk::Object, &walk::Object) -> Option<String> + 'a;

/// Removes every operation for which `reason` returns `Some`, recording it.
pub(super) fn remove_operations(work: &mut Work, reason: &RemovalReason<'_>) -> usize {
    // Decide on the unchanged document first, then remove.
    let mut decided = Vec::new();
    if let Some(Value::Object(paths)) = work.doc.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(op) = op.as_object() else { continue };
                if let Some(why) = reason(&work.doc, path, item, op) {
                    decided.push((path.clone(), method.clone(), why));
                }
            }
        }
    }
    for (path, method, why) in &decided {
        let cause = push(&push("/paths", path), method);
        remove_operation(work, path, method, why, &cause);
    }
    decided.len()
}

/// Server URLs listed on an operation or its path item.
pub(super) fn server_urls<'a>(
    item: &'a Map<String, Value>,
    op: &'a Map<String, Value>,
) -> Vec<&'a str> {
    [op.get("servers"), item.get("servers")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str))
        .collect()
}

/// Operations served from another base URL than the document's (a path- or operation-level
/// `servers` entry) → kept when that server is the base URL without the end of its path
/// (`https://api.telnyx.com` beside `https://api.telnyx.com/v2`, where `/.well-known/…` lives):
/// [`SERVER_EXTENSION`] then says what to take off the client's base URL (`{"strip": "/v2"}`),
/// so the request follows the client's base URL (a proxy, a mock) to that root; otherwise
/// removed and listed in the lock.
///
/// progenitor ignores `servers` and builds every request as `baseurl + path`; with the
/// client's base URL `https://api.telnyx.com/v2` such a request would go to
/// `/v2/.well-known/…`, which does not exist. telnyx-codegen reads the extension and builds
/// the URL from the root instead.
pub fn foreign_servers(work: &mut Work) -> usize {
    let base = work
        .doc
        .get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned();
    let removed = remove_operations(work, &|_, _, item, op| {
        let urls = server_urls(item, op);
        matches!(placement(&base, &urls), Placement::Elsewhere).then(|| {
            format!(
                "served from {} rather than the client's base URL {base} or its root; \
                 progenitor uses one base URL",
                urls.join(", ")
            )
        })
    });
    let mut rooted = 0;
    let Some(Value::Object(paths)) = work.doc.get_mut("paths") else {
        return removed;
    };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        let inherited = item.clone();
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(method) else {
                continue;
            };
            let urls: Vec<String> = server_urls(&inherited, op)
                .into_iter()
                .map(str::to_owned)
                .collect();
            let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
            if let Placement::Root(strip) = placement(&base, &urls) {
                op.insert(SERVER_EXTENSION.to_owned(), json!({ "strip": strip }));
                op.remove("servers");
                rooted += 1;
            }
        }
        // Every operation that used the path's servers was marked (or removed above).
        let no_servers = Map::new();
        let item_urls = server_urls(&inherited, &no_servers);
        if matches!(placement(&base, &item_urls), Placement::Root(_)) {
            item.remove("servers");
        }
    }
    removed + rooted
}

/// Where an operation with these server URLs is served, relative to the document's `base`.
enum Placement {
    /// From the base URL (or no server of its own).
    Base,
    /// From the base URL without this end of its path (`/v2`).
    Root(String),
    /// From somewhere else.
    Elsewhere,
}

fn placement(base: &str, urls: &[&str]) -> Placement {
    if urls.is_empty() || urls.iter().any(|u| u.trim_end_matches('/') == base) {
        return Placement::Base;
    }
    urls.iter()
        .map(|u| u.trim_end_matches('/'))
        .filter(|u| !u.is_empty())
        .find_map(|u| base.strip_prefix(u).filter(|rest| rest.starts_with('/')))
        .map_or(Placement::Elsewhere, |strip| {
            Placement::Root(strip.to_owned())
        })
}

/// Media types progenitor can send as a request body.
pub(super) fn is_supported_body_type(media_type: &str) -> bool {
    let bare = media_type.split(';').next().unwrap_or("").trim();
    matches!(
        bare,
        "application/json"
            | "application/x-www-form-urlencoded"
            | "application/octet-stream"
            | "text/plain"
            | "text/x-markdown"
            | "multipart/form-data"
            | "*/*"
    )
}

/// Operations whose request body has no media type the client can send → removed and listed
/// in the lock.
///
/// The client sends JSON, forms, raw bytes, text and `multipart/form-data` (uploads, generated
/// by telnyx-codegen beside progenitor's output); progenitor rejects the whole document on any
/// other request media type ("unexpected content type"), so an operation that offers only such
/// types (`application/xml`, say) cannot be generated.
pub fn remove_unsendable_bodies(work: &mut Work) -> usize {
    remove_operations(work, &|doc, _, _, op| {
        let body = resolve(doc, op.get("requestBody")?);
        let content = body.get("content")?.as_object()?;
        if content.is_empty() || content.keys().any(|k| is_supported_body_type(k)) {
            return None;
        }
        Some(format!(
            "request body is {} only; the client sends JSON, forms, bytes, text and \
             multipart/form-data",
            content.keys().cloned().collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Removes the path item `path` and every operation in it (each recorded with `reason` and the
/// pointer of the cause); whether there was anything to remove.
pub fn remove_path_item(work: &mut Work, path: &str, reason: &str, cause: &str) -> bool {
    let methods: Vec<String> = work
        .doc
        .pointer(&push("/paths", path))
        .and_then(Value::as_object)
        .map(|item| {
            item.keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut any = false;
    for method in &methods {
        any |= remove_operation(work, path, method, reason, cause);
    }
    pointer::remove_entry(&mut work.doc, &push("/paths", path)).is_some() || any
}

/// Removes the operation `method` `path` (and its path item when it holds no other), recording
/// it with `reason` and the pointer of the cause; whether it was there.
pub fn remove_operation(
    work: &mut Work,
    path: &str,
    method: &str,
    reason: &str,
    cause: &str,
) -> bool {
    let Some(Value::Object(paths)) = work.doc.get_mut("paths") else {
        return false;
    };
    let Some(Value::Object(item)) = paths.get_mut(path) else {
        return false;
    };
    let Some(operation) = item.remove(method) else {
        return false;
    };
    if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
        paths.remove(path);
    }
    work.removed.push(RemovedOperation::new(
        method,
        path,
        operation.as_object(),
        reason.to_owned(),
        cause.to_owned(),
    ));
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn operations_on_the_base_root_are_marked_and_others_removed() {
        let mut w = work(
            json!({"servers": [{"url": "https://api.telnyx.com/v2"}], "paths": {
                "/.well-known/oauth-authorization-server": {
                    "servers": [{"url": "https://api.telnyx.com"}],
                    "get": {"operationId": "GetOauthMetadata", "responses": {}}},
                "/elsewhere": {
                    "servers": [{"url": "https://media.example.com"}],
                    "get": {"operationId": "Elsewhere", "responses": {}}},
                "/messages": {"post": {"operationId": "SendMessage",
                    "servers": [{"url": "https://api.telnyx.com/v2/"}], "responses": {}}},
                "/calls": {"post": {"operationId": "DialCall", "responses": {}}}
            }}),
        );
        assert_eq!(foreign_servers(&mut w), 2);
        let well_known = &w.doc["paths"]["/.well-known/oauth-authorization-server"];
        assert_eq!(well_known["get"][SERVER_EXTENSION], json!({"strip": "/v2"}));
        assert!(well_known.get("servers").is_none());
        assert!(w.doc["paths"].get("/elsewhere").is_none());
        assert!(
            w.doc["paths"]["/messages"]["post"]
                .get(SERVER_EXTENSION)
                .is_none()
        );
        assert!(w.doc["paths"]["/calls"]["post"].is_object());
        assert_eq!(w.removed.len(), 1);
        let r = &w.removed[0];
        assert_eq!(
            (r.method.as_str(), r.operation_id.as_str()),
            ("GET", "Elsewhere")
        );
        assert!(r.reason.contains("served from https://media.example.com "));
        assert_eq!(foreign_servers(&mut w), 0);
    }

    #[test]
    fn unsendable_bodies_are_removed_but_uploads_kept() {
        let mut w = work(json!({
            "paths": {
                "/media": {"post": {"operationId": "UploadMedia",
                    "requestBody": {"$ref": "#/components/requestBodies/Upload"}, "responses": {}}},
                "/imports": {"post": {"operationId": "ImportXml", "requestBody": {"content": {
                    "application/xml": {"schema": {"type": "object"}}}}, "responses": {}}}
            },
            "components": {"requestBodies": {"Upload": {"content": {
                "multipart/form-data": {"schema": {"type": "object"}}}}}}
        }));
        assert_eq!(remove_unsendable_bodies(&mut w), 1);
        assert!(w.doc["paths"].get("/imports").is_none());
        assert!(w.doc["paths"]["/media"]["post"].is_object());
        assert_eq!(w.removed.len(), 1);
        assert_eq!(w.removed[0].operation_id, "ImportXml");
        assert!(w.removed[0].reason.contains("application/xml only"));
        assert_eq!(remove_unsendable_bodies(&mut w), 0);
    }
}
