//! The paging signals of a list response (how many pages, the next cursor, …), read from the
//! response's own typed fields.
//!
//! Telnyx's list responses say where the next page is in several shapes: `meta.total_pages`,
//! a top-level `total_pages`, `meta.cursors.after`, TeXML's `next_page_uri`, … For each
//! signal the client's `PageSignals` holds, [`SIGNALS`] lists the JSON paths it may be found
//! at, in order of preference. The generator follows each path through the response's
//! generated structs and writes one expression per signal that reads the fields found (the
//! first that has a value wins), so nothing is serialized back to JSON at run time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, Type};

use crate::generated_items::{
    NUMBER_TYPES, field_by_json_key, generic_of, last_ident, struct_fields,
};

/// What a signal's value is, and so which leaf types can carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A non-negative count: any integer or float field.
    Count,
    /// A non-empty string.
    Text,
    /// A boolean.
    Flag,
}

impl Kind {
    /// Whether a field of the (non-`Option`) type named `name` can carry this kind.
    fn accepts(self, name: &str) -> bool {
        match self {
            // The runtime's `PageCount` is implemented for each of them.
            Kind::Count => NUMBER_TYPES.contains(&name),
            Kind::Text => name == "String",
            Kind::Flag => name == "bool",
        }
    }

    /// The runtime function that turns a reference to the leaf into the signal's `Option`.
    fn reader(self) -> syn::Ident {
        format_ident!(
            "{}",
            match self {
                Kind::Count => "page_count",
                Kind::Text => "page_text",
                Kind::Flag => "page_flag",
            }
        )
    }
}

/// One field of the runtime's `PageSignals`, and where list responses carry it.
struct Signal {
    field: &'static str,
    kind: Kind,
    paths: &'static [&'static [&'static str]],
}

/// Every paging signal, with its JSON paths in order of preference.
const SIGNALS: [Signal; 6] = [
    Signal {
        field: "total_pages",
        kind: Kind::Count,
        paths: &[&["meta", "total_pages"], &["total_pages"]],
    },
    Signal {
        field: "total_results",
        kind: Kind::Count,
        paths: &[
            &["meta", "total_results"],
            &["meta", "total_items"],
            &["totalRecords"],
            &["total_records"],
        ],
    },
    Signal {
        field: "page_number",
        kind: Kind::Count,
        paths: &[&["meta", "page_number"], &["page_number"]],
    },
    Signal {
        field: "next_cursor",
        kind: Kind::Text,
        paths: &[
            &["meta", "cursors", "after"],
            &["meta", "next_cursor"],
            &["meta", "page_cursor"],
            &["meta", "cursor"],
        ],
    },
    Signal {
        field: "has_more",
        kind: Kind::Flag,
        paths: &[&["meta", "has_more"], &["meta", "has_next"]],
    },
    Signal {
        field: "next_page_uri",
        kind: Kind::Text,
        paths: &[&["next_page_uri"]],
    },
];

/// One step of a path: the Rust field and whether it is an `Option`.
struct Step {
    ident: syn::Ident,
    optional: bool,
}

/// The `PageSignals { … }` expression for a value `response` of the struct `response_name`
/// (from `types`), and the names of the signals found.
pub fn signals_expr(
    response_name: &str,
    types: &[Item],
    runtime: &syn::Path,
) -> (TokenStream, Vec<&'static str>) {
    let mut found = Vec::new();
    let fields = SIGNALS.iter().map(|signal| {
        let reads: Vec<TokenStream> = signal
            .paths
            .iter()
            .filter_map(|path| resolve(response_name, path, signal.kind, types))
            .map(|steps| read(quote!(response), &steps, signal.kind, runtime))
            .collect();
        let field = format_ident!("{}", signal.field);
        if reads.is_empty() {
            return quote!(#field: ::std::option::Option::None);
        }
        found.push(signal.field);
        let mut reads = reads.into_iter();
        let first = reads.next().unwrap_or_default();
        let expr = reads.fold(first, |acc, next| quote!(#acc.or_else(|| #next)));
        quote!(#field: #expr)
    });
    let fields: Vec<TokenStream> = fields.collect();
    (quote!(#runtime::PageSignals { #(#fields),* }), found)
}

/// The fields along `path` from the struct `root`, when every step exists, every step but the
/// last is a generated struct and the last can carry `kind`.
fn resolve(root: &str, path: &[&str], kind: Kind, types: &[Item]) -> Option<Vec<Step>> {
    let mut steps = Vec::with_capacity(path.len());
    let mut current = root.to_owned();
    for (index, key) in path.iter().enumerate() {
        let fields = struct_fields(types, &current)?;
        let field = field_by_json_key(&fields, key)?;
        let (optional, ty) = match generic_of(&field.ty, "Option") {
            Some(inner) => (true, inner),
            None => (false, field.ty.clone()),
        };
        let name = leaf_name(&ty)?;
        steps.push(Step {
            ident: field.ident.clone()?,
            optional,
        });
        if index + 1 == path.len() {
            return kind.accepts(&name).then_some(steps);
        }
        current = name;
    }
    None
}

/// The name of a plain named type (`Box<T>` is looked through).
fn leaf_name(ty: &Type) -> Option<String> {
    match generic_of(ty, "Box") {
        Some(inner) => last_ident(&inner),
        None => last_ident(ty),
    }
}

/// The expression reading `steps` from `place`, an `Option` of the signal's value.
fn read(place: TokenStream, steps: &[Step], kind: Kind, runtime: &syn::Path) -> TokenStream {
    let Some((step, rest)) = steps.split_first() else {
        return quote!(::std::option::Option::None);
    };
    let ident = &step.ident;
    if rest.is_empty() {
        let reader = kind.reader();
        return if step.optional {
            quote!(#place.#ident.as_ref().and_then(#runtime::#reader))
        } else {
            quote!(#runtime::#reader(&#place.#ident))
        };
    }
    if step.optional {
        let inner = read(quote!(v), rest, kind, runtime);
        quote!(#place.#ident.as_ref().and_then(|v| #inner))
    } else {
        read(quote!(#place.#ident), rest, kind, runtime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<Item> {
        syn::parse_file(
            r#"
            pub struct ListRoomsResponse {
                pub data: Vec<Room>,
                pub meta: Option<PaginationMeta>,
            }
            pub struct PaginationMeta {
                pub page_number: Option<i64>,
                pub total_pages: i64,
                #[serde(rename = "total_results")]
                pub total_results_: Option<f64>,
                pub cursors: Option<Cursors>,
                pub has_more: Option<String>,
            }
            pub struct Cursors { pub after: Option<String> }
            pub struct TexmlCalls {
                pub calls: Vec<Call>,
                pub next_page_uri: Option<String>,
                pub total_pages: Option<SomeNewtype>,
            }
            "#,
        )
        .unwrap()
        .items
    }

    fn squeeze(tokens: TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn nested_optional_fields_are_read_through_as_ref() {
        let runtime: syn::Path = syn::parse_quote!(rt);
        let (expr, found) = signals_expr("ListRoomsResponse", &types(), &runtime);
        let code = squeeze(expr);
        assert_eq!(
            found,
            ["total_pages", "total_results", "page_number", "next_cursor"]
        );
        assert!(
            code.contains(
                "total_pages:response.meta.as_ref().and_then(|v|rt::page_count(&v.total_pages))"
            ),
            "{code}"
        );
        // The JSON key decides, through `rename`.
        assert!(
            code.contains("total_results:response.meta.as_ref().and_then(|v|v.total_results_.as_ref().and_then(rt::page_count))"),
            "{code}"
        );
        assert!(
            code.contains("next_cursor:response.meta.as_ref().and_then(|v|v.cursors.as_ref().and_then(|v|v.after.as_ref().and_then(rt::page_text)))"),
            "{code}"
        );
        // A field of the wrong type is no signal.
        assert!(
            code.contains("has_more:::std::option::Option::None"),
            "{code}"
        );
    }

    #[test]
    fn top_level_signals_and_unusable_types() {
        let runtime: syn::Path = syn::parse_quote!(rt);
        let (expr, found) = signals_expr("TexmlCalls", &types(), &runtime);
        let code = squeeze(expr);
        assert_eq!(found, ["next_page_uri"]);
        assert!(
            code.contains("next_page_uri:response.next_page_uri.as_ref().and_then(rt::page_text)"),
            "{code}"
        );
        assert!(
            code.contains("total_pages:::std::option::Option::None"),
            "{code}"
        );
    }

    #[test]
    fn several_paths_are_tried_in_order() {
        let types = syn::parse_file(
            "pub struct R { pub meta: M, pub total_pages: Option<u32> }
             pub struct M { pub total_pages: Option<i64> }",
        )
        .unwrap()
        .items;
        let runtime: syn::Path = syn::parse_quote!(rt);
        let code = squeeze(signals_expr("R", &types, &runtime).0);
        assert!(
            code.contains("total_pages:response.meta.total_pages.as_ref().and_then(rt::page_count).or_else(||response.total_pages.as_ref().and_then(rt::page_count))"),
            "{code}"
        );
    }
}
