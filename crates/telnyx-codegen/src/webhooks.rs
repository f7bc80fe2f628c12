//! Webhook events: the `webhook_events` module, with one `Event` variant per event type.
//!
//! `spec sync` keeps each upstream webhook in `x-telnyx-webhooks` with its family and the
//! schema of the body Telnyx posts, a component such as `CallInitiatedEvent` that progenitor
//! generates like any other type. [`facts`] reads which event types (`data.event_type`, or a
//! top-level `event_type`) each body schema declares; [`event_module`] writes the `Event`
//! enum and the match from event type to variant that the client crate's `webhooks` module
//! decodes with. A webhook whose schema declares no event type values still gets its type,
//! but no variant (it is reported in [`Generated::untyped_webhooks`](crate::Generated)).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::idents::{Case, progenitor_ident, typify_ident};
use crate::refs::component_name;

/// One webhook, as the generator uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookFacts {
    /// The webhook's name (its key upstream).
    pub name: String,
    /// Its API family.
    pub family: String,
    /// The component its body schema refers to, when it is a `$ref`.
    pub component: Option<String>,
    /// The event types its schema declares (`enum` of `event_type`), in document order.
    pub event_types: Vec<String>,
}

/// The webhooks of `doc` (after family selection), in name order.
pub fn facts(doc: &Value) -> Vec<WebhookFacts> {
    let schemas = doc.pointer("/components/schemas");
    crate::select::webhooks(doc)
        .into_iter()
        .map(|(name, family, schema)| {
            let component = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| component_name(r, "schemas"));
            let body = resolve(schema, schemas);
            let in_data = property(body, "data", schemas)
                .and_then(|data| property(data, "event_type", schemas));
            let event_type = in_data.or_else(|| property(body, "event_type", schemas));
            let event_types = event_type
                .and_then(|t| t.get("enum"))
                .and_then(Value::as_array)
                .map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            WebhookFacts {
                name: name.to_owned(),
                family: family.to_owned(),
                component,
                event_types,
            }
        })
        .collect()
}

/// Follows `$ref`s to `components/schemas` (a bounded number of hops: a cycle of references
/// is invalid and yields `schema` itself).
fn resolve<'a>(mut schema: &'a Value, schemas: Option<&'a Value>) -> &'a Value {
    for _ in 0..16 {
        let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| component_name(r, "schemas"))
        else {
            return schema;
        };
        match schemas.and_then(|s| s.get(&name)) {
            Some(target) => schema = target,
            None => return schema,
        }
    }
    schema
}

/// The (resolved) schema of property `name` of `schema`, looking into `allOf` members too.
fn property<'a>(schema: &'a Value, name: &str, schemas: Option<&'a Value>) -> Option<&'a Value> {
    let schema = resolve(schema, schemas);
    if let Some(found) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(resolve(found, schemas));
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|member| property(member, name, schemas))
}

/// The `Event` module and what it left out.
#[derive(Debug)]
pub struct EventModule {
    /// `pub mod webhook_events { … }`.
    pub tokens: TokenStream,
    /// The type names of the event bodies (they are received).
    pub body_types: BTreeSet<String>,
    /// Webhooks without a variant, with the reason.
    pub untyped: Vec<(String, String)>,
    /// The event types that have a variant, sorted by variant name.
    pub event_types: Vec<String>,
}

/// Writes the `webhook_events` module for `webhooks`; `types` names the generated types (a
/// body whose type is missing is an error). `runtime` is the path of the client crate.
pub fn event_module(
    webhooks: &[WebhookFacts],
    types: &BTreeSet<String>,
    runtime: &syn::Path,
) -> Result<EventModule, String> {
    let mut variants: BTreeMap<String, (String, &WebhookFacts, String)> = BTreeMap::new();
    let mut seen_types: BTreeMap<&str, &str> = BTreeMap::new();
    let mut body_types = BTreeSet::new();
    let mut untyped = Vec::new();
    for hook in webhooks {
        let Some(component) = &hook.component else {
            untyped.push((
                hook.name.clone(),
                "its body schema is not a reference to a component".to_owned(),
            ));
            continue;
        };
        let type_name = typify_ident(component, Case::Pascal);
        if !types.contains(&type_name) {
            return Err(format!(
                "webhook `{}`: its body type `{type_name}` (component `{component}`) was not \
                 generated",
                hook.name
            ));
        }
        body_types.insert(type_name.clone());
        if hook.event_types.is_empty() {
            untyped.push((
                hook.name.clone(),
                "its schema declares no `event_type` values".to_owned(),
            ));
        }
        for event_type in &hook.event_types {
            if let Some(first) = seen_types.insert(event_type, &hook.name) {
                untyped.push((
                    hook.name.clone(),
                    format!("event type `{event_type}` is already decoded as webhook `{first}`"),
                ));
                continue;
            }
            let variant = progenitor_ident(event_type, Case::Pascal);
            if variant == "Unknown" {
                return Err(format!(
                    "webhook `{}`: event type `{event_type}` would be named `Unknown`, the \
                     variant for event types this build does not know",
                    hook.name
                ));
            }
            if let Some((other, _, _)) = variants.get(&variant) {
                return Err(format!(
                    "webhook `{}`: event types `{event_type}` and `{other}` would both be the \
                     variant `{variant}`",
                    hook.name
                ));
            }
            variants.insert(variant, (event_type.clone(), hook, type_name.clone()));
        }
    }

    let mut decls = Vec::new();
    let mut names = Vec::new();
    let mut arms = Vec::new();
    let mut known = Vec::new();
    for (variant, (event_type, hook, type_name)) in &variants {
        let variant = format_ident!("{variant}");
        let ty = format_ident!("{type_name}");
        let doc = format!(
            " `{event_type}`: the body of webhook `{}` (family `{}`), a [`{type_name}`](super::types::{type_name}).",
            hook.name, hook.family
        );
        decls.push(quote! {
            #[doc = #doc]
            #variant(::std::boxed::Box<super::types::#ty>)
        });
        names.push(quote! { Self::#variant(_) => #event_type });
        arms.push(quote! {
            #event_type => ::serde_json::from_slice(body).map(|e| Self::#variant(::std::boxed::Box::new(e)))
        });
        known.push(event_type.as_str());
    }
    // Without variants (a build whose families have no webhooks) there is nothing to match.
    let decode_body = if arms.is_empty() {
        quote! {
            let _ = (event_type, body);
            ::std::option::Option::None
        }
    } else {
        quote! {
            ::std::option::Option::Some(match event_type {
                #(#arms,)*
                _ => return ::std::option::Option::None,
            })
        }
    };
    let tokens = quote! {
        /// The webhook events of the families this crate was built with, typed by
        /// `event_type`. See the `webhooks` module for verifying and decoding them.
        pub mod webhook_events {
            /// A webhook event Telnyx posted, by its `event_type`: one variant per event
            /// type of the enabled families, and [`Event::Unknown`] for any other (an event
            /// type Telnyx added later, or one of a family this build leaves out).
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub enum Event {
                #(#decls,)*
                /// An event type this build has no variant for: its type and the whole body.
                Unknown(#runtime::UnknownEvent),
            }

            impl Event {
                /// The event types that have their own variant, sorted by variant name.
                pub const KNOWN_EVENT_TYPES: &'static [&'static str] = &[#(#known),*];

                /// The event's `event_type` (empty for an [`Event::Unknown`] body that has
                /// none).
                pub fn event_type(&self) -> &str {
                    match self {
                        #(#names,)*
                        Self::Unknown(event) => event.event_type().unwrap_or(""),
                    }
                }

                /// Decodes `body` as the variant of `event_type`; `None` when the type has
                /// no variant.
                #[doc(hidden)]
                pub fn decode_known(
                    event_type: &str,
                    body: &[u8],
                ) -> ::std::option::Option<::std::result::Result<Self, ::serde_json::Error>> {
                    #decode_body
                }
            }
        }
    };
    let event_types = known.iter().map(|t| (*t).to_owned()).collect();
    Ok(EventModule {
        tokens,
        body_types,
        untyped,
        event_types,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "x-telnyx-webhooks": {
                "callInitiated": {"x-telnyx-family": "call-control", "schema": {
                    "$ref": "#/components/schemas/CallInitiatedEvent"}},
                "floor": {"x-telnyx-family": "call-control", "schema": {
                    "$ref": "#/components/schemas/Floor"}},
                "linkClick": {"x-telnyx-family": "messaging", "schema": {
                    "$ref": "#/components/schemas/LinkClick"}}
            },
            "components": {"schemas": {
                "CallInitiatedEvent": {"type": "object", "properties": {
                    "data": {"$ref": "#/components/schemas/CallInitiatedData"}}},
                "CallInitiatedData": {"allOf": [{"properties": {"event_type": {
                    "type": "string", "enum": ["call.initiated"]}}}]},
                "Floor": {"properties": {"event_type": {"enum": ["conference.floor.changed"]}}},
                "LinkClick": {"properties": {"data": {"properties": {"url": {}}}}}
            }}
        })
    }

    #[test]
    fn reads_event_types_through_refs_and_all_of() {
        let facts = facts(&doc());
        let types: Vec<(&str, &[String])> = facts
            .iter()
            .map(|f| (f.name.as_str(), f.event_types.as_slice()))
            .collect();
        assert_eq!(
            types,
            [
                ("callInitiated", &["call.initiated".to_owned()][..]),
                ("floor", &["conference.floor.changed".to_owned()][..]),
                ("linkClick", &[][..]),
            ]
        );
        assert_eq!(facts[0].family, "call-control");
        assert_eq!(facts[0].component.as_deref(), Some("CallInitiatedEvent"));
    }

    #[test]
    fn writes_one_variant_per_event_type() {
        let facts = facts(&doc());
        let types: BTreeSet<String> = ["CallInitiatedEvent", "Floor", "LinkClick"]
            .map(str::to_owned)
            .into();
        let runtime: syn::Path = syn::parse_quote!(crate);
        let module = event_module(&facts, &types, &runtime).unwrap();
        let text = module.tokens.to_string();
        assert!(
            text.contains(
                "CallInitiated (:: std :: boxed :: Box < super :: types :: CallInitiatedEvent >)"
            ),
            "{text}"
        );
        assert!(text.contains("ConferenceFloorChanged"), "{text}");
        assert!(text.contains("\"call.initiated\" =>"), "{text}");
        assert_eq!(module.untyped.len(), 1);
        assert_eq!(module.untyped[0].0, "linkClick");
        assert_eq!(module.body_types.len(), 3);

        let missing = event_module(&facts, &BTreeSet::new(), &runtime).unwrap_err();
        assert!(missing.contains("was not generated"), "{missing}");
    }
}
