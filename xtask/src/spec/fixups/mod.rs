//! Fixes to upstream's (already 3.0-shaped) document so that progenitor generates a correct
//! client from it.
//!
//! Each function fixes one thing, says in its doc comment what upstream does, why progenitor
//! needs the change and why the change is safe, and returns how many places it changed. Nothing
//! is removed silently: operations that cannot be generated are removed by the `remove_*`
//! functions, which record each one with its reason in [`Work::removed`] (and so in the lock).

// This file only declares and re-exports: each fixup file imports `work`, `shared` and the
// siblings it needs directly, never this file, so no fixup depends on the list of all of them.
mod dangling;
mod document;
mod media_types;
mod operation_names;
mod parameters;
mod path_templates;
mod references;
mod removals;
mod responses;
mod schemas;
mod shared;
mod swagger2;
mod type_names;
mod websockets;
mod work;

pub use self::dangling::*;
pub use self::document::*;
pub use self::media_types::*;
pub use self::operation_names::*;
pub use self::parameters::*;
pub use self::path_templates::*;
pub use self::references::*;
pub use self::removals::*;
pub use self::responses::*;
pub use self::schemas::*;
pub use self::shared::*;
pub use self::swagger2::*;
pub use self::type_names::*;
pub use self::websockets::*;
pub use self::work::{RemovedOperation, RemovedPart, Work};

#[cfg(test)]
pub(crate) use self::work::test_support;
