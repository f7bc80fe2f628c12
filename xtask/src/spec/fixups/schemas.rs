//! Fixups of schemas: enum values, defaults and patterns that typify cannot take as they are.

use serde_json::{Value, json};

use super::work::Work;
use crate::spec::names::enum_variant_names;
use crate::spec::schema::conforms_map;
use crate::walk;

/// A schema that contains itself through required links (`A` requires a `B` that requires an
/// `A`) → one of the links made optional; a cycle with no required property in it (`A` is
/// `B`, `B` is `A`) → its schema removed (what refers to it is then repaired or removed by
/// [`dangling_refs`](super::dangling::dangling_refs)).
///
/// No finite JSON value has such a type, so upstream cannot have meant every link to be
/// present; the generator would emit a Rust type of infinite size. With one property
/// optional, the type is an ordinary recursive one (the generator boxes it), and every value
/// upstream can send still decodes.
pub fn self_containing_schemas(work: &mut Work) -> usize {
    let mut count = 0;
    for _ in 0..256 {
        let Some(cycle) = crate::spec::cycles::first_cycle(&work.doc) else {
            break;
        };
        let relaxed = cycle
            .required_properties()
            .into_iter()
            .rev()
            .any(|(owner, name)| {
                let Some(schema) = work.doc.pointer_mut(&owner).and_then(Value::as_object_mut)
                else {
                    return false;
                };
                let Some(Value::Array(required)) = schema.get_mut("required") else {
                    return false;
                };
                let before = required.len();
                required.retain(|n| n.as_str() != Some(&name));
                let relaxed = required.len() < before;
                // OpenAPI 3.0 wants a `required` list to name at least one property.
                if required.is_empty() {
                    schema.remove("required");
                }
                relaxed
            });
        if !relaxed && crate::pointer::remove_entry(&mut work.doc, &cycle.start).is_none() {
            break;
        }
        count += 1;
    }
    count
}

/// String enums whose Rust variant names collide → strings whose `pattern` admits exactly the
/// enum's values.
///
/// typify derives variant names from the values; when two values map to the same name even
/// after its second attempt (e.g. `"A"`/`"a"`, or `"x_y"`/`"x-y"`), it panics ("Failed to
/// make unique variant names"). Without `enum` the field would take any string, and the
/// allowed values would be lost (descriptions are stripped); an anchored alternation of the
/// values keeps them as a fact, and typify makes a string type that checks it. A schema that
/// has a `pattern` of its own keeps it.
pub fn enum_variant_collisions(work: &mut Work) -> usize {
    let mut count = 0;
    walk::schemas_mut(&mut work.doc, &mut |schema| {
        let Some(Value::Array(values)) = schema.get("enum") else {
            return;
        };
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if strings.is_empty() || enum_variant_names(&strings).is_some() {
            return;
        }
        let pattern = format!(
            "^({})$",
            strings
                .iter()
                .map(|s| regex_escape(s))
                .collect::<Vec<_>>()
                .join("|")
        );
        schema.remove("enum");
        if !schema.contains_key("pattern") {
            schema.insert("pattern".into(), json!(pattern));
        }
        count += 1;
    });
    count
}

/// `text` with the characters that mean something in an ECMAScript regular expression escaped.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// `default` values that hold objects (a non-empty object, or an array with an object or array
/// in it) → dropped.
///
/// Upstream has written example data as a default (`tools: [{type: retrieval, retrieval:
/// {bucket_ids: [my_bucket_id_1]}}]`). The generated client fills a field the API leaves out
/// with its default, so it would invent that data; and typify writes such a default as a Rust
/// expression that does not compile when the items are one of several shapes. A default of
/// `{}` or of scalars is kept.
pub fn structured_defaults(work: &mut Work) -> usize {
    let mut count = 0;
    walk::schemas_mut(&mut work.doc, &mut |schema| {
        let structured = match schema.get("default") {
            Some(Value::Object(map)) => !map.is_empty(),
            Some(Value::Array(items)) => items.iter().any(|i| i.is_object() || i.is_array()),
            _ => false,
        };
        if structured {
            schema.remove("default");
            count += 1;
        }
    });
    count
}

/// `default` values that their own schema rejects (e.g. `default: null` on a non-nullable
/// integer, a default outside the enum, `""` for a `format: url` string) → dropped.
///
/// JSON Schema treats `default` as an annotation that need not validate, and upstream has
/// such defaults; typify validates every default against the generated type and fails the
/// whole generation ("value does not conform to the given schema"), and the generated client
/// sends the default of a field the caller left unset, so a default that breaks its format
/// made every `CreateMessagingProfile` without a webhook URL invalid. A default only documents
/// what the server assumes when the field is omitted; without it the generated field is
/// simply optional or required as declared, and the server still applies its own default.
pub fn nonconforming_defaults(work: &mut Work) -> usize {
    let mut rejected = Vec::new();
    walk::schemas(&work.doc, &mut |pointer, schema| {
        if let Some(default) = schema.get("default")
            && !conforms_map(&work.doc, schema, default, 0)
        {
            rejected.push(pointer.to_owned());
        }
    });
    for pointer in &rejected {
        if let Some(Value::Object(schema)) = work.doc.pointer_mut(pointer) {
            schema.remove("default");
        }
    }
    rejected.len()
}

/// `pattern`s that the `regress` engine cannot compile → dropped.
///
/// typify turns `pattern` into a `regress::Regex` built (and unwrapped) at run time, so an
/// ECMAScript-incompatible pattern would panic the first time the type is constructed. The
/// pattern only validates; without it the value is an unconstrained string, which the server
/// still validates.
pub fn invalid_patterns(work: &mut Work) -> usize {
    let mut count = 0;
    walk::schemas_mut(&mut work.doc, &mut |schema| {
        if let Some(Value::String(pattern)) = schema.get("pattern")
            && regress::Regex::new(pattern).is_err()
        {
            schema.remove("pattern");
            count += 1;
        }
    });
    count
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn colliding_enum_becomes_a_string_of_those_values() {
        let mut w = work(
            json!({"paths": {}, "components": {"schemas": {"E": {"type": "string", "enum": ["A", "a"]}}}}),
        );
        assert_eq!(enum_variant_collisions(&mut w), 1);
        assert_eq!(
            w.doc["components"]["schemas"]["E"],
            json!({"type": "string", "pattern": "^(A|a)$"})
        );
        assert_eq!(enum_variant_collisions(&mut w), 0);
    }

    #[test]
    fn values_are_escaped_and_an_own_pattern_is_kept() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {
            "Channel": {"type": "string", "enum": ["sms_mms", "sms-mms", "a.b"]},
            "Own": {"type": "string", "pattern": "^[a-z]+$", "enum": ["x_y", "x-y"]}}}}));
        assert_eq!(enum_variant_collisions(&mut w), 2);
        assert_eq!(
            w.doc["components"]["schemas"]["Channel"]["pattern"],
            json!("^(sms_mms|sms-mms|a\\.b)$")
        );
        assert_eq!(
            w.doc["components"]["schemas"]["Own"],
            json!({"type": "string", "pattern": "^[a-z]+$"})
        );
    }

    #[test]
    fn defaults_their_schema_rejects_are_dropped() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {"Message": {
        "type": "object", "properties": {
            "retries": {"type": "integer", "default": null},
            "channel": {"type": "string", "enum": ["sms", "mms"], "default": "rcs"},
            "webhook_failover_url": {"type": "string", "nullable": true, "default": null},
            "type": {"type": "string", "enum": ["sms", "mms"], "default": "sms"},
            "webhook_url": {"type": "string", "format": "url", "default": ""},
            "callback_url": {"type": "string", "format": "uri", "default": "https://example.com/x"},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$", "default": "usa"},
            "name": {"type": "string", "minLength": 1, "default": ""}
        }}}}}));
        assert_eq!(nonconforming_defaults(&mut w), 5);
        assert_eq!(
            w.doc["components"]["schemas"]["Message"]["properties"]["webhook_url"],
            json!({"type": "string", "format": "url"})
        );
        assert_eq!(
            w.doc["components"]["schemas"]["Message"]["properties"]["callback_url"]["default"],
            "https://example.com/x"
        );
        let props = &w.doc["components"]["schemas"]["Message"]["properties"];
        assert_eq!(props["retries"], json!({"type": "integer"}));
        assert_eq!(
            props["channel"],
            json!({"type": "string", "enum": ["sms", "mms"]})
        );
        assert_eq!(props["webhook_failover_url"]["default"], json!(null));
        assert_eq!(props["type"]["default"], "sms");
        assert_eq!(nonconforming_defaults(&mut w), 0);
    }

    #[test]
    fn patterns_regress_cannot_compile_are_dropped() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {"Number": {
        "type": "object", "properties": {
            "phone_number": {"type": "string", "pattern": "^\\+[1-9]\\d{1,14}$"},
            "country_code": {"type": "string", "pattern": "^[A-Z{2}$("}
        }}}}}));
        assert_eq!(invalid_patterns(&mut w), 1);
        let props = &w.doc["components"]["schemas"]["Number"]["properties"];
        assert_eq!(props["country_code"], json!({"type": "string"}));
        assert_eq!(props["phone_number"]["pattern"], "^\\+[1-9]\\d{1,14}$");
        assert_eq!(invalid_patterns(&mut w), 0);
    }
}

#[cfg(test)]
mod structured_default_tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn example_data_as_a_default_is_dropped_and_plain_defaults_stay() {
        let mut w = work(
            json!({"paths": {}, "components": {"schemas": {"Assistant": {
            "type": "object", "properties": {
                "tools": {"type": "array", "items": {"type": "object"},
                    "default": [{"type": "retrieval", "retrieval": {"bucket_ids": ["b"]}}]},
                "meta": {"type": "object", "default": {}},
                "names": {"type": "array", "items": {"type": "string"}, "default": ["a"]},
                "options": {"type": "object", "default": {"a": 1}}
            }}}}}),
        );
        assert_eq!(structured_defaults(&mut w), 2);
        let properties = &w.doc["components"]["schemas"]["Assistant"]["properties"];
        assert!(properties["tools"].get("default").is_none());
        assert!(properties["options"].get("default").is_none());
        assert_eq!(properties["meta"]["default"], json!({}));
        assert_eq!(properties["names"]["default"], json!(["a"]));
        assert_eq!(structured_defaults(&mut w), 0);
    }
}

#[cfg(test)]
mod self_containing_tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn a_required_cycle_loses_one_requirement() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {
            "Gcs": {"type": "object", "required": ["configuration", "bucket"], "properties": {
                "bucket": {"type": "string"},
                "configuration": {"$ref": "#/components/schemas/Gcs"}}},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"}
        }}}));
        assert_eq!(self_containing_schemas(&mut w), 2);
        let schemas = &w.doc["components"]["schemas"];
        assert_eq!(schemas["Gcs"]["required"], json!(["bucket"]));
        // The alias cycle has nothing to relax: one of its schemas goes.
        assert_eq!(
            usize::from(schemas.get("A").is_some()) + usize::from(schemas.get("B").is_some()),
            1
        );
        assert_eq!(self_containing_schemas(&mut w), 0);
    }
}
