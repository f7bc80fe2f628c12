//! Upstream's own examples: finding every JSON request and response example of an operation
//! in the upstream document, and decoding one into the generated type of its status.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Sweep;

/// `(status or "request", example)` of every JSON example of `operation` in `upstream`.
pub(crate) fn examples<'a>(upstream: &'a Value, operation: &'a Value) -> Vec<(String, &'a Value)> {
    let resolve = |mut value: &'a Value| {
        for _ in 0..16 {
            match value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| upstream.pointer(p))
            {
                Some(target) => value = target,
                None => break,
            }
        }
        value
    };
    let of_media = |media: &'a Value| -> Vec<&'a Value> {
        let mut found = Vec::new();
        if let Some(example) = media.get("example") {
            found.push(example);
        }
        // An example of the whole schema stands for an answer too.
        if let Some(example) = media
            .get("schema")
            .map(resolve)
            .and_then(|s| s.get("example"))
        {
            found.push(example);
        }
        for example in media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
        {
            if let Some(value) = resolve(example).get("value") {
                found.push(value);
            }
        }
        found
    };
    let json_media = |holder: &'a Value| {
        resolve(holder)
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(kind, _)| kind.starts_with("application/") && kind.contains("json"))
            .flat_map(move |(_, media)| of_media(media))
            .collect::<Vec<_>>()
    };
    let mut all = Vec::new();
    if let Some(body) = operation.get("requestBody") {
        all.extend(
            json_media(body)
                .into_iter()
                .map(|e| ("request".to_owned(), e)),
        );
    }
    for (status, response) in operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        all.extend(
            json_media(response)
                .into_iter()
                .map(|e| (status.clone(), e)),
        );
    }
    all
}

/// Upstream's operations by id.
pub(crate) fn upstream_operations(upstream: &Value) -> BTreeMap<&str, (&str, &Value)> {
    let mut found = BTreeMap::new();
    for (path, item) in upstream
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                found.insert(id, (path.as_str(), op));
            }
        }
    }
    found
}

/// Checks one example against the decoder for its status; `None` when there is no decoder
/// (the operation answers that status without a JSON type).
pub(crate) fn check_example(
    entry: &Sweep,
    status: &str,
    example: &Value,
) -> Option<Result<(), String>> {
    let decoder = match status {
        "request" => entry.body,
        s if s.starts_with('2') => entry.success,
        _ => entry.error,
    }?;
    Some(decoder(example.to_string().as_bytes()))
}
