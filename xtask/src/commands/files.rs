//! Our files besides upstream: the overlay and families a command applies, and the project
//! files whose family blocks are written from them.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::load;
use crate::spec::families::{
    Assignment, FEATURES_BEGIN, FEATURES_END, Families, README_BEGIN, README_END, features_block,
    readme_table, replace_block,
};

/// Our files that `spec sync` reads besides upstream: the overlay and the families.
#[derive(Debug, Clone)]
pub struct AdditionFiles {
    /// `spec/overlay.yaml`.
    pub overlay: PathBuf,
    /// `spec/families.toml`.
    pub families: PathBuf,
    /// Record overlay actions that match nothing instead of failing; for syncing an upstream
    /// version older than the corrections (never for the vendored spec).
    pub allow_unmatched_overlay: bool,
}

/// Project files that carry what the sync derives from the families: the `[features]` block of
/// `Cargo.toml` and the family table of `README.md`.
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The root `Cargo.toml`.
    pub cargo_toml: PathBuf,
    /// The root `README.md`.
    pub readme: PathBuf,
}

impl ProjectFiles {
    /// The files at the workspace root `root`.
    pub fn at(root: &Path) -> Self {
        Self {
            cargo_toml: root.join("Cargo.toml"),
            readme: root.join("README.md"),
        }
    }
}

/// The new text of `Cargo.toml` and `README.md` with the family blocks replaced.
pub(super) fn project_updates(
    project: &ProjectFiles,
    families: &Families,
    assignment: &Assignment,
) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for (path, begin, end, block) in [
        (
            &project.cargo_toml,
            FEATURES_BEGIN,
            FEATURES_END,
            features_block(families, assignment),
        ),
        (
            &project.readme,
            README_BEGIN,
            README_END,
            readme_table(families, assignment),
        ),
    ] {
        let text = read_text(path)?;
        out.push((
            path.clone(),
            replace_block(&text, begin, end, &block, path)?,
        ));
    }
    Ok(out)
}

/// Reads a small project file as text.
pub(super) fn read_text(path: &Path) -> Result<String> {
    load::read_text_bounded(path)
}
