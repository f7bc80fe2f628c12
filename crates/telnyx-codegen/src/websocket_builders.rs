//! The builders of WebSocket operations, written beside progenitor's request builders.
//!
//! For each operation `websocket_forms` took out of the document, this adds a builder in the
//! `builder` module with progenitor's feel: one setter per query parameter, typed with what
//! typify generated for the query component (which is then removed: it was only a carrier of
//! types), a `max_message_size` setter, and `connect()`, which fills the runtime's
//! `WebSocketRequest` and opens a `WebSocket<Sends, Receives>` of the operation's frame types.
//! The client gets a method that starts the builder, in the extension trait of the
//! operation's tag (created, and added to the prelude, when the tag has no other operation).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Fields, Item, Type};

use crate::derives::type_name;
use crate::idents::{Case, progenitor_ident};
use crate::websocket_forms::{Sends, WebSocketFacts};

/// What [`add_websocket_builders`] did.
#[derive(Debug, Default)]
pub struct Added {
    /// The operations that got a builder.
    pub added: Vec<String>,
    /// Those that did not, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Types the builders send (query values, client frames): they need `Serialize`.
    pub sent: BTreeSet<String>,
    /// Types the builders receive (server frames): they need `Deserialize`.
    pub received: BTreeSet<String>,
}

/// One query parameter as the builder sees it.
struct Param {
    wire: String,
    field: syn::Ident,
    ty: Type,
    required: bool,
}

/// Adds the builders and client methods of `facts` to `items` (progenitor's output).
pub fn add_websocket_builders(
    items: &mut Vec<Item>,
    facts: &[WebSocketFacts],
    runtime: &syn::Path,
) -> Added {
    let mut out = Added::default();
    for fact in facts {
        if let Some(why) = &fact.unsupported {
            out.skipped.push((fact.operation_id.clone(), why.clone()));
            continue;
        }
        match add_one(items, fact, runtime, &mut out) {
            Ok(()) => out.added.push(fact.operation_id.clone()),
            Err(why) => out.skipped.push((fact.operation_id.clone(), why)),
        }
    }
    out
}

fn add_one(
    items: &mut Vec<Item>,
    fact: &WebSocketFacts,
    runtime: &syn::Path,
    out: &mut Added,
) -> Result<(), String> {
    let params = match &fact.query_schema {
        Some(name) => {
            let params = query_params(items, name, fact)?;
            remove_type(items, name);
            params
        }
        None => Vec::new(),
    };
    for param in &params {
        let ty = &param.ty;
        out.sent
            .extend(crate::tokens::path_tails(quote!(#ty), &["types"]));
    }
    let receives: TokenStream = match &fact.receives {
        Some(name) => {
            out.received.insert(name.clone());
            let ident = format_ident!("{}", name);
            quote!(types::#ident)
        }
        None => quote!(::serde_json::Value),
    };
    let (sends, frame_impl) = match &fact.sends {
        Sends::Binary => (quote!(#runtime::Bytes), TokenStream::new()),
        Sends::Any => (quote!(::serde_json::Value), TokenStream::new()),
        Sends::Json(name) => {
            out.sent.insert(name.clone());
            let ident = format_ident!("{}", name);
            (
                quote!(types::#ident),
                quote! {
                    impl #runtime::JsonFrame for types::#ident {}
                },
            )
        }
    };

    let op = &fact.operation_id;
    let builder = format_ident!("{}", progenitor_ident(op, Case::Pascal));
    let method = format_ident!("{}", progenitor_ident(op, Case::Snake));
    let path = &fact.path;
    let needs_key = fact.needs_key;
    let fields = params.iter().map(|p| {
        let (field, ty) = (&p.field, &p.ty);
        quote!(#field: Result<Option<#ty>, String>,)
    });
    let inits = params.iter().map(|p| {
        let field = &p.field;
        quote!(#field: Ok(None),)
    });
    let setters = params.iter().map(|p| {
        let (field, ty) = (&p.field, &p.ty);
        let doc = format!("Sets the query parameter `{}`.", p.wire);
        let failed = format!(
            "conversion to `{}` for {} failed",
            quote!(#ty).to_string().replace(' ', ""),
            p.field
        );
        quote! {
            #[doc = #doc]
            pub fn #field<V>(mut self, value: V) -> Self
            where
                V: std::convert::TryInto<#ty>,
            {
                self.#field = value.try_into().map(Some).map_err(|_| #failed.to_string());
                self
            }
        }
    });
    let field_names = params.iter().map(|p| &p.field);
    let adds = params.iter().map(|p| {
        let (field, wire) = (&p.field, &p.wire);
        if p.required {
            quote!(request.required(#wire, #field)?;)
        } else {
            quote!(request.optional(#wire, #field)?;)
        }
    });
    let new_doc = format!(
        "Starts a `{op}` WebSocket; usually reached through the client's `{method}()` method."
    );
    let connect_doc = format!(
        "Opens the WebSocket (`GET {path}` upgraded, on the client's base URL in its `wss://` \
         form). A missing required parameter or a refused handshake is an error; see \
         `telnyx_client::websocket`."
    );
    let builder_doc = format!("Builder for the `{op}` WebSocket (see the client's `{method}()`).");
    let builder_item: TokenStream = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        pub struct #builder<'a> {
            client: &'a super::Client,
            #(#fields)*
            max_message_size: usize,
        }

        impl<'a> #builder<'a> {
            #[doc = #new_doc]
            pub fn new(client: &'a super::Client) -> Self {
                Self {
                    client,
                    #(#inits)*
                    max_message_size: #runtime::DEFAULT_MAX_MESSAGE_SIZE,
                }
            }

            #(#setters)*

            /// The largest message accepted from the server, in bytes (default 16 MiB); a
            /// larger one ends the socket with an error.
            pub fn max_message_size(mut self, bytes: usize) -> Self {
                self.max_message_size = bytes;
                self
            }

            #[doc = #connect_doc]
            pub async fn connect(
                self,
            ) -> Result<#runtime::WebSocket<#sends, #receives>, #runtime::Error> {
                let Self { client, #(#field_names,)* max_message_size } = self;
                let mut request = #runtime::WebSocketRequest::new(#op, #path, #needs_key);
                #(#adds)*
                request.max_message_size(max_message_size);
                request.connect(client).await
            }
        }
    };
    push_into_module(items, "builder", builder_item)?;
    if !frame_impl.is_empty() {
        items.extend(
            syn::parse2::<syn::File>(frame_impl)
                .map_err(|e| e.to_string())?
                .items,
        );
    }

    let mut doc = String::new();
    for part in [&fact.summary, &fact.description].into_iter().flatten() {
        doc.push_str(part);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "Opens a WebSocket: `GET {path}` upgraded; see `telnyx_client::websocket`.\n\n\
         ```ignore\nlet mut socket = client.{method}()\n{}    .connect()\n    .await?;\n```",
        params
            .iter()
            .map(|p| format!("    .{0}({0})\n", p.field))
            .collect::<String>()
    ));
    add_client_method(items, fact.tag.as_deref(), &method, &builder, &doc)
}

/// The query parameters, typed from the fields of the query component's struct.
fn query_params(items: &[Item], name: &str, fact: &WebSocketFacts) -> Result<Vec<Param>, String> {
    let types = module(items, "types").ok_or("no `types` module")?;
    let names: BTreeSet<String> = types.iter().filter_map(type_name).collect();
    let fields = types
        .iter()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == name => Some(&s.fields),
            _ => None,
        })
        .ok_or_else(|| format!("typify wrote no struct `{name}` for the query"))?;
    let Fields::Named(fields) = fields else {
        return Err(format!("the query struct `{name}` has no named fields"));
    };
    let mut by_wire: BTreeMap<String, (syn::Ident, Type)> = BTreeMap::new();
    for field in &fields.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let wire = crate::tokens::serde_rename(&field.attrs)
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        let mut ty = crate::tokens::option_inner(&field.ty).clone();
        QualifyTypes { names: &names }.visit_type_mut(&mut ty);
        by_wire.insert(wire, (ident, ty));
    }
    fact.params
        .iter()
        .map(|(wire, required)| {
            let (field, ty) = by_wire
                .get(wire)
                .cloned()
                .ok_or_else(|| format!("the query struct `{name}` has no field for `{wire}`"))?;
            Ok(Param {
                wire: wire.clone(),
                field,
                ty,
                required: *required,
            })
        })
        .collect()
}

/// Prefixes the paths that name a generated type with `types::` (the builder module is
/// outside `types`).
struct QualifyTypes<'a> {
    names: &'a BTreeSet<String>,
}

impl VisitMut for QualifyTypes<'_> {
    fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
        if path.qself.is_none()
            && path.path.leading_colon.is_none()
            && path
                .path
                .segments
                .first()
                .is_some_and(|s| self.names.contains(&s.ident.to_string()))
        {
            path.path
                .segments
                .insert(0, syn::PathSegment::from(format_ident!("types")));
        }
        syn::visit_mut::visit_type_path_mut(self, path);
    }
}

/// Removes the type `name` from `types` (and `types::builder`): the struct and its impls.
fn remove_type(items: &mut [Item], name: &str) {
    fn strip(items: &mut Vec<Item>, name: &str) {
        items.retain(|item| match item {
            Item::Struct(s) => s.ident != name,
            Item::Impl(imp) => !matches!(
                &*imp.self_ty,
                Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name)
            ),
            _ => true,
        });
        for item in items.iter_mut() {
            if let Item::Mod(m) = item
                && m.ident == "builder"
                && let Some((_, inner)) = m.content.as_mut()
            {
                strip(inner, name);
            }
        }
    }
    if let Some(types) = module_mut(items, "types") {
        strip(types, name);
    }
}

fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a Vec<Item>> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn push_into_module(items: &mut [Item], name: &str, tokens: TokenStream) -> Result<(), String> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| format!("does not parse: {e}"))?;
    module_mut(items, name)
        .ok_or_else(|| format!("no `{name}` module"))?
        .extend(parsed.items);
    Ok(())
}

/// Adds `method()` to the client: in the tag's extension trait (made when missing), or as an
/// inherent method when the operation has no tag.
fn add_client_method(
    items: &mut Vec<Item>,
    tag: Option<&str>,
    method: &syn::Ident,
    builder: &syn::Ident,
    doc: &str,
) -> Result<(), String> {
    let Some(tag) = tag else {
        let tokens = quote! {
            impl Client {
                #[doc = #doc]
                pub fn #method(&self) -> builder::#builder<'_> {
                    builder::#builder::new(self)
                }
            }
        };
        items.extend(
            syn::parse2::<syn::File>(tokens)
                .map_err(|e| e.to_string())?
                .items,
        );
        return Ok(());
    };
    let trait_name = format_ident!("Client{}Ext", progenitor_ident(tag, Case::Pascal));
    let signature: syn::TraitItem = syn::parse2(quote! {
        #[doc = #doc]
        fn #method(&self) -> builder::#builder<'_>;
    })
    .map_err(|e| e.to_string())?;
    let body: syn::ImplItem = syn::parse2(quote! {
        fn #method(&self) -> builder::#builder<'_> {
            builder::#builder::new(self)
        }
    })
    .map_err(|e| e.to_string())?;
    let existing = items
        .iter()
        .any(|item| matches!(item, Item::Trait(t) if t.ident == trait_name));
    if !existing {
        let trait_doc = format!("`{trait_name}`: the operations tagged \"{tag}\".");
        let tokens = quote! {
            #[doc = #trait_doc]
            pub trait #trait_name {}
            impl #trait_name for Client {}
        };
        items.extend(
            syn::parse2::<syn::File>(tokens)
                .map_err(|e| e.to_string())?
                .items,
        );
        let reexport: Item =
            syn::parse2(quote!(pub use super::#trait_name;)).map_err(|e| e.to_string())?;
        module_mut(items, "prelude")
            .ok_or("no `prelude` module")?
            .push(reexport);
    }
    for item in items.iter_mut() {
        match item {
            Item::Trait(t) if t.ident == trait_name => t.items.push(signature.clone()),
            Item::Impl(imp)
                if imp
                    .trait_
                    .as_ref()
                    .is_some_and(|(_, path, _)| path.is_ident(&trait_name)) =>
            {
                imp.items.push(body.clone())
            }
            _ => {}
        }
    }
    Ok(())
}
