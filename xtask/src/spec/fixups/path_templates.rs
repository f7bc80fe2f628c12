//! Path templates and path parameters that disagree: a `{name}` no parameter declares, and a
//! path parameter the template does not contain.
//!
//! progenitor panics on both ("missing path name mapping", "… missing from path"), which
//! stopped the whole document for one operation.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::shared::with_components;
use super::work::Work;
use crate::spec::schema::resolve;
use crate::walk::METHODS;

/// The `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// The names of the path parameters in a parameter list (references resolved).
fn path_parameter_names(snapshot: &Value, list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| resolve(snapshot, p))
                .filter(|p| p.get("in") == Some(&json!("path")))
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Path parameters the template does not contain → renamed to the one template name nothing
/// declares, when there is exactly one of each; otherwise optional query parameters (or
/// dropped, when a query parameter of that name exists).
///
/// Upstream has declared `id` for `/rooms/{room_id}` (one value under two names: the
/// parameter exists to fill that slot, so it takes the slot's name) and `filter[spid]` as a
/// path parameter of `/portouts` (a query filter, like the operation's other `filter[…]`
/// parameters: the path is the one place the API cannot read it from, and query is where
/// Telnyx reads every other such value; it becomes optional because `required: true` was only
/// there because path parameters must say so).
pub fn stray_path_params(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        let Some(Value::Object(paths)) = doc.get_mut("paths") else {
            return 0;
        };
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let template: BTreeSet<String> = template_names(path).into_iter().collect();
            let shared = path_parameter_names(snapshot, item.get("parameters"));
            for (method, operation) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(Value::Array(list)) = operation.get_mut("parameters") else {
                    continue;
                };
                let own = path_parameter_names(snapshot, Some(&Value::Array(list.clone())));
                let declared: BTreeSet<&String> = own.iter().chain(&shared).collect();
                let undeclared: Vec<&String> =
                    template.iter().filter(|n| !declared.contains(n)).collect();
                let stray: Vec<&String> = own.iter().filter(|n| !template.contains(*n)).collect();
                let rename = match (undeclared.as_slice(), stray.as_slice()) {
                    ([slot], [only]) => Some(((*only).clone(), (*slot).clone())),
                    _ => None,
                };
                count += fix_list(snapshot, list, &template, rename.as_ref());
            }
            if let Some(Value::Array(list)) = item.get_mut("parameters") {
                count += fix_list(snapshot, list, &template, None);
            }
        }
        count
    })
}

/// Renames or moves the path parameters of `list` that `template` does not contain.
fn fix_list(
    snapshot: &Value,
    list: &mut Vec<Value>,
    template: &BTreeSet<String>,
    rename: Option<&(String, String)>,
) -> usize {
    let queries: BTreeSet<String> = list
        .iter()
        .map(|p| resolve(snapshot, p))
        .filter(|p| p.get("in") == Some(&json!("query")))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let mut count = 0;
    list.retain_mut(|param| {
        let resolved = resolve(snapshot, param);
        let Some(name) = resolved.get("name").and_then(Value::as_str) else {
            return true;
        };
        if resolved.get("in") != Some(&json!("path")) || template.contains(name) {
            return true;
        }
        count += 1;
        let mut fixed = resolved.as_object().cloned().unwrap_or_default();
        match rename {
            Some((from, to)) if from == name => {
                fixed.insert("name".into(), json!(to));
            }
            _ if queries.contains(name) => return false,
            _ => {
                fixed.insert("in".into(), json!("query"));
                fixed.insert("required".into(), json!(false));
            }
        }
        *param = Value::Object(fixed);
        true
    });
    count
}

/// Template names no parameter declares → a required string path parameter each.
///
/// Upstream has published `/rooms/{room_id}` operations with no `room_id` parameter. The
/// template says the value is a path segment; without a declared type, a string is what every
/// path segment is.
pub fn undeclared_path_params(work: &mut Work) -> usize {
    with_components(&mut work.doc, |snapshot, doc| {
        let mut count = 0;
        let Some(Value::Object(paths)) = doc.get_mut("paths") else {
            return 0;
        };
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let template = template_names(path);
            let shared = path_parameter_names(snapshot, item.get("parameters"));
            for (method, operation) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Value::Object(operation) = operation else {
                    continue;
                };
                let own = path_parameter_names(snapshot, operation.get("parameters"));
                let missing: Vec<&String> = template
                    .iter()
                    .filter(|n| !own.contains(n) && !shared.contains(n))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let list = operation
                    .entry("parameters")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if !list.is_array() {
                    *list = Value::Array(Vec::new());
                }
                if let Value::Array(list) = list {
                    for name in missing {
                        list.push(json!({"name": name, "in": "path", "required": true,
                            "schema": {"type": "string"}}));
                        count += 1;
                    }
                }
            }
        }
        count
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    fn path(name: &str) -> Value {
        json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
    }

    #[test]
    fn a_stray_filter_becomes_an_optional_query_parameter() {
        let mut w = work(json!({"paths": {"/portouts": {"get": {"parameters": [
            path("filter[spid]"),
            path("filter[status]"),
            {"name": "filter[status]", "in": "query", "schema": {"type": "string"}}
        ]}}}}));
        assert_eq!(stray_path_params(&mut w), 2);
        assert_eq!(
            w.doc["paths"]["/portouts"]["get"]["parameters"],
            json!([
                {"name": "filter[spid]", "in": "query", "required": false,
                 "schema": {"type": "string"}},
                {"name": "filter[status]", "in": "query", "schema": {"type": "string"}}
            ])
        );
        assert_eq!(stray_path_params(&mut w), 0);
    }

    #[test]
    fn one_stray_and_one_undeclared_name_are_the_same_parameter() {
        let mut w = work(
            json!({"paths": {"/rooms/{room_id}": {"delete": {"parameters": [
            path("id")]}}}}),
        );
        assert_eq!(stray_path_params(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/rooms/{room_id}"]["delete"]["parameters"],
            json!([path("room_id")])
        );
        assert_eq!(undeclared_path_params(&mut w), 0);
    }

    #[test]
    fn an_undeclared_template_name_gets_a_string_parameter() {
        let mut w = work(json!({"paths": {"/a/{x}/b/{y}": {
            "parameters": [path("x")],
            "get": {"responses": {}}}}}));
        assert_eq!(undeclared_path_params(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/a/{x}/b/{y}"]["get"]["parameters"],
            json!([path("y")])
        );
        assert_eq!(undeclared_path_params(&mut w), 0);
    }
}
