//! Fixups of schemas: enum values, defaults and patterns that typify cannot take as they are.

use serde_json::{Value, json};

use super::*;
use crate::spec::schema::conforms_map;
use crate::walk;

/// String enums whose Rust variant names collide → plain strings.
///
/// typify derives variant names from the values; when two values map to the same name even
/// after its second attempt (e.g. `"A"`/`"a"`, or `"x_y"`/`"x-y"`), it panics ("Failed to
/// make unique variant names"). Dropping `enum` makes the field a `String`, which accepts
/// every value the enum allowed; the allowed values stay listed in the description.
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
        let listed = strings
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        schema.remove("enum");
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\nAllowed values: {listed}."),
            None => format!("Allowed values: {listed}."),
        };
        schema.insert("description".into(), json!(description));
        count += 1;
    });
    count
}

/// `default` values that their own schema rejects (e.g. `default: null` on a non-nullable
/// integer, a default outside the enum) → dropped.
///
/// JSON Schema treats `default` as an annotation that need not validate, and upstream has
/// such defaults; typify validates every default against the generated type and fails the
/// whole generation ("value does not conform to the given schema"). A default only documents
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
