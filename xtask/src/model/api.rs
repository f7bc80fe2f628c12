//! The structural model of an API: what `build` reads from a document and `compare` holds
//! against another. It imports nothing of the crate, so both can use it.

use std::collections::{BTreeMap, BTreeSet};

/// The type, requiredness and enum values of a parameter or property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Type descriptor, e.g. `string(date-time)?` or `array<integer>`.
    pub ty: String,
    /// Whether it is required.
    pub required: bool,
    /// Allowed values (JSON text), when it is an enum (or an array of one).
    pub enum_values: Option<BTreeSet<String>>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operation {
    /// The `operationId` (reported, not compared as drift).
    pub operation_id: String,
    /// Parameters by (location, wire name).
    pub params: BTreeMap<(String, String), Field>,
    /// Request body media type, when there is a body.
    pub body_media: Option<String>,
    /// Whether the body is required.
    pub body_required: bool,
    /// Flattened request body properties (`data.id`, `items[].name`).
    pub body: BTreeMap<String, Field>,
    /// Success responses by status: flattened JSON properties (empty for no JSON body).
    pub responses: BTreeMap<String, BTreeMap<String, Field>>,
}

/// The whole API: operations keyed by `METHOD /path`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiModel {
    /// Operations keyed by `GET /rooms`.
    pub operations: BTreeMap<String, Operation>,
}
