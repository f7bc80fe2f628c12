//! Items this crate adds next to progenitor's output, derived from the document. The traits
//! and types they implement or fill in are hand-written in the client crate (its
//! `operation` and `pagination` modules); only impls and table entries are generated:
//!
//! * `operations`: the table of every generated operation (id, method, path, tag, family,
//!   authentication, paging style), sorted by method name for a binary-search lookup;
//! * `list_operations`: impls of the client's `pagination::ListOperation` for the request
//!   builder of every list operation whose paging parameters and response shape are known.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Fields, GenericArgument, ImplItem, Item, PathArguments, Type, TypePath};

use crate::document::{Auth, Case, OperationFacts, PagingParams, progenitor_ident};

/// Paging style names, as the client crate's `operation::PagingStyle` variants.
fn style_name(paging: &PagingParams) -> &'static str {
    match paging {
        PagingParams::Number { .. } => "PageNumber",
        PagingParams::Token { .. } => "PageToken",
        PagingParams::Cursor { .. } => "Cursor",
    }
}

/// The `operations` module: one entry per operation, sorted by method name. `paging` holds the
/// operations (by id) whose builders implement `ListOperation`.
pub fn operation_table(
    operations: &[OperationFacts],
    paging: &BTreeMap<String, &'static str>,
    runtime: &syn::Path,
) -> TokenStream {
    let mut sorted: Vec<&OperationFacts> = operations.iter().collect();
    sorted.sort_by_cached_key(|op| op.method_name());
    let entries = sorted.iter().map(|op| {
        let operation_id = &op.id;
        let method_name = op.method_name();
        let http_method = &op.http_method;
        let path = &op.path;
        let family = &op.family;
        let tag = match &op.tag {
            Some(tag) => quote!(::std::option::Option::Some(#tag)),
            None => quote!(::std::option::Option::None),
        };
        let auth = match op.auth {
            Auth::Required => quote!(Auth::Required),
            Auth::Optional => quote!(Auth::Optional),
            Auth::None => quote!(Auth::None),
        };
        let style = match paging.get(&op.id) {
            Some(style) => {
                let style = format_ident!("{}", style);
                quote!(::std::option::Option::Some(PagingStyle::#style))
            }
            None => quote!(::std::option::Option::None),
        };
        quote! {
            Operation::new(#operation_id, #method_name, #http_method, #path, #tag, #family, #auth, #style)
        }
    });
    quote! {
        /// What the OpenAPI document says about each generated operation: used by the client's
        /// hooks (for example to leave the API key off operations whose `security` is `[]`).
        pub mod operations {
            pub use #runtime::operation::{Auth, Operation, PagingStyle};

            /// Every generated operation, sorted by method name.
            pub const ALL: &[Operation] = &[#(#entries),*];

            /// The operation whose generated method is `method_name` (e.g. `create_room`); a
            /// binary search.
            pub fn by_method_name(method_name: &str) -> ::std::option::Option<&'static Operation> {
                #runtime::operation::find_by_method_name(ALL, method_name)
            }

            /// The operation whose `operationId` is `operation_id` (e.g. `CreateRoom`).
            pub fn by_operation_id(operation_id: &str) -> ::std::option::Option<&'static Operation> {
                ALL.iter().find(|operation| operation.operation_id == operation_id)
            }
        }
    }
}

/// What [`list_operations`] produced.
pub struct ListImpls {
    /// The `list_operations` module.
    pub tokens: TokenStream,
    /// The operations with an impl, by id, with their style name.
    pub styles: BTreeMap<String, &'static str>,
    /// List operations without an impl, with the reason (for `Generated::unpaged`).
    pub skipped: Vec<(String, String)>,
    /// The types the impls serialize (the fields of list responses beside the items, read as
    /// paging signals); they must keep `Serialize`.
    pub serialized: BTreeSet<String>,
}

/// The `list_operations` module: a `ListOperation` impl for every list operation whose builder
/// and response can be paged; the others are reported in [`ListImpls::skipped`].
pub fn list_operations(
    items: &[Item],
    operations: &[OperationFacts],
    runtime: &syn::Path,
) -> Result<ListImpls, String> {
    let types = module_items(items, "types").ok_or("no `types` module in the generated code")?;
    let builders =
        module_items(items, "builder").ok_or("no `builder` module in the generated code")?;
    let mut impls = Vec::new();
    let mut styles = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut serialized = BTreeSet::new();
    for op in operations {
        let Some(paging) = &op.paging else { continue };
        match list_impl(op, paging, types, builders, runtime) {
            Ok((tokens, signal_types)) => {
                impls.push(tokens);
                serialized.extend(signal_types);
                styles.insert(op.id.clone(), style_name(paging));
            }
            Err(reason) => skipped.push((op.id.clone(), reason)),
        }
    }
    let tokens = quote! {
        /// `ListOperation` impls for the request builders of the list operations (see the
        /// client crate's `pagination` module).
        pub mod list_operations {
            #[allow(unused_imports)]
            use super::{builder, types, Error, ResponseValue};
            pub use #runtime::pagination::ListOperation;

            #(#impls)*
        }
    };
    Ok(ListImpls {
        tokens,
        styles,
        skipped,
        serialized,
    })
}

/// The integer types a page number or size setter may take that a `u64` converts to with
/// `TryInto` (a value that does not fit is reported when the request is sent).
const INTEGER_TYPES: [&str; 11] = [
    "i8",
    "i16",
    "i32",
    "i64",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "usize",
    "NonZeroU64",
];

/// Smaller non-zero types, which convert only from their own primitive: the `u64` is narrowed
/// first (saturating, so that a value too large is still refused by the API, not wrapped).
const NARROW_NON_ZERO: [(&str, &str); 3] = [
    ("NonZeroU8", "u8"),
    ("NonZeroU16", "u16"),
    ("NonZeroU32", "u32"),
];

/// The type a builder setter converts its argument into (`V: TryInto<T>` → `T`).
fn setter_target(methods: &[&syn::ImplItemFn], name: &syn::Ident) -> Option<String> {
    let method = methods.iter().find(|m| m.sig.ident == *name)?;
    let where_clause = method.sig.generics.where_clause.as_ref()?;
    where_clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let segment = bound.path.segments.last()?;
            if segment.ident != "TryInto" {
                return None;
            }
            let PathArguments::AngleBracketed(args) = &segment.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                GenericArgument::Type(ty) => last_ident(ty),
                _ => None,
            })
        })
    })
}

fn list_impl(
    op: &OperationFacts,
    paging: &PagingParams,
    types: &[Item],
    builders: &[Item],
    runtime: &syn::Path,
) -> Result<(TokenStream, BTreeSet<String>), String> {
    let builder_name = op.builder_name();
    let methods = builder_methods(builders, &builder_name)
        .ok_or_else(|| format!("no builder `{builder_name}` in the generated code"))?;
    // The setter for `api_name`, and how to pass a `u64` (integers) or a `String` to it.
    let setter =
        |api_name: &str, integer: bool| -> Result<(syn::Ident, Option<syn::Ident>), String> {
            let ident = format_ident!("{}", progenitor_ident(api_name, Case::Snake));
            let target = setter_target(&methods, &ident)
                .ok_or_else(|| format!("builder has no setter `{ident}` for `{api_name}`"))?;
            if !integer {
                return if target == "String" {
                    Ok((ident, None))
                } else {
                    Err(format!("`{api_name}` takes a `{target}`"))
                };
            }
            if INTEGER_TYPES.contains(&target.as_str()) {
                return Ok((ident, None));
            }
            match NARROW_NON_ZERO.iter().find(|(name, _)| *name == target) {
                Some((_, primitive)) => Ok((ident, Some(format_ident!("{}", primitive)))),
                None => Err(format!("`{api_name}` takes a `{target}`")),
            }
        };
    // `value` (a `u64`) as the setter takes it.
    let pass = |narrow: &Option<syn::Ident>, value: TokenStream| match narrow {
        Some(primitive) => {
            quote!(::std::primitive::#primitive::try_from(#value).unwrap_or(::std::primitive::#primitive::MAX))
        }
        None => value,
    };
    let set_page = match paging {
        PagingParams::Number { number, size } => {
            let (number, narrow_number) = setter(number, true)?;
            let (size, narrow_size) = setter(size, true)?;
            let number_value = pass(&narrow_number, quote!(request.number));
            let size_value = pass(&narrow_size, quote!(request.size));
            quote!(self.#number(#number_value).#size(#size_value))
        }
        PagingParams::Token { page, size, token } => {
            let (page, narrow_page) = setter(page, true)?;
            let (size, narrow_size) = setter(size, true)?;
            let (token, _) = setter(token, false)?;
            let page_value = pass(&narrow_page, quote!(request.number.saturating_sub(1)));
            let size_value = pass(&narrow_size, quote!(request.size));
            quote! {
                let builder = self.#size(#size_value);
                match &request.cursor {
                    ::std::option::Option::Some(cursor) => builder
                        .#page(#page_value)
                        .#token(cursor.clone()),
                    ::std::option::Option::None => builder,
                }
            }
        }
        PagingParams::Cursor { cursor, size } => {
            let (cursor, _) = setter(cursor, false)?;
            let (size, narrow_size) = setter(size, true)?;
            let size_value = pass(&narrow_size, quote!(request.size));
            quote! {
                let builder = self.#size(#size_value);
                match &request.cursor {
                    ::std::option::Option::Some(cursor) => builder.#cursor(cursor.clone()),
                    ::std::option::Option::None => builder,
                }
            }
        }
    };
    let send = methods
        .iter()
        .find(|m| m.sig.ident == "send")
        .ok_or("builder has no `send` method")?;
    let (response_ty, error_ty) = send_types(send).ok_or("unexpected `send` signature")?;
    let (item_ty, take_items, signals) = items_of(&response_ty, types)?;
    let signal_types: BTreeSet<String> = signals
        .iter()
        .flat_map(|(_, _, ty)| crate::tokens::flatten(ty.to_token_stream()))
        .filter(|ident| ident.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    let signal_fields = signals.iter().map(|(key, ident, _)| {
        quote!((#key, #runtime::pagination::PageMeta::value_of(&response.#ident)))
    });
    let item_ty = qualify(item_ty, types);
    let builder_ident = format_ident!("{}", builder_name);
    let operation_id = &op.id;
    let style = format_ident!("{}", style_name(paging));
    let tokens = quote! {
        impl ListOperation for builder::#builder_ident<'_> {
            type Item = #item_ty;
            type Response = #response_ty;
            type ErrorBody = #error_ty;
            const OPERATION_ID: &'static str = #operation_id;
            const STYLE: #runtime::operation::PagingStyle = #runtime::operation::PagingStyle::#style;

            fn set_page(self, request: &#runtime::pagination::PageRequest) -> Self {
                #set_page
            }

            fn send_page(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<
                    ResponseValue<Self::Response>,
                    Error<Self::ErrorBody>,
                >,
            > + ::std::marker::Send {
                self.send()
            }

            fn into_parts(
                #[allow(unused_mut)] mut response: Self::Response,
            ) -> (::std::vec::Vec<Self::Item>, #runtime::pagination::PageMeta) {
                let items = #take_items;
                let signals = #runtime::pagination::PageMeta::from_fields(
                    ::std::vec![#(#signal_fields),*],
                );
                (items, signals)
            }
        }
    };
    Ok((tokens, signal_types))
}

/// Fields that hold a list response's items, in order of preference.
const ITEM_FIELDS: [&str; 4] = ["data", "records", "log_messages", "items"];

/// A field of a list response beside its items: JSON key, Rust field name, type.
type SignalField = (String, syn::Ident, Type);

/// The item type of a list response, the expression that takes the items out of `response`,
/// and the other fields (the paging signals, read as JSON).
fn items_of(
    response_ty: &Type,
    types: &[Item],
) -> Result<(Type, TokenStream, Vec<SignalField>), String> {
    let response_name = last_ident(response_ty).ok_or("the response is not a named type")?;
    if let Some(item) = generic_of(response_ty, "Vec") {
        return Ok((item, quote!(::std::mem::take(&mut response)), Vec::new()));
    }
    if let Some(item) = newtype_vec_item(types, &response_name) {
        return Ok((item, quote!(::std::mem::take(&mut response.0)), Vec::new()));
    }
    let fields = struct_fields(types, &response_name)
        .ok_or_else(|| format!("no struct `{response_name}` in `types`"))?;
    let field_named = |name: &str| {
        fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
    };
    let mut chosen = ITEM_FIELDS.iter().find_map(|name| field_named(name));
    if chosen.is_none() {
        // TeXML lists name the field after the resource (`calls`, `recordings`, …): the one
        // field that is a list.
        let lists: Vec<&syn::Field> = fields
            .iter()
            .filter(|f| list_item(&f.ty, types).is_some())
            .collect();
        if let [only] = lists.as_slice() {
            chosen = Some(*only);
        }
    }
    let field = chosen.ok_or("the response has no list of items")?;
    let ident = field.ident.clone().ok_or("unnamed field")?;
    let (optional, list_ty) = match generic_of(&field.ty, "Option") {
        Some(inner) => (true, inner),
        None => (false, field.ty.clone()),
    };
    let (item, newtype) = match generic_of(&list_ty, "Vec") {
        Some(item) => (item, false),
        None => {
            let item = last_ident(&list_ty)
                .and_then(|name| newtype_vec_item(types, &name))
                .ok_or_else(|| format!("`{ident}` is not a list"))?;
            (item, true)
        }
    };
    let take = match (optional, newtype) {
        (false, false) => quote!(::std::mem::take(&mut response.#ident)),
        (false, true) => quote!(::std::mem::take(&mut response.#ident.0)),
        (true, false) => quote!(response.#ident.take().unwrap_or_default()),
        (true, true) => quote!(response.#ident.take().map(|items| items.0).unwrap_or_default()),
    };
    let signals = fields
        .iter()
        .filter(|f| f.ident.as_ref() != Some(&ident))
        .filter_map(|f| Some((json_key(f)?, f.ident.clone()?, f.ty.clone())))
        .collect();
    Ok((item, take, signals))
}

/// The JSON key of a struct field: its `#[serde(rename = "…")]`, or its name.
fn json_key(field: &syn::Field) -> Option<String> {
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

/// The item type when `ty` is a list (`Vec<T>`, `Option<Vec<T>>` or a newtype of one).
fn list_item(ty: &Type, types: &[Item]) -> Option<Type> {
    let ty = generic_of(ty, "Option").unwrap_or_else(|| ty.clone());
    generic_of(&ty, "Vec").or_else(|| newtype_vec_item(types, &last_ident(&ty)?))
}

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
fn builder_methods<'a>(items: &'a [Item], name: &str) -> Option<Vec<&'a syn::ImplItemFn>> {
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
fn send_types(send: &syn::ImplItemFn) -> Option<(Type, Type)> {
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
fn generic_of(ty: &Type, wrapper: &str) -> Option<Type> {
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

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `T` when `name` is a newtype struct over `Vec<T>` (typify's type for a named array schema).
fn newtype_vec_item(types: &[Item], name: &str) -> Option<Type> {
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

fn struct_fields(types: &[Item], name: &str) -> Option<Vec<syn::Field>> {
    types.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => match &s.fields {
            Fields::Named(named) => Some(named.named.iter().cloned().collect()),
            _ => None,
        },
        _ => None,
    })
}

/// Rewrites paths that name items of the `types` module (written relative to it) so they are
/// valid at the top of the generated file: `Room` → `types::Room`.
fn qualify(mut ty: Type, types: &[Item]) -> Type {
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
