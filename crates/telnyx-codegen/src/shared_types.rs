//! One type per shape: generated types that are identical share one definition.
//!
//! typify names an inline schema after the place it appears in, so the same shape written in
//! three operations (a request body's item, the same item in an update, the resource's own)
//! becomes three types with the same fields, derives and impls. Each costs compile time and
//! documentation memory. Here every such group keeps one definition, the shortest name (then
//! the first in order), and the other names become `pub type Other = Kept;`, in `types` and,
//! when there is one, in `types::builder`: code that names any of them compiles as before.
//!
//! A tuple struct whose field is public keeps its own definition: code may construct it, and
//! a type alias cannot be called as a constructor.
//!
//! Two types are identical when their definitions and every impl they own are the same token
//! for token once doc comments are dropped and their own names are read as one placeholder.
//! Types that name other types compare after those have been shared, so sharing repeats until
//! nothing changes (a leaf first, then what holds it). Afterwards every path to a shared name is
//! rewritten to the kept one, which makes trait impls that named two shared types the same impl:
//! a copy with the same body is dropped, and a `From`/`TryFrom` that now converts one type two
//! ways is dropped altogether (which variant it would pick is no longer clear).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use quote::ToTokens;
use syn::Item;
use syn::visit_mut::VisitMut;

/// The shared names: each alias with the type it names.
pub type Aliases = BTreeMap<String, String>;

/// What sharing did.
#[derive(Debug, Default)]
pub struct Shared {
    /// Each alias with the type it names.
    pub aliases: Aliases,
    /// Conversions dropped because they became ambiguous (`impl From<Kept> for Either` twice).
    pub dropped_conversions: Vec<String>,
}

/// Shares the identical types of the `types` module in `items` (a whole generated file).
pub fn share_identical_types(items: &mut Vec<Item>) -> Result<Shared, String> {
    let names: BTreeSet<String> = module_items(items, "types")
        .map(|types| types.iter().filter_map(defined_type).collect())
        .unwrap_or_default();
    let kept_apart = named_by_other_impls(items, &names);
    let Some(types) = module_items(items, "types") else {
        return Ok(Shared::default());
    };
    let mut owned: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, item) in types.iter().enumerate() {
        if let Some(owner) = owner(item, &names, &[]) {
            owned.entry(owner).or_default().push(index);
        }
    }
    let aliases = find_identical(types, &names, &owned, &kept_apart);
    if aliases.is_empty() {
        return Ok(Shared::default());
    }
    remove_shared(types, &names, &aliases, &owned);
    let mut rename = Rename {
        map: &aliases,
        own: None,
        in_types: false,
    };
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                rename.in_types = true;
                rename.visit_item_mut(item);
                rename.in_types = false;
            }
            _ => rename.visit_item_mut(item),
        }
    }
    let mut dropped_conversions = Vec::new();
    drop_conflicting_impls(items, &mut dropped_conversions)?;
    add_aliases(items, &aliases);
    Ok(Shared {
        aliases,
        dropped_conversions,
    })
}

fn module_items<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The name of a struct or enum without generics.
fn defined_type(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) if s.generics.params.is_empty() => Some(s.ident.to_string()),
        Item::Enum(e) if e.generics.params.is_empty() => Some(e.ident.to_string()),
        _ => None,
    }
}

/// The type an item belongs to: its own definition, an impl for it (`X`, `super::X`), or a
/// trait impl for a type that is not generated that names it (`From<X> for String`).
fn owner(item: &Item, names: &BTreeSet<String>, prefixes: &[&str]) -> Option<String> {
    let generated = |path: &syn::Path| -> Option<String> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let (last, before) = segments.split_last()?;
        let prefix_ok =
            before.is_empty() || (before.len() == 1 && prefixes.contains(&before[0].as_str()));
        (path.leading_colon.is_none() && prefix_ok && names.contains(last)).then(|| last.clone())
    };
    match item {
        Item::Struct(_) | Item::Enum(_) => defined_type(item),
        Item::Impl(imp) => {
            if let syn::Type::Path(p) = &*imp.self_ty
                && let Some(name) = generated(&p.path)
            {
                return Some(name);
            }
            let (_, trait_path, _) = imp.trait_.as_ref()?;
            trait_path
                .segments
                .iter()
                .find_map(|segment| match &segment.arguments {
                    syn::PathArguments::AngleBracketed(args) => {
                        args.args.iter().find_map(|arg| match arg {
                            syn::GenericArgument::Type(syn::Type::Path(p)) => generated(&p.path),
                            _ => None,
                        })
                    }
                    _ => None,
                })
        }
        _ => None,
    }
}

/// Types that an impl names that sharing would not remove: any impl outside `types`
/// (`impl JsonFrame for types::X`), and a trait impl in `types` other than a conversion that
/// names a second type (`impl PartialEq<Y> for X`). Two such impls could become one impl with
/// two bodies, so these types keep their own definitions.
fn named_by_other_impls(items: &[Item], names: &BTreeSet<String>) -> BTreeSet<String> {
    fn mentioned(
        tokens: proc_macro2::TokenStream,
        names: &BTreeSet<String>,
        out: &mut BTreeSet<String>,
    ) {
        out.extend(
            crate::tokens::flatten(tokens)
                .into_iter()
                .filter(|word| names.contains(word)),
        );
    }
    fn walk(items: &[Item], in_types: bool, names: &BTreeSet<String>, out: &mut BTreeSet<String>) {
        for item in items {
            match item {
                Item::Impl(imp) => {
                    let Some((_, trait_path, _)) = &imp.trait_ else {
                        if !in_types {
                            mentioned(imp.self_ty.to_token_stream(), names, out);
                        }
                        continue;
                    };
                    let conversion = trait_path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "From" || s.ident == "TryFrom");
                    if !in_types {
                        mentioned(imp.self_ty.to_token_stream(), names, out);
                        mentioned(trait_path.to_token_stream(), names, out);
                    } else if !conversion {
                        let mut second = BTreeSet::new();
                        mentioned(trait_path.to_token_stream(), names, &mut second);
                        let mut own = BTreeSet::new();
                        mentioned(imp.self_ty.to_token_stream(), names, &mut own);
                        if !own.is_empty() {
                            out.extend(second);
                        }
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        walk(inner, in_types || m.ident == "types", names, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(items, false, names, &mut out);
    out
}

/// Groups identical types until no group grows; returns each shared name with its kept one.
fn find_identical(
    types: &[Item],
    names: &BTreeSet<String>,
    owned: &HashMap<String, Vec<usize>>,
    kept_apart: &BTreeSet<String>,
) -> Aliases {
    let mut aliases = Aliases::new();
    let mut keys: BTreeMap<&str, String> = BTreeMap::new();
    // Only types whose outline (field or variant names, number of items) another type shares
    // can be identical: the rest are not compared at all, which keeps this pass fast.
    let mut outlines: HashMap<String, Vec<&str>> = HashMap::new();
    for name in names.iter().filter(|n| !kept_apart.contains(*n)) {
        outlines
            .entry(outline(name, types, owned))
            .or_default()
            .push(name);
    }
    let mut stale: BTreeSet<&str> = outlines
        .values()
        .filter(|group| group.len() > 1)
        .flatten()
        .copied()
        .collect();
    // What each type mentions, to know whose comparison a new alias changes: the names in its
    // first key (later keys only ever name fewer).
    let mut mentions: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    loop {
        for name in &stale {
            let key = shape_key(name, types, owned, &aliases);
            mentions.entry(name).or_insert_with(|| {
                key.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .filter_map(|word| names.get(word).map(String::as_str))
                    .filter(|word| word != name)
                    .collect()
            });
            keys.insert(name, key);
        }
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, key) in &keys {
            groups.entry(key.as_str()).or_default().push(name);
        }
        let mut added = Vec::new();
        for group in groups.values().filter(|g| g.len() > 1) {
            let Some(kept) = group
                .iter()
                .min_by_key(|n| (n.len(), n.to_string()))
                .copied()
            else {
                continue;
            };
            for name in group.iter().filter(|n| **n != kept) {
                aliases.insert(name.to_string(), kept.to_owned());
                added.push(name.to_string());
            }
        }
        if added.is_empty() {
            break;
        }
        for name in &added {
            keys.remove(name.as_str());
        }
        stale = keys
            .keys()
            .filter(|n| mentions[*n].iter().any(|m| added.iter().any(|a| a == m)))
            .copied()
            .collect();
        // An alias of an alias names the type that is finally kept.
        let snapshot = aliases.clone();
        for kept in aliases.values_mut() {
            while let Some(next) = snapshot.get(kept.as_str()) {
                *kept = next.clone();
            }
        }
    }
    aliases
}

/// What identical types have in common whatever they name: the kind, the field or variant
/// names, and how many items the type owns.
fn outline(name: &str, types: &[Item], owned: &HashMap<String, Vec<usize>>) -> String {
    let indices = owned.get(name).map(Vec::as_slice).unwrap_or(&[]);
    let mut outline = indices.len().to_string();
    for &index in indices {
        match &types[index] {
            // Not through an alias: `Alias(value)` does not construct a tuple struct, and code
            // may construct one whose field is public. Its own name keeps it apart.
            Item::Struct(s)
                if matches!(s.fields, syn::Fields::Unnamed(_))
                    && s.fields
                        .iter()
                        .any(|f| matches!(f.vis, syn::Visibility::Public(_))) =>
            {
                outline.push_str(&format!(" public tuple {name}"));
            }
            Item::Struct(s) => {
                outline.push_str(" struct");
                for (position, field) in s.fields.iter().enumerate() {
                    match &field.ident {
                        Some(ident) => outline.push_str(&format!(" {ident}")),
                        None => outline.push_str(&format!(" {position}")),
                    }
                }
            }
            Item::Enum(e) => {
                outline.push_str(" enum");
                for variant in &e.variants {
                    outline.push_str(&format!(" {}", variant.ident));
                }
            }
            _ => {}
        }
    }
    outline
}

/// The type's definition and impls as text, without docs, its own name as `Self_`, and the
/// names already shared as the ones they share.
fn shape_key(
    name: &str,
    types: &[Item],
    owned: &HashMap<String, Vec<usize>>,
    aliases: &Aliases,
) -> String {
    let mut key = String::new();
    for &index in owned.get(name).map(Vec::as_slice).unwrap_or(&[]) {
        let mut item = types[index].clone();
        StripDocs.visit_item_mut(&mut item);
        let mut rename = Rename {
            map: aliases,
            own: Some(name),
            in_types: true,
        };
        rename.visit_item_mut(&mut item);
        match &mut item {
            Item::Struct(s) => s.ident = syn::Ident::new("Self_", s.ident.span()),
            Item::Enum(e) => e.ident = syn::Ident::new("Self_", e.ident.span()),
            _ => {}
        }
        key.push_str(&item.to_token_stream().to_string());
        key.push('\n');
    }
    key
}

struct StripDocs;

impl VisitMut for StripDocs {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|a| !a.path().is_ident("doc"));
        for attr in attrs {
            self.visit_attribute_mut(attr);
        }
    }
}

/// Renames the paths that name a generated type: `X` inside `types`, and `types::X`,
/// `super::X`, `builder::X` anywhere. A variant (`Self::X`, `Enum::X`) is left alone.
struct Rename<'a> {
    map: &'a Aliases,
    /// A name read as `Self_` (to compare a type with others).
    own: Option<&'a str>,
    in_types: bool,
}

impl VisitMut for Rename<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let count = path.segments.len();
        for index in 0..count {
            let ident = path.segments[index].ident.to_string();
            let new = match self.own {
                Some(own) if own == ident => "Self_",
                _ => match self.map.get(&ident) {
                    Some(new) => new.as_str(),
                    None => continue,
                },
            };
            let applies = if index == 0 {
                count == 1 && path.leading_colon.is_none() && self.in_types
            } else {
                let before = path.segments[index - 1].ident.to_string();
                matches!(before.as_str(), "types" | "super" | "builder")
            };
            if applies {
                let span = path.segments[index].ident.span();
                path.segments[index].ident = syn::Ident::new(new, span);
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Removes the shared types' definitions and impls from `types` and `types::builder`.
fn remove_shared(
    types: &mut Vec<Item>,
    names: &BTreeSet<String>,
    aliases: &Aliases,
    owned: &HashMap<String, Vec<usize>>,
) {
    let gone: BTreeSet<usize> = aliases
        .keys()
        .flat_map(|name| owned.get(name).cloned().unwrap_or_default())
        .collect();
    let mut index = 0;
    types.retain(|_| {
        index += 1;
        !gone.contains(&(index - 1))
    });
    if let Some(builders) = module_items(types, "builder") {
        builders.retain(|item| {
            owner(item, names, &["super"]).is_none_or(|name| !aliases.contains_key(&name))
        });
    }
}

/// Drops trait impls that became one (see the module docs); an impl that collides in any other
/// way is an error, since neither copy can be chosen.
fn drop_conflicting_impls(items: &mut Vec<Item>, dropped: &mut Vec<String>) -> Result<(), String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ambiguous: BTreeSet<String> = BTreeSet::new();
    let mut copies: BTreeSet<usize> = BTreeSet::new();
    for (index, item) in items.iter().enumerate() {
        let Item::Impl(imp) = item else { continue };
        let Some((_, trait_path, _)) = &imp.trait_ else {
            continue;
        };
        let head = format!(
            "{} {} for {}",
            imp.generics.to_token_stream(),
            trait_path.to_token_stream(),
            imp.self_ty.to_token_stream()
        );
        let Some(&first) = seen.get(&head) else {
            seen.insert(head, index);
            continue;
        };
        let body = |item: &Item| item.to_token_stream().to_string();
        match body(&items[first]) == body(item) {
            true => {
                copies.insert(index);
            }
            false => {
                let last = trait_path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if last != "From" && last != "TryFrom" {
                    return Err(format!(
                        "sharing identical types made two different impls `{head}`"
                    ));
                }
                if ambiguous.insert(head.clone()) {
                    dropped.push(head);
                }
            }
        }
    }
    let mut index = 0;
    items.retain(|item| {
        index += 1;
        if copies.contains(&(index - 1)) {
            return false;
        }
        match item {
            Item::Impl(imp) => match &imp.trait_ {
                Some((_, trait_path, _)) => !ambiguous.contains(&format!(
                    "{} {} for {}",
                    imp.generics.to_token_stream(),
                    trait_path.to_token_stream(),
                    imp.self_ty.to_token_stream()
                )),
                None => true,
            },
            _ => true,
        }
    });
    for item in items.iter_mut() {
        if let Item::Mod(m) = item
            && let Some((_, inner)) = m.content.as_mut()
        {
            drop_conflicting_impls(inner, dropped)?;
        }
    }
    Ok(())
}

/// `pub type Shared = Kept;` in `types`, and in `types::builder` when the kept type has a
/// builder.
fn add_aliases(items: &mut [Item], aliases: &Aliases) {
    let Some(types) = module_items(items, "types") else {
        return;
    };
    let with_builder: BTreeSet<String> = module_items(types, "builder")
        .map(|b| b.iter().filter_map(defined_type).collect())
        .unwrap_or_default();
    let mut builder_aliases = Vec::new();
    for (shared, kept) in aliases {
        let shared_ident = syn::Ident::new(shared, proc_macro2::Span::call_site());
        let kept_ident = syn::Ident::new(kept, proc_macro2::Span::call_site());
        let doc = format!(" Another name for [`{kept}`], whose schema is the same.");
        types.push(syn::parse_quote! {
            #[doc = #doc]
            pub type #shared_ident = #kept_ident;
        });
        if with_builder.contains(kept) {
            let doc = format!(" Builder for [`{shared}`](super::{shared}): [`{kept}`]'s.");
            builder_aliases.push(syn::parse_quote! {
                #[doc = #doc]
                pub type #shared_ident = #kept_ident;
            });
        }
    }
    if let Some(builders) = module_items(types, "builder") {
        builders.extend(builder_aliases);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(file: &mut syn::File) -> Aliases {
        share_identical_types(&mut file.items)
            .expect("no conflicting impls")
            .aliases
    }

    fn text(file: &syn::File) -> String {
        file.to_token_stream().to_string()
    }

    #[test]
    fn identical_types_share_one_definition_and_keep_their_names() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                ///`LongerItem`
                #[derive(Clone, Debug)]
                pub struct LongerItem { pub id: String }
                impl LongerItem {
                    pub fn builder() -> builder::LongerItem { Default::default() }
                }
                ///`Item`
                #[derive(Clone, Debug)]
                pub struct Item { pub id: String }
                impl Item {
                    pub fn builder() -> builder::Item { Default::default() }
                }
                pub struct Holder { pub a: LongerItem, pub b: Item }
                pub mod builder {
                    pub struct LongerItem { id: String }
                    impl ::std::convert::From<super::LongerItem> for LongerItem {
                        fn from(value: super::LongerItem) -> Self { Self { id: value.id } }
                    }
                    pub struct Item { id: String }
                    impl ::std::convert::From<super::Item> for Item {
                        fn from(value: super::Item) -> Self { Self { id: value.id } }
                    }
                }
            }
            pub mod builder {
                pub struct Send { body: Result<types::LongerItem, String> }
            }
        };
        let aliases = share(&mut file);
        assert_eq!(aliases.get("LongerItem").map(String::as_str), Some("Item"));
        assert_eq!(aliases.len(), 1);
        let text = text(&file);
        assert_eq!(text.matches("pub struct LongerItem").count(), 0, "{text}");
        assert_eq!(
            text.matches("pub type LongerItem = Item ;").count(),
            2,
            "{text}"
        );
        assert!(
            text.contains("pub struct Holder { pub a : Item , pub b : Item }"),
            "{text}"
        );
        assert!(
            text.contains("body : Result < types :: Item , String >"),
            "{text}"
        );
        assert_eq!(text.matches("fn builder").count(), 1, "{text}");
    }

    #[test]
    fn holders_of_identical_types_are_shared_next() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct ValueA { pub v: i64 }
                pub struct ValueBb { pub v: i64 }
                pub struct OuterA { pub value: ValueA }
                pub struct OuterBb { pub value: ValueBb }
            }
        };
        let aliases = share(&mut file);
        assert_eq!(aliases.get("ValueBb").map(String::as_str), Some("ValueA"));
        assert_eq!(aliases.get("OuterBb").map(String::as_str), Some("OuterA"));
    }

    #[test]
    fn different_serde_attributes_or_variants_stay_apart() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct One { #[serde(rename = "a")] pub a: i64 }
                pub struct Two { #[serde(rename = "b")] pub a: i64 }
                pub enum Three { One(One) }
                pub enum Four { Two(Two) }
            }
        };
        assert!(share(&mut file).is_empty(), "{}", text(&file));
    }

    #[test]
    fn variants_named_like_types_are_not_renamed() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Alpha { pub v: i64 }
                pub struct Gamma { pub v: i64 }
                pub enum Choice { Gamma(Gamma) }
                impl Choice {
                    pub fn is_gamma(&self) -> bool { matches!(self, Self::Gamma(_)) }
                }
            }
        };
        share(&mut file);
        let text = text(&file);
        assert!(text.contains("pub enum Choice { Gamma (Alpha) }"), "{text}");
        assert!(text.contains("Self :: Gamma (_)"), "{text}");
    }

    #[test]
    fn a_conversion_that_became_ambiguous_is_dropped() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Alpha { pub v: i64 }
                pub struct Gamma { pub v: i64 }
                pub enum Either { A(Alpha), B(Gamma) }
                impl ::std::convert::From<Alpha> for Either {
                    fn from(value: Alpha) -> Self { Self::A(value) }
                }
                impl ::std::convert::From<Gamma> for Either {
                    fn from(value: Gamma) -> Self { Self::B(value) }
                }
            }
        };
        share(&mut file);
        let text = text(&file);
        assert!(!text.contains("for Either"), "{text}");
        assert!(
            text.contains("pub enum Either { A (Alpha) , B (Alpha) }"),
            "{text}"
        );
    }

    #[test]
    fn identical_conversions_of_other_types_keep_one_copy() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Alpha(String);
                impl ::std::convert::From<Alpha> for String {
                    fn from(value: Alpha) -> Self { value.0 }
                }
                pub struct Beta(String);
                impl ::std::convert::From<Beta> for String {
                    fn from(value: Beta) -> Self { value.0 }
                }
            }
        };
        share(&mut file);
        let text = text(&file);
        assert_eq!(text.matches("for String").count(), 1, "{text}");
    }

    #[test]
    fn tuple_structs_with_a_public_field_keep_their_own_definition() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Alpha(pub String);
                pub struct Gamma(pub String);
                pub struct Delta(String);
                pub struct Omega(String);
            }
        };
        let aliases = share(&mut file);
        assert_eq!(aliases.len(), 1, "{aliases:?}");
        assert_eq!(aliases.get("Omega").map(String::as_str), Some("Delta"));
    }

    #[test]
    fn types_that_impls_outside_name_keep_their_own_definition() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Alpha { pub v: i64 }
                pub struct Gamma { pub v: i64 }
                pub struct Delta { pub w: i64 }
                pub struct Omega { pub w: i64 }
            }
            pub mod frames {
                impl Frame for types::Alpha { fn kind() -> u8 { 1 } }
                impl Frame for types::Gamma { fn kind() -> u8 { 2 } }
            }
        };
        let aliases = share(&mut file);
        assert_eq!(aliases.len(), 1, "{aliases:?}");
        assert_eq!(aliases.get("Omega").map(String::as_str), Some("Delta"));
    }
}
