//! Fixups of operation names: `operationId`s that are missing, duplicated, or would become a
//! Rust name the generated code already uses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::work::Work;
use crate::spec::names::{Case, progenitor_ident};
use crate::walk;

/// Missing, duplicate, and case-insensitively equal `operationId`s → made unique.
///
/// progenitor requires an id on every operation and rejects duplicates ("duplicate operation
/// ID"); ids that differ only in case (`getMdrUsageReports`/`GetMdrUsageReports`) become the
/// same Rust method and builder names and fail to compile. Within a group of clashing ids the
/// operation whose path is best described by the id keeps it; the others get the first path
/// segment their id does not already mention (`ListPhoneNumbers` on `/whatsapp/phone_numbers`
/// → `ListPhoneNumbersWhatsapp`). Only the Rust names change; requests are identical.
pub fn operation_ids(work: &mut Work) -> usize {
    struct Entry {
        path: String,
        method: String,
        id: String,
    }
    let mut entries = Vec::new();
    let mut count = 0;
    walk::operations_mut(&mut work.doc, &mut |_, path, method, op| {
        let id = match op.get("operationId").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => {
                let generated = progenitor_ident(&format!("{method} {path}"), Case::Snake);
                op.insert("operationId".into(), json!(generated));
                count += 1;
                generated
            }
        };
        entries.push(Entry {
            path: path.to_owned(),
            method: method.to_owned(),
            id,
        });
    });
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        groups
            .entry(progenitor_ident(&entry.id, Case::Snake))
            .or_default()
            .push(i);
        taken.insert(progenitor_ident(&entry.id, Case::Snake));
    }
    let mut renames: BTreeMap<(String, String), String> = BTreeMap::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let mut ranked: Vec<(usize, Vec<String>)> = members
            .iter()
            .map(|&i| (i, unmentioned_segments(&entries[i].path, &entries[i].id)))
            .collect();
        ranked.sort_by(|a, b| {
            (a.1.len(), &entries[a.0].path, &entries[a.0].method).cmp(&(
                b.1.len(),
                &entries[b.0].path,
                &entries[b.0].method,
            ))
        });
        for (i, segments) in ranked.into_iter().skip(1) {
            let entry = &entries[i];
            let mut candidates: Vec<String> = segments
                .iter()
                .map(|s| format!("{}{}", entry.id, progenitor_ident(s, Case::Pascal)))
                .collect();
            candidates.push(format!(
                "{}{}",
                entry.id,
                progenitor_ident(&entry.method, Case::Pascal)
            ));
            let mut chosen = None;
            for candidate in candidates {
                if taken.insert(progenitor_ident(&candidate, Case::Snake)) {
                    chosen = Some(candidate);
                    break;
                }
            }
            let chosen = chosen.unwrap_or_else(|| {
                let mut n = 2;
                loop {
                    let candidate = format!("{}{n}", entry.id);
                    if taken.insert(progenitor_ident(&candidate, Case::Snake)) {
                        break candidate;
                    }
                    n += 1;
                }
            });
            renames.insert((entry.path.clone(), entry.method.clone()), chosen);
        }
    }
    walk::operations_mut(&mut work.doc, &mut |_, path, method, op| {
        if let Some(new) = renames.get(&(path.to_owned(), method.to_owned())) {
            op.insert("operationId".into(), json!(new));
            count += 1;
        }
    });
    count
}

/// `operationId`s whose request builder would shadow a name the generated `builder` module
/// uses (`send` → `builder::Send`, `error` → `builder::Error`) → the HTTP method appended
/// (`sendPost`), or a number when that is taken too.
///
/// Upstream is free to name an operation `send`; the generator refuses it rather than emit
/// code that does not compile or shadows a trait (see `telnyx_codegen::operation_names`).
pub fn reserved_operation_names(work: &mut Work) -> usize {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    walk::operations(&work.doc, &mut |_, _, op| {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            taken.insert(progenitor_ident(id, Case::Snake));
        }
    });
    let mut count = 0;
    walk::operations_mut(&mut work.doc, &mut |_, _, method, op| {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return;
        };
        if telnyx_codegen::operation_names::reserved_builder_name(id).is_none() {
            return;
        }
        let mut candidates = vec![format!("{id}{}", progenitor_ident(method, Case::Pascal))];
        candidates.extend((2..).map(|n| format!("{id}{n}")).take(1000));
        if let Some(new) = candidates.into_iter().find(|c| {
            telnyx_codegen::operation_names::reserved_builder_name(c).is_none()
                && taken.insert(progenitor_ident(c, Case::Snake))
        }) {
            op.insert("operationId".into(), json!(new));
            count += 1;
        }
    });
    count
}

/// Static path segments (not `{params}`) that the snake-cased `id` does not contain.
pub(super) fn unmentioned_segments(path: &str, id: &str) -> Vec<String> {
    let id = progenitor_ident(id, Case::Snake);
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .filter(|s| !id.contains(&progenitor_ident(s, Case::Snake)))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::fixups::work::test_support::work;

    #[test]
    fn duplicate_ids_get_path_segment() {
        let mut w = work(json!({"paths": {
            "/phone_numbers": {"get": {"operationId": "ListPhoneNumbers", "responses": {}}},
            "/whatsapp/phone_numbers": {"get": {"operationId": "ListPhoneNumbers", "responses": {}}}
        }}));
        assert_eq!(operation_ids(&mut w), 1);
        assert_eq!(
            w.doc["paths"]["/whatsapp/phone_numbers"]["get"]["operationId"],
            "ListPhoneNumbersWhatsapp"
        );
    }

    #[test]
    fn missing_ids_are_generated_and_ids_equal_up_to_case_made_unique() {
        let mut w = work(json!({"paths": {
            "/messages": {"get": {"responses": {}}},
            "/reports/mdr_usage": {"get": {"operationId": "getMdrUsageReports", "responses": {}}},
            "/legacy/reports/mdr_usage": {"get": {"operationId": "GetMdrUsageReports", "responses": {}}}
        }}));
        assert_eq!(operation_ids(&mut w), 2);
        let id = |path: &str| w.doc["paths"][path]["get"]["operationId"].clone();
        assert_eq!(id("/messages"), "get_messages");
        assert_eq!(id("/reports/mdr_usage"), "getMdrUsageReports");
        assert_eq!(id("/legacy/reports/mdr_usage"), "GetMdrUsageReportsLegacy");
        assert_eq!(operation_ids(&mut w), 0);
    }

    #[test]
    fn reserved_builder_names_get_the_method_appended() {
        let mut w = work(json!({"openapi": "3.0.3", "paths": {
            "/messages": {"post": {"operationId": "send"}, "get": {"operationId": "sendPost"}},
            "/errors": {"get": {"operationId": "error"}}
        }}));
        assert_eq!(reserved_operation_names(&mut w), 2);
        assert_eq!(w.doc["paths"]["/messages"]["post"]["operationId"], "send2");
        assert_eq!(w.doc["paths"]["/errors"]["get"]["operationId"], "errorGet");
        assert_eq!(reserved_operation_names(&mut w), 0);
    }
}
