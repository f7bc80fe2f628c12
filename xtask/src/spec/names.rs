//! Rust names as progenitor and typify derive them from OpenAPI names.
//!
//! The collision fixups must predict which names the generator will produce, so this module
//! mirrors typify 0.8's `sanitize` (shared by progenitor 0.15): non-identifier characters become
//! `-`, the result is re-cased with `heck`, a leading non-identifier character gets a prefix,
//! and keywords get a trailing `_`.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// Target case of a generated name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Type and variant names.
    Pascal,
    /// Method, field and module names.
    Snake,
}

/// The identifier typify generates for `input` in `case`.
pub fn sanitize(input: &str, case: Case) -> String {
    let to_case = |s: &str| match case {
        Case::Pascal => s.to_pascal_case(),
        Case::Snake => s.to_snake_case(),
    };
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let prefix = to_case("x");
    let out = match out.chars().next() {
        None => prefix,
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// The variant names typify tries for a string enum: first plain sanitizing, then (if those
/// collide) with `_` and other non-identifier characters turned into `X`. `None` when even
/// the second attempt collides, which makes typify panic ("Failed to make unique variant
/// names").
pub fn enum_variant_names(values: &[&str]) -> Option<Vec<String>> {
    let first: Vec<String> = values.iter().map(|v| sanitize(v, Case::Pascal)).collect();
    if all_unique(&first) {
        return Some(first);
    }
    let second: Vec<String> = values
        .iter()
        .map(|v| {
            sanitize(
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

/// Rust keywords (and `gen`), which typify suffixes with `_`.
fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_typify() {
        assert_eq!(
            sanitize("getMdrUsageReports", Case::Snake),
            "get_mdr_usage_reports"
        );
        assert_eq!(
            sanitize("GetMdrUsageReports", Case::Snake),
            "get_mdr_usage_reports"
        );
        assert_eq!(
            sanitize("filter[date][gte]", Case::Snake),
            "filter_date_gte"
        );
        assert_eq!(
            sanitize("ListRooms-response", Case::Pascal),
            "ListRoomsResponse"
        );
        assert_eq!(sanitize("", Case::Pascal), "X");
        assert_eq!(sanitize("self", Case::Pascal), "Self_");
        assert_eq!(sanitize("1a", Case::Pascal), "X1a");
    }

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
