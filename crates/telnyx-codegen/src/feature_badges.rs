//! docs.rs badges for generated operations: each extension trait (`ClientRoomsExt`, …) and
//! each request builder says which Cargo feature brings it.
//!
//! The client crate selects families when the code is generated, not with `#[cfg]`, so
//! rustdoc's automatic feature badges cannot see them; each item gets
//! `#[cfg_attr(docsrs, doc(cfg(feature = "<family>")))]` instead, which only docs.rs builds
//! (`--cfg docsrs`) read. A family the client crate has no feature for comes with `full`.

use std::collections::{BTreeSet, HashMap};

use syn::{Item, TraitItem, parse_quote};

use crate::document::OperationFacts;

/// The family of operations without `x-telnyx-family`; never a feature.
const UNSORTED: &str = "unsorted";

/// Adds the badges; `features` are the client crate's family features (`None`: every
/// family but `unsorted` has one).
pub fn add_feature_badges(
    items: &mut [Item],
    operations: &[OperationFacts],
    features: Option<&BTreeSet<String>>,
) {
    let feature_of = |op: &OperationFacts| -> String {
        let has_feature = match features {
            Some(known) => known.contains(&op.family),
            None => op.family != UNSORTED,
        };
        if has_feature {
            op.family.clone()
        } else {
            "full".to_owned()
        }
    };
    let by_method: HashMap<String, String> = operations
        .iter()
        .map(|op| (op.method_name(), feature_of(op)))
        .collect();
    let by_builder: HashMap<String, String> = operations
        .iter()
        .map(|op| (op.builder_name(), feature_of(op)))
        .collect();
    for item in items.iter_mut() {
        match item {
            Item::Trait(t) => {
                let feature = t.items.iter().find_map(|member| match member {
                    TraitItem::Fn(f) => by_method.get(&f.sig.ident.to_string()),
                    _ => None,
                });
                if let Some(feature) = feature {
                    t.attrs.push(badge(feature));
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    if let Item::Struct(s) = inner
                        && let Some(feature) = by_builder.get(&s.ident.to_string())
                    {
                        s.attrs.push(badge(feature));
                    }
                }
            }
            _ => {}
        }
    }
}

fn badge(feature: &str) -> syn::Attribute {
    parse_quote!(#[cfg_attr(docsrs, doc(cfg(feature = #feature)))])
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn traits_and_builders_name_their_family() {
        let mut file: syn::File = parse_quote! {
            pub trait ClientRoomsExt {
                fn list_rooms(&self) -> builder::ListRooms<'_>;
            }
            pub mod builder {
                pub struct ListRooms<'a> { client: &'a super::Client }
                pub struct Helper;
            }
        };
        let op = OperationFacts {
            id: "ListRooms".into(),
            http_method: "GET".into(),
            path: "/rooms".into(),
            tag: Some("Rooms".into()),
            auth: crate::document::Auth::Required,
            params: Vec::new(),
            body_description: None,
            paging: None,
            family: "video".into(),
            event_stream: false,
        };
        add_feature_badges(&mut file.items, std::slice::from_ref(&op), None);
        let text = file.to_token_stream().to_string();
        assert_eq!(
            text.matches("cfg_attr (docsrs , doc (cfg (feature = \"video\")))")
                .count(),
            2,
            "{text}"
        );
        assert!(text.contains("pub struct Helper ;"), "{text}");

        let known = BTreeSet::from(["messaging".to_owned()]);
        let mut file: syn::File = parse_quote! {
            pub trait ClientRoomsExt {
                fn list_rooms(&self) -> builder::ListRooms<'_>;
            }
        };
        add_feature_badges(&mut file.items, std::slice::from_ref(&op), Some(&known));
        let text = file.to_token_stream().to_string();
        assert!(text.contains("feature = \"full\""), "{text}");
    }
}
