//! Reading names out of generated code: which paths an item mentions.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};

/// `tokens` flattened to identifiers and punctuation (`a::b::C` is `a : : b : : C`); group
/// boundaries and literals are empty strings, so no pattern runs across them.
pub fn flatten(tokens: TokenStream) -> Vec<String> {
    fn walk(tokens: TokenStream, out: &mut Vec<String>) {
        for tree in tokens {
            match tree {
                TokenTree::Group(group) => {
                    out.push(String::new());
                    walk(group.stream(), out);
                    out.push(String::new());
                }
                TokenTree::Ident(ident) => out.push(ident.to_string()),
                TokenTree::Punct(punct) => out.push(punct.as_char().to_string()),
                TokenTree::Literal(_) => out.push(String::new()),
            }
        }
    }
    let mut flat = Vec::new();
    walk(tokens, &mut flat);
    flat
}

/// The identifiers that follow `prefix[0]::prefix[1]::…::` anywhere in `tokens`.
pub fn path_tails(tokens: TokenStream, prefix: &[&str]) -> BTreeSet<String> {
    let flat = flatten(tokens);
    let mut pattern: Vec<&str> = Vec::new();
    for part in prefix {
        pattern.extend([*part, ":", ":"]);
    }
    flat.windows(pattern.len() + 1)
        .filter(|w| w.iter().zip(&pattern).all(|(a, b)| a == b))
        .map(|w| w[pattern.len()].clone())
        .filter(|name| name.starts_with(|c: char| c.is_alphabetic()))
        .collect()
}

/// `T` of `Option<T>` (in any spelling of its path); the type itself otherwise.
pub fn option_inner(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(path) = ty
        && let Some(last) = path.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return inner;
    }
    ty
}
/// `#[serde(rename = "…")]` of a field.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}
