//! Helpers several fixups share: where the API's base path is.

use serde_json::Value;

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
