//! JSON pointers (RFC 6901) for error messages; `$ref` reading is `telnyx_codegen::refs`.

pub use telnyx_codegen::refs::{component_name, component_ref, escape, resolve, unescape};

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

#[cfg(test)]
mod tests {
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
        assert_eq!(local_ref_tokens("other.yaml#/x"), None);
    }
}
