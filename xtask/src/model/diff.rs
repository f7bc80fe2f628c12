//! The differences between two [`ApiModel`]s, and their rendering as a changelog.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::api::{ApiModel, Field};

/// Kinds of difference between two models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// An operation exists only in the new model.
    OperationAdded,
    /// An operation exists only in the old model.
    OperationRemoved,
    /// A parameter, body or response changed.
    Changed,
    /// The `operationId` changed (informational; not drift).
    Renamed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `METHOD /path`.
    pub operation: String,
    /// What kind of change.
    pub kind: ChangeKind,
    /// Human-readable description.
    pub text: String,
}

impl Change {
    /// Whether this change is structural drift (everything but renames).
    pub fn is_drift(&self) -> bool {
        self.kind != ChangeKind::Renamed
    }
}

/// Describes a field for messages: `string(date-time)?, required, enum [..]`.
fn show(f: &Field) -> String {
    let mut s = f.ty.clone();
    s.push_str(if f.required {
        ", required"
    } else {
        ", optional"
    });
    if let Some(values) = &f.enum_values {
        let _ = write!(
            s,
            ", enum [{}]",
            values.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    s
}

/// Compares two field maps, pushing changes labelled with `what` ("parameter", …).
fn compare_fields<K: Ord + Clone>(
    what: &str,
    old: &BTreeMap<K, Field>,
    new: &BTreeMap<K, Field>,
    label: &dyn Fn(&K) -> String,
    push: &mut dyn FnMut(String),
) {
    for (key, o) in old {
        match new.get(key) {
            None => push(format!("{what} {} removed (was {})", label(key), show(o))),
            Some(n) if n != o => {
                let mut parts = Vec::new();
                if o.ty != n.ty {
                    parts.push(format!("type {} → {}", o.ty, n.ty));
                }
                if o.required != n.required {
                    parts.push(if n.required {
                        "now required".to_owned()
                    } else {
                        "now optional".to_owned()
                    });
                }
                if o.enum_values != n.enum_values {
                    let empty = BTreeSet::new();
                    let ov = o.enum_values.as_ref().unwrap_or(&empty);
                    let nv = n.enum_values.as_ref().unwrap_or(&empty);
                    let added: Vec<&String> = nv.difference(ov).collect();
                    let removed: Vec<&String> = ov.difference(nv).collect();
                    let mut text = String::from("enum");
                    if o.enum_values.is_none() {
                        text.push_str(" introduced");
                    } else if n.enum_values.is_none() {
                        text.push_str(" dropped");
                    }
                    for (sign, values) in [("+", &added), ("-", &removed)] {
                        if !values.is_empty() {
                            let values: Vec<&str> = values.iter().map(|s| s.as_str()).collect();
                            let _ = write!(text, " {sign}[{}]", values.join(", "));
                        }
                    }
                    parts.push(text);
                }
                push(format!("{what} {}: {}", label(key), parts.join("; ")));
            }
            Some(_) => {}
        }
    }
    for (key, n) in new {
        if !old.contains_key(key) {
            push(format!("{what} {} added ({})", label(key), show(n)));
        }
    }
}

/// All differences from `old` to `new`, ordered by operation.
pub fn compare(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    let mut changes = Vec::new();
    for (key, o) in &old.operations {
        let Some(n) = new.operations.get(key) else {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::OperationRemoved,
                text: format!("operation removed ({})", o.operation_id),
            });
            continue;
        };
        let mut push = |text: String| {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::Changed,
                text,
            });
        };
        compare_fields(
            "parameter",
            &o.params,
            &n.params,
            &|(location, name)| format!("`{name}` (in {location})"),
            &mut push,
        );
        if o.body_media != n.body_media {
            push(format!(
                "request body media type {} → {}",
                o.body_media.as_deref().unwrap_or("none"),
                n.body_media.as_deref().unwrap_or("none")
            ));
        }
        if o.body_media.is_some() && n.body_media.is_some() && o.body_required != n.body_required {
            push(format!(
                "request body now {}",
                if n.body_required {
                    "required"
                } else {
                    "optional"
                }
            ));
        }
        compare_fields(
            "body property",
            &o.body,
            &n.body,
            &|k| format!("`{k}`"),
            &mut push,
        );
        for (status, of) in &o.responses {
            match n.responses.get(status) {
                None => push(format!("success response {status} removed")),
                Some(nf) => compare_fields(
                    &format!("response {status} property"),
                    of,
                    nf,
                    &|k| format!("`{k}`"),
                    &mut push,
                ),
            }
        }
        for status in n.responses.keys() {
            if !o.responses.contains_key(status) {
                push(format!("success response {status} added"));
            }
        }
        if o.operation_id != n.operation_id {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::Renamed,
                text: format!("operationId {} → {}", o.operation_id, n.operation_id),
            });
        }
    }
    for (key, n) in &new.operations {
        if !old.operations.contains_key(key) {
            changes.push(Change {
                operation: key.clone(),
                kind: ChangeKind::OperationAdded,
                text: format!("operation added ({})", n.operation_id),
            });
        }
    }
    changes.sort_by(|a, b| (&a.operation, a.kind).cmp(&(&b.operation, b.kind)));
    changes
}

/// Renders changes grouped by operation, one indented line per change.
pub fn render(changes: &[Change]) -> String {
    let mut out = String::new();
    let mut current = "";
    for change in changes {
        if change.operation != current {
            current = &change.operation;
            let _ = writeln!(out, "{current}");
        }
        let _ = writeln!(out, "  {}", change.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::build::build;

    #[test]
    fn detects_param_and_property_changes() {
        let old = json!({"paths": {"/a": {"get": {"operationId": "A",
            "parameters": [{"name": "page", "in": "query", "style": "deepObject",
                "schema": {"type": "object", "properties": {"number": {"type": "integer"}}}}],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema":
                {"properties": {"data": {"properties": {"id": {"type": "string"}}}}}}}}}}}}});
        let new = json!({"paths": {"/a": {"get": {"operationId": "A",
            "parameters": [{"name": "page[number]", "in": "query", "schema": {"type": "integer"}},
                {"name": "page[size]", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema":
                {"properties": {"data": {"properties": {"id": {"type": "string", "format": "uuid"}}}}}}}},
                "404": {"description": "ignored"}}}}}});
        let changes = compare(&build(&old, &|_| true), &build(&new, &|_| true));
        let text = render(&changes);
        assert!(
            text.contains("parameter `page[size]` (in query) added"),
            "{text}"
        );
        assert!(
            text.contains("response 200 property `data.id`: type string → string(uuid)"),
            "{text}"
        );
        assert_eq!(changes.len(), 2, "{text}");
    }
}
