//! `Serialize` where a type is sent, `Deserialize` where it is received.
//!
//! typify derives both on every type. A client serializes only what it sends (bodies, query
//! values) and deserializes only what it receives (responses), so for most of the API one of
//! the two derives is dead code the compiler still expands, type-checks and lowers. The other
//! derive is kept behind a feature rather than dropped: `serde-all` (for users who store a
//! received object or load a request from a file) and `mock` (whose `httpmock` helpers
//! serialize responses) turn it back on through `cfg_attr`.
//!
//! Which types are sent and received is read from the request builders: their fields (the
//! parameters and the body) are sent, the `ResponseValue<types::X>` their `send` returns is
//! received, and both extend to every type a sent or received type contains.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{Attribute, Item, Meta};

use crate::tokens::{flatten, path_tails};

/// The features that turn the omitted derive back on.
pub(crate) const FEATURES: &str = r#"any(feature = "serde-all", feature = "mock")"#;

/// How many derives [`derive_where_used`] put behind a feature.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeriveCounts {
    /// `Serialize` derives of types that are only received.
    pub serialize: usize,
    /// `Deserialize` derives of types that are only sent.
    pub deserialize: usize,
    /// `TryFrom` text conversions removed from enums that are only received.
    pub text_conversions: usize,
}

/// Puts `Serialize` of received-only types and `Deserialize` of sent-only types behind
/// [`FEATURES`]. `received` and `sent` name types other generated code decodes (webhook event
/// bodies, WebSocket frames) and encodes (WebSocket query values and frames).
pub fn derive_where_used(
    items: &mut [Item],
    received: &BTreeSet<String>,
    sent: &BTreeSet<String>,
) -> DeriveCounts {
    let (mut sent_roots, mut received_roots) = roots(items);
    received_roots.extend(received.iter().cloned());
    sent_roots.extend(sent.iter().cloned());
    let Some(types) = items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return DeriveCounts::default();
    };
    let names: BTreeSet<String> = types.iter().filter_map(type_name).collect();
    let mut contains: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types.iter() {
        if let Some(name) = type_name(item) {
            let mentioned = flatten(item.to_token_stream())
                .into_iter()
                .filter(|ident| names.contains(ident) && *ident != name)
                .collect();
            contains.insert(name, mentioned);
        }
    }
    let mut sent = closure(sent_roots.clone(), &contains);
    let mut received = closure(received_roots.clone(), &contains);
    // A type no request reaches (a spare component, say) keeps both derives, so everything
    // inside it must too.
    let unreached: Vec<String> = names
        .iter()
        .filter(|n| !sent.contains(*n) && !received.contains(*n))
        .cloned()
        .collect();
    if !unreached.is_empty() {
        sent = closure(
            sent_roots
                .into_iter()
                .chain(unreached.iter().cloned())
                .collect(),
            &contains,
        );
        received = closure(
            received_roots.into_iter().chain(unreached).collect(),
            &contains,
        );
    }
    let mut counts = DeriveCounts::default();
    let mut received_only_enums = BTreeSet::new();
    for item in types.iter_mut() {
        let Some(name) = type_name(item) else {
            continue;
        };
        let (is_sent, is_received) = (sent.contains(&name), received.contains(&name));
        if is_received && !is_sent && matches!(item, Item::Enum(_)) {
            received_only_enums.insert(name.clone());
        }
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if is_received && !is_sent && gate(attrs, "Serialize") {
            counts.serialize += 1;
        }
        if is_sent && !is_received && gate(attrs, "Deserialize") {
            counts.deserialize += 1;
        }
    }
    let before = types.len();
    types.retain(|item| !is_text_conversion_of(item, &received_only_enums));
    counts.text_conversions = before - types.len();
    counts
}

/// Whether `item` is `impl TryFrom<&str | &String | String> for X` with `X` in `names`.
/// These let a caller pass text where a request takes an enum (builder setters take
/// `TryInto<T>`); an enum that is only received never goes into a request, so for those they
/// are dead code (`FromStr` remains for parsing).
fn is_text_conversion_of(item: &Item, names: &BTreeSet<String>) -> bool {
    let Item::Impl(imp) = item else {
        return false;
    };
    let Some((_, path, _)) = &imp.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    let argument = args.args.to_token_stream().to_string().replace(' ', "");
    last.ident == "TryFrom"
        && matches!(
            argument.as_str(),
            "&str" | "&::std::string::String" | "::std::string::String" | "&String" | "String"
        )
        && matches!(imp.self_ty.as_ref(), syn::Type::Path(p)
            if p.path.get_ident().is_some_and(|i| names.contains(&i.to_string())))
}

/// The name of a struct or enum.
pub(crate) fn type_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

/// `roots` and every type they contain, transitively.
fn closure(
    roots: BTreeSet<String>,
    contains: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut pending: Vec<String> = roots.into_iter().collect();
    while let Some(name) = pending.pop() {
        if out.insert(name.clone())
            && let Some(inner) = contains.get(&name)
        {
            pending.extend(inner.iter().cloned());
        }
    }
    out
}

/// Types the request builders send (their fields) and receive (what `send` returns).
fn roots(items: &[Item]) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut sent = BTreeSet::new();
    let mut received = BTreeSet::new();
    let Some(builders) = items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    }) else {
        return (sent, received);
    };
    for item in builders {
        match item {
            Item::Struct(s) => {
                let fields = s.fields.to_token_stream();
                sent.extend(path_tails(fields.clone(), &["types"]));
                sent.extend(path_tails(fields, &["types", "builder"]));
            }
            Item::Impl(imp) => {
                for member in &imp.items {
                    if let syn::ImplItem::Fn(f) = member
                        && f.sig.ident == "send"
                    {
                        received.extend(path_tails(f.sig.output.to_token_stream(), &["types"]));
                    }
                }
            }
            _ => {}
        }
    }
    sent.remove("builder");
    (sent, received)
}

/// Moves `::serde::{which}` out of the type's `#[derive(…)]` into a `cfg_attr` right after
/// it (helper attributes such as `#[serde(…)]` must follow the derive that declares them).
/// Returns whether it moved it: not when it is the type's only serde derive (the other
/// direction is then written by hand, and the helper attributes still need a derive).
fn gate(attrs: &mut Vec<Attribute>, which: &str) -> bool {
    for i in 0..attrs.len() {
        if !attrs[i].path().is_ident("derive") {
            continue;
        }
        let Meta::List(list) = &attrs[i].meta else {
            continue;
        };
        let Ok(paths) = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let is_it = |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == which);
        if !paths.iter().any(is_it) {
            continue;
        }
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_it(p)).collect();
        // The `#[serde(…)]` helper attributes need one serde derive that is always there.
        let serde_derive_left = kept.iter().any(|p| {
            p.segments.len() == 2
                && p.segments[0].ident == "serde"
                && matches!(
                    p.segments[1].ident.to_string().as_str(),
                    "Serialize" | "Deserialize"
                )
        });
        if !serde_derive_left {
            return false;
        }
        attrs[i] = syn::parse_quote!(#[derive(#(#kept),*)]);
        attrs.insert(i + 1, gated_derive(which));
        return true;
    }
    false
}

/// `#[cfg_attr(<FEATURES>, derive(::serde::{which}))]`.
pub(crate) fn gated_derive(which: &str) -> Attribute {
    let features: proc_macro2::TokenStream = FEATURES.parse().unwrap_or_default();
    let which = syn::Ident::new(which, proc_macro2::Span::call_site());
    syn::parse_quote!(#[cfg_attr(#features, derive(::serde::#which))])
}

/// Removes `PartialOrd` and `Ord` from the derives of every type in `types`; returns how many
/// types had them. typify derives them on every enum and string newtype, but ordering API
/// values means nothing (an enum's order is the document's; a newtype's is its string's,
/// which `.0` gives), and for the whole API the derived impls were about 5% of the expanded
/// code. `Eq` and `Hash` stay, so values still work as set and map keys.
pub fn drop_ordering(items: &mut [Item]) -> usize {
    let Some(types) = items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return 0;
    };
    let mut count = 0;
    for item in types.iter_mut() {
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            let ordering = |p: &syn::Path| p.is_ident("Ord") || p.is_ident("PartialOrd");
            if paths.iter().any(ordering) {
                let kept: Vec<&syn::Path> = paths.iter().filter(|p| !ordering(p)).collect();
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                count += 1;
            }
        }
    }
    count
}
