//! The last resort: what the repairs did not make valid OpenAPI 3.0 is removed, one operation
//! or one component at a time, with the reader's own message as the reason.
//!
//! Every mistake upstream has published so far has a repair in [`super::fixups`]; a new kind
//! of mistake must not stop the whole document either. A mistake inside one operation removes
//! that operation; inside one component, the component (and then, by
//! [`fixups::dangling_refs`], what cannot do without it). Only a mistake outside both (`info`,
//! `servers`, the document's root) refuses the document.

use serde_json::Value;

use super::families::Families;
use super::fixups::{self, Work};
use super::prune::{check_refs, prune_components};
use super::report::Normalised;
use super::shape::{openapi30_from_value, validate_openapi30};
use crate::error::{Error, Result};
use crate::pointer;
use crate::walk::METHODS;

/// At most this many removals; a document needing more is refused with the last error.
const MAX_ROUNDS: usize = 256;

/// Removes what does not read as OpenAPI 3.0 until the document does; returns how many
/// operations and components were removed. `origin` names the document in errors.
pub fn misfits(work: &mut Work, origin: &str) -> Result<usize> {
    let mut count = 0;
    for _ in 0..MAX_ROUNDS {
        let error = match openapi30_from_value(&work.doc, origin) {
            Ok(_) => return Ok(count),
            Err(error) => error,
        };
        let Error::OpenApiShape {
            pointer: at,
            message,
            ..
        } = &error
        else {
            return Err(error);
        };
        let reason = format!("not valid OpenAPI 3.0 at {at}: {message}");
        if !remove_holder(work, at, &reason) {
            return Err(error);
        }
        count += 1;
    }
    openapi30_from_value(&work.doc, origin).map(|_| count)
}

/// Removes the operation, path item, component or webhook that holds `at`, recording why;
/// whether there was one.
pub fn remove_holder(work: &mut Work, at: &str, reason: &str) -> bool {
    let tokens = pointer::tokens(at);
    match tokens.as_slice() {
        [first, path, method, ..] if first == "paths" && METHODS.contains(&method.as_str()) => {
            fixups::remove_operation(work, path, method, reason, at)
        }
        [first, path, ..] if first == "paths" => fixups::remove_path_item(work, path, reason, at),
        [first, kind, name, ..] if first == "components" => {
            remove_node(work, &["components", kind, name], reason)
        }
        [first, name, ..] if first == "webhooks" => remove_node(work, &["webhooks", name], reason),
        // Document metadata the client does not use: a malformed entry goes, not the document.
        [first, index, ..] if matches!(first.as_str(), "tags" | "security" | "servers") => {
            remove_list_entry(work, first, index, reason)
        }
        [first, ..] if first == "externalDocs" => remove_node(work, &["externalDocs"], reason),
        _ => false,
    }
}

/// Removes entry `index` of the top-level list `list`, recording why; whether it was there.
fn remove_list_entry(work: &mut Work, list: &str, index: &str, reason: &str) -> bool {
    let at = pointer::push("", list);
    let removed = match (work.doc.pointer_mut(&at), index.parse::<usize>()) {
        (Some(Value::Array(items)), Ok(i)) if i < items.len() => {
            items.remove(i);
            true
        }
        _ => false,
    };
    if removed {
        work.removed_parts.push(fixups::RemovedPart {
            pointer: pointer::push(&at, index),
            reason: reason.to_owned(),
        });
    }
    removed
}

/// Removes the node at `tokens` and whatever then refers to nothing; whether it was there.
fn remove_node(work: &mut Work, tokens: &[&str], reason: &str) -> bool {
    let at = pointer::join(tokens);
    let removed = pointer::remove_entry(&mut work.doc, &at).is_some();
    if removed {
        work.removed_parts.push(fixups::RemovedPart {
            pointer: at,
            reason: reason.to_owned(),
        });
        fixups::dangling_refs(work);
    }
    removed
}

/// What [`generation_failure`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerationRepair {
    /// A value the generator rejects (a `default`, `enum`, `const` or `$ref`) was removed.
    Value(String),
    /// Operations were removed (recorded in the report's `removed`).
    Operations(usize),
}

/// Handles one failure of the generator on `normalised`: removes the value it names, else the
/// operation, else the component schema (with what needs it), then finishes the document again
/// (pruning, family counts, validation). `None` when the failure names nothing to remove.
pub fn generation_failure(
    normalised: &mut Normalised,
    error: &telnyx_codegen::CodegenError,
    families: Option<&Families>,
    origin: &str,
) -> Result<Option<GenerationRepair>> {
    if let telnyx_codegen::CodegenError::Document {
        json_path, message, ..
    } = error
    {
        return remove_named_operation(normalised, json_path, message, families, origin);
    }
    let telnyx_codegen::CodegenError::Unsupported {
        operation,
        schema,
        pointer: value,
        message,
        ..
    } = error
    else {
        return Ok(None);
    };
    let reason = format!("the generator cannot generate it: {message}");
    let mut work = Work::new(std::mem::take(&mut normalised.doc));
    let repair = if let Some(value) = value.as_deref().filter(|v| work.doc.pointer(v).is_some()) {
        if pointer::remove_entry(&mut work.doc, value).is_some() {
            work.removed_parts.push(fixups::RemovedPart {
                pointer: value.to_owned(),
                reason: reason.clone(),
            });
        }
        Some(GenerationRepair::Value(value.to_owned()))
    } else if let Some(operation) = operation {
        let at = pointer::push(
            &pointer::push("/paths", &operation.path),
            &operation.method.to_ascii_lowercase(),
        );
        remove_holder(&mut work, &at, &reason).then_some(GenerationRepair::Operations(1))
    } else if let Some(schema) = schema {
        let at = pointer::push("/components/schemas", schema);
        let removed = remove_holder(&mut work, &at, &reason);
        removed.then_some(GenerationRepair::Operations(work.removed.len()))
    } else {
        None
    };
    finish(normalised, work, families, origin)?;
    Ok(repair)
}

/// The generator's reader refused the operation its dotted `json_path` (`paths./rooms.get.…`)
/// names: that operation is removed. `None` when the path names no operation.
fn remove_named_operation(
    normalised: &mut Normalised,
    json_path: &str,
    message: &str,
    families: Option<&Families>,
    origin: &str,
) -> Result<Option<GenerationRepair>> {
    let Some(rest) = json_path.strip_prefix("paths.") else {
        return Ok(None);
    };
    // Paths may hold dots (`/.well-known/…`): the longest path that prefixes the rest wins.
    let Some((path, method)) = normalised
        .doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.keys())
        .filter_map(|path| {
            let after = rest.strip_prefix(path.as_str())?.strip_prefix('.')?;
            let method = after.split('.').next()?;
            METHODS
                .contains(&method)
                .then(|| (path.clone(), method.to_owned()))
        })
        .max_by_key(|(path, _)| path.len())
    else {
        return Ok(None);
    };
    let at = pointer::push(&pointer::push("/paths", &path), &method);
    let mut work = Work::new(std::mem::take(&mut normalised.doc));
    let reason = format!("the generator cannot read it: {message}");
    let removed = fixups::remove_operation(&mut work, &path, &method, &reason, &at);
    finish(normalised, work, families, origin)?;
    Ok(removed.then_some(GenerationRepair::Operations(1)))
}

/// Puts `work`'s document back into `normalised` and finishes it again: removals recorded,
/// families counted, unused components pruned, the text and typed document rebuilt.
fn finish(
    normalised: &mut Normalised,
    work: Work,
    families: Option<&Families>,
    origin: &str,
) -> Result<()> {
    let Work {
        mut doc,
        removed,
        removed_parts,
        ..
    } = work;
    let report = &mut normalised.report;
    report.removed.extend(removed);
    report.removed_parts.extend(removed_parts);
    if let Some(families) = families {
        report.families = Some(families.assign(&mut doc));
    }
    report.pruned_components += prune_components(&mut doc);
    report.operations = crate::walk::operation_count(&doc);
    let (text, openapi) =
        check_refs(&doc, origin).and_then(|()| validate_openapi30(&doc, origin))?;
    normalised.doc = doc;
    normalised.text = text;
    normalised.openapi = openapi;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": paths, "components": {"schemas": schemas}})
    }

    fn ok() -> Value {
        json!({"responses": {"200": {"description": "ok"}}})
    }

    #[test]
    fn a_bad_operation_goes_and_the_rest_stays() {
        let mut work = Work::new(doc(
            json!({"/a": {"get": {"parameters": [{"name": "x", "in": "query", "style": 17,
                "schema": {"type": "string"}}], "responses": {}}, "post": ok()}}),
            json!({}),
        ));
        assert_eq!(misfits(&mut work, "t.json").unwrap(), 1);
        assert!(work.doc["paths"]["/a"].get("get").is_none());
        assert!(work.doc["paths"]["/a"].get("post").is_some());
        assert_eq!(work.removed.len(), 1);
        assert_eq!(work.removed[0].pointer, "/paths/~1a/get/parameters/0");
        assert!(
            work.removed[0]
                .reason
                .starts_with("not valid OpenAPI 3.0 at /paths/~1a/get"),
            "{}",
            work.removed[0].reason
        );
    }

    #[test]
    fn a_bad_component_takes_its_users_with_it() {
        let user = json!({"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Bad"}}}}}});
        let mut work = Work::new(doc(
            json!({"/a": {"get": user}, "/b": {"get": ok()}}),
            json!({"Bad": {"type": "object", "minProperties": "many"}}),
        ));
        assert_eq!(misfits(&mut work, "t.json").unwrap(), 1);
        assert!(work.doc["components"]["schemas"].get("Bad").is_none());
        assert!(work.doc["paths"].get("/a").is_none());
        assert!(work.doc["paths"].get("/b").is_some());
        assert_eq!(work.removed.len(), 1);
        assert!(
            work.removed[0]
                .reason
                .contains("names what was removed: not valid OpenAPI 3.0"),
            "{}",
            work.removed[0].reason
        );
    }

    #[test]
    fn a_malformed_tag_goes_and_the_document_stays() {
        let mut work = Work::new(json!({"openapi": "3.0.3", "info": {"title": "t",
            "version": "1"}, "tags": [{"name": "Rooms"}, {"description": "no name"}],
            "paths": {"/a": {"get": ok()}}}));
        assert_eq!(misfits(&mut work, "t.json").unwrap(), 1);
        assert_eq!(work.doc["tags"], json!([{"name": "Rooms"}]));
        assert_eq!(work.removed_parts.len(), 1);
        assert_eq!(work.removed_parts[0].pointer, "/tags/1");
        assert!(work.removed.is_empty());
    }

    #[test]
    fn a_bad_document_root_is_refused() {
        let mut work = Work::new(json!({"openapi": "3.0.3", "info": 7, "paths": {}}));
        assert!(misfits(&mut work, "t.json").is_err());
    }
}
