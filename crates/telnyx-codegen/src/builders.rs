//! Struct builders only for the types a request sends.
//!
//! typify gives every struct a builder (`types::builder::X`: a struct of `Result` fields, a
//! setter per field, `Default`, and conversions both ways). A request builder's `body_map`
//! hands the user the body's builder, and a body's fields may be built with their own
//! builders, so those are kept. Types that are only ever received (most of the API: every
//! response, every list page) never need one; for the whole API their builders were about 45%
//! of the generated lines. They are removed here, along with the `X::builder()` constructor
//! that names them.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;

use crate::tokens::path_tails;
use syn::{ImplItem, Item, Type};

/// Removes the builders of types no request builder reaches; returns how many were removed.
pub fn keep_request_builders(items: &mut [Item]) -> usize {
    let roots = request_body_builders(items);
    let Some(types) = module_items(items, "types") else {
        return 0;
    };
    let Some(builder_items) = types.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    }) else {
        return 0;
    };
    // Each builder struct and the type names its fields mention (`super::Y`).
    let mut mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in builder_items {
        if let Item::Struct(s) = item {
            let fields = s.fields.to_token_stream();
            mentions.insert(s.ident.to_string(), path_tails(fields, &["super"]));
        }
    }
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = roots.into_iter().collect();
    while let Some(name) = pending.pop() {
        if let Some(next) = mentions.get(&name)
            && keep.insert(name)
        {
            pending.extend(next.iter().cloned());
        }
    }
    let removed: BTreeSet<String> = mentions
        .keys()
        .filter(|name| !keep.contains(*name))
        .cloned()
        .collect();
    if removed.is_empty() {
        return 0;
    }
    for item in types.iter_mut() {
        match item {
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, content)) = m.content.as_mut() {
                    content.retain(|item| !builder_item_of(item, &removed));
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                if let Some(name) = last_ident(&imp.self_ty)
                    && removed.contains(&name)
                {
                    imp.items.retain(
                        |member| !matches!(member, ImplItem::Fn(f) if f.sig.ident == "builder"),
                    );
                }
            }
            _ => {}
        }
    }
    // Drop inherent impls the removal left empty.
    types.retain(
        |item| !matches!(item, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()),
    );
    removed.len()
}

/// The items of the top-level module `name`.
fn module_items<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Names `X` of every `types::builder::X` the request builders (the top-level `builder`
/// module) hold: the bodies `body_map` edits. Only the builders' fields are read: the bodies
/// are fields, and the methods (most of the module's tokens) add no other names.
fn request_body_builders(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.fields.to_token_stream()),
            _ => None,
        })
        .flat_map(|tokens| path_tails(tokens, &["types", "builder"]))
        .collect()
}

/// The last path segment of a type such as `super::X` or `X`.
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether `item` (inside `types::builder`) belongs to the builder of one of `names`: the
/// struct, its `Default` and setter impls, and the conversions to and from the built type.
fn builder_item_of(item: &Item, names: &BTreeSet<String>) -> bool {
    match item {
        Item::Struct(s) => names.contains(&s.ident.to_string()),
        Item::Impl(imp) => {
            // `impl X`, `impl Default for X`, `impl From<super::X> for X`: self is the builder.
            if let Type::Path(p) = imp.self_ty.as_ref()
                && p.path.segments.len() == 1
                && names.contains(&p.path.segments[0].ident.to_string())
            {
                return true;
            }
            // `impl TryFrom<X> for super::X`: the builder is the trait's argument.
            let trait_argument = imp.trait_.as_ref().and_then(|(_, path, _)| {
                let last = path.segments.last()?;
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                match args.args.first()? {
                    syn::GenericArgument::Type(Type::Path(t)) if t.path.segments.len() == 1 => {
                        Some(t.path.segments[0].ident.to_string())
                    }
                    _ => None,
                }
            });
            trait_argument.is_some_and(|name| names.contains(&name))
        }
        _ => false,
    }
}
