//! The `list_operations` module of the generated client: an impl of the client's
//! `ListOperation` for the request builder of every list operation whose paging parameters and
//! response shape are known, so that one generic `paginate()` pages them all. The trait is
//! hand-written in the client crate; only the impls are generated.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericArgument, Item, PathArguments, Type};

use crate::document::{Case, OperationFacts, PagingParams, progenitor_ident};
use crate::generated_items::{
    builder_methods, generic_of, last_ident, list_item, module_items, newtype_vec_item, qualify,
    send_types, struct_fields,
};

/// Paging style names, as the client crate's `operation::PagingStyle` variants.
fn style_name(paging: &PagingParams) -> &'static str {
    match paging {
        PagingParams::Number { .. } => "PageNumber",
        PagingParams::Token { .. } => "PageToken",
        PagingParams::Cursor { .. } => "Cursor",
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
    for op in operations {
        let Some(paging) = &op.paging else { continue };
        match list_impl(op, paging, types, builders, runtime) {
            Ok(tokens) => {
                impls.push(tokens);
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
            use #runtime::ListOperation;

            #(#impls)*
        }
    };
    Ok(ListImpls {
        tokens,
        styles,
        skipped,
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
) -> Result<TokenStream, String> {
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
    let (item_ty, take_items) = items_of(&response_ty, types)?;
    // A response that is a bare list carries no signals: paging then stops at a short page.
    let signals = match last_ident(&response_ty) {
        Some(name) if struct_fields(types, &name).is_some() => {
            crate::paging_signals::signals_expr(&name, types, runtime).0
        }
        _ => crate::paging_signals::signals_expr("", &[], runtime).0,
    };
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
            const STYLE: #runtime::PagingStyle = #runtime::PagingStyle::#style;

            fn set_page(self, request: &#runtime::PageRequest) -> Self {
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
            ) -> (::std::vec::Vec<Self::Item>, #runtime::PageMeta) {
                let items = #take_items;
                let signals = #signals;
                (items, #runtime::PageMeta::from(signals))
            }
        }
    };
    Ok(tokens)
}

/// Fields that hold a list response's items, in order of preference.
const ITEM_FIELDS: [&str; 4] = ["data", "records", "log_messages", "items"];

/// The item type of a list response and the expression that takes the items out of
/// `response`.
fn items_of(response_ty: &Type, types: &[Item]) -> Result<(Type, TokenStream), String> {
    let response_name = last_ident(response_ty).ok_or("the response is not a named type")?;
    if let Some(item) = generic_of(response_ty, "Vec") {
        return Ok((item, quote!(::std::mem::take(&mut response))));
    }
    if let Some(item) = newtype_vec_item(types, &response_name) {
        return Ok((item, quote!(::std::mem::take(&mut response.0))));
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
    Ok((item, take))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn items(code: &str) -> Vec<Item> {
        syn::parse_file(code).expect("test code parses").items
    }

    fn squeeze(tokens: TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn a_setter_target_is_the_type_of_its_try_into_bound() {
        let builders = items(
            "impl<'a> ListThings<'a> {
                pub fn page_number<V>(mut self, value: V) -> Self
                where V: std::convert::TryInto<::std::num::NonZeroU32> { self }
                pub fn page_cursor<V>(mut self, value: V) -> Self
                where V: std::convert::TryInto<::std::string::String> { self }
            }",
        );
        let methods = builder_methods(&builders, "ListThings").expect("an impl");
        let target = |name: &str| setter_target(&methods, &format_ident!("{}", name));
        assert_eq!(target("page_number").as_deref(), Some("NonZeroU32"));
        assert_eq!(target("page_cursor").as_deref(), Some("String"));
        assert_eq!(target("page_size"), None);
    }

    #[test]
    fn items_are_taken_from_data_or_the_one_list_field() {
        let types = items(
            "pub struct Rooms { pub data: Option<Vec<Room>>, pub meta: Option<Meta> }
             pub struct Calls { pub calls: Vec<Call>, pub page: Option<i64> }
             pub struct Bare(pub Vec<Thing>);
             pub struct Two { pub a: Vec<A>, pub b: Vec<B> }",
        );
        let ty = |code: &str| -> Type { syn::parse_str(code).expect("a type") };
        let (item, take) = items_of(&ty("types::Rooms"), &types).expect("a list");
        assert_eq!(item.to_token_stream().to_string(), "Room");
        assert_eq!(squeeze(take), "response.data.take().unwrap_or_default()");
        let (item, take) = items_of(&ty("types::Calls"), &types).expect("a list");
        assert_eq!(item.to_token_stream().to_string(), "Call");
        assert_eq!(squeeze(take), "::std::mem::take(&mutresponse.calls)");
        let (item, _) = items_of(&ty("types::Bare"), &types).expect("a newtype list");
        assert_eq!(item.to_token_stream().to_string(), "Thing");
        // Two lists and no `data`: which one holds the items is not known.
        assert!(items_of(&ty("types::Two"), &types).is_err());
    }
}
