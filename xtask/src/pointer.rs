//! JSON pointers (RFC 6901): building them for error messages and resolving local `$ref`s.

use serde_json::Value;

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends one token to a pointer: `push("/paths", "/rooms")` is `/paths/~1rooms`.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    out.push_str(&escape(token));
    out
}

/// The components of a local reference `#/components/schemas/Foo`, or `None` when the
/// reference is not local (another file, a URL) or not a JSON pointer fragment.
pub fn local_ref_tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let fragment = fragment.strip_prefix('/')?;
    Some(fragment.split('/').map(unescape).collect())
}

/// Resolves a local `$ref` against `doc`.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let tokens = local_ref_tokens(reference)?;
    let mut current = doc;
    for token in &tokens {
        current = match current {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The name of a component from a reference of the form `#/components/<kind>/<name>`.
pub fn component_name<'a>(reference: &'a str, kind: &str) -> Option<&'a str> {
    let rest = reference.strip_prefix("#/components/")?;
    let rest = rest.strip_prefix(kind)?;
    let name = rest.strip_prefix('/')?;
    (!name.contains('/')).then_some(name)
}

/// Builds `#/components/<kind>/<name>` with the name escaped.
pub fn component_ref(kind: &str, name: &str) -> String {
    format!("#/components/{kind}/{}", escape(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_resolves() {
        assert_eq!(push("/paths", "/rooms/{id}"), "/paths/~1rooms~1{id}");
        let doc = json!({"paths": {"/a": {"get": 1}}, "list": [1, 2]});
        assert_eq!(resolve(&doc, "#/paths/~1a/get"), Some(&json!(1)));
        assert_eq!(resolve(&doc, "#/list/1"), Some(&json!(2)));
        assert_eq!(resolve(&doc, "#/nope"), None);
        assert_eq!(resolve(&doc, "other.yaml#/x"), None);
        assert_eq!(
            component_name("#/components/schemas/Room", "schemas"),
            Some("Room")
        );
        assert_eq!(component_name("#/components/schemas/a/b", "schemas"), None);
    }
}
