//! Local `$ref`s (`#/components/schemas/Room`): JSON pointers (RFC 6901) into the document.
//!
//! Shared by the generator and `cargo xtask`, so that both read a reference the same way: a
//! name's `/` and `~` are escaped as `~1` and `~0`, and a reference that is not local (another
//! file, a URL) resolves to nothing.

use serde_json::{Map, Value};

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The (unescaped) name of the component a reference `#/components/<kind>/<name>` points at;
/// `None` for any other reference, or one into a component (`…/Room/properties/id`).
pub fn component_name(reference: &str, kind: &str) -> Option<String> {
    let name = reference
        .strip_prefix("#/components/")?
        .strip_prefix(kind)?
        .strip_prefix('/')?;
    (!name.contains('/')).then(|| unescape(name))
}

/// The reference `#/components/<kind>/<name>`, with the name escaped.
pub fn component_ref(kind: &str, name: &str) -> String {
    format!("#/components/{kind}/{}", escape(name))
}

/// What a local reference points at in `doc`.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Adds `schema` to `components.schemas` as `base` (or `base2`, `base3`, … when that name is
/// taken); returns the name it got.
pub fn add_schema_component(doc: &mut Value, base: &str, schema: Value) -> String {
    let base = base.to_owned();
    let Some(root) = doc.as_object_mut() else {
        return base;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return base;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return base;
    };
    let mut name = base.clone();
    let mut n = 2;
    while schemas.contains_key(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    schemas.insert(name.clone(), schema);
    name
}

/// Follows a `$ref` (of any component kind); the value itself otherwise.
pub fn follow<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..8 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => match resolve(doc, reference) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_component_references() {
        assert_eq!(
            component_name("#/components/schemas/Room", "schemas").as_deref(),
            Some("Room")
        );
        assert_eq!(
            component_name("#/components/schemas/a~1b~0c", "schemas").as_deref(),
            Some("a/b~c")
        );
        assert_eq!(component_name("#/components/schemas/a/b", "schemas"), None);
        assert_eq!(component_name("#/components/responses/R", "schemas"), None);
        assert_eq!(
            component_ref("schemas", "a/b~c"),
            "#/components/schemas/a~1b~0c"
        );
    }

    #[test]
    fn resolves_local_references_only() {
        let doc = json!({"paths": {"/a": {"get": 1}}, "list": [1, 2]});
        assert_eq!(resolve(&doc, "#/paths/~1a/get"), Some(&json!(1)));
        assert_eq!(resolve(&doc, "#/list/1"), Some(&json!(2)));
        assert_eq!(resolve(&doc, "#"), Some(&doc));
        assert_eq!(resolve(&doc, "#/nope"), None);
        assert_eq!(resolve(&doc, "other.yaml#/x"), None);
    }
}
