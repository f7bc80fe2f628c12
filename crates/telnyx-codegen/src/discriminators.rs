//! The properties that tell the branches of a union apart: `(struct, property)` for every
//! branch of a `oneOf`/`anyOf` with a `discriminator`.
//!
//! typify ignores `discriminator` and decodes such a union untagged, trying its branches in
//! order. Then a branch's tag (`type: "audio_chunk"`) is the only thing that stops it from
//! reading a later branch's object, so the one-value enum typify makes of it must stay strict
//! (see `enums`): with a catch-all, a text-to-speech final frame would read as an audio chunk.

use std::collections::HashSet;

use serde_json::Value;

use crate::idents::{Case, typify_ident};
use crate::refs::component_name;

/// `(type name, property wire name)` of every discriminated branch in `doc`.
pub fn discriminator_tags(doc: &Value) -> HashSet<(String, String)> {
    let mut tags = HashSet::new();
    collect(doc, &mut tags);
    tags
}

fn collect(value: &Value, tags: &mut HashSet<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(property) = map
                .get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str)
            {
                let branches = ["oneOf", "anyOf"]
                    .into_iter()
                    .filter_map(|key| map.get(key).and_then(Value::as_array))
                    .flatten();
                for branch in branches {
                    if let Some(name) = branch
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| component_name(r, "schemas"))
                    {
                        tags.insert((typify_ident(&name, Case::Pascal), property.to_owned()));
                    }
                }
            }
            map.values().for_each(|child| collect(child, tags));
        }
        Value::Array(items) => items.iter().for_each(|child| collect(child, tags)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn branches_of_discriminated_unions_are_found() {
        let doc = json!({"components": {"schemas": {
            "Frame": {"discriminator": {"propertyName": "type"}, "oneOf": [
                {"$ref": "#/components/schemas/audio_chunk_frame"},
                {"$ref": "#/components/schemas/FinalFrame"},
                {"type": "object"}
            ]},
            "Plain": {"oneOf": [{"$ref": "#/components/schemas/Other"}]}
        }}});
        let tags = discriminator_tags(&doc);
        assert_eq!(tags.len(), 2);
        assert!(tags.contains(&("AudioChunkFrame".to_owned(), "type".to_owned())));
        assert!(tags.contains(&("FinalFrame".to_owned(), "type".to_owned())));
    }
}
