//! Reading schemas the way typify does: following `$ref`s, comparing structure without prose,
//! checking a value against a schema, listing a query object's leaves and predicting the type
//! names typify will give. Fixups use these to decide what to change; `model` uses them to
//! describe the generated client.

mod conform;
mod leaves;
mod registry;
mod structure;

pub(crate) use self::conform::conforms_map;
pub(crate) use self::leaves::collect_leaves;
pub(crate) use self::registry::NameRegistry;
pub(crate) use self::structure::{required_names, resolve, stripped};

/// Whether progenitor reads a media type as JSON: `application/json`, bare or with parameters
/// (`application/json; charset=utf-8`). progenitor gives every other type (`application/jsonl`,
/// `application/problem+json`) a raw body, so fixups that prepare JSON bodies use the same rule.
pub(crate) fn is_json_media_type(name: &str) -> bool {
    name.split(';')
        .next()
        .is_some_and(|bare| bare.trim() == "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_follow_progenitor() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(!is_json_media_type("application/jsonl"));
        assert!(!is_json_media_type("application/json-patch+json"));
        assert!(!is_json_media_type("text/json"));
    }
}
