//! `spec diff`: the API changes between two documents.

use crate::error::Result;
use crate::load::{self, Source};
use crate::model::{self, Change};
use crate::spec::prune::check_refs;

/// `spec diff`: the changes from `old` to `new` (any OpenAPI 3.0/3.1 YAML or JSON).
pub fn diff(old: &Source, new: &Source) -> Result<Vec<Change>> {
    let old = load::load(old)?;
    let new = load::load(new)?;
    for loaded in [&old, &new] {
        check_refs(&loaded.doc, &loaded.origin).map_err(|e| loaded.positions.annotate(e))?;
    }
    Ok(model::compare(
        &model::build(&old.doc, &|_| true),
        &model::build(&new.doc, &|_| true),
    ))
}
