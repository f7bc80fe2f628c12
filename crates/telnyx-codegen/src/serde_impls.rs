//! Short serde impls in place of serde's derives, for the two kinds of type that make up most
//! of the generated code: plain structs and forward-compatible string enums.
//!
//! Measured on the whole API, serde's derived `Deserialize` impls were about 40% of the code
//! the compiler expands, type-checks and borrow-checks (a struct's impl averaged 220 lines:
//! a field-identifier enum matched three ways, `visit_seq` and `visit_map`). JSON only ever
//! needs `visit_map` with a match on the key, so that is what is written here:
//!
//! * a struct gets a `Deserialize` impl of one line per field, calling the helpers in the
//!   client crate's `decode` module. It behaves as the derive did for everything typify
//!   emits: `rename`, `default`, `default = "path"`, an `Option` field that may be missing,
//!   `deserialize_with = "Option::deserialize"` (present but nullable), unknown keys skipped
//!   and repeated keys refused. Structs with any other serde attribute keep the derive.
//!   Unlike the derive, the impl does not accept a sequence in place of an object (a
//!   non-self-describing format would need that; Telnyx speaks JSON).
//! * a string enum with an `Unrecognized(String)` catch-all gets `as_str`, and `Deserialize`
//!   and `Serialize` through it (the derive buffered every value to try the catch-all
//!   last); `Display` prints `as_str`.
//!
//! Whether an impl is always there or behind the `serde-all`/`mock` features follows the
//! derive it replaces (see `derives`).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{Attribute, Fields, Ident, Item, ItemEnum, ItemStruct, LitStr, Type, parse_quote};

use crate::derives::{FEATURES, gated_derive};
use crate::generated_items::NUMBER_TYPES;

/// How many impls [`write_lean_impls`] wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LeanCounts {
    /// Structs whose derived `Deserialize` was replaced.
    pub structs: usize,
    /// Enums whose derived serde impls were replaced.
    pub enums: usize,
}

/// Whether a type has a serde derive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Absent,
    /// In the type's `#[derive(…)]`.
    Always,
    /// In the `cfg_attr` that `derives` puts it behind.
    Gated,
}

/// Replaces serde's derives in the `types` module: `Deserialize` of plain structs, and both
/// derives of `forward_compatible` enums. `runtime` is the path of the crate holding `decode`.
pub fn write_lean_impls(
    items: &mut [Item],
    forward_compatible: &BTreeSet<String>,
    runtime: &syn::Path,
) -> LeanCounts {
    let mut counts = LeanCounts::default();
    let Some(types) = items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return counts;
    };
    // Each type's new impls go right after it, where a reader of the generated file looks.
    let mut lean_enums = BTreeSet::new();
    let mut with_impls = Vec::with_capacity(types.len());
    for mut item in std::mem::take(types) {
        let tokens = match &mut item {
            Item::Struct(item) => {
                struct_deserialize(item, runtime).inspect(|_| counts.structs += 1)
            }
            Item::Enum(item) if forward_compatible.contains(&item.ident.to_string()) => {
                enum_impls(item).inspect(|_| {
                    lean_enums.insert(item.ident.to_string());
                    counts.enums += 1;
                })
            }
            _ => None,
        };
        with_impls.push(item);
        with_impls.extend(tokens.map(parse_items).unwrap_or_default());
    }
    *types = with_impls;
    for item in types.iter_mut() {
        if let Item::Impl(imp) = item
            && imp.trait_.as_ref().is_some_and(|(_, path, _)| {
                path.segments.last().is_some_and(|s| s.ident == "Display")
            })
            && let Type::Path(self_ty) = imp.self_ty.as_ref()
            && self_ty
                .path
                .get_ident()
                .is_some_and(|ident| lean_enums.contains(&ident.to_string()))
        {
            imp.items = vec![parse_quote! {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }];
        }
    }
    counts
}

fn parse_items(tokens: TokenStream) -> Vec<Item> {
    // The tokens are ours and well formed; an item that does not parse is a bug caught by the
    // generate tests (the derive is already gone, so the crate would not compile either).
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .unwrap_or_default()
}

/// What a field's `#[serde(…)]` attributes ask of deserialization.
struct FieldSpec {
    wire: String,
    default: FieldDefault,
}

enum FieldDefault {
    /// Missing is an error.
    Required,
    /// `Default::default()` when missing (`default`, or an `Option` field).
    Trait,
    /// `default = "path"`.
    Function(syn::ExprPath),
}

/// The field's deserialization spec, or `None` when it has a serde attribute this module
/// does not handle.
fn field_spec(field: &syn::Field) -> Option<FieldSpec> {
    let ident = field.ident.as_ref()?;
    let mut wire = ident.unraw().to_string();
    let mut default = if is_option(&field.ty) {
        FieldDefault::Trait
    } else {
        FieldDefault::Required
    };
    let mut nullable_required = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut supported = true;
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                wire = meta.value()?.parse::<LitStr>()?.value();
            } else if meta.path.is_ident("default") {
                default = if meta.input.peek(syn::Token![=]) {
                    let path = meta.value()?.parse::<LitStr>()?.parse::<syn::ExprPath>()?;
                    FieldDefault::Function(path)
                } else {
                    FieldDefault::Trait
                };
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<LitStr>()?;
            } else if meta.path.is_ident("deserialize_with") {
                let with = meta.value()?.parse::<LitStr>()?.value();
                if with == "::std::option::Option::deserialize" {
                    nullable_required = true;
                } else {
                    supported = false;
                }
            } else {
                supported = false;
                // Consume a value so that parsing goes on to the next key.
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        });
        if parsed.is_err() || !supported {
            return None;
        }
    }
    if nullable_required {
        default = FieldDefault::Required;
    }
    Some(FieldSpec { wire, default })
}

/// `T` of `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if p.qself.is_some() || last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether `ty` is a date, time, UUID, number or boolean: the types an empty string stands
/// for "no value" in (a string or enum reads `""` itself; objects and lists are not sent as
/// `""`). Kept to these few so that the lenient reader is instantiated for few types.
fn is_scalar(ty: &Type) -> bool {
    const OTHER_SCALARS: [&str; 6] = [
        "DateTime",
        "NaiveDate",
        "NaiveTime",
        "NaiveDateTime",
        "Uuid",
        "bool",
    ];
    matches!(ty, Type::Path(p) if p.path.segments.last()
        .is_some_and(|s| OTHER_SCALARS.iter().chain(&NUMBER_TYPES).any(|name| s.ident == name)))
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The lean `Deserialize` impl of a plain struct (removing its derive), or `None` when the
/// struct keeps serde's.
fn struct_deserialize(item: &mut ItemStruct, runtime: &syn::Path) -> Option<TokenStream> {
    let derives = presence(&item.attrs);
    if derives.deserialize != Presence::Always
        || !item.generics.params.is_empty()
        || item.attrs.iter().any(|a| a.path().is_ident("serde"))
    {
        return None;
    }
    let Fields::Named(fields) = &item.fields else {
        return None;
    };
    let specs: Vec<FieldSpec> = fields.named.iter().map(field_spec).collect::<Option<_>>()?;
    let name = &item.ident;
    let expecting = format!("struct {name}");
    let decode = quote!(#runtime::decode);
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    for (index, (field, spec)) in fields.named.iter().zip(&specs).enumerate() {
        let slot = Ident::new(&format!("field_{index}"), proc_macro2::Span::call_site());
        let ty = &field.ty;
        let ident = field.ident.as_ref()?;
        let wire = &spec.wire;
        slots
            .push(quote!(let mut #slot: ::std::option::Option<#ty> = ::std::option::Option::None;));
        // How an optional field reads: see `decode::nullable` and `decode::lenient`.
        let read = match (&spec.default, option_inner(ty)) {
            (FieldDefault::Required, _) => quote!(field),
            (_, Some(inner)) if is_scalar(inner) => quote!(lenient),
            (_, Some(_)) => quote!(field),
            (_, None) => quote!(nullable),
        };
        arms.push(quote!(#wire => #decode::#read(&mut map, &mut #slot, #wire)?,));
        inits.push(match &spec.default {
            FieldDefault::Required => quote!(#ident: #decode::required(#slot, #wire)?,),
            FieldDefault::Trait => quote!(#ident: #slot.unwrap_or_default(),),
            FieldDefault::Function(path) => quote!(#ident: #slot.unwrap_or_else(#path),),
        });
    }
    let serialize = derives.serialize;
    remove_derive(&mut item.attrs, "Deserialize");
    if let Fields::Named(fields) = &mut item.fields {
        for field in fields.named.iter_mut() {
            keep_helpers_for(&mut field.attrs, serialize);
        }
    }
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                struct FieldsVisitor;
                impl<'de> ::serde::de::Visitor<'de> for FieldsVisitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        #(#slots)*
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<#decode::Key<'de>>()?
                        {
                            match key.as_str() {
                                #(#arms)*
                                _ => #decode::skip(&mut map)?,
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#inits)* })
                    }
                }
                deserializer.deserialize_map(FieldsVisitor)
            }
        }
    })
}

/// `as_str`, `Deserialize` and `Serialize` of a string enum whose last variant is the
/// `#[serde(untagged)]` catch-all (removing its serde derives and attributes), or `None`
/// when the enum is not of that shape.
fn enum_impls(item: &mut ItemEnum) -> Option<TokenStream> {
    if item.attrs.iter().any(|a| a.path().is_ident("serde")) || !item.generics.params.is_empty() {
        return None;
    }
    let all: Vec<&syn::Variant> = item.variants.iter().collect();
    let (last, known) = all.split_last()?;
    let catch_all_is_untagged = last.attrs.iter().any(|a| {
        a.path().is_ident("serde") && a.to_token_stream().to_string().contains("untagged")
    });
    if !catch_all_is_untagged || !matches!(&last.fields, Fields::Unnamed(f) if f.unnamed.len() == 1)
    {
        return None;
    }
    let mut wires = Vec::new();
    for variant in known {
        if !matches!(variant.fields, Fields::Unit) {
            return None;
        }
        let mut wire = variant.ident.unraw().to_string();
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let mut supported = true;
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    wire = meta.value()?.parse::<LitStr>()?.value();
                } else {
                    supported = false;
                }
                Ok(())
            })
            .ok()?;
            if !supported {
                return None;
            }
        }
        wires.push(wire);
    }
    let name = item.ident.clone();
    let catch_all = last.ident.clone();
    let variants: Vec<Ident> = known.iter().map(|v| v.ident.clone()).collect();
    let cfg = |presence: Presence| -> Option<TokenStream> {
        let features: TokenStream = FEATURES.parse().unwrap_or_default();
        match presence {
            Presence::Absent => None,
            Presence::Always => Some(TokenStream::new()),
            Presence::Gated => Some(quote!(#[cfg(#features)])),
        }
    };
    let derives = presence(&item.attrs);
    let deserialize = cfg(derives.deserialize).map(|cfg| {
        quote! {
            #cfg
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                    ::std::result::Result::Ok(match value.as_str() {
                        #(#wires => Self::#variants,)*
                        _ => Self::#catch_all(value),
                    })
                }
            }
        }
    });
    let serialize = cfg(derives.serialize).map(|cfg| {
        quote! {
            #cfg
            impl ::serde::Serialize for #name {
                fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
                where
                    S: ::serde::Serializer,
                {
                    serializer.serialize_str(self.as_str())
                }
            }
        }
    });
    remove_derive(&mut item.attrs, "Deserialize");
    remove_derive(&mut item.attrs, "Serialize");
    for variant in item.variants.iter_mut() {
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    Some(quote! {
        impl #name {
            /// The value as Telnyx sends and receives it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#catch_all(value) => value.as_str(),
                }
            }
        }
        #deserialize
        #serialize
    })
}

/// The text of [`gated_derive`]`(which)`, built once (it is compared with every type's).
fn gated_text(which: &str) -> &'static str {
    static SERIALIZE: OnceLock<String> = OnceLock::new();
    static DESERIALIZE: OnceLock<String> = OnceLock::new();
    let cell = if which == "Serialize" {
        &SERIALIZE
    } else {
        &DESERIALIZE
    };
    cell.get_or_init(|| gated_derive(which).to_token_stream().to_string())
}

/// Whether `attrs` derive `::serde::Serialize` and `::serde::Deserialize`, and how (each
/// attribute is read once: this runs for every type).
fn presence(attrs: &[Attribute]) -> SerdeDerives {
    let mut found = SerdeDerives {
        serialize: Presence::Absent,
        deserialize: Presence::Absent,
    };
    for attr in attrs {
        if attr.path().is_ident("derive") {
            for path in derive_paths(attr) {
                if is_serde(&path, "Serialize") {
                    found.serialize = Presence::Always;
                } else if is_serde(&path, "Deserialize") {
                    found.deserialize = Presence::Always;
                }
            }
        } else if attr.path().is_ident("cfg_attr") {
            let text = attr.to_token_stream().to_string();
            if text == gated_text("Serialize") {
                found.serialize = Presence::Gated;
            } else if text == gated_text("Deserialize") {
                found.deserialize = Presence::Gated;
            }
        }
    }
    found
}

/// The serde derives of one type.
struct SerdeDerives {
    serialize: Presence,
    deserialize: Presence,
}

/// Whether a `#[derive(…)]` lists `::serde::{which}` (or `serde::{which}`).
fn derives_serde(attr: &Attribute, which: &str) -> bool {
    derive_paths(attr).iter().any(|p| is_serde(p, which))
}

fn derive_paths(attr: &Attribute) -> Vec<syn::Path> {
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .map(|paths| paths.into_iter().collect())
        .unwrap_or_default()
}

fn is_serde(path: &syn::Path, which: &str) -> bool {
    path.segments.len() == 2 && path.segments[0].ident == "serde" && path.segments[1].ident == which
}

/// Takes `::serde::{which}` out of the derives, ungated or gated.
fn remove_derive(attrs: &mut Vec<Attribute>, which: &str) {
    let gated = gated_text(which);
    attrs.retain_mut(|attr| {
        if attr.path().is_ident("cfg_attr") {
            return attr.to_token_stream().to_string() != gated;
        }
        if attr.path().is_ident("derive") && derives_serde(attr, which) {
            let kept: Vec<syn::Path> = derive_paths(attr)
                .into_iter()
                .filter(|p| !is_serde(p, which))
                .collect();
            if kept.is_empty() {
                return false;
            }
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
        true
    });
}

/// After `Deserialize` is written by hand, the `#[serde(…)]` helper attributes only serve the
/// `Serialize` derive: kept as they are when it is always there, behind the same features
/// when it is gated, and removed without it (nothing would declare them).
fn keep_helpers_for(attrs: &mut Vec<Attribute>, serialize: Presence) {
    match serialize {
        Presence::Always => {}
        Presence::Absent => attrs.retain(|a| !a.path().is_ident("serde")),
        Presence::Gated => {
            let features: TokenStream = FEATURES.parse().unwrap_or_default();
            for attr in attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
                if let syn::Meta::List(list) = &attr.meta {
                    let inner = &list.tokens;
                    *attr = parse_quote!(#[cfg_attr(#features, serde(#inner))]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> syn::Path {
        parse_quote!(crate)
    }

    fn squeeze(tokens: impl ToTokens) -> String {
        tokens.to_token_stream().to_string().replace(' ', "")
    }

    #[test]
    fn plain_structs_get_a_written_deserialize_and_keep_helpers_for_serialize() {
        let mut item: ItemStruct = parse_quote! {
            #[derive(::serde::Deserialize, Clone, Debug)]
            #[cfg_attr(any(feature = "serde-all", feature = "mock"), derive(::serde::Serialize))]
            pub struct Thing {
                #[serde(rename = "type")]
                pub type_: ::std::string::String,
                #[serde(default = "defaults::thing_size")]
                pub size: i64,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub nullable: ::std::option::Option<i64>,
                pub note: ::std::option::Option<::std::string::String>,
                pub at: ::std::option::Option<::chrono::naive::NaiveDate>,
            }
        };
        let tokens = squeeze(struct_deserialize(&mut item, &runtime()).expect("written"));
        for expected in [
            r#""type"=>crate::decode::field(&mutmap,&mutfield_0,"type")?"#,
            // A defaulted field reads `null` as absent; an optional date reads `""` as absent.
            r#""size"=>crate::decode::nullable(&mutmap,&mutfield_1,"size")?"#,
            r#""note"=>crate::decode::field(&mutmap,&mutfield_3,"note")?"#,
            r#""at"=>crate::decode::lenient(&mutmap,&mutfield_4,"at")?"#,
            r#"type_:crate::decode::required(field_0,"type")?"#,
            "size:field_1.unwrap_or_else(defaults::thing_size)",
            r#"nullable:crate::decode::required(field_2,"nullable")?"#,
            "note:field_3.unwrap_or_default()",
        ] {
            assert!(tokens.contains(expected), "{expected} in {tokens}");
        }
        let item = squeeze(&item);
        assert!(!item.contains("derive(::serde::Deserialize"), "{item}");
        // Serialize is gated, so its helper attributes are too.
        assert!(
            item.contains(
                r#"#[cfg_attr(any(feature="serde-all",feature="mock"),serde(rename="type"))]"#
            ),
            "{item}"
        );
    }

    #[test]
    fn structs_with_other_serde_attributes_keep_the_derive() {
        for field in [
            quote!(#[serde(flatten)] pub extra: ::serde_json::Map<String, ::serde_json::Value>),
            quote!(#[serde(deserialize_with = "my::parser")] pub value: i64),
            quote!(#[serde(alias = "other")] pub value: i64),
        ] {
            let mut item: ItemStruct = parse_quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Thing { #field }
            };
            let before = squeeze(&item);
            assert!(
                struct_deserialize(&mut item, &runtime()).is_none(),
                "{before}"
            );
            assert_eq!(squeeze(&item), before);
        }
    }

    #[test]
    fn catch_all_enums_get_as_str_and_serde_through_it() {
        let mut item: ItemEnum = parse_quote! {
            #[derive(::serde::Deserialize, Clone, Debug)]
            #[cfg_attr(any(feature = "serde-all", feature = "mock"), derive(::serde::Serialize))]
            pub enum Status {
                #[serde(rename = "in-progress")]
                InProgress,
                Done,
                #[serde(untagged)]
                Unrecognized(::std::string::String),
            }
        };
        let tokens = squeeze(enum_impls(&mut item).expect("written"));
        for expected in [
            r#"Self::InProgress=>"in-progress""#,
            r#"Self::Done=>"Done""#,
            r#""in-progress"=>Self::InProgress"#,
            "_=>Self::Unrecognized(value)",
            r#"#[cfg(any(feature="serde-all",feature="mock"))]impl::serde::SerializeforStatus"#,
        ] {
            assert!(tokens.contains(expected), "{expected} in {tokens}");
        }
        let item = squeeze(&item);
        assert!(!item.contains("serde"), "{item}");
    }
}
