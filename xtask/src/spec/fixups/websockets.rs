//! WebSocket operations: kept for telnyx-codegen, which writes their clients.
//!
//! Upstream describes streaming endpoints (speech-to-text, text-to-speech) as GET operations
//! that answer `101 Switching Protocols`, often with a `wss://` server of their own. progenitor
//! would emit a plain GET whose 101 it cannot use, so each such operation is rewritten into
//! what telnyx-codegen reads: it keeps its parameters (the handshake's query) and its error
//! answers (a refused handshake); [`WEBSOCKET_EXTENSION`] takes the frame schemas, `receives`
//! from the 101 answer and `sends` from the request body; the 1xx/2xx answers, the body and the
//! `wss://` server go (the client connects to its own base URL's WebSocket form). A WebSocket
//! served from another host than the document's is removed with its reason.

use serde_json::{Map, Value};

use super::removals::{remove_operation, server_urls};
use super::work::Work;
use crate::pointer::push;
use crate::spec::schema::resolve;
use crate::walk::METHODS;
pub use telnyx_codegen::select::WEBSOCKET_EXTENSION;

/// Rewrites every WebSocket operation (a `101` answer or a `ws(s)://` server) as the module
/// docs say; returns how many were rewritten or removed.
pub fn websocket_operations(work: &mut Work) -> usize {
    let base = document_base(&work.doc);
    let mut found = Vec::new();
    if let Some(Value::Object(paths)) = work.doc.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item {
                let Some(op) = op
                    .as_object()
                    .filter(|_| METHODS.contains(&method.as_str()))
                else {
                    continue;
                };
                let urls = server_urls(item, op);
                let upgrade = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .is_some_and(|r| r.contains_key("101"));
                if !upgrade && !urls.iter().any(|u| is_websocket_url(u)) {
                    continue;
                }
                let foreign = urls
                    .iter()
                    .find(|u| http_form(u) != base)
                    .map(|u| (*u).to_owned());
                found.push((path.clone(), method.clone(), foreign));
            }
        }
    }
    for (path, method, foreign) in &found {
        let pointer = push(&push("/paths", path), method);
        match foreign {
            Some(url) => {
                let reason = format!(
                    "WebSocket served from {url}, not from the client's base URL {base} (or its \
                     ws form)"
                );
                remove_operation(work, path, method, &reason, &pointer);
            }
            None => rewrite(&mut work.doc, path, method),
        }
    }
    found.len()
}

/// The document's first server URL, without a trailing slash.
fn document_base(doc: &Value) -> String {
    doc.get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned()
}

fn is_websocket_url(url: &str) -> bool {
    url.starts_with("ws://") || url.starts_with("wss://")
}

/// `url` with a WebSocket scheme replaced by its HTTP one, without a trailing slash.
fn http_form(url: &str) -> String {
    let url = url.trim_end_matches('/');
    if let Some(rest) = url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else if let Some(rest) = url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else {
        url.to_owned()
    }
}

/// The schema of the first media type of `content`, if any.
fn first_schema(content: Option<&Value>) -> Option<Value> {
    content?
        .as_object()?
        .values()
        .find_map(|media| media.get("schema"))
        .cloned()
}

fn rewrite(doc: &mut Value, path: &str, method: &str) {
    let Some(op) = doc.pointer(&push(&push("/paths", path), method)) else {
        return;
    };
    let receives = op
        .get("responses")
        .and_then(|r| r.get("101"))
        .map(|r| resolve(doc, r))
        .and_then(|r| first_schema(r.get("content")));
    let sends = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| first_schema(b.get("content")));
    let mut frames = Map::new();
    frames.extend(receives.map(|s| ("receives".to_owned(), s)));
    frames.extend(sends.map(|s| ("sends".to_owned(), s)));
    let Some(Value::Object(item)) = doc.pointer_mut(&push("/paths", path)) else {
        return;
    };
    if let Some(Value::Array(servers)) = item.get_mut("servers") {
        servers.retain(|s| {
            !s.get("url")
                .and_then(Value::as_str)
                .is_some_and(is_websocket_url)
        });
        if servers.is_empty() {
            item.remove("servers");
        }
    }
    let Some(Value::Object(op)) = item.get_mut(method) else {
        return;
    };
    op.remove("requestBody");
    op.remove("servers");
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        responses.retain(|status, _| !status.starts_with('1') && !status.starts_with('2'));
    }
    op.insert(WEBSOCKET_EXTENSION.to_owned(), Value::Object(frames));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    fn document() -> Value {
        json!({"servers": [{"url": "https://api.telnyx.com/v2"}], "paths": {
            "/speech-to-text/transcription": {"get": {"operationId": "Transcribe",
                "parameters": [{"name": "engine", "in": "query", "schema": {"type": "string"}}],
                "servers": [{"url": "wss://api.telnyx.com/v2"}],
                "requestBody": {"content": {"application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"}}}},
                "responses": {
                    "101": {"description": "", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Transcript"}}}},
                    "200": {"description": "not returned"},
                    "401": {"description": "no key"}}}},
            "/text-to-speech/speech": {"get": {"operationId": "Speak",
                "responses": {"101": {"description": ""}}}},
            "/elsewhere": {"servers": [{"url": "wss://media.example.com/socket"}],
                "get": {"operationId": "Elsewhere", "responses": {"200": {"description": ""}}}},
            "/messages": {"get": {"operationId": "ListMessages",
                "responses": {"200": {"description": "ok"}}}}
        }})
    }

    #[test]
    fn websocket_operations_keep_their_query_and_errors_and_name_their_frames() {
        let mut w = work(document());
        assert_eq!(websocket_operations(&mut w), 3);
        let op = &w.doc["paths"]["/speech-to-text/transcription"]["get"];
        assert_eq!(
            op[WEBSOCKET_EXTENSION],
            json!({"receives": {"$ref": "#/components/schemas/Transcript"},
                   "sends": {"type": "string", "format": "binary"}})
        );
        assert_eq!(op["parameters"][0]["name"], "engine");
        assert_eq!(op["responses"], json!({"401": {"description": "no key"}}));
        assert!(op.get("servers").is_none() && op.get("requestBody").is_none());
        let speak = &w.doc["paths"]["/text-to-speech/speech"]["get"];
        assert_eq!(speak[WEBSOCKET_EXTENSION], json!({}));
        assert_eq!(
            w.doc["paths"]["/messages"]["get"],
            document()["paths"]["/messages"]["get"]
        );
    }

    #[test]
    fn a_websocket_on_another_host_is_removed_with_its_reason() {
        let mut w = work(document());
        websocket_operations(&mut w);
        assert!(w.doc["paths"].get("/elsewhere").is_none());
        assert_eq!(w.removed.len(), 1);
        assert_eq!(w.removed[0].operation_id, "Elsewhere");
        assert!(
            w.removed[0]
                .reason
                .contains("wss://media.example.com/socket")
        );
    }

    #[test]
    fn a_rewritten_document_is_left_alone() {
        let mut w = work(document());
        websocket_operations(&mut w);
        let once = w.doc.clone();
        assert_eq!(websocket_operations(&mut w), 0);
        assert_eq!(w.doc, once);
    }
}
