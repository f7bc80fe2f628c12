//! Per-call options on every request builder: `.options(RequestOptions)`.
//!
//! progenitor's builders carry only the operation's parameters and body. Each gets a field
//! `options`, set by an `options()` method, and each of its senders (`send`, and `send_stream`
//! where there is one) becomes a wrapper that runs the original, renamed `<name>_unscoped`,
//! inside the runtime's `RequestOptions::scope`: the client's hooks read the call's options
//! from there (timeout, retries, headers, query, idempotency key). The original body is not
//! touched beyond its `let Self { … } = self;`, which learns to ignore the new field. Beside
//! `send` comes `send_raw()`: the same request, returning the answer as sent (status,
//! headers, bytes) through the runtime's `capture_raw`.

use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item};

/// Adds the options to every builder in the `builder` module that has a sender; returns how
/// many builders got them.
pub fn add_call_options(items: &mut [Item], runtime: &syn::Path) -> Result<usize, String> {
    let Some(builders) = items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(0);
    };
    let with_senders: Vec<syn::Ident> = builders
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) if imp.trait_.is_none() && imp.items.iter().any(is_sender) => {
                self_ident(imp)
            }
            _ => None,
        })
        .collect();
    let mut count = 0;
    // A builder may have several impl blocks with senders (the event-stream one is added
    // beside progenitor's); `options()` goes into the first only.
    let mut with_setter: Vec<syn::Ident> = Vec::new();
    for item in builders.iter_mut() {
        match item {
            Item::Struct(s) if with_senders.contains(&s.ident) => {
                let syn::Fields::Named(fields) = &mut s.fields else {
                    return Err(format!("builder `{}` has no named fields", s.ident));
                };
                fields.named.push(syn::parse_quote!(
                    options: ::std::option::Option<#runtime::RequestOptions>
                ));
                count += 1;
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(ident) = self_ident(imp).filter(|i| with_senders.contains(i)) else {
                    continue;
                };
                let first = !with_setter.contains(&ident);
                if first {
                    with_setter.push(ident);
                }
                rewrite_impl(imp, runtime, first)?;
            }
            _ => {}
        }
    }
    Ok(count)
}

fn self_ident(imp: &syn::ItemImpl) -> Option<syn::Ident> {
    match &*imp.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// `pub async fn send…(self)`.
fn is_sender(item: &ImplItem) -> bool {
    matches!(item, ImplItem::Fn(f)
        if f.sig.asyncness.is_some()
            && f.sig.ident.to_string().starts_with("send")
            && matches!(f.vis, syn::Visibility::Public(_))
            && f.sig.inputs.len() == 1)
}

fn rewrite_impl(
    imp: &mut syn::ItemImpl,
    runtime: &syn::Path,
    with_setter: bool,
) -> Result<(), String> {
    let mut added: Vec<ImplItem> = Vec::new();
    for member in imp.items.iter_mut() {
        match member {
            ImplItem::Fn(f) if f.sig.ident == "new" => InitOptions.visit_block_mut(&mut f.block),
            ImplItem::Fn(f) if is_sender(&ImplItem::Fn(f.clone())) => {
                let name = f.sig.ident.clone();
                let inner = format_ident!("{}_unscoped", name);
                let output = f.sig.output.clone();
                let attrs = f.attrs.clone();
                let mut unscoped = f.clone();
                unscoped.sig.ident = inner.clone();
                unscoped.vis = syn::Visibility::Inherited;
                unscoped.attrs.retain(|a| !a.path().is_ident("doc"));
                let mut ignore = IgnoreOptions::default();
                ignore.visit_block_mut(&mut unscoped.block);
                if ignore.patterns == 0 {
                    return Err(format!("`{name}()` does not take its builder apart"));
                }
                let syn::ReturnType::Type(_, output) = output else {
                    return Err(format!("`{name}()` returns nothing"));
                };
                // Plain functions returning the runtime's future, not `async fn`s: each async
                // body is a state machine of its own for the compiler to analyse, and one
                // per operation (the original, renamed) is enough.
                *f = syn::parse2(quote! {
                    #(#attrs)*
                    pub fn #name(mut self) -> impl ::std::future::Future<Output = #output> {
                        let options = self.options.take();
                        // Boxed: the caller's future then holds a pointer, not the whole
                        // request's state twice (deep futures overflowed test stacks).
                        #runtime::RequestOptions::scope(options, ::std::boxed::Box::pin(self.#inner()))
                    }
                })
                .map_err(|e| e.to_string())?;
                if name == "send" {
                    added.push(
                        syn::parse2(quote! {
                            /// Sends the request like `send()`, and returns the successful answer
                            /// as sent: status, headers and body bytes, undecoded.
                            pub fn send_raw(
                                mut self,
                            ) -> impl ::std::future::Future<
                                Output = Result<#runtime::RawResponse, #runtime::Error>,
                            > {
                                let options = self.options.take();
                                #runtime::RequestOptions::scope(
                                    options,
                                    #runtime::capture_raw(::std::boxed::Box::pin(
                                        self.send_unscoped(),
                                    )),
                                )
                            }
                        })
                        .map_err(|e| e.to_string())?,
                    );
                }
                added.push(ImplItem::Fn(unscoped));
            }
            _ => {}
        }
    }
    imp.items.extend(added);
    if !with_setter {
        return Ok(());
    }
    imp.items.push(
        syn::parse2(quote! {
            /// Overrides the client's settings for this call only: timeout, retries, extra
            /// headers and query parameters, idempotency key (see `telnyx_client::RequestOptions`).
            pub fn options(mut self, options: #runtime::RequestOptions) -> Self {
                self.options = Some(options);
                self
            }
        })
        .map_err(|e| e.to_string())?,
    );
    Ok(())
}

/// Adds `..` to `let Self { … } = self;` patterns (the options are read before).
#[derive(Default)]
struct IgnoreOptions {
    patterns: usize,
}

impl VisitMut for IgnoreOptions {
    fn visit_pat_struct_mut(&mut self, pat: &mut syn::PatStruct) {
        if pat.path.is_ident("Self") && pat.rest.is_none() {
            pat.rest = Some(syn::PatRest {
                attrs: Vec::new(),
                dot2_token: Default::default(),
            });
            self.patterns += 1;
        }
        syn::visit_mut::visit_pat_struct_mut(self, pat);
    }
}

/// Adds `options: None` to the `Self { … }` that `new()` returns.
struct InitOptions;

impl VisitMut for InitOptions {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        if expr.path.is_ident("Self") && expr.rest.is_none() {
            expr.fields.push(syn::parse_quote!(options: None));
        }
        syn::visit_mut::visit_expr_struct_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn senders_run_in_the_options_scope() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct GetRoom<'a> {
                    client: &'a super::Client,
                    room_id: Result<String, String>,
                }
                impl<'a> GetRoom<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, room_id: Err("unset".to_string()) }
                    }
                    /// Sends it.
                    pub async fn send(self) -> Result<(), ()> {
                        let Self { client, room_id } = self;
                        Ok(())
                    }
                }
                pub struct Helper { x: u8 }
            }
        };
        let runtime: syn::Path = syn::parse_quote!(crate::__codegen);
        assert_eq!(add_call_options(&mut file.items, &runtime), Ok(1));
        let text = file.to_token_stream().to_string();
        for expected in [
            "options : :: std :: option :: Option < crate :: __codegen :: RequestOptions >",
            "room_id : Err (\"unset\" . to_string ()) , options : None",
            "# [doc = r\" Sends it.\"] pub fn send (mut self) -> impl :: std :: future :: Future < Output = Result < () , () > > { let options = self . options . take () ; crate :: __codegen :: RequestOptions :: scope (options , :: std :: boxed :: Box :: pin (self . send_unscoped ())) }",
            "async fn send_unscoped (self) -> Result < () , () > { let Self { client , room_id , .. } = self ;",
            "pub fn options (mut self , options : crate :: __codegen :: RequestOptions) -> Self",
            "pub struct Helper { x : u8 }",
        ] {
            assert!(text.contains(expected), "missing {expected}\nin {text}");
        }
    }

    #[test]
    fn a_builder_with_two_sender_impls_gets_one_setter() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct Chat<'a> { client: &'a super::Client }
                impl<'a> Chat<'a> {
                    pub async fn send(self) -> Result<(), ()> {
                        let Self { client } = self;
                        Ok(())
                    }
                }
                impl<'a> Chat<'a> {
                    pub async fn send_stream(self) -> Result<(), ()> {
                        let Self { client } = self;
                        Ok(())
                    }
                }
            }
        };
        let runtime: syn::Path = syn::parse_quote!(crate::__codegen);
        assert_eq!(add_call_options(&mut file.items, &runtime), Ok(1));
        let text = file.to_token_stream().to_string();
        assert_eq!(text.matches("pub fn options").count(), 1, "{text}");
        assert!(text.contains("async fn send_stream_unscoped"), "{text}");
    }
}
