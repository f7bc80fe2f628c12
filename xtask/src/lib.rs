//! Library behind `cargo xtask`: keeps `spec/telnyx.json` in sync with Telnyx's published
//! OpenAPI 3.1 document and proves the conversion pipeline on the full API.
//!
//! - [`load`] reads YAML or JSON from a file or URL, with located errors; [`positions`]
//!   maps JSON pointers back to source lines and refuses duplicate keys, and [`location`]
//!   holds the line and column that both it and [`error`] name.
//! - [`pointer`](mod@pointer) is the one place where JSON pointers are escaped, split and joined.
//! - [`text`] holds wording that error messages and summaries share.
//! - [`spec`] converts OpenAPI 3.1 to 3.0 and applies the fixups progenitor needs.
//! - [`model`] compares APIs structurally (drift checks and changelogs).
//! - [`commands`] implements `spec sync|check|diff` and `codegen` (generation is
//!   `telnyx-codegen`'s, the same code `build.rs` runs).
//!
//! Upstream's document is test input only: sync output is written where the caller says
//! (tests use temporary directories), never copied into the project by the tests.

#![warn(missing_docs)]

pub mod commands;
pub mod config;
pub mod error;
pub mod load;
pub mod location;
pub mod lock;
pub mod model;
pub mod output;
pub mod pointer;
pub mod positions;
pub mod spec;
pub mod text;
pub mod walk;

pub use error::{Error, Result};

/// The workspace root (the parent of the `xtask` package).
pub fn workspace_root() -> std::path::PathBuf {
    let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_owned(), std::path::Path::to_owned)
}
