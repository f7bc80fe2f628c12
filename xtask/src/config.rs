//! `spec/sync.toml`: the defaults of `cargo xtask spec sync`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The sync configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// Upstream spec: an HTTP(S) URL or a path relative to the workspace root.
    pub source: String,
    /// Tags whose operations are kept; absent: every operation.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// The vendored spec, relative to the workspace root; the lock sits beside it.
    pub output: PathBuf,
    /// Our overlay (descriptions and corrections), relative to the workspace root.
    pub overlay: PathBuf,
    /// The tag → family assignment, relative to the workspace root.
    pub families: PathBuf,
}

impl SyncConfig {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = crate::load::read_text_bounded(path)?;
        let config: Self = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        if config.tags.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::Config {
                path: path.to_owned(),
                message: "`tags` is empty; list the tags to keep, or remove `tags` to keep all"
                    .to_owned(),
            });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.toml");
        std::fs::write(
            &path,
            "source = \"x\"\noutput = \"o\"\noverlay = \"v\"\nfamilies = \"f\"\nbogus = 1\n",
        )
        .unwrap();
        let err = SyncConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("bogus"), "{err}");
    }
}
