//! Items this crate adds next to progenitor's output, derived from the document:
//!
//! * `operations`: a table of every operation (id, method, path, tag, authentication, whether
//!   it pages), which the client's hooks use to decide whether to send the API key;
//! * `list_operations`: a `ListOperation` trait implemented by the request builder of every
//!   page-numbered list operation, so that hand-written pagination can be generic over them.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Fields, GenericArgument, ImplItem, Item, PathArguments, Type, TypePath};

use crate::document::{Auth, Case, OperationFacts, progenitor_ident};

/// The `operations` module: one `Operation` entry per operation, in document order.
pub fn operation_table(operations: &[OperationFacts]) -> TokenStream {
    let entries = operations.iter().map(|op| {
        let operation_id = &op.id;
        let method_name = op.method_name();
        let http_method = &op.http_method;
        let path = &op.path;
        let tag = match &op.tag {
            Some(tag) => quote!(::std::option::Option::Some(#tag)),
            None => quote!(::std::option::Option::None),
        };
        let auth = match op.auth {
            Auth::Required => quote!(Auth::Required),
            Auth::Optional => quote!(Auth::Optional),
            Auth::None => quote!(Auth::None),
        };
        let paginated = op.paginated;
        quote! {
            Operation {
                operation_id: #operation_id,
                method_name: #method_name,
                http_method: #http_method,
                path: #path,
                tag: #tag,
                auth: #auth,
                paginated: #paginated,
            }
        }
    });
    quote! {
        /// What the OpenAPI document says about each operation: used by the client's hooks
        /// (for example to leave the API key off operations whose `security` is `[]`).
        pub mod operations {
            /// How an operation authenticates, from its effective `security` in the document.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum Auth {
                /// The operation needs an API key.
                Required,
                /// An API key is sent when the client has one, but the operation works without.
                Optional,
                /// The operation's `security` is `[]`: it takes no API key, and none is sent.
                None,
            }

            /// One operation of the OpenAPI document.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct Operation {
                /// The document's `operationId`, for example `CreateRoom`.
                pub operation_id: &'static str,
                /// The generated method name, for example `create_room`; progenitor passes
                /// this name to the client hooks as `OperationInfo::operation_id`.
                pub method_name: &'static str,
                /// The HTTP method, upper case.
                pub http_method: &'static str,
                /// The path template, for example `/rooms/{room_id}`.
                pub path: &'static str,
                /// The operation's first tag.
                pub tag: ::std::option::Option<&'static str>,
                /// Whether the operation takes an API key.
                pub auth: Auth,
                /// Whether it is a page-numbered list operation (`page[number]`, `page[size]`,
                /// a `data` array and a `meta` object).
                pub paginated: bool,
            }

            /// Every operation of the document, in document order.
            pub const ALL: &[Operation] = &[#(#entries),*];

            /// The operation whose generated method is `method_name` (e.g. `create_room`).
            pub fn by_method_name(method_name: &str) -> ::std::option::Option<&'static Operation> {
                ALL.iter().find(|operation| operation.method_name == method_name)
            }

            /// The operation whose `operationId` is `operation_id` (e.g. `CreateRoom`).
            pub fn by_operation_id(operation_id: &str) -> ::std::option::Option<&'static Operation> {
                ALL.iter().find(|operation| operation.operation_id == operation_id)
            }
        }
    }
}

/// The `list_operations` module, or an error naming what could not be found in the generated
/// code.
pub fn list_operations(
    items: &[Item],
    operations: &[OperationFacts],
) -> Result<TokenStream, String> {
    let types = module_items(items, "types").ok_or("no `types` module in the generated code")?;
    let builders =
        module_items(items, "builder").ok_or("no `builder` module in the generated code")?;
    let mut impls = Vec::new();
    for op in operations.iter().filter(|op| op.paginated) {
        impls.push(list_impl(op, types, builders)?);
    }
    Ok(quote! {
        /// Page-numbered list operations (query parameters `page[number]` and `page[size]`,
        /// success body with a `data` array and a `meta` object).
        pub mod list_operations {
            #[allow(unused_imports)]
            use super::{builder, types, Error, ResponseValue};

            /// The request builder of a page-numbered list operation; implemented for the
            /// builder of every such operation so that paging code can be generic over them.
            pub trait ListOperation: ::std::clone::Clone + ::std::marker::Sized {
                /// The type of one element of the response's `data` array.
                type Item;
                /// The type of the response's `meta` object.
                type Meta;
                /// The decoded body of a successful response.
                type Response;
                /// The decoded body of an error response.
                type ErrorBody;
                /// The document's `operationId`.
                const OPERATION_ID: &'static str;

                /// Sets `page[number]` (1-based) and `page[size]`. A zero is reported as an
                /// invalid request when the request is sent.
                fn set_page(self, number: u64, size: u64) -> Self;

                /// Sends the request, like the builder's own `send`.
                fn send_page(
                    self,
                ) -> impl ::std::future::Future<
                    Output = ::std::result::Result<
                        ResponseValue<Self::Response>,
                        Error<Self::ErrorBody>,
                    >,
                > + ::std::marker::Send;

                /// Splits a response body into its items and its `meta` object.
                fn into_parts(
                    response: Self::Response,
                ) -> (::std::vec::Vec<Self::Item>, ::std::option::Option<Self::Meta>);
            }

            #(#impls)*
        }
    })
}

fn list_impl(
    op: &OperationFacts,
    types: &[Item],
    builders: &[Item],
) -> Result<TokenStream, String> {
    let builder_name = op.builder_name();
    let context = |what: &str| format!("list operation `{}`: {what}", op.id);
    let methods = builder_methods(builders, &builder_name).ok_or_else(|| {
        context(&format!(
            "no builder `{builder_name}` in the generated code"
        ))
    })?;
    let page_number = format_ident!("{}", progenitor_ident("page[number]", Case::Snake));
    let page_size = format_ident!("{}", progenitor_ident("page[size]", Case::Snake));
    for setter in [&page_number, &page_size] {
        if !methods.iter().any(|m| m.sig.ident == *setter) {
            return Err(context(&format!("builder has no `{setter}` method")));
        }
    }
    let send = methods
        .iter()
        .find(|m| m.sig.ident == "send")
        .ok_or_else(|| context("builder has no `send` method"))?;
    let (response_ty, error_ty) =
        send_types(send).ok_or_else(|| context("unexpected `send` signature"))?;
    let response_name =
        last_ident(&response_ty).ok_or_else(|| context("response is not a named type"))?;
    let fields = struct_fields(types, &response_name)
        .ok_or_else(|| context(&format!("no struct `{response_name}` in `types`")))?;
    let data_ty = fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "data"))
        .map(|f| f.ty.clone())
        .ok_or_else(|| context("response has no `data` field"))?;
    let meta_ty = fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "meta"))
        .map(|f| f.ty.clone())
        .ok_or_else(|| context("response has no `meta` field"))?;

    // `data` is `Vec<T>` or `Option<Vec<T>>`, where a `$ref` to a named array schema becomes a
    // typify newtype `struct X(pub Vec<T>)` that we unwrap with `.0`.
    let (optional, data_ty) = match generic_of(&data_ty, "Option") {
        Some(inner) => (true, inner),
        None => (false, data_ty),
    };
    let (item_ty, newtype) = match generic_of(&data_ty, "Vec") {
        Some(item) => (item, false),
        None => {
            let item = last_ident(&data_ty)
                .and_then(|name| newtype_vec_item(types, &name))
                .ok_or_else(|| context("`data` is not a list"))?;
            (item, true)
        }
    };
    let data_expr = match (optional, newtype) {
        (false, false) => quote!(response.data),
        (false, true) => quote!(response.data.0),
        (true, false) => quote!(response.data.unwrap_or_default()),
        (true, true) => quote!(response.data.map(|data| data.0).unwrap_or_default()),
    };
    let (meta_inner, meta_expr) = match generic_of(&meta_ty, "Option") {
        Some(inner) => (inner, quote!(response.meta)),
        None => (
            meta_ty.clone(),
            quote!(::std::option::Option::Some(response.meta)),
        ),
    };
    let item_ty = qualify(item_ty, types);
    let meta_inner = qualify(meta_inner, types);
    let builder_ident = format_ident!("{}", builder_name);
    let operation_id = &op.id;
    Ok(quote! {
        impl ListOperation for builder::#builder_ident<'_> {
            type Item = #item_ty;
            type Meta = #meta_inner;
            type Response = #response_ty;
            type ErrorBody = #error_ty;
            const OPERATION_ID: &'static str = #operation_id;

            fn set_page(self, number: u64, size: u64) -> Self {
                self.#page_number(number).#page_size(size)
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
                response: Self::Response,
            ) -> (::std::vec::Vec<Self::Item>, ::std::option::Option<Self::Meta>) {
                (#data_expr, #meta_expr)
            }
        }
    })
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
