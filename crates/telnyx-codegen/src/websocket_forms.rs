//! WebSocket operations, before progenitor runs.
//!
//! `spec sync` keeps each WebSocket operation (a `101` upgrade) with its query parameters and
//! [`WEBSOCKET_EXTENSION`]: the schemas of the frames each side sends. progenitor cannot
//! generate an upgrade for it, so this module takes the operation out of `paths` and hands
//! typify what it needs for the builder that `websocket_builders` writes afterwards:
//! - the query parameters become the properties of a component schema named after the
//!   operation, so that their types (enums of engines, formats, …) are generated like those of
//!   any other operation's parameters;
//! - frame schemas written inline become components (`<Operation>ServerFrame`,
//!   `<Operation>ClientFrame`); a binary string (`format: binary`) means the client sends
//!   bytes.

use serde_json::{Map, Value, json};

use crate::idents::{Case, progenitor_ident};
use crate::refs::{add_schema_component, component_name, follow};
use crate::select::{METHODS, WEBSOCKET_EXTENSION};

/// What the client sends on one WebSocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sends {
    /// Binary frames (audio).
    Binary,
    /// JSON frames of this component type.
    Json(String),
    /// Not described: any JSON.
    Any,
}

/// One WebSocket operation, as [`prepare`] read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSocketFacts {
    /// The operation's id.
    pub operation_id: String,
    /// Its path, relative to the base URL.
    pub path: String,
    /// Its first tag (the client trait it belongs to).
    pub tag: Option<String>,
    /// Whether the handshake takes the API key.
    pub needs_key: bool,
    /// The query parameters, in the document's order: `(name, required)`.
    pub params: Vec<(String, bool)>,
    /// The component schema whose properties are the query parameters (`None` without any).
    pub query_schema: Option<String>,
    /// The component type of the server's frames (`None`: any JSON).
    pub receives: Option<String>,
    /// What the client sends.
    pub sends: Sends,
    /// Our summary and description (from the overlay), for the method's docs.
    pub summary: Option<String>,
    /// See [`summary`](Self::summary).
    pub description: Option<String>,
    /// Why no builder can be written for it, when none can.
    pub unsupported: Option<String>,
}

/// Finds the WebSocket operations of `doc`, removes them from `paths` and adds the components
/// the module docs describe; returns their facts in document order.
pub fn prepare(doc: &mut Value) -> Vec<WebSocketFacts> {
    let mut found = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(frames) = op.get(WEBSOCKET_EXTENSION) else {
                continue;
            };
            found.push((path.clone(), method, read(doc, path, method, op, frames)));
        }
    }
    let mut facts = Vec::new();
    for (path, method, (mut fact, query, receives, sends)) in found {
        remove_operation(doc, &path, method);
        if fact.unsupported.is_none() {
            let base = progenitor_ident(&fact.operation_id, Case::Pascal);
            fact.query_schema = query.map(|schema| add_schema_component(doc, &base, schema));
            fact.receives =
                receives.map(|schema| component_or_new(doc, &format!("{base}ServerFrame"), schema));
            if let Some(sends) = sends {
                fact.sends = if is_binary(follow(doc, &sends)) {
                    Sends::Binary
                } else {
                    Sends::Json(component_or_new(doc, &format!("{base}ClientFrame"), sends))
                };
            }
        }
        facts.push(fact);
    }
    facts
}

type Read = (WebSocketFacts, Option<Value>, Option<Value>, Option<Value>);

/// The facts of one operation, with the query schema and the frame schemas still to place.
fn read(doc: &Value, path: &str, method: &str, op: &Value, frames: &Value) -> Read {
    let text = |key: &str| {
        op.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let security = op.get("security").or_else(|| doc.get("security"));
    let needs_key = match security.and_then(Value::as_array) {
        Some(requirements) => {
            !requirements.is_empty()
                && !requirements
                    .iter()
                    .any(|r| r.as_object().is_some_and(Map::is_empty))
        }
        None => true,
    };
    let mut fact = WebSocketFacts {
        operation_id: text("operationId").unwrap_or_default(),
        path: path.to_owned(),
        tag: op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .map(str::to_owned),
        needs_key,
        params: Vec::new(),
        query_schema: None,
        receives: None,
        sends: Sends::Any,
        summary: text("summary"),
        description: text("description"),
        unsupported: None,
    };
    let mut properties = Map::new();
    let mut required = Vec::new();
    let parameters = [item_parameters(doc, path), op.get("parameters")];
    for parameter in parameters
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let parameter = follow(doc, parameter);
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
        if location != "query" || name.is_empty() {
            fact.unsupported = Some(format!(
                "parameter `{name}` is in the {location}; a WebSocket handshake is written with \
                 query parameters only"
            ));
            continue;
        }
        let is_required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        properties.insert(
            name.to_owned(),
            parameter
                .get("schema")
                .cloned()
                .unwrap_or_else(|| json!({"type": "string"})),
        );
        if is_required {
            required.push(Value::String(name.to_owned()));
        }
        fact.params.push((name.to_owned(), is_required));
    }
    if fact.operation_id.is_empty() {
        fact.unsupported = Some(format!(
            "{} {path} has no operationId",
            method.to_uppercase()
        ));
    }
    let query = (!properties.is_empty())
        .then(|| json!({"type": "object", "properties": properties, "required": required}));
    (
        fact,
        query,
        frames.get("receives").cloned(),
        frames.get("sends").cloned(),
    )
}

fn item_parameters<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    doc.get("paths")?.get(path)?.get("parameters")
}

/// Whether a (resolved) schema is a binary string.
fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// The component a schema refers to, or a new component `name` holding it.
fn component_or_new(doc: &mut Value, name: &str, schema: Value) -> String {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| component_name(r, "schemas"))
    {
        Some(existing) => existing,
        None => add_schema_component(doc, name, schema),
    }
}

fn remove_operation(doc: &mut Value, path: &str, method: &str) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    let Some(Value::Object(item)) = paths.get_mut(path) else {
        return;
    };
    item.remove(method);
    if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
        paths.remove(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_id<'a>(facts: &'a [WebSocketFacts], id: &str) -> &'a WebSocketFacts {
        facts
            .iter()
            .find(|f| f.operation_id == id)
            .expect("the operation's facts")
    }

    fn document() -> Value {
        json!({
            "paths": {
                "/speech-to-text/transcription": {"get": {
                    "operationId": "TranscriptionOverWs",
                    "tags": ["Speech To Text over WebSockets"],
                    "summary": "Transcribe",
                    "parameters": [
                        {"$ref": "#/components/parameters/engine"},
                        {"name": "interim_results", "in": "query",
                         "schema": {"type": "boolean"}}
                    ],
                    "x-telnyx-websocket": {
                        "receives": {"$ref": "#/components/schemas/SttServerEvent"},
                        "sends": {"$ref": "#/components/schemas/SttClientEvent"}
                    },
                    "responses": {"401": {"description": ""}}
                }},
                "/text-to-speech/speech": {"get": {
                    "operationId": "TextToSpeechOverWs",
                    "security": [],
                    "x-telnyx-websocket": {
                        "receives": {"type": "object"},
                        "sends": {"$ref": "#/components/schemas/ClientTextFrame"}
                    },
                    "responses": {}
                }, "post": {"operationId": "GenerateSpeech", "responses": {}}},
                "/rooms/{room_id}/socket": {"get": {
                    "operationId": "RoomSocket",
                    "parameters": [{"name": "room_id", "in": "path", "required": true,
                                    "schema": {"type": "string"}}],
                    "x-telnyx-websocket": {},
                    "responses": {}
                }}
            },
            "components": {
                "parameters": {"engine": {"name": "transcription_engine", "in": "query",
                    "required": true, "schema": {"type": "string", "enum": ["A", "B"]}}},
                "schemas": {
                    "SttServerEvent": {"type": "object"},
                    "SttClientEvent": {"type": "string", "format": "binary"},
                    "ClientTextFrame": {"type": "object"}
                }
            }
        })
    }

    #[test]
    fn websocket_operations_leave_paths_and_leave_their_query_as_a_component() {
        let mut doc = document();
        let facts = prepare(&mut doc);
        assert_eq!(facts.len(), 3);
        let stt = by_id(&facts, "TranscriptionOverWs");
        assert_eq!(stt.operation_id, "TranscriptionOverWs");
        assert_eq!(stt.tag.as_deref(), Some("Speech To Text over WebSockets"));
        assert!(stt.needs_key);
        assert_eq!(
            stt.params,
            [
                ("transcription_engine".to_owned(), true),
                ("interim_results".to_owned(), false)
            ]
        );
        assert_eq!(stt.query_schema.as_deref(), Some("TranscriptionOverWs"));
        assert_eq!(stt.receives.as_deref(), Some("SttServerEvent"));
        assert_eq!(stt.sends, Sends::Binary);
        let query = &doc["components"]["schemas"]["TranscriptionOverWs"];
        assert_eq!(query["required"], json!(["transcription_engine"]));
        assert_eq!(
            query["properties"]["transcription_engine"]["enum"],
            json!(["A", "B"])
        );
        assert!(doc["paths"].get("/speech-to-text/transcription").is_none());
        // The path's other operation stays.
        assert!(doc["paths"]["/text-to-speech/speech"]["post"].is_object());
    }

    #[test]
    fn inline_frames_become_components_and_json_frames_are_typed() {
        let mut doc = document();
        let facts = prepare(&mut doc);
        let tts = by_id(&facts, "TextToSpeechOverWs");
        assert!(!tts.needs_key);
        assert_eq!(tts.query_schema, None);
        assert_eq!(
            tts.receives.as_deref(),
            Some("TextToSpeechOverWsServerFrame")
        );
        assert_eq!(tts.sends, Sends::Json("ClientTextFrame".to_owned()));
        assert_eq!(
            doc["components"]["schemas"]["TextToSpeechOverWsServerFrame"],
            json!({"type": "object"})
        );
    }

    #[test]
    fn a_socket_with_a_path_parameter_is_reported_not_written() {
        let mut doc = document();
        let facts = prepare(&mut doc);
        let room = by_id(&facts, "RoomSocket");
        assert!(
            room.unsupported
                .as_deref()
                .is_some_and(|why| why.contains("`room_id` is in the path")),
            "{room:?}"
        );
        assert!(doc["paths"].get("/rooms/{room_id}/socket").is_none());
    }
}
