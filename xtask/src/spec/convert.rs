//! OpenAPI 3.1 → 3.0 conversion.
//!
//! Telnyx publishes OpenAPI 3.1 (JSON Schema 2020-12 schemas); progenitor and the `openapiv3`
//! crate read OpenAPI 3.0 only. Each function here rewrites one 3.1 construct into its 3.0
//! equivalent and returns how many places it changed. The rewrites keep meaning: a client
//! generated from the result accepts and sends the same JSON as one generated from the original
//! would, had progenitor understood it.

use serde_json::{Map, Value, json};

use crate::walk;

/// `openapi: 3.1.x` → `3.0.3`.
///
/// Upstream declares 3.1.0; progenitor rejects anything but `3.0.x` ("invalid version"). Safe
/// because every 3.1-only construct in the document is rewritten by the other functions in
/// this module before the result is used.
pub fn openapi_version(doc: &mut Value) -> usize {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => 0,
        _ => {
            doc["openapi"] = json!("3.0.3");
            1
        }
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true` (also `[T]` → `T`).
///
/// JSON Schema 2020-12 spells "T or null" as a type array; OpenAPI 3.0 has one `type` plus
/// `nullable`. `openapiv3` fails to deserialize a type array. The 3.0 form denotes exactly the
/// same set of values. A type array with several non-null types (none upstream today) becomes
/// an `anyOf` of single-type schemas, again the same set of values.
pub fn type_arrays(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        let Some(Value::Array(types)) = schema.get("type") else {
            return;
        };
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        count += 1;
        match others.len() {
            0 => {
                // Only `null` is allowed: 3.0 has no null type; `enum: [null]` says the same.
                schema.remove("type");
                schema.insert("enum".into(), json!([null]));
                schema.insert("nullable".into(), json!(true));
            }
            1 => {
                schema.insert("type".into(), others[0].clone());
                if nullable {
                    schema.insert("nullable".into(), json!(true));
                }
            }
            _ => {
                schema.remove("type");
                let branches: Vec<Value> =
                    others.into_iter().map(|t| json!({ "type": t })).collect();
                schema.insert("anyOf".into(), Value::Array(branches));
                if nullable {
                    schema.insert("nullable".into(), json!(true));
                }
            }
        }
    });
    count
}

/// Numeric `exclusiveMinimum: x` / `exclusiveMaximum: x` → `minimum: x, exclusiveMinimum: true`.
///
/// In JSON Schema 2020-12 the exclusive bounds are numbers; in OpenAPI 3.0 they are booleans
/// that modify `minimum`/`maximum`, and `openapiv3` rejects a number there. When both an
/// inclusive and an exclusive bound are given, the stricter one is kept, which is the same
/// constraint.
pub fn exclusive_bounds(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        count += exclusive_bound(schema, "exclusiveMinimum", "minimum", |excl, incl| {
            excl >= incl
        });
        count += exclusive_bound(schema, "exclusiveMaximum", "maximum", |excl, incl| {
            excl <= incl
        });
    });
    count
}

/// Rewrites one numeric exclusive bound; `stricter(excl, incl)` says whether the exclusive
/// bound is at least as strict as an existing inclusive one.
fn exclusive_bound(
    schema: &mut Map<String, Value>,
    exclusive_key: &str,
    inclusive_key: &str,
    stricter: fn(f64, f64) -> bool,
) -> usize {
    let Some(Value::Number(bound)) = schema.get(exclusive_key).cloned() else {
        return 0;
    };
    let excl = bound.as_f64().unwrap_or(f64::NAN);
    let keep_exclusive = match schema.get(inclusive_key).and_then(Value::as_f64) {
        Some(incl) => stricter(excl, incl),
        None => true,
    };
    if keep_exclusive {
        schema.insert(inclusive_key.into(), Value::Number(bound));
        schema.insert(exclusive_key.into(), json!(true));
    } else {
        schema.remove(exclusive_key);
    }
    1
}

/// Whether `schema` admits only `null` (`type: "null"`, `type: ["null"]`, `const: null`,
/// `enum: [null]`).
fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    match map.get("type") {
        Some(Value::String(t)) => return t == "null",
        Some(Value::Array(ts)) => return !ts.is_empty() && ts.iter().all(|t| t == "null"),
        _ => {}
    }
    map.get("const").is_some_and(Value::is_null)
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.len() == 1 && values[0].is_null())
}

/// `anyOf`/`oneOf` branches of `type: "null"` → `nullable: true` on the parent.
///
/// 3.1 writes "X or null" as `anyOf: [X, {type: null}]`; 3.0 has no null type and `openapiv3`
/// rejects it. The null branch is removed and the parent marked `nullable`. When a single
/// branch remains it replaces the `anyOf`: an inline schema is merged into the parent, a
/// `$ref` is wrapped as `allOf: [$ref]` because 3.0 ignores `nullable` next to a `$ref`.
/// When no branch remains (only `null` is allowed) it becomes `enum: [null]`.
/// progenitor then generates `Option<X>`, which accepts the same JSON.
pub fn null_branches(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(branches)) = schema.get(key) else {
                continue;
            };
            if !branches.iter().any(is_null_schema) {
                continue;
            }
            count += 1;
            let remaining: Vec<Value> = branches
                .iter()
                .filter(|b| !is_null_schema(b))
                .cloned()
                .collect();
            schema.insert("nullable".into(), json!(true));
            if remaining.is_empty() {
                // Only `null` is allowed, as in [`type_arrays`]; an empty `anyOf` allows nothing.
                schema.remove(key);
                schema.insert("enum".into(), json!([null]));
            } else if remaining.len() == 1 {
                schema.remove(key);
                let single = remaining.into_iter().next().unwrap_or(Value::Null);
                match single {
                    Value::Object(branch) if branch.contains_key("$ref") => {
                        let all_of = schema.entry("allOf").or_insert_with(|| json!([]));
                        if let Value::Array(all_of) = all_of {
                            all_of.push(Value::Object(branch));
                        }
                    }
                    Value::Object(branch) => {
                        for (k, v) in branch {
                            schema.entry(k).or_insert(v);
                        }
                    }
                    _ => {}
                }
            } else {
                schema.insert(key.into(), Value::Array(remaining));
            }
        }
    });
    count
}

/// A schema of `type: "null"` (a property that is always null) → `enum: [null]`,
/// `nullable: true`.
///
/// 3.0 has no `null` type; `openapiv3` keeps the unknown type and progenitor panics on it
/// (`todo!("invalid type: null")`). `enum: [null]` admits exactly `null`, and progenitor maps
/// it to JSON null.
pub fn null_types(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        if schema.get("type") == Some(&json!("null")) {
            schema.remove("type");
            schema.insert("enum".into(), json!([null]));
            schema.insert("nullable".into(), json!(true));
            count += 1;
        }
    });
    count
}

/// `nullable: true` beside a `$ref` → `allOf: [$ref], nullable: true`.
///
/// In 3.0 a `$ref` object's siblings are ignored, so a nullable reference would silently
/// become non-nullable (and fail to deserialize `null`). Wrapping the reference in a one-item
/// `allOf` keeps the same type and lets `nullable` apply.
pub fn nullable_refs(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        if schema.contains_key("$ref")
            && schema.get("nullable") == Some(&json!(true))
            && let Some(reference) = schema.remove("$ref")
        {
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
            count += 1;
        }
    });
    count
}

/// A `default` equal to the only value the schema admits (its `const`, or the single value of
/// a one-value `enum`) → dropped.
///
/// The schema admits exactly one value, so the default carries no information; typify turns a
/// default into a `#[serde(default = …)]` attribute and a generated default function, which
/// would make a required constant silently optional when deserializing. Dropping it keeps the
/// constant required and generates less code.
pub fn const_defaults(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        let only = match (schema.get("const"), schema.get("enum")) {
            (Some(constant), _) => Some(constant),
            (None, Some(Value::Array(values))) if values.len() == 1 => values.first(),
            _ => None,
        };
        if let (Some(only), Some(default)) = (only, schema.get("default"))
            && only == default
        {
            schema.remove("default");
            count += 1;
        }
    });
    count
}

/// `const: v` → `enum: [v]`.
///
/// `const` is JSON Schema 2019+/OpenAPI 3.1; 3.0 only has `enum`. A one-value enum admits the
/// same single value; typify generates a one-variant enum for it.
pub fn const_to_enum(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        if let Some(constant) = schema.remove("const") {
            if constant.is_null() {
                schema.insert("nullable".into(), json!(true));
            }
            schema.insert("enum".into(), json!([constant]));
            count += 1;
        }
    });
    count
}

/// Schema `examples: [a, …]` → `example: a`.
///
/// 3.1 schemas carry an `examples` array; 3.0 schemas have a single `example`. Examples are
/// documentation only; the first one is kept.
pub fn schema_examples(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::schemas_mut(doc, &mut |schema| {
        if let Some(Value::Array(examples)) = schema.get("examples") {
            let first = examples.first().cloned();
            schema.remove("examples");
            if let Some(first) = first {
                schema.entry("example").or_insert(first);
            }
            count += 1;
        }
    });
    count
}

/// 3.1-only top-level and info fields (`jsonSchemaDialect`, `components.pathItems`,
/// `info.summary`, `info.license.identifier`) → dropped.
///
/// They have no 3.0 equivalent and carry no information a client needs.
pub fn drop_31_only_fields(doc: &mut Value) -> usize {
    let mut count = 0;
    if let Some(root) = doc.as_object_mut() {
        count += usize::from(root.remove("jsonSchemaDialect").is_some());
        if let Some(Value::Object(components)) = root.get_mut("components") {
            count += usize::from(components.remove("pathItems").is_some());
        }
        if let Some(Value::Object(info)) = root.get_mut("info") {
            count += usize::from(info.remove("summary").is_some());
            if let Some(Value::Object(license)) = info.get_mut("license") {
                count += usize::from(license.remove("identifier").is_some());
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": schema}}})
    }

    #[test]
    fn type_array_becomes_nullable() {
        let mut d = doc(json!({"type": ["string", "null"]}));
        assert_eq!(type_arrays(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn null_branch_with_ref_is_wrapped() {
        let mut d = doc(
            json!({"properties": {"p": {"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}}}),
        );
        assert_eq!(null_branches(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"]["properties"]["p"],
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
    }

    #[test]
    fn null_branch_with_inline_schema_is_merged_and_null_only_becomes_enum_of_null() {
        let mut d = doc(json!({"properties": {
            "text": {"description": "Body.", "oneOf": [{"type": "string"}, {"type": "null"}]},
            "cost": {"anyOf": [{"type": "null"}]}
        }}));
        assert_eq!(null_branches(&mut d), 2);
        let props = &d["components"]["schemas"]["S"]["properties"];
        assert_eq!(
            props["text"],
            json!({"description": "Body.", "type": "string", "nullable": true})
        );
        assert_eq!(props["cost"], json!({"enum": [null], "nullable": true}));
        assert_eq!(null_branches(&mut d), 0);
    }

    #[test]
    fn exclusive_minimum_becomes_boolean() {
        let mut d = doc(json!({"type": "number", "exclusiveMinimum": 0}));
        assert_eq!(exclusive_bounds(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn const_and_default() {
        let mut d = doc(json!({"type": "string", "const": "a", "default": "a"}));
        assert_eq!(const_defaults(&mut d), 1);
        assert_eq!(const_to_enum(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["a"]})
        );
    }

    #[test]
    fn openapi_31_is_declared_as_303_once() {
        let mut d = doc(json!({"type": "string"}));
        assert_eq!(openapi_version(&mut d), 1);
        assert_eq!(d["openapi"], "3.0.3");
        assert_eq!(openapi_version(&mut d), 0);
    }

    #[test]
    fn null_type_becomes_nullable_enum_of_null() {
        let mut d = doc(json!({"properties": {"deleted_at": {"type": "null"}}}));
        assert_eq!(null_types(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"]["properties"]["deleted_at"],
            json!({"enum": [null], "nullable": true})
        );
        assert_eq!(null_types(&mut d), 0);
    }

    #[test]
    fn nullable_ref_is_wrapped_in_all_of() {
        let mut d = doc(
            json!({"properties": {"cost": {"$ref": "#/components/schemas/T", "nullable": true}}}),
        );
        assert_eq!(nullable_refs(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"]["properties"]["cost"],
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        assert_eq!(nullable_refs(&mut d), 0);
    }

    #[test]
    fn default_equal_to_a_one_value_enum_is_dropped() {
        let mut d = doc(json!({"type": "string", "enum": ["message"], "default": "message"}));
        assert_eq!(const_defaults(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["message"]})
        );
        assert_eq!(const_defaults(&mut d), 0);
    }

    #[test]
    fn null_const_becomes_nullable_enum_of_null() {
        let mut d = doc(json!({"const": null}));
        assert_eq!(const_to_enum(&mut d), 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"enum": [null], "nullable": true})
        );
        assert_eq!(const_to_enum(&mut d), 0);
    }

    #[test]
    fn schema_examples_keep_the_first_as_example() {
        let mut d = doc(json!({"type": "object", "properties": {
            "to": {"type": "string", "examples": ["+13125550001", "+13125550002"]},
            "from": {"type": "string", "example": "+13125550100", "examples": ["+13125550199"]}
        }}));
        assert_eq!(schema_examples(&mut d), 2);
        let props = &d["components"]["schemas"]["S"]["properties"];
        assert_eq!(
            props["to"],
            json!({"type": "string", "example": "+13125550001"})
        );
        assert_eq!(
            props["from"],
            json!({"type": "string", "example": "+13125550100"})
        );
        assert_eq!(schema_examples(&mut d), 0);
    }

    #[test]
    fn fields_only_31_has_are_dropped() {
        let mut d = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "Telnyx API", "version": "2.0.0", "summary": "Telnyx",
                "license": {"name": "MIT", "identifier": "MIT"}},
            "paths": {},
            "components": {"schemas": {}, "pathItems": {"Ping": {}}}
        });
        assert_eq!(drop_31_only_fields(&mut d), 4);
        assert_eq!(
            d,
            json!({
                "openapi": "3.1.0",
                "info": {"title": "Telnyx API", "version": "2.0.0", "license": {"name": "MIT"}},
                "paths": {},
                "components": {"schemas": {}}
            })
        );
        assert_eq!(drop_31_only_fields(&mut d), 0);
    }
}
