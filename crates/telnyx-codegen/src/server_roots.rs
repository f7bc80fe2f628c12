//! Operations served from the root of the base URL (`/.well-known/…` at
//! `https://api.telnyx.com`, beside the API at `https://api.telnyx.com/v2`).
//!
//! `spec sync` marks them with [`SERVER_EXTENSION`] (`{"strip": "/v2"}`). progenitor builds
//! every URL as `format!("{}/path", client.baseurl)`; here the base URL in that `format!` of
//! the operation's `send()` becomes the runtime's `server_root(&client.baseurl, strip)`, so
//! the request follows the client's base URL (a proxy, a mock server) to its root.

use openapiv3::{OpenAPI, ReferenceOr};
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Item, Token};

use crate::idents::{Case, progenitor_ident};
use crate::select::{METHODS, SERVER_EXTENSION};

/// `(operationId, strip)` of every marked operation of `document`.
pub fn rooted_operations(document: &OpenAPI) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for item in document.paths.paths.values() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            if !METHODS.contains(&method) {
                continue;
            }
            let strip = op
                .extensions
                .get(SERVER_EXTENSION)
                .and_then(|e| e.get("strip"))
                .and_then(|s| s.as_str());
            if let (Some(id), Some(strip)) = (&op.operation_id, strip) {
                found.push((id.clone(), strip.to_owned()));
            }
        }
    }
    found
}

/// Rewrites the URL of each rooted operation's `send()`; an operation whose builder does not
/// have the expected shape is an error (progenitor's output changed).
pub fn route_to_roots(
    items: &mut [Item],
    rooted: &[(String, String)],
    runtime: &syn::Path,
) -> Result<(), String> {
    for (operation, strip) in rooted {
        let builder = progenitor_ident(operation, Case::Pascal);
        let mut rewrite = BaseUrl {
            replacement: syn::parse2(quote!(#runtime::server_root(&client.baseurl, #strip)))
                .map_err(|e| e.to_string())?,
            replaced: 0,
        };
        for item in builder_impls(items, &builder) {
            for member in &mut item.items {
                if let syn::ImplItem::Fn(f) = member
                    && f.sig.ident == "send"
                {
                    rewrite.visit_impl_item_fn_mut(f);
                }
            }
        }
        if rewrite.replaced == 0 {
            return Err(format!(
                "`{operation}` is served from the base URL's root, but its builder's send() \
                 has no `client.baseurl` in a format! to change"
            ));
        }
    }
    Ok(())
}

fn builder_impls<'a>(
    items: &'a mut [Item],
    builder: &'a str,
) -> impl Iterator<Item = &'a mut syn::ItemImpl> + 'a {
    items
        .iter_mut()
        .filter_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .flat_map(|items| items.iter_mut())
        .filter_map(move |item| match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && matches!(&*imp.self_ty, syn::Type::Path(p)
                        if p.path.segments.last().is_some_and(|s| s.ident == builder)) =>
            {
                Some(imp)
            }
            _ => None,
        })
}

/// Replaces `client.baseurl` among the arguments of `format!`.
struct BaseUrl {
    replacement: Expr,
    replaced: usize,
}

impl VisitMut for BaseUrl {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        else {
            return;
        };
        for arg in args.iter_mut() {
            if arg.to_token_stream().to_string() == "client . baseurl" {
                *arg = self.replacement.clone();
                self.replaced += 1;
            }
        }
        mac.tokens = args.to_token_stream();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_of_a_rooted_send_is_replaced() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetMetadata<'a> {
                    pub async fn send(self) -> Result<(), ()> {
                        let Self { client } = self;
                        let url = format!("{}/.well-known/metadata", client.baseurl,);
                        Ok(())
                    }
                }
                impl<'a> ListRooms<'a> {
                    pub async fn send(self) -> Result<(), ()> {
                        let url = format!("{}/rooms", client.baseurl,);
                        Ok(())
                    }
                }
            }
        };
        let runtime: syn::Path = syn::parse_quote!(crate::__codegen);
        let rooted = [("GetMetadata".to_owned(), "/v2".to_owned())];
        route_to_roots(&mut file.items, &rooted, &runtime).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains(
                "format ! (\"{}/.well-known/metadata\" , crate :: __codegen :: server_root (& client . baseurl , \"/v2\") ,)"
            ),
            "{text}"
        );
        assert!(
            text.contains("format ! (\"{}/rooms\" , client . baseurl ,)"),
            "{text}"
        );
        let missing = [("ListWidgets".to_owned(), "/v2".to_owned())];
        assert!(route_to_roots(&mut file.items, &missing, &runtime).is_err());
    }
}
