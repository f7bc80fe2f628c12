//! Typed webhook events: every webhook of the enabled families decodes into its own variant
//! from a body built from its schema in the vendored spec (all fields, only the required ones,
//! unknown fields added, enum values Telnyx might add later); other event types are
//! `Event::Unknown`.
//!
//! Run with the families that have webhooks to cover them all (CI does):
//! `cargo test -p telnyx-client --features webhooks,call-control,messaging,fax,numbers,messaging-compliance --test client -- webhook_events::`.
#![cfg(feature = "webhooks")]

use serde_json::{Map, Value, json};
use telnyx_client::webhooks::{DecodeError, Event};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/telnyx.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the vendored spec"))
        .expect("the vendored spec is JSON")
}

/// Whether this test binary was built with `family`'s feature. A family that gains webhooks
/// must be added here (the test fails until it is).
fn enabled(family: &str) -> bool {
    match family {
        "call-control" => cfg!(feature = "call-control"),
        "messaging" => cfg!(feature = "messaging"),
        "messaging-compliance" => cfg!(feature = "messaging-compliance"),
        "fax" => cfg!(feature = "fax"),
        "numbers" => cfg!(feature = "numbers"),
        other => panic!("family `{other}` has webhooks: list it in `enabled`"),
    }
}

fn resolve<'a>(mut schema: &'a Value, schemas: &'a Value) -> &'a Value {
    while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/components/schemas/")
            .expect("a schema $ref");
        schema = &schemas[name];
    }
    schema
}

/// Which fields a sample body has.
#[derive(Clone, Copy, PartialEq)]
enum Fields {
    All,
    Required,
}

/// A value that conforms to `schema`.
fn sample(schema: &Value, schemas: &Value, fields: Fields, depth: usize) -> Value {
    let schema = resolve(schema, schemas);
    if depth > 24 {
        return Value::Null;
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for member in members {
            if let Value::Object(part) = sample(member, schemas, fields, depth + 1) {
                merged.extend(part);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|b| b.get(0)) {
            return sample(first, schemas, fields, depth + 1);
        }
    }
    let number = |default: f64| {
        let low = schema
            .get("minimum")
            .and_then(Value::as_f64)
            .unwrap_or(default);
        schema
            .get("maximum")
            .and_then(Value::as_f64)
            .map_or(low, |high| low.min(high))
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Value::String(match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "2026-12-01T10:00:00Z".to_owned(),
            Some("date") => "2026-12-01".to_owned(),
            Some("uuid") => "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0".to_owned(),
            Some("uri" | "url") => "https://example.com/hook".to_owned(),
            _ => {
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(4);
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(64);
                "a".repeat(min.min(max).max(1) as usize)
            }
        }),
        Some("integer") => json!(number(1.0) as i64),
        Some("number") => json!(number(1.5)),
        Some("boolean") => json!(true),
        Some("array") => match schema.get("items") {
            Some(items) => json!([sample(items, schemas, fields, depth + 1)]),
            None => json!([]),
        },
        _ => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = Map::new();
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (name, property) in properties {
                    if fields == Fields::All || required.contains(&name.as_str()) {
                        object.insert(name.clone(), sample(property, schemas, fields, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
    }
}

/// Every string enum value in `value` except the event type becomes one Telnyx has not
/// published, and every object gains a field it does not declare.
fn from_the_future(value: &mut Value, schema: &Value, schemas: &Value) {
    let schema = resolve(schema, schemas);
    match value {
        Value::Object(object) => {
            for (name, field) in object.iter_mut() {
                let property = property_schema(schema, name, schemas);
                if name != "event_type" {
                    from_the_future(field, property.unwrap_or(&Value::Null), schemas);
                }
            }
            object.insert("added_later".to_owned(), json!({"nested": [1, "two"]}));
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").unwrap_or(&Value::Null);
            items
                .iter_mut()
                .for_each(|item| from_the_future(item, item_schema, schemas));
        }
        Value::String(text) if schema.get("enum").is_some() => {
            *text = "value_added_later".to_owned();
        }
        _ => {}
    }
}

fn property_schema<'a>(schema: &'a Value, name: &str, schemas: &'a Value) -> Option<&'a Value> {
    let schema = resolve(schema, schemas);
    if let Some(found) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(found);
    }
    ["allOf", "oneOf", "anyOf"].iter().find_map(|key| {
        schema
            .get(*key)?
            .as_array()?
            .iter()
            .find_map(|member| property_schema(member, name, schemas))
    })
}

/// `body` with its event type (under `data`, or at the top) set to `event_type`.
fn with_event_type(mut body: Value, event_type: &str) -> Value {
    if let Some(Value::Object(data)) = body.get_mut("data")
        && data.contains_key("event_type")
    {
        data.insert("event_type".to_owned(), json!(event_type));
    } else if let Value::Object(top) = &mut body {
        top.insert("event_type".to_owned(), json!(event_type));
    }
    body
}

fn decode(body: &Value) -> Result<Event, DecodeError> {
    Event::from_slice(&serde_json::to_vec(body).unwrap())
}

#[test]
fn every_event_of_the_enabled_families_decodes_into_its_variant() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let webhooks = spec["x-telnyx-webhooks"]
        .as_object()
        .expect("the spec keeps webhooks");
    assert!(webhooks.len() >= 60, "{} webhooks", webhooks.len());
    let mut decoded = Vec::new();
    let mut unknown = 0;
    for (name, webhook) in webhooks {
        let family = webhook["x-telnyx-family"].as_str().unwrap();
        let schema = &webhook["schema"];
        let body_schema = resolve(schema, schemas);
        let event_type_schema = property_schema(body_schema, "data", schemas)
            .and_then(|data| property_schema(data, "event_type", schemas))
            .or_else(|| property_schema(body_schema, "event_type", schemas))
            .map(|s| resolve(s, schemas));
        let Some(event_types) = event_type_schema
            .and_then(|s| s.get("enum"))
            .and_then(Value::as_array)
        else {
            continue; // no event type to key on: not an `Event` variant (see `Generated::untyped_webhooks`)
        };
        for event_type in event_types.iter().filter_map(Value::as_str) {
            let full = with_event_type(sample(schema, schemas, Fields::All, 0), event_type);
            let minimal = with_event_type(sample(schema, schemas, Fields::Required, 0), event_type);
            let mut future = full.clone();
            from_the_future(&mut future, schema, schemas);
            for (what, body) in [
                ("all fields", &full),
                ("required fields", &minimal),
                ("future values", &future),
            ] {
                let event = decode(body).unwrap_or_else(|e| {
                    panic!("webhook `{name}` ({event_type}, {what}): {e}\n{body:#}")
                });
                assert_eq!(event.event_type(), event_type, "webhook `{name}` ({what})");
                let is_unknown = matches!(event, Event::Unknown(_));
                assert_eq!(
                    is_unknown,
                    !enabled(family),
                    "webhook `{name}` ({event_type}, family {family}, {what}): {event:?}"
                );
                if is_unknown {
                    unknown += 1;
                } else if what == "all fields" {
                    decoded.push(event_type.to_owned());
                }
            }
        }
    }
    decoded.sort();
    let mut known: Vec<String> = Event::KNOWN_EVENT_TYPES
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
    known.sort();
    assert_eq!(
        decoded, known,
        "every variant is covered by a webhook of the spec"
    );
    println!(
        "{} event types decoded into their variants, {unknown} bodies as Unknown",
        decoded.len()
    );
}

#[test]
fn an_event_type_this_build_does_not_know_keeps_its_body() {
    let body =
        json!({"data": {"event_type": "call.teleported", "id": "x", "payload": {"to": "mars"}}});
    let Event::Unknown(event) = decode(&body).unwrap() else {
        panic!("not unknown");
    };
    assert_eq!(event.event_type(), Some("call.teleported"));
    assert_eq!(event.body(), &body);

    // No event type at all (10DLC campaign status has none), and a body that is not an object.
    for body in [
        json!({"campaignId": "C1", "status": "ACTIVE"}),
        json!([1, 2]),
        json!("text"),
    ] {
        let Event::Unknown(event) = decode(&body).unwrap() else {
            panic!("not unknown: {body}");
        };
        assert_eq!(event.event_type(), None);
        assert_eq!(event.into_body(), body);
    }
}

#[test]
fn a_body_that_is_not_json_is_an_error_that_says_where() {
    let error = Event::from_slice(b"{\"data\": {\"event_type\": ").unwrap_err();
    assert!(
        matches!(error, DecodeError::NotJson { line: 1, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("raw request body"), "{error}");
}

#[cfg(feature = "call-control")]
#[test]
fn a_known_event_with_the_wrong_shape_names_its_type() {
    let body = json!({"data": {"event_type": "call.hangup", "id": 7, "payload": "not an object"}});
    let error = decode(&body).unwrap_err();
    match &error {
        DecodeError::Shape { event_type, .. } => assert_eq!(event_type, "call.hangup"),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("`call.hangup`"), "{error}");
}

#[cfg(feature = "call-control")]
#[test]
fn a_call_event_reads_as_its_type() {
    let body = br#"{"data":{"event_type":"call.initiated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2026-12-01T10:00:00.000000Z","payload":{"call_control_id":"v3:abc","call_leg_id":"leg","call_session_id":"session","connection_id":"7267","direction":"incoming","from":"+13125550100","to":"+13125550111","state":"parked","start_time":"2026-12-01T10:00:00.000000Z"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://example.com/hook"}}"#;
    let Event::CallInitiated(event) = Event::from_slice(body).unwrap() else {
        panic!("not call.initiated");
    };
    let data = event.data.as_ref().expect("data");
    let payload = data.payload.as_ref().expect("payload");
    assert_eq!(payload.call_control_id.as_deref(), Some("v3:abc"));
    assert_eq!(payload.from.as_deref(), Some("+13125550100"));
}
