//! The document's own fields: an `info` object without its required `title` or `version`.

use serde_json::{Map, Value, json};

use super::work::Work;

/// `info` missing, not an object, or without a string `title` / `version` → filled in
/// (`"Untitled API"`, `"unversioned"`).
///
/// OpenAPI requires both, and the reader refuses the whole document without them, although
/// nothing in the client depends on them (the lock records the upstream hash, not `version`).
pub fn document_info(work: &mut Work) -> usize {
    let Some(root) = work.doc.as_object_mut() else {
        return 0;
    };
    let mut count = 0;
    let info = root.entry("info").or_insert_with(|| {
        count += 1;
        Value::Object(Map::new())
    });
    if !info.is_object() {
        *info = Value::Object(Map::new());
        count += 1;
    }
    if let Value::Object(info) = info {
        for (key, fallback) in [("title", "Untitled API"), ("version", "unversioned")] {
            match info.get(key) {
                Some(Value::String(_)) => {}
                // A number (`version: 2.0`, a common YAML slip) keeps its digits.
                Some(Value::Number(n)) => {
                    let text = n.to_string();
                    info.insert(key.to_owned(), json!(text));
                    count += 1;
                }
                _ => {
                    info.insert(key.to_owned(), json!(fallback));
                    count += 1;
                }
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn missing_info_fields_are_filled_in() {
        let mut w = work(
            json!({"openapi": "3.0.0", "info": {"title": "T", "version": 2.0},
            "paths": {}}),
        );
        assert_eq!(document_info(&mut w), 1);
        assert_eq!(w.doc["info"], json!({"title": "T", "version": "2.0"}));
        let mut w = work(json!({"openapi": "3.0.0", "paths": {}}));
        assert_eq!(document_info(&mut w), 3);
        assert_eq!(
            w.doc["info"],
            json!({"title": "Untitled API", "version": "unversioned"})
        );
        assert_eq!(document_info(&mut w), 0);
    }
}
