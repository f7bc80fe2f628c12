//! Forward-compatible decoding: string enums that keep values they do not know, and structs
//! that ignore fields they do not know.
//!
//! typify turns `{"type": "string", "enum": [...]}` into a Rust enum of unit variants, whose
//! derived `Deserialize` rejects any other string. Telnyx adds values to such enums over time,
//! and a new value must not turn a successful response into an error. So every such enum gets:
//!
//! * a last variant `Unrecognized(String)` marked `#[serde(untagged)]`: serde tries the known
//!   values first and falls back to it, keeping the string as sent; serializing it writes the
//!   string back unchanged, so an unknown value survives a round trip (and a caller can send a
//!   value this version does not know yet);
//! * `#[non_exhaustive]`, so that a later spec adding a known variant is not a breaking change
//!   for code that matches on the enum;
//! * no `Copy` derive (a `String` is not `Copy`), with the generated `Display` impl adjusted to
//!   print the kept string.
//!
//! An enum used in an untagged enum's variant other than the last is left strict: serde tries
//! those variants in order, and a catch-all would take strings meant for a later variant.
//!
//! `FromStr`/`TryFrom<&str>` stay strict: they parse text a *caller* wrote (for example a
//! builder argument), where a typo should be an error rather than a silently unknown value.
//!
//! Separately, `#[serde(deny_unknown_fields)]` (emitted for `additionalProperties: false`) is
//! removed everywhere, because a field Telnyx adds later must not break decoding either.

use std::collections::{HashMap, HashSet};

use syn::punctuated::Punctuated;
use syn::{
    Attribute, Expr, Fields, Ident, Item, ItemEnum, ItemImpl, Meta, Path, Token, Type, parse_quote,
};

/// Name of the catch-all variant (a fallback is used if an enum already has a variant so named).
pub const CATCH_ALL: &str = "Unrecognized";

/// Applies the forward-compatibility changes to the items of the generated `types` module;
/// `tags` are the discriminator properties (see `discriminators`). Returns the names of the
/// enums that were changed.
pub fn make_forward_compatible(
    items: &mut [Item],
    tags: &HashSet<(String, String)>,
) -> Result<Vec<String>, String> {
    let shadowing = shadowing_positions(items, tags);
    let mut changed = Vec::new();
    // Enum name → its catch-all variant, for the single pass over the `Display` impls below.
    let mut catch_alls = HashMap::new();
    for item in items.iter_mut() {
        if let Item::Enum(item) = item
            && is_string_enum(item)
            && !shadowing.contains(&item.ident.to_string())
        {
            let catch_all = catch_all_ident(item);
            add_catch_all(item, &catch_all);
            changed.push(item.ident.to_string());
            catch_alls.insert(item.ident.to_string(), catch_all);
        }
    }
    for item in items.iter_mut() {
        if let Item::Impl(imp) = item
            && let Some(name) = implemented_for(imp, "Display")
            && let Some(catch_all) = catch_alls.get(&name)
        {
            fix_display(imp, catch_all)
                .map_err(|e| format!("Display impl of enum `{name}`: {e}"))?;
        }
        strip_deny_unknown_fields(item);
    }
    Ok(changed)
}

/// Types that appear in a variant of an untagged enum other than its last one. serde tries an
/// untagged enum's variants in order, so a catch-all there would swallow strings meant for a
/// later variant; such enums are left strict. So are the one-value enums of the discriminator
/// property (`tags`, see `discriminators`) of a struct in such a variant: they are what tells
/// that struct from the later variants.
fn shadowing_positions(items: &[Item], tags: &HashSet<(String, String)>) -> HashSet<String> {
    let constants: HashSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) if is_string_enum(e) && e.variants.len() == 1 => {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect();
    // Struct → the enum types of its discriminator properties.
    let mut tag_fields: HashMap<String, Vec<String>> = HashMap::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        for field in &s.fields {
            let wire = crate::tokens::serde_rename(&field.attrs).or_else(|| {
                field
                    .ident
                    .as_ref()
                    .map(|i| i.to_string().trim_start_matches("r#").to_owned())
            });
            let is_tag = wire.is_some_and(|wire| tags.contains(&(name.clone(), wire)));
            if let (true, Some(ty)) = (is_tag, type_name_of(crate::tokens::option_inner(&field.ty)))
                && constants.contains(&ty)
            {
                tag_fields.entry(name.clone()).or_default().push(ty);
            }
        }
    }
    let mut names = HashSet::new();
    for item in items {
        let Item::Enum(item) = item else { continue };
        if !has_serde_flag(&item.attrs, "untagged") {
            continue;
        }
        let count = item.variants.len();
        for variant in item.variants.iter().take(count.saturating_sub(1)) {
            for field in variant.fields.iter() {
                let Some(name) = type_name_of(&field.ty) else {
                    continue;
                };
                if let Some(fields) = tag_fields.get(&name) {
                    names.extend(fields.iter().cloned());
                }
                names.insert(name);
            }
        }
    }
    names
}

/// The last segment of a path type (`types::Room` → `Room`).
fn type_name_of(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether a `#[serde(...)]` attribute lists the bare flag `flag`.
fn has_serde_flag(attrs: &[Attribute], flag: &str) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .any(|meta| matches!(meta, Meta::Path(path) if path.is_ident(flag)))
}

/// An enum of unit variants that derives `Deserialize`: what typify emits for string enums.
fn is_string_enum(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && item
            .variants
            .iter()
            .all(|variant| matches!(variant.fields, Fields::Unit))
        && derives(&item.attrs)
            .iter()
            .any(|path| last_is(path, "Deserialize"))
}

fn catch_all_ident(item: &ItemEnum) -> Ident {
    let taken = |name: &str| item.variants.iter().any(|variant| variant.ident == name);
    let name = if taken(CATCH_ALL) {
        format!("{CATCH_ALL}Value")
    } else {
        CATCH_ALL.to_owned()
    };
    Ident::new(&name, proc_macro2::Span::call_site())
}

fn add_catch_all(item: &mut ItemEnum, catch_all: &Ident) {
    item.variants.push(parse_quote! {
        /// A value this version of the client does not know (Telnyx added it after the client
        /// was generated), kept exactly as sent.
        #[serde(untagged)]
        #catch_all(::std::string::String)
    });
    for attr in &mut item.attrs {
        if attr.path().is_ident("derive") {
            let kept: Vec<Path> = derives(std::slice::from_ref(attr))
                .into_iter()
                .filter(|path| !last_is(path, "Copy"))
                .collect();
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    item.attrs.push(parse_quote!(#[non_exhaustive]));
}

/// `match *self { Self::A => f.write_str("a"), .. }` becomes
/// `match self { Self::A => f.write_str("a"), .., Self::Unrecognized(value) => f.write_str(value) }`.
fn fix_display(imp: &mut ItemImpl, catch_all: &Ident) -> Result<(), String> {
    for impl_item in &mut imp.items {
        if let syn::ImplItem::Fn(function) = impl_item {
            for stmt in &mut function.block.stmts {
                if let syn::Stmt::Expr(Expr::Match(expr_match), _) = stmt {
                    if let Expr::Unary(unary) = expr_match.expr.as_ref()
                        && matches!(unary.op, syn::UnOp::Deref(_))
                    {
                        let inner = unary.expr.as_ref().clone();
                        *expr_match.expr = inner;
                    }
                    expr_match.arms.push(parse_quote! {
                        Self::#catch_all(value) => f.write_str(value),
                    });
                    return Ok(());
                }
            }
        }
    }
    Err("no `match` expression found in `fmt`".to_owned())
}

fn strip_deny_unknown_fields(item: &mut Item) {
    let attrs = match item {
        Item::Struct(item) => &mut item.attrs,
        Item::Enum(item) => &mut item.attrs,
        _ => return,
    };
    attrs.retain_mut(|attr| {
        if !attr.path().is_ident("serde") {
            return true;
        }
        let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        else {
            return true;
        };
        let kept: Vec<&Meta> = metas
            .iter()
            .filter(|meta| !meta.path().is_ident("deny_unknown_fields"))
            .collect();
        if kept.len() == metas.len() {
            return true;
        }
        if kept.is_empty() {
            return false;
        }
        *attr = parse_quote!(#[serde(#(#kept),*)]);
        true
    });
}

/// The paths listed in `#[derive(...)]` attributes.
fn derives(attrs: &[Attribute]) -> Vec<Path> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

fn last_is(path: &Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// The type name `Name` of an `impl <..>::Trait for Name`.
fn implemented_for(imp: &ItemImpl, trait_name: &str) -> Option<String> {
    let trait_matches = imp
        .trait_
        .as_ref()
        .is_some_and(|(_, path, _)| last_is(path, trait_name));
    match imp.self_ty.as_ref() {
        Type::Path(tp) if trait_matches && tp.qself.is_none() => {
            tp.path.get_ident().map(ToString::to_string)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn apply(source: &str) -> String {
        let mut file: syn::File = syn::parse_str(source).unwrap();
        make_forward_compatible(&mut file.items, &HashSet::new()).unwrap();
        file.into_token_stream().to_string()
    }

    #[test]
    fn string_enum_gets_catch_all_and_loses_copy() {
        let out = apply(
            r#"
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Status { #[serde(rename = "done")] Done }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Done => f.write_str("done"), }
                }
            }
            "#,
        );
        assert!(out.contains("# [serde (untagged)] Unrecognized (:: std :: string :: String)"));
        assert!(!out.contains("Copy"));
        assert!(out.contains("# [non_exhaustive]"));
        assert!(out.contains("match self"));
        assert!(out.contains("Self :: Unrecognized (value) => f . write_str (value)"));
    }

    #[test]
    fn enums_inside_untagged_enums_stay_strict_unless_last() {
        let out = apply(
            r#"
            #[derive(::serde::Deserialize)]
            pub enum Word { #[serde(rename = "all")] All }
            #[derive(::serde::Deserialize)]
            pub enum Mode { #[serde(rename = "fast")] Fast }
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            pub enum Target { Word(Word), Id(::uuid::Uuid), Mode(Mode) }
            "#,
        );
        assert!(
            out.contains("pub enum Word { # [serde (rename = \"all\")] All }"),
            "{out}"
        );
        assert!(out.contains("Fast , # [doc"), "{out}");
    }

    #[test]
    fn catch_all_name_avoids_collisions() {
        let out = apply(
            r#"
            #[derive(::serde::Deserialize)]
            pub enum Kind { Unrecognized, Other }
            "#,
        );
        assert!(out.contains("UnrecognizedValue (:: std :: string :: String)"));
    }

    #[test]
    fn data_enums_and_structs_are_left_alone_except_deny_unknown_fields() {
        let out = apply(
            r#"
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            pub enum Either { A(String), B(i64) }
            #[derive(::serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct Strict { a: i64 }
            #[derive(::serde::Deserialize)]
            #[serde(rename = "x", deny_unknown_fields)]
            pub struct Renamed { a: i64 }
            "#,
        );
        assert!(!out.contains("Unrecognized"));
        assert!(!out.contains("deny_unknown_fields"));
        assert!(out.contains("# [serde (rename = \"x\")] pub struct Renamed"));
    }
}
