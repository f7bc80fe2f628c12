//! A structural model of an API, for drift checks (`spec check --upstream`) and changelogs
//! (`spec diff`).
//!
//! The model keeps what shapes a generated client and the bytes on the wire: operations
//! (method + path), parameters (wire name, location, required, type, enum values), the request
//! body (media type, flattened properties with type and required) and the *success* responses
//! (status, flattened properties). It ignores prose, examples, titles, component names, error
//! responses and security. Both OpenAPI 3.0 and 3.1 idioms are understood (`nullable` and
//! `type: [T, "null"]`, `const`), and object-valued query parameters are expanded to their
//! bracketed leaves (`filter[date_created_at][gte]`) the way the vendored spec writes them.
//!
//! [`build`] reads a document into an [`ApiModel`]; [`compare`] and [`render`] turn two models
//! into a changelog. Each lives in its own file; this one only hands their names on.

mod api;
mod build;
mod diff;

pub use self::api::{ApiModel, Field, Operation};
pub use self::build::{build, describe};
pub use self::diff::{Change, ChangeKind, compare, render};
