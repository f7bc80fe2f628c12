//! The `spec sync`, `spec check`, `spec diff` and `codegen` commands as library functions (the
//! binary in `main.rs` only parses arguments and prints).
//!
//! Each command has its own file, and so do the steps several of them share and the summaries
//! they print. This file only hands their names on, so no command imports another through it.

mod check;
mod codegen;
mod diff;
mod files;
mod generate;
mod normalise;
mod progress;
mod summary;
mod sync;

pub use self::check::{CheckOptions, CheckOutcome, check, check_loaded, read_vendored};
pub use self::codegen::{CodegenOptions, CodegenOutcome, codegen};
pub use self::diff::diff;
pub use self::files::{AdditionFiles, ProjectFiles};
pub use self::progress::Progress;
pub use self::summary::{check_summary, sync_summary};
pub use self::sync::{SyncOptions, SyncOutcome, sync, sync_loaded};
