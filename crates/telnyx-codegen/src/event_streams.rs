//! `send_stream()` for the request builders of operations that can answer with server-sent
//! events (`text/event-stream`).
//!
//! progenitor generates one `send()` per operation and, for an answer that may be JSON or an
//! event stream, reads it as JSON. For each such operation this module copies its `send()` as
//! `send_stream()` with three changes: it asks for `text/event-stream` (the `accept` header),
//! its success answer is handed over unread as the client's `RawEventStream` (through the
//! runtime's `raw_event_stream`), and its return type says so. Everything else (the body, the
//! hooks that add the key, retry and trace, the error answers) stays progenitor's own, so the
//! two methods cannot drift apart.

use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, ImplItemFn, Item, Lit, Pat};

use crate::document::{EVENT_STREAM_MEDIA_TYPE, OperationFacts};
use crate::generated_items::{builder_methods, module_items, send_types};

/// The name of the added method.
const METHOD: &str = "send_stream";

/// Adds `send_stream()` to the builder of every operation that answers an event stream;
/// returns the ids of those operations, and the ones skipped with the reason.
pub fn add_send_stream(
    items: &mut [Item],
    operations: &[OperationFacts],
    runtime: &syn::Path,
) -> (Vec<String>, Vec<(String, String)>) {
    let mut added = Vec::new();
    let mut skipped = Vec::new();
    let mut impls = Vec::new();
    if let Some(builders) = module_items(items, "builder") {
        for op in operations.iter().filter(|op| op.event_stream) {
            match stream_impl(builders, op, runtime) {
                Ok(item) => {
                    impls.push(item);
                    added.push(op.id.clone());
                }
                Err(reason) => skipped.push((op.id.clone(), reason)),
            }
        }
    }
    if let Some(builders) = builder_module(items) {
        builders.extend(impls);
    }
    (added, skipped)
}

fn builder_module(items: &mut [Item]) -> Option<&mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "builder" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// `impl<'a> Builder<'a> { pub async fn send_stream(self) -> … }` for `op`.
fn stream_impl(
    builders: &[Item],
    op: &OperationFacts,
    runtime: &syn::Path,
) -> Result<Item, String> {
    let name = op.builder_name();
    let methods = builder_methods(builders, &name).ok_or_else(|| format!("no builder `{name}`"))?;
    if methods.iter().any(|m| m.sig.ident == METHOD) {
        return Err(format!("the builder already has a method `{METHOD}`"));
    }
    let send = methods
        .iter()
        .find(|m| m.sig.ident == "send")
        .ok_or("the builder has no `send`")?;
    let (_, error) = send_types(send).ok_or("unexpected `send` signature")?;
    let mut method: ImplItemFn = (*send).clone();
    method.sig.ident = format_ident!("{METHOD}");
    method.sig.output = syn::parse_quote! {
        -> Result<ResponseValue<#runtime::RawEventStream>, Error<#error>>
    };
    let doc = format!(
        "Sends the request asking for server-sent events (set `stream: true` in the body) and \
         hands back the answer unread, as a stream of events; decode them with \
         `into_inner().typed::<T>()` or read them raw. The client's timeout bounds the whole \
         stream. `{}` {}",
        op.http_method, op.path
    );
    method.attrs = vec![syn::parse_quote!(#[doc = #doc])];
    let mut rewrite = Rewrite {
        runtime,
        accept: 0,
        success: 0,
    };
    rewrite.visit_impl_item_fn_mut(&mut method);
    if rewrite.accept != 1 || rewrite.success == 0 {
        return Err(format!(
            "`send` no longer has the shape this rewrite expects ({} accept header(s), {} \
             success arm(s))",
            rewrite.accept, rewrite.success
        ));
    }
    let ident = format_ident!("{name}");
    let method = ImplItem::Fn(method);
    Ok(syn::parse_quote! {
        impl<'a> #ident<'a> {
            #method
        }
    })
}

/// Asks for an event stream and hands a success answer over unread.
struct Rewrite<'a> {
    runtime: &'a syn::Path,
    /// `accept` header values changed.
    accept: usize,
    /// Success arms changed.
    success: usize,
}

impl VisitMut for Rewrite<'_> {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if lit.value() == "application/json" {
            *lit = syn::LitStr::new(EVENT_STREAM_MEDIA_TYPE, lit.span());
            self.accept += 1;
        }
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        syn::visit_mut::visit_arm_mut(self, arm);
        let Pat::Lit(pattern) = &arm.pat else { return };
        let Lit::Int(status) = &pattern.lit else {
            return;
        };
        if status
            .base10_parse::<u16>()
            .is_ok_and(|s| (200..300).contains(&s))
        {
            let runtime = self.runtime;
            let body: Expr = syn::parse_quote!(Ok(#runtime::raw_event_stream(response)));
            *arm.body = body;
            self.success += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn send_is_copied_with_the_accept_header_and_the_success_arm_changed() {
        let items = syn::parse_file(
            r#"
            pub mod builder {
                impl<'a> Chat<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Answer>, Error<crate::rt::ErrorBody>> {
                        let request = client.client.post(url)
                            .header(ACCEPT, HeaderValue::from_static("application/json"))
                            .build()?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            422u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
            "#,
        )
        .unwrap()
        .items;
        let builders = module_items(&items, "builder").unwrap();
        let op = OperationFacts::for_test("Chat");
        let runtime: syn::Path = syn::parse_quote!(crate::rt);
        let code = stream_impl(builders, &op, &runtime)
            .unwrap()
            .to_token_stream()
            .to_string()
            .replace(' ', "");
        assert!(code.contains("pubasyncfnsend_stream(self)->Result<ResponseValue<crate::rt::RawEventStream>,Error<crate::rt::ErrorBody>>"), "{code}");
        assert!(
            code.contains("from_static(\"text/event-stream\")"),
            "{code}"
        );
        assert!(
            code.contains("200u16=>Ok(crate::rt::raw_event_stream(response))"),
            "{code}"
        );
        // Error answers are read as before.
        assert!(code.contains("422u16=>Err(Error::ErrorResponse"), "{code}");
    }
}
