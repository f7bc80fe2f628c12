//! Helpers several fixups share: where the API's base path is, and reading `components`
//! while changing `paths`.

use serde_json::{Map, Value};

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
pub(super) fn url_path(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find('/').map_or("", |j| &rest[j..])
        }
        None => url,
    }
}

/// Runs `f(components, doc)` with `components` moved out of `doc` into a document of its own,
/// so operation-level fixups can resolve `$ref`s while they change `paths` — without copying
/// the whole document. `components` is put back afterwards.
pub(super) fn with_components<R>(doc: &mut Value, f: impl FnOnce(&Value, &mut Value) -> R) -> R {
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
