//! `codegen`: generate the client and write it, formatted, to a file for review.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::files::AdditionFiles;
use super::normalise::normalised;
use super::progress::Progress;
use crate::error::{Error, Result};
use crate::load::{self, OpenApiVersion, Source};
use crate::output;
use crate::spec::prune::check_refs;
use crate::spec::{TagSelection, validate_openapi30};

/// Options of `codegen`.
#[derive(Debug, Clone)]
pub struct CodegenOptions {
    /// The spec to generate from (3.1 documents are normalised with all tags first).
    pub spec: Source,
    /// Where to write the formatted client.
    pub out: PathBuf,
    /// The overlay and families applied to a 3.1 document before generating.
    pub additions: Option<AdditionFiles>,
    /// Generate only these families (none: all).
    pub families: Option<BTreeSet<String>>,
    /// Also generate the webhook events.
    pub webhooks: bool,
}

/// What `codegen` wrote and left out.
#[derive(Debug, Clone, Default)]
pub struct CodegenOutcome {
    /// Lines written.
    pub lines: usize,
    /// List operations without `paginate()`, with the reason.
    pub unpaged: Vec<(String, String)>,
    /// With webhooks: the webhooks without an `Event` variant, with the reason.
    pub untyped_webhooks: Vec<(String, String)>,
    /// With webhooks: how many event types have a variant.
    pub event_types: usize,
    /// Types that became an alias of an identical one.
    pub shared_types: usize,
    /// Conversions dropped because sharing made them ambiguous.
    pub dropped_conversions: Vec<String>,
}

/// `codegen`: generate the client and write it, formatted, to a file.
pub fn codegen(options: &CodegenOptions, progress: &mut Progress) -> Result<CodegenOutcome> {
    progress.step(&format!("reading {}", options.spec.display()));
    let loaded = load::load(&options.spec)?;
    let text = match loaded.version {
        OpenApiVersion::V30 => {
            check_refs(&loaded.doc, &loaded.origin)
                .and_then(|()| validate_openapi30(&loaded.doc, &loaded.origin))
                .map_err(|e| loaded.positions.annotate(e))?
                .0
        }
        OpenApiVersion::V31 => {
            normalised(
                &loaded,
                &TagSelection::All,
                options.additions.as_ref(),
                progress,
            )?
            .0
            .text
        }
    };
    progress.step("generating the client with progenitor");
    let code = telnyx_codegen::generate(
        &text,
        &loaded.origin,
        &telnyx_codegen::Options {
            families: options.families.clone(),
            webhooks: options.webhooks,
            ..Default::default()
        },
    )
    .map_err(|e| Error::Generate {
        origin: loaded.origin.clone(),
        message: e.to_string(),
    })?;
    progress.step(&format!("writing {}", options.out.display()));
    output::write_atomic(&options.out, code.client.as_bytes())?;
    Ok(CodegenOutcome {
        lines: code.client.lines().count(),
        unpaged: code.unpaged,
        untyped_webhooks: code.untyped_webhooks,
        event_types: code.event_types.len(),
        shared_types: code.shared_types.len(),
        dropped_conversions: code.dropped_conversions,
    })
}
