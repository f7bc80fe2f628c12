//! The `operations` module of the generated client: one entry per generated operation (id,
//! method, path, tag, family, authentication, paging style), sorted by method name so that the
//! lookup made for every request is a binary search. The entry type is hand-written in the
//! client crate; only the entries are generated.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::document::{Auth, OperationFacts};

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
            pub use #runtime::{Auth, Operation, PagingStyle};

            /// Every generated operation, sorted by method name.
            pub const ALL: &[Operation] = &[#(#entries),*];

            /// The operation whose generated method is `method_name` (e.g. `create_room`); a
            /// binary search.
            pub fn by_method_name(method_name: &str) -> ::std::option::Option<&'static Operation> {
                #runtime::find_by_method_name(ALL, method_name)
            }

            /// The operation whose `operationId` is `operation_id` (e.g. `CreateRoom`).
            pub fn by_operation_id(operation_id: &str) -> ::std::option::Option<&'static Operation> {
                ALL.iter().find(|operation| operation.operation_id == operation_id)
            }
        }
    }
}
