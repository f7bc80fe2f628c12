//! Rust identifiers as progenitor 0.15 and typify 0.8 derive them from names in the document.
//!
//! Both turn every character that cannot continue an identifier into a word break, re-case
//! the result with `heck`, and append `_` to a keyword. They differ in one place: a name whose
//! first character cannot start an identifier (`1st`) gets `_` in front from progenitor
//! (operation methods, builders, parameters) and `x`/`X` from typify (types, fields, enum
//! variants). The generator and `cargo xtask`'s collision fixups both predict names with these
//! two functions, so they cannot disagree.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// Target case of an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: methods, fields, parameters, modules.
    Snake,
    /// `PascalCase`: types, builders, enum variants.
    Pascal,
}

/// The identifier progenitor derives from `name` (operation ids → methods and builders,
/// parameter names such as `page[number]` → `page_number`).
pub fn progenitor_ident(name: &str, case: Case) -> String {
    sanitize(name, case, "_")
}

/// The identifier typify derives from `name` (component names → types, property names →
/// fields, enum values → variants).
pub fn typify_ident(name: &str, case: Case) -> String {
    let prefix = match case {
        Case::Snake => "x",
        Case::Pascal => "X",
    };
    sanitize(name, case, prefix)
}

fn sanitize(input: &str, case: Case, leading_prefix: &str) -> String {
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
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{leading_prefix}{out}"),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// Rust keywords (and `gen`), which both suffix with `_`.
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
    fn progenitor_names_methods_and_parameters() {
        assert_eq!(progenitor_ident("ListRooms", Case::Snake), "list_rooms");
        assert_eq!(progenitor_ident("ListRooms", Case::Pascal), "ListRooms");
        assert_eq!(progenitor_ident("page[number]", Case::Snake), "page_number");
        assert_eq!(
            progenitor_ident("filter[date_created_at][eq]", Case::Snake),
            "filter_date_created_at_eq"
        );
        assert_eq!(progenitor_ident("type", Case::Snake), "type_");
        assert_eq!(progenitor_ident("1st", Case::Snake), "_1st");
        assert_eq!(progenitor_ident("", Case::Pascal), "X");
    }

    #[test]
    fn typify_names_types_and_variants() {
        assert_eq!(
            typify_ident("getMdrUsageReports", Case::Snake),
            "get_mdr_usage_reports"
        );
        assert_eq!(
            typify_ident("ListRooms-response", Case::Pascal),
            "ListRoomsResponse"
        );
        assert_eq!(
            typify_ident("callConversationEndedEvent", Case::Pascal),
            "CallConversationEndedEvent"
        );
        assert_eq!(typify_ident("", Case::Pascal), "X");
        assert_eq!(typify_ident("self", Case::Pascal), "Self_");
        assert_eq!(typify_ident("1a", Case::Pascal), "X1a");
        assert_eq!(typify_ident("+1", Case::Pascal), "plus1");
    }
}
