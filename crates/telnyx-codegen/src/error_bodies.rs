//! One error body type for every operation.
//!
//! progenitor decodes an error response into the operation's own error type, whatever the
//! document calls it (or `()` when the document describes no error body). The client crate
//! reads Telnyx's error shapes from the wire itself, so every request builder's `send` is
//! rewritten to decode error bodies into the client's `ErrorBody` (any JSON value), which
//! also means no error answer fails to decode because upstream described it wrongly.
//! An error body the document describes as non-JSON (progenitor's `ByteStream`) is decoded
//! the same way (the client turns a body that is not JSON into `{"message": "<text>"}` before
//! decoding). Operations whose errors have no body (`()`) are left as they are.

use syn::visit_mut::VisitMut;
use syn::{GenericArgument, Item, PathArguments, Type};

/// Rewrites `Error<E>` to `Error<runtime::ErrorBody>` in the return types of the request
/// builders' `send` methods (module `builder`).
pub fn use_error_body(items: &mut [Item], runtime: &syn::Path) {
    let replacement: Type = syn::parse_quote!(#runtime::ErrorBody);
    for item in items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, content)) = module.content.as_mut() else {
            continue;
        };
        for item in content {
            let Item::Impl(imp) = item else { continue };
            for member in &mut imp.items {
                let syn::ImplItem::Fn(method) = member else {
                    continue;
                };
                if method.sig.ident == "send"
                    && let syn::ReturnType::Type(_, output) = &mut method.sig.output
                {
                    Rewrite(&replacement).visit_type_mut(output);
                    DecodeStreams.visit_block_mut(&mut method.block);
                }
            }
        }
    }
}

/// Replaces the argument of every `Error<…>` that is not `()`.
struct Rewrite<'a>(&'a Type);

impl VisitMut for Rewrite<'_> {
    fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
        syn::visit_mut::visit_path_segment_mut(self, segment);
        if segment.ident != "Error" {
            return;
        }
        if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in &mut args.args {
                if let GenericArgument::Type(ty) = arg {
                    let is_unit = matches!(ty, Type::Tuple(t) if t.elems.is_empty());
                    if !is_unit {
                        *ty = self.0.clone();
                    }
                }
            }
        }
    }
}

/// `Error::ErrorResponse(ResponseValue::stream(response))` →
/// `Error::ErrorResponse(ResponseValue::from_response(response).await?)`: an error body is
/// decoded, not streamed.
struct DecodeStreams;

impl VisitMut for DecodeStreams {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let is_error_response = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "ErrorResponse"));
        if !is_error_response || call.args.len() != 1 {
            return;
        }
        let Some(syn::Expr::Call(inner)) = call.args.first() else {
            return;
        };
        let is_stream = matches!(&*inner.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "stream"));
        if is_stream && let Some(argument) = inner.args.first().cloned() {
            let decoded: syn::Expr =
                syn::parse_quote!(ResponseValue::from_response(#argument).await?);
            call.args[0] = decoded;
        }
    }
}
