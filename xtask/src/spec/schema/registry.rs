//! The names typify gives inline schemas, and which structure holds each name.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::structure::stripped_map;
use crate::spec::names::{Case, progenitor_ident};

/// Whether typify generates a named type (struct, enum or constrained newtype) for `schema`.
pub(crate) fn makes_named_type(schema: &Map<String, Value>) -> bool {
    if schema.contains_key("$ref") {
        return false;
    }
    let has = |k: &str| schema.contains_key(k);
    let non_empty = |k: &str| {
        schema.get(k).is_some_and(|v| {
            v.as_object().is_some_and(|o| !o.is_empty())
                || v.as_array().is_some_and(|a| !a.is_empty())
        })
    };
    non_empty("properties")
        || non_empty("enum")
        || non_empty("oneOf")
        || non_empty("anyOf")
        || (non_empty("allOf")
            && schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() > 1))
        || (schema.get("type") == Some(&json!("string"))
            && (has("pattern") || has("minLength") || has("maxLength")))
}

/// Registry of generated type names and the structure each stands for.
#[derive(Debug, Default)]
pub(crate) struct NameRegistry {
    taken: BTreeMap<String, Value>,
    renamed: usize,
}

impl NameRegistry {
    /// How many inline schemas were given a new `title` so far.
    pub(crate) fn renamed(&self) -> usize {
        self.renamed
    }

    /// Claims `name` for `fingerprint`; returns `false` when a different structure has it.
    pub(crate) fn claim(&mut self, name: &str, fingerprint: &Value) -> bool {
        match self.taken.get(name) {
            Some(existing) => existing == fingerprint,
            None => {
                self.taken.insert(name.to_owned(), fingerprint.clone());
                true
            }
        }
    }

    /// Walks an inline schema that typify will name `suggested` (unless it has a title),
    /// retitling it when its name is taken by a different structure, then its children.
    pub(crate) fn inline(&mut self, schema: &mut Value, suggested: &str) {
        let Value::Object(map) = schema else { return };
        if map.contains_key("$ref") {
            return;
        }
        let mut name = suggested.to_owned();
        if makes_named_type(map) {
            let title = map
                .get("title")
                .and_then(Value::as_str)
                .map(|t| progenitor_ident(t, Case::Pascal));
            name = title.unwrap_or_else(|| suggested.to_owned());
            let fingerprint = stripped_map(map);
            if !self.claim(&name, &fingerprint) {
                let base = progenitor_ident(&format!("{suggested}-inline"), Case::Pascal);
                let mut candidate = base.clone();
                let mut n = 2;
                while !self.claim(&candidate, &fingerprint) {
                    candidate = format!("{base}{n}");
                    n += 1;
                }
                map.insert("title".into(), json!(candidate));
                name = candidate;
                self.renamed += 1;
            }
        }
        self.children(map, &name);
    }

    /// Visits the property, item and map-value subschemas of `map`, named as typify would.
    pub(crate) fn children(&mut self, map: &mut Map<String, Value>, name: &str) {
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (prop, child) in props.iter_mut() {
                let suggested = progenitor_ident(
                    &format!("{name}_{}", heck::ToSnakeCase::to_snake_case(prop.as_str())),
                    Case::Pascal,
                );
                self.inline(child, &suggested);
            }
        }
        if let Some(items) = map.get_mut("items") {
            self.inline(items, &format!("{name}Item"));
        }
        if let Some(value) = map.get_mut("additionalProperties") {
            self.inline(value, &format!("{name}Value"));
        }
    }
}
