//! The normalisation pipeline: upstream OpenAPI 3.1 → a 3.0 document progenitor generates from.
//!
//! [`normalise`] checks references, converts 3.1 to 3.0 ([`convert`]), applies the progenitor
//! fixups ([`fixups`]), removes upstream's prose ([`prose`]), applies our overlay
//! ([`overlay`]), assigns API families ([`families`]), selects tags, prunes unreferenced
//! components ([`prune`]) and checks that the result is a valid OpenAPI 3.0 document. It
//! returns the document and a [`Report`] with every fixup's count, every removed operation,
//! every overlay action and the operations per family.
//!
//! Everything before the tag selection runs on the whole document, so a partial sync names
//! types and operations exactly as the full one does.

pub mod convert;
pub mod cycles;
pub mod families;
pub mod fixups;
pub mod keywords;
pub mod names;
pub mod overlay;
pub mod prose;
pub mod prune;
pub mod quarantine;
mod report;
pub mod schema;
pub mod shape;
pub mod webhooks;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::text::quoted_list;
pub use fixups::RemovedOperation;
pub use prune::TagSelection;
pub use report::{FixupCount, Normalised, Report};
pub use shape::{openapi30_from_value, validate_openapi30};

/// A fixup on the whole document.
type DocFixup = (&'static str, fn(&mut Value) -> usize);
/// A fixup that may remove operations.
type WorkFixup = (&'static str, fn(&mut fixups::Work) -> usize);

/// `[(name, function), …]` with each name taken from its function's, so that a fixup is
/// written once and the lock's names are the functions' names.
macro_rules! named {
    ($($module:ident :: $name:ident),* $(,)?) => {
        [$((stringify!($name), $module::$name as _)),*]
    };
}

/// Repairs of upstream mistakes that would stop the whole document (a malformed reference,
/// a Swagger 2 habit, a path template its parameters disagree with), in order; they run first,
/// so that everything after reads a document whose references resolve.
const REPAIRS: [WorkFixup; 10] = named![
    fixups::document_info,
    fixups::boolean_required,
    fixups::body_parameters,
    fixups::misplaced_refs,
    fixups::schema_refs_as_objects,
    fixups::deep_refs,
    fixups::self_containing_schemas,
    fixups::dangling_refs,
    fixups::stray_path_params,
    fixups::undeclared_path_params,
];

/// OpenAPI 3.1 → 3.0 conversions, in order.
const CONVERSIONS: [DocFixup; 10] = named![
    convert::openapi_version,
    convert::type_arrays,
    convert::exclusive_bounds,
    convert::null_branches,
    convert::null_types,
    convert::nullable_refs,
    convert::const_defaults,
    convert::const_to_enum,
    convert::schema_examples,
    convert::drop_31_only_fields,
];

/// progenitor fixups, in order.
const FIXUPS: [WorkFixup; 25] = named![
    fixups::websocket_operations,
    fixups::foreign_servers,
    fixups::remove_unsendable_bodies,
    fixups::prefer_json_bodies,
    fixups::wildcard_media_types,
    fixups::json_media_shape,
    fixups::strip_server_prefix,
    fixups::operation_ids,
    fixups::reserved_operation_names,
    fixups::deep_object_params,
    fixups::form_object_params,
    fixups::parameter_shapes,
    fixups::parameter_name_collisions,
    fixups::default_responses,
    fixups::error_schemas,
    fixups::success_schemas,
    fixups::hoist_inline_errors,
    fixups::enum_variant_collisions,
    fixups::nonconforming_defaults,
    fixups::structured_defaults,
    fixups::invalid_patterns,
    fixups::component_name_collisions,
    fixups::inline_name_collisions,
    fixups::tag_name_collisions,
    local::nullable_refs_after_fixups,
];

/// [`convert::nullable_refs`] again, for references the fixups moved next to `nullable`.
pub(crate) fn nullable_refs_after_fixups(work: &mut fixups::Work) -> usize {
    convert::nullable_refs(&mut work.doc)
}

/// The functions of this module, for [`named`].
mod local {
    pub(crate) use super::nullable_refs_after_fixups;
}

/// Our additions to upstream: the overlay and the families (both optional, for tests and for
/// documents that are not Telnyx's).
#[derive(Debug, Clone, Copy, Default)]
pub struct Additions<'a> {
    /// The overlay and its file name (for messages).
    pub overlay: Option<(&'a overlay::Overlay, &'a str)>,
    /// The family assignment.
    pub families: Option<&'a families::Families>,
    /// Record overlay actions that match nothing instead of failing (older upstream versions).
    pub allow_unmatched_overlay: bool,
}

/// Converts and fixes `doc` (an OpenAPI 3.0 or 3.1 document read from `origin`), keeping the
/// operations selected by `tags`.
///
/// `progress` is called with a short message before each long step.
pub fn normalise(
    doc: Value,
    origin: &str,
    tags: &TagSelection,
    additions: &Additions<'_>,
    progress: &mut dyn FnMut(&str),
) -> Result<Normalised> {
    let mut report = Report {
        source_operations: crate::walk::operation_count(&doc),
        ..Report::default()
    };
    if let TagSelection::Only(wanted) = tags {
        let known = prune::tag_counts(&doc);
        let missing: Vec<&String> = wanted.iter().filter(|t| !known.contains_key(*t)).collect();
        if !missing.is_empty() {
            return Err(Error::Usage(format!(
                "{origin}: no operation has the tag(s) {}; known tags include {}",
                quoted_list(missing),
                quoted_list(known.keys().take(8))
            )));
        }
    }
    progress("repairing upstream mistakes");
    let mut work = fixups::Work::new(doc);
    for (name, fixup) in REPAIRS {
        report.record(name, fixup(&mut work));
    }
    progress("converting OpenAPI 3.1 to 3.0");
    for (name, fixup) in CONVERSIONS {
        report.record(name, fixup(&mut work.doc));
    }
    let keyword_report = keywords::convert_keywords(&mut work.doc);
    report.record("schema_keywords_31", keyword_report.converted);
    report.dropped_keywords = keyword_report.dropped;
    progress("applying progenitor fixups");
    for (name, fixup) in FIXUPS {
        report.record(name, fixup(&mut work));
    }
    progress("removing upstream prose");
    report.record("strip_prose", prose::strip_prose(&mut work.doc));
    if let Some((overlay, overlay_origin)) = additions.overlay {
        progress("applying the overlay");
        report.overlay = overlay.apply(
            &mut work.doc,
            overlay_origin,
            additions.allow_unmatched_overlay,
        )?;
    }
    progress("removing what is still not OpenAPI 3.0");
    let misfits = quarantine::misfits(&mut work, origin)
        .map_err(|e| e.map_pointer(|p| source_pointer(p, &work.moved)))?;
    report.record("misfits", misfits);
    let fixups::Work {
        mut doc,
        removed,
        moved,
        removed_parts,
    } = work;
    report.removed_parts = removed_parts
        .into_iter()
        .map(|mut part| {
            part.pointer = source_pointer(&part.pointer, &moved);
            part
        })
        .collect();
    report.removed = removed
        .into_iter()
        .map(|mut r| {
            r.pointer = source_pointer(&r.pointer, &moved);
            r
        })
        .collect();
    report.webhooks = webhooks::keep_webhooks(&mut doc, tags);
    if let Some(families) = additions.families {
        report.families = Some(families.assign(&mut doc));
    }
    progress("selecting tags");
    report.unselected_operations = prune::select_tags(&mut doc, tags);
    if let (Some(families), true) = (additions.families, report.unselected_operations > 0) {
        // Count what is kept, not what upstream has.
        report.families = Some(families.assign(&mut doc));
    }
    report.pruned_components += prune::prune_components(&mut doc);
    report.operations = crate::walk::operation_count(&doc);
    progress("validating the result");
    let (text, openapi) = prune::check_refs(&doc, origin)
        .and_then(|()| validate_openapi30(&doc, origin))
        .map_err(|e| e.map_pointer(|p| source_pointer(p, &moved)))?;
    Ok(Normalised {
        doc,
        text,
        openapi,
        report,
    })
}

/// Where the node at `pointer` (in the normalised document) was in the source, given the
/// fixups' moves: the longest moved prefix is replaced by the place it came from.
fn source_pointer(pointer: &str, moved: &[(String, String)]) -> String {
    moved
        .iter()
        .filter(|(now, _)| crate::pointer::is_within(pointer, now))
        .max_by_key(|(now, _)| now.len())
        .map_or_else(
            || pointer.to_owned(),
            |(now, then)| format!("{then}{}", &pointer[now.len()..]),
        )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::test_support::work;

    #[test]
    fn nullable_refs_after_fixups_wraps_a_nullable_ref_in_all_of() {
        let mut w = work(json!({"paths": {}, "components": {"schemas": {
            "Message": {"type": "object", "properties": {
                "cost": {"$ref": "#/components/schemas/Cost", "nullable": true}}},
            "Cost": {"type": "object"}
        }}}));
        assert_eq!(nullable_refs_after_fixups(&mut w), 1);
        assert_eq!(
            w.doc["components"]["schemas"]["Message"]["properties"]["cost"],
            json!({"allOf": [{"$ref": "#/components/schemas/Cost"}], "nullable": true})
        );
        assert_eq!(nullable_refs_after_fixups(&mut w), 0);
    }

    #[test]
    fn every_conversion_and_fixup_leaves_a_correct_30_document_alone() {
        let correct = json!({
            "openapi": "3.0.3",
            "info": {"title": "Telnyx API", "version": "2.0.0"},
            "servers": [{"url": "https://api.telnyx.com/v2"}],
            "paths": {"/messages/{id}": {"get": {
                "operationId": "GetMessage",
                "tags": ["Messages"],
                "parameters": [{"name": "id", "in": "path", "required": true,
                    "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Message"}}}}}
            }}},
            "components": {"schemas": {"Message": {"type": "object",
                "properties": {"id": {"type": "string"}}}}}
        });
        let mut doc = correct.clone();
        for (name, conversion) in CONVERSIONS {
            assert_eq!(conversion(&mut doc), 0, "conversion {name}");
        }
        let mut w = work(doc);
        for (name, fixup) in FIXUPS {
            assert_eq!(fixup(&mut w), 0, "fixup {name}");
        }
        assert_eq!(w.doc, correct);
        assert!(w.removed.is_empty());
        assert!(w.moved.is_empty());
    }
}
