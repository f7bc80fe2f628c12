//! The normalisation as the commands run it: upstream, our overlay and families, progress.

use super::files::AdditionFiles;
use super::progress::Progress;
use crate::error::Result;
use crate::load::Loaded;
use crate::spec::families::Families;
use crate::spec::overlay::Overlay;
use crate::spec::{self, Additions, TagSelection};

/// The overlay and families, loaded.
pub(super) struct LoadedAdditions {
    overlay: Overlay,
    overlay_origin: String,
    pub(super) families: Families,
    allow_unmatched_overlay: bool,
}

impl LoadedAdditions {
    fn load(files: &AdditionFiles) -> Result<Self> {
        Ok(Self {
            overlay: Overlay::load(&files.overlay)?,
            overlay_origin: files.overlay.display().to_string(),
            families: Families::load(&files.families)?,
            allow_unmatched_overlay: files.allow_unmatched_overlay,
        })
    }

    fn as_additions(&self) -> Additions<'_> {
        Additions {
            overlay: Some((&self.overlay, &self.overlay_origin)),
            families: Some(&self.families),
            allow_unmatched_overlay: self.allow_unmatched_overlay,
        }
    }
}

/// The normalised document for `options`, with the additions it used.
pub(super) fn normalised(
    loaded: &Loaded,
    tags: &TagSelection,
    additions: Option<&AdditionFiles>,
    progress: &mut Progress,
) -> Result<(spec::Normalised, Option<LoadedAdditions>)> {
    let additions = additions.map(LoadedAdditions::load).transpose()?;
    let normalised = spec::normalise(
        loaded.doc.clone(),
        &loaded.origin,
        tags,
        &additions
            .as_ref()
            .map_or_else(Additions::default, LoadedAdditions::as_additions),
        &mut |m| progress.step(m),
    )
    .map_err(|e| loaded.positions.annotate(e))?;
    Ok((normalised, additions))
}
