//! Tidying progenitor's output for a published crate: every public item gets a doc comment
//! (parameter setters get the parameter's description from the document), and the generated
//! `Client` constructors are replaced by the client crate's own builder.

use std::collections::HashMap;

use syn::{Attribute, Fields, ImplItem, Item, Visibility, parse_quote};

use crate::document::{Case, OperationFacts, ParamLocation, progenitor_ident};

/// Where an item sits in the generated file; decides the wording of filled-in docs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Top level of the file.
    Top,
    /// `types`.
    Types,
    /// `types::builder`: typify's struct builders.
    TypeBuilders,
    /// `builder`: progenitor's request builders.
    RequestBuilders,
    /// The mock file (progenitor's httpmock extension).
    Mock,
    /// Any other module.
    Other,
}

/// Which of progenitor's outputs is being documented.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum File {
    /// The client.
    Client,
    /// The httpmock extension.
    Mock,
}

/// Adds a doc comment to every public item, field, variant, inherent method and trait method
/// lacking one.
pub fn fill_missing_docs(items: &mut [Item], operations: &[OperationFacts], file: File) {
    let scope = match file {
        File::Client => Scope::Top,
        File::Mock => Scope::Mock,
    };
    fill(items, scope, &Operations::new(operations));
}

/// The operations by their Rust names, computed once: the files have thousands of items to
/// look up, and computing an operation's names is not cheap.
struct Operations<'a> {
    by_builder: HashMap<String, &'a OperationFacts>,
    by_method: HashMap<String, &'a OperationFacts>,
}

impl<'a> Operations<'a> {
    fn new(operations: &'a [OperationFacts]) -> Self {
        Self {
            by_builder: operations
                .iter()
                .map(|op| (op.builder_name(), op))
                .collect(),
            by_method: operations.iter().map(|op| (op.method_name(), op)).collect(),
        }
    }

    /// The operation whose builder (or mock type, with `suffix`) is named `name`.
    fn named(&self, name: &str, suffix: &str) -> Option<&'a OperationFacts> {
        let base = name.strip_suffix(suffix)?;
        self.by_builder.get(base).copied()
    }

    /// The operation whose client method is named `name`.
    fn with_method(&self, name: &str) -> Option<&'a OperationFacts> {
        self.by_method.get(name).copied()
    }
}

fn fill(items: &mut [Item], scope: Scope, operations: &Operations<'_>) {
    for item in items {
        match item {
            Item::Mod(module) => {
                let inner = match (scope, module.ident.to_string().as_str()) {
                    (Scope::Top, "types") => Scope::Types,
                    (Scope::Top, "builder") => Scope::RequestBuilders,
                    (Scope::Types, "builder") => Scope::TypeBuilders,
                    (Scope::Mock, _) => Scope::Mock,
                    _ => Scope::Other,
                };
                if is_pub(&module.vis) {
                    let text = format!("Generated module `{}`.", module.ident);
                    ensure_doc(&mut module.attrs, &text);
                }
                if let Some((_, content)) = &mut module.content {
                    fill(content, inner, operations);
                }
            }
            Item::Struct(item) => {
                if is_pub(&item.vis) {
                    let name = item.ident.to_string();
                    let text = match scope {
                        Scope::TypeBuilders => {
                            format!("Builder for [`{0}`](super::{0}).", item.ident)
                        }
                        Scope::Mock => mock_struct_doc(&name, operations),
                        _ => format!("`{name}`."),
                    };
                    ensure_doc(&mut item.attrs, &text);
                }
                if let Fields::Named(fields) = &mut item.fields {
                    for field in fields.named.iter_mut().filter(|f| is_pub(&f.vis)) {
                        let name = field
                            .ident
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        let wire = serde_rename(&field.attrs).unwrap_or_else(|| name.clone());
                        ensure_doc(&mut field.attrs, &format!("The `{wire}` property."));
                    }
                }
            }
            Item::Enum(item) => {
                if is_pub(&item.vis) {
                    ensure_doc(&mut item.attrs, &format!("`{}`.", item.ident));
                }
                for variant in &mut item.variants {
                    let text = match serde_rename(&variant.attrs) {
                        Some(wire) => format!("The value `{wire}`."),
                        None => format!("The `{}` variant.", variant.ident),
                    };
                    ensure_doc(&mut variant.attrs, &text);
                    // Struct-like variants (typify's tagged enums) have public fields too.
                    if let Fields::Named(fields) = &mut variant.fields {
                        for field in &mut fields.named {
                            if let Some(ident) = &field.ident {
                                let name = ident.to_string();
                                let wire = serde_rename(&field.attrs)
                                    .unwrap_or_else(|| name.trim_end_matches('_').to_owned());
                                ensure_doc(&mut field.attrs, &format!("The `{wire}` field."));
                            }
                        }
                    }
                }
            }
            Item::Trait(item) if is_pub(&item.vis) => {
                ensure_doc(&mut item.attrs, &format!("`{}`.", item.ident));
                for trait_item in &mut item.items {
                    if let syn::TraitItem::Fn(function) = trait_item {
                        let name = function.sig.ident.to_string();
                        let text = match operations.with_method(&name) {
                            Some(op) if scope == Scope::Mock => format!(
                                "Mocks the `{}` operation ({} {}): `config_fn` gets its typed \
                                 request matcher and response builder.",
                                op.id, op.http_method, op.path
                            ),
                            Some(op) => format!("The `{}` operation.", op.id),
                            None => format!("`{name}`."),
                        };
                        ensure_doc(&mut function.attrs, &text);
                    }
                }
            }
            Item::Fn(item) if is_pub(&item.vis) => {
                ensure_doc(&mut item.attrs, &format!("`{}`.", item.sig.ident));
            }
            Item::Const(item) if is_pub(&item.vis) => {
                ensure_doc(&mut item.attrs, &format!("`{}`.", item.ident));
            }
            Item::Type(item) if is_pub(&item.vis) => {
                ensure_doc(&mut item.attrs, &format!("`{}`.", item.ident));
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let self_name = match imp.self_ty.as_ref() {
                    syn::Type::Path(path) => path
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let operation = match scope {
                    Scope::RequestBuilders => operations.named(&self_name, ""),
                    Scope::Mock => operations
                        .named(&self_name, "When")
                        .or_else(|| operations.named(&self_name, "Then")),
                    _ => None,
                };
                for impl_item in &mut imp.items {
                    if let ImplItem::Fn(function) = impl_item
                        && is_pub(&function.vis)
                    {
                        let name = function.sig.ident.to_string();
                        let text = method_doc(scope, &self_name, &name, operation);
                        ensure_doc(&mut function.attrs, &text);
                    }
                }
            }
            _ => {}
        }
    }
}

fn method_doc(
    scope: Scope,
    self_name: &str,
    method: &str,
    operation: Option<&OperationFacts>,
) -> String {
    match (scope, method) {
        (Scope::RequestBuilders, "new") => match operation {
            Some(op) => format!(
                "Starts a `{}` request; usually reached through the client's `{}()` method.",
                op.id,
                op.method_name()
            ),
            None => "Starts the request.".to_owned(),
        },
        (Scope::RequestBuilders, "body") => {
            let description = operation
                .and_then(|op| op.body_description.as_deref())
                .map(|d| format!("\n\n{d}"))
                .unwrap_or_default();
            format!("Sets the request body.{description}")
        }
        (Scope::RequestBuilders, "body_map") => {
            "Changes the request body through its builder.".to_owned()
        }
        (Scope::RequestBuilders, _) => {
            let param = operation.and_then(|op| {
                op.params
                    .iter()
                    .find(|p| progenitor_ident(&p.api_name, Case::Snake) == method)
            });
            match param {
                Some(param) => {
                    let location = match param.location {
                        ParamLocation::Path => "path parameter",
                        ParamLocation::Query => "query parameter",
                        ParamLocation::Header => "header",
                        ParamLocation::Cookie => "cookie",
                    };
                    let description = param
                        .description
                        .as_deref()
                        .map(|d| format!("\n\n{d}"))
                        .unwrap_or_default();
                    format!("Sets the {location} `{}`.{description}", param.api_name)
                }
                None => format!("Sets `{method}`."),
            }
        }
        (Scope::TypeBuilders, _) => format!("Sets the `{method}` field."),
        (Scope::Mock, _) => mock_method_doc(self_name, method, operation),
        (Scope::Types, "builder") => {
            format!("Starts a [`builder::{self_name}`] for this type.")
        }
        _ => format!("`{self_name}::{method}`."),
    }
}

fn mock_struct_doc(name: &str, operations: &Operations<'_>) -> String {
    if let Some(op) = operations.named(name, "When") {
        format!(
            "Request matcher for the `{}` operation ({} {}); its methods add conditions on \
             parameters and body.",
            op.id, op.http_method, op.path
        )
    } else if let Some(op) = operations.named(name, "Then") {
        format!(
            "Response builder for the `{}` operation: one method per documented response.",
            op.id
        )
    } else {
        format!("`{name}`.")
    }
}

fn mock_method_doc(self_name: &str, method: &str, operation: Option<&OperationFacts>) -> String {
    let when = self_name.ends_with("When");
    let wrapped = if when { "When" } else { "Then" };
    match method {
        "new" if when => {
            "Wraps an httpmock `When`, matching this operation's method and path.".to_owned()
        }
        "new" => "Wraps an httpmock `Then`.".to_owned(),
        "into_inner" => {
            format!("The wrapped httpmock `{wrapped}`, for what this type does not offer.")
        }
        "body" if when => "Matches requests whose JSON body equals `value`.".to_owned(),
        _ if when => {
            let param = operation.and_then(|op| {
                op.params
                    .iter()
                    .find(|p| progenitor_ident(&p.api_name, Case::Snake) == method)
            });
            match param {
                Some(p) => format!(
                    "Matches requests whose {} `{}` is `value` (for an optional parameter, \
                     `None` matches its absence).",
                    p.location.as_str(),
                    p.api_name
                ),
                None => format!("Matches on `{method}`."),
            }
        }
        _ => format!("Responds with the operation's `{method}` response (status and body)."),
    }
}

/// Removes the generated `Client::new` (it unwraps and fixes a 15 s timeout) and makes
/// `Client::new_with_client` crate-private: clients are built by the client crate's own
/// builder, which validates its settings.
pub fn hide_client_constructors(items: &mut [Item]) -> Result<(), String> {
    for item in items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && matches!(imp.self_ty.as_ref(), syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            let before = imp.items.len();
            imp.items
                .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
            let mut found = before != imp.items.len();
            for impl_item in &mut imp.items {
                if let ImplItem::Fn(function) = impl_item
                    && function.sig.ident == "new_with_client"
                {
                    function.vis = parse_quote!(pub(crate));
                    found = true;
                }
            }
            if found {
                return Ok(());
            }
        }
    }
    Err("no `impl Client { fn new .. }` in the generated code".to_owned())
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("doc"))
}

fn ensure_doc(attrs: &mut Vec<Attribute>, text: &str) {
    if !has_doc(attrs) {
        attrs.insert(0, parse_quote!(#[doc = #text]));
    }
}

/// The value of `#[serde(rename = "...")]`, if present.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}
