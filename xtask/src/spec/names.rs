//! Rust names the generator will produce, for the fixups that must avoid collisions.
//!
//! The identifier rules themselves are `telnyx_codegen::idents` (re-exported here); this
//! module adds what only the fixups need: the variant names typify tries for a string enum.

use unicode_ident::is_xid_continue;

pub use telnyx_codegen::idents::{Case, progenitor_ident, typify_ident};

/// The variant names typify tries for a string enum: first plain sanitizing, then (if those
/// collide) with `_` and other non-identifier characters turned into `X`. `None` when even
/// the second attempt collides, which makes typify panic ("Failed to make unique variant
/// names").
pub fn enum_variant_names(values: &[&str]) -> Option<Vec<String>> {
    let first: Vec<String> = values
        .iter()
        .map(|v| typify_ident(v, Case::Pascal))
        .collect();
    if all_unique(&first) {
        return Some(first);
    }
    let second: Vec<String> = values
        .iter()
        .map(|v| {
            typify_ident(
                &v.replace(|c: char| c == '_' || !is_xid_continue(c), "X"),
                Case::Pascal,
            )
        })
        .collect();
    all_unique(&second).then_some(second)
}

/// Whether all items differ.
fn all_unique(items: &[String]) -> bool {
    let mut seen = std::collections::HashSet::new();
    items.iter().all(|item| seen.insert(item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_variants() {
        assert!(enum_variant_names(&["a", "b"]).is_some());
        // "A" and "a" collide both times.
        assert!(enum_variant_names(&["A", "a"]).is_none());
        // "a_b" and "a-b" collide at first, then become "AXB" and "AXB".
        assert!(enum_variant_names(&["a_b", "a-b"]).is_none());
        assert!(enum_variant_names(&["ab", "a_b"]).is_some());
    }
}
