//! JSON pointers (RFC 6901): built, split and escaped here; `$ref` reading is
//! `telnyx_codegen::refs`.
//!
//! Every escape (`~0`, `~1`) and every split of a pointer into tokens goes through here, so
//! that a key holding `/` or `~` is read the same way everywhere.

use serde_json::Value;

pub use telnyx_codegen::refs::{component_name, component_ref, escape, resolve, unescape};

/// Appends one token to a pointer: `push("/paths", "/rooms")` is `/paths/~1rooms`.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    out.push_str(&escape(token));
    out
}

/// The pointer made of `tokens` (unescaped), in order: `["paths", "/a"]` is `/paths/~1a`.
pub fn join<T: AsRef<str>>(tokens: &[T]) -> String {
    tokens.iter().fold(String::new(), |pointer, token| {
        push(&pointer, token.as_ref())
    })
}

/// The unescaped tokens of `pointer`: `/paths/~1a` is `["paths", "/a"]`, `` is none.
pub fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(unescape).collect()
}

/// The pointer of the node that holds the one at `pointer`; `None` for the root.
pub fn parent(pointer: &str) -> Option<&str> {
    pointer.rfind('/').map(|i| &pointer[..i])
}

/// `pointer` as its parent and its last token (unescaped); `None` for the root.
pub fn split_last(pointer: &str) -> Option<(&str, String)> {
    let parent = parent(pointer)?;
    Some((parent, unescape(&pointer[parent.len() + 1..])))
}

/// Whether `pointer` is `ancestor` or a node inside it (`/a/b` is within `/a`, `/ab` is not).
/// Works the same on `$ref` strings (`#/components/…`).
pub fn is_within(pointer: &str, ancestor: &str) -> bool {
    pointer
        .strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Removes the object entry that `pointer` names from `doc`; the value it held, or `None` when
/// its parent is not an object or has no such entry.
pub fn remove_entry(doc: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, key) = split_last(pointer)?;
    doc.pointer_mut(parent)?.as_object_mut()?.remove(&key)
}

/// The components of a local reference `#/components/schemas/Foo`, or `None` when the
/// reference is not local (another file, a URL) or not a JSON pointer fragment.
pub fn local_ref_tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return None;
    }
    Some(tokens(fragment))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escapes_and_resolves() {
        assert_eq!(push("/paths", "/rooms/{id}"), "/paths/~1rooms~1{id}");
        assert_eq!(
            local_ref_tokens("#/components/schemas/a~1b"),
            Some(vec![
                "components".to_owned(),
                "schemas".to_owned(),
                "a/b".to_owned()
            ])
        );
        assert_eq!(local_ref_tokens("#"), Some(Vec::new()));
        assert_eq!(local_ref_tokens("#x"), None);
        assert_eq!(local_ref_tokens("other.yaml#/x"), None);
    }

    #[test]
    fn splits_and_joins() {
        assert_eq!(tokens("/paths/~1a~0b/get"), ["paths", "/a~b", "get"]);
        assert!(tokens("").is_empty());
        assert_eq!(join(&tokens("/paths/~1a~0b/get")), "/paths/~1a~0b/get");
        assert_eq!(split_last("/paths/~1a"), Some(("/paths", "/a".to_owned())));
        assert_eq!(split_last(""), None);
        assert_eq!(parent("/a/b"), Some("/a"));
        assert!(is_within("/a/b", "/a") && is_within("/a", "/a") && is_within("/a", ""));
        assert!(!is_within("/ab", "/a"));
    }

    #[test]
    fn removes_an_object_entry() {
        let mut doc = json!({"paths": {"/a": 1, "/b": 2}, "list": [1]});
        assert_eq!(remove_entry(&mut doc, "/paths/~1a"), Some(json!(1)));
        assert_eq!(remove_entry(&mut doc, "/paths/~1a"), None);
        assert_eq!(remove_entry(&mut doc, "/list/0"), None);
        assert_eq!(doc, json!({"paths": {"/b": 2}, "list": [1]}));
    }
}
