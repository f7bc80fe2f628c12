//! Looking things up in progenitor's generated items: modules, structs and their fields,
//! builder methods, and the wrappers (`Option`, `Vec`, …) around a type.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Fields, GenericArgument, ImplItem, Item, PathArguments, Type, TypePath};

/// The number types typify gives integer and number schemas (the last segment of their path).
pub const NUMBER_TYPES: [&str; 13] = [
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "NonZeroU64",
    "NonZeroU32",
    "NonZeroI64",
];

/// Items of the top-level module `name`.
pub fn module_items<'a>(items: &'a [Item], name: &str) -> Option<&'a [Item]> {
    items.iter().find_map(|item| match item {
        Item::Mod(module) if module.ident == name => {
            module.content.as_ref().map(|(_, items)| items.as_slice())
        }
        _ => None,
    })
}

/// Methods of the inherent impls of `name` among `items`.
pub fn builder_methods<'a>(items: &'a [Item], name: &str) -> Option<Vec<&'a syn::ImplItemFn>> {
    let mut found = None;
    for item in items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && last_ident(&imp.self_ty).as_deref() == Some(name)
        {
            let methods = found.get_or_insert_with(Vec::new);
            methods.extend(imp.items.iter().filter_map(|i| match i {
                ImplItem::Fn(f) => Some(f),
                _ => None,
            }));
        }
    }
    found
}

/// `Result<ResponseValue<R>, Error<E>>` → `(R, E)`.
pub fn send_types(send: &syn::ImplItemFn) -> Option<(Type, Type)> {
    let syn::ReturnType::Type(_, output) = &send.sig.output else {
        return None;
    };
    let Type::Path(result) = output.as_ref() else {
        return None;
    };
    let PathArguments::AngleBracketed(args) = &result.path.segments.last()?.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    });
    let ok = generic_of(&types.next()?, "ResponseValue")?;
    let err = generic_of(&types.next()?, "Error")?;
    Some((ok, err))
}

/// For a type `..::Wrapper<T>`, returns `T`.
pub fn generic_of(ty: &Type, wrapper: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    })
}

/// The last segment of a type's path (`types::Room` → `Room`).
pub fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `T` when `name` is a newtype struct over `Vec<T>` (typify's type for a named array schema).
pub fn newtype_vec_item(types: &[Item], name: &str) -> Option<Type> {
    types.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => match &s.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                generic_of(&fields.unnamed[0].ty, "Vec")
            }
            _ => None,
        },
        _ => None,
    })
}

/// The named fields of the struct `name`.
pub fn struct_fields(types: &[Item], name: &str) -> Option<Vec<syn::Field>> {
    types.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => match &s.fields {
            Fields::Named(named) => Some(named.named.iter().cloned().collect()),
            _ => None,
        },
        _ => None,
    })
}

/// The JSON key of a struct field: its `#[serde(rename = "…")]`, or its name.
pub fn json_key(field: &syn::Field) -> Option<String> {
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let mut renamed = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        if renamed.is_some() {
            return renamed;
        }
    }
    let name = field.ident.as_ref()?.to_string();
    Some(name.strip_prefix("r#").unwrap_or(&name).to_owned())
}

/// The field whose JSON key is `key`.
pub fn field_by_json_key<'a>(fields: &'a [syn::Field], key: &str) -> Option<&'a syn::Field> {
    fields
        .iter()
        .find(|field| json_key(field).as_deref() == Some(key))
}

/// The item type when `ty` is a list (`Vec<T>`, `Option<Vec<T>>` or a newtype of one).
pub fn list_item(ty: &Type, types: &[Item]) -> Option<Type> {
    let ty = generic_of(ty, "Option").unwrap_or_else(|| ty.clone());
    generic_of(&ty, "Vec").or_else(|| newtype_vec_item(types, &last_ident(&ty)?))
}

/// Rewrites paths that name items of the `types` module (written relative to it) so they are
/// valid at the top of the generated file: `Room` → `types::Room`.
pub fn qualify(mut ty: Type, types: &[Item]) -> Type {
    struct Qualify<'a>(&'a [Item]);
    impl VisitMut for Qualify<'_> {
        fn visit_type_path_mut(&mut self, node: &mut TypePath) {
            syn::visit_mut::visit_type_path_mut(self, node);
            if node.qself.is_some() || node.path.leading_colon.is_some() {
                return;
            }
            let Some(first) = node.path.segments.first() else {
                return;
            };
            let declared = self.0.iter().any(|item| match item {
                Item::Struct(s) => s.ident == first.ident,
                Item::Enum(e) => e.ident == first.ident,
                Item::Type(t) => t.ident == first.ident,
                _ => false,
            });
            if declared {
                let qualified: TypePath = syn::parse_quote!(types::#node);
                *node = qualified;
            }
        }
    }
    Qualify(types).visit_type_mut(&mut ty);
    ty
}

/// Parses generated extra items, for appending to the file.
pub fn parse_items(tokens: TokenStream) -> Result<Vec<Item>, String> {
    syn::parse2::<syn::File>(tokens.clone())
        .map(|file| file.items)
        .map_err(|e| {
            format!(
                "generated extra items do not parse ({e}): {}",
                tokens.into_token_stream()
            )
        })
}
