//! Fixes to upstream's (already 3.0-shaped) document so that progenitor generates a correct
//! client from it.
//!
//! Each function fixes one thing, says in its doc comment what upstream does, why progenitor
//! needs the change and why the change is safe, and returns how many places it changed. Nothing
//! is removed silently: operations that cannot be generated are removed by the `remove_*`
//! functions, which record each one with its reason in [`Work::removed`] (and so in the lock).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::names::{Case, enum_variant_names, progenitor_ident};

/// An operation removed because progenitor cannot generate it, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedOperation {
    /// HTTP method, upper case.
    pub method: String,
    /// Path as upstream spells it.
    pub path: String,
    /// Upstream's `operationId` (empty when it had none).
    pub operation_id: String,
    /// Why it was removed.
    pub reason: String,
}

/// The document being fixed, plus what has been removed from it.
#[derive(Debug)]
pub struct Work {
    /// The document.
    pub doc: Value,
    /// Operations removed so far.
    pub removed: Vec<RemovedOperation>,
    /// Nodes moved so far, as (JSON pointer now, JSON pointer in the source), so that an error
    /// found later can name the node where the user will look for it.
    pub moved: Vec<(String, String)>,
}

mod media_types;
mod operation_names;
mod parameters;
mod removals;
mod responses;
mod schemas;
mod shared;
mod type_names;

pub use self::media_types::*;
pub use self::operation_names::*;
pub use self::parameters::*;
pub use self::removals::*;
pub use self::responses::*;
pub use self::schemas::*;
pub use self::shared::*;
pub use self::type_names::*;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn work(doc: Value) -> Work {
        Work {
            doc,
            removed: Vec::new(),
            moved: Vec::new(),
        }
    }

    #[test]
    fn deep_object_expands_to_bracketed_leaves() {
        let mut w = work(
            json!({"paths": {"/rooms": {"get": {"operationId": "ListRooms", "parameters": [
            {"name": "filter", "in": "query", "style": "deepObject", "explode": true, "schema": {
                "type": "object", "properties": {
                    "date_created_at": {"type": "object", "properties": {"gte": {"type": "string", "format": "date"}}},
                    "unique_name": {"type": "string"}}}}
        ], "responses": {}}}}}),
        );
        assert_eq!(deep_object_params(&mut w), 1);
        let params = w.doc["paths"]["/rooms"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["filter[date_created_at][gte]", "filter[unique_name]"]
        );
        assert_eq!(
            params[0]["schema"],
            json!({"type": "string", "format": "date"})
        );
    }

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
    fn v2_prefix_is_dropped() {
        let mut w = work(
            json!({"servers": [{"url": "https://api.telnyx.com/v2"}], "paths": {
            "/v2/whatsapp": {"get": {"operationId": "A", "responses": {}}}}}),
        );
        assert_eq!(strip_server_prefix(&mut w), 1);
        assert!(w.doc["paths"]["/whatsapp"]["get"].is_object());
    }

    #[test]
    fn default_beside_success_becomes_ranges() {
        let mut w = work(
            json!({"paths": {"/a": {"get": {"operationId": "A", "responses": {
            "200": {"description": "ok"}, "default": {"description": "err"}}}}}}),
        );
        assert_eq!(default_responses(&mut w), 1);
        let responses = w.doc["paths"]["/a"]["get"]["responses"]
            .as_object()
            .unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "4XX", "5XX"]);
    }

    #[test]
    fn colliding_enum_becomes_string() {
        let mut w = work(
            json!({"paths": {}, "components": {"schemas": {"E": {"type": "string", "enum": ["A", "a"]}}}}),
        );
        assert_eq!(enum_variant_collisions(&mut w), 1);
        assert!(w.doc["components"]["schemas"]["E"].get("enum").is_none());
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
