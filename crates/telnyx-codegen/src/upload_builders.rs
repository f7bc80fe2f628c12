//! Upload builders: `multipart/form-data` operations, after progenitor runs.
//!
//! `upload_forms` gave progenitor each upload's text parts as a JSON body. Here the builder
//! progenitor wrote for it (for an operation that also takes JSON, a copy of the JSON builder
//! named `<Builder>Upload`, with the body type changed to the text-part type) gets:
//! - a field holding the file parts, and one setter per file part taking the client's
//!   `FilePart`;
//! - a `send()` whose request body is the form (`.multipart(..)` instead of `.json(&body)`),
//!   made by the runtime's `Upload` from the text parts and the files, and whose exchange runs
//!   inside `Upload::sending`, so that a retry can build the body again.
//!
//! Everything else (the URL and parameters, the hooks that add the key, retry and trace, the
//! answers and errors) stays progenitor's own. A copy also gets a client method
//! (`send_fax_upload()` beside `send_fax()`) in the same extension trait.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprMethodCall, Fields, ImplItem, Item, Pat, Stmt};

use crate::document::{Case, OperationFacts, progenitor_ident};
use crate::upload_forms::UploadFacts;

/// The suffix of a copied builder and its client method.
const SUFFIX: &str = "Upload";

/// What [`add_upload_builders`] did.
#[derive(Debug, Default)]
pub struct UploadBuilders {
    /// Operations (by id) with an upload builder, and its client method.
    pub added: Vec<(String, String)>,
    /// Upload operations without one, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Turns the builders of `uploads` into upload builders; see the module docs.
pub fn add_upload_builders(
    items: &mut [Item],
    uploads: &[UploadFacts],
    operations: &[OperationFacts],
    runtime: &syn::Path,
) -> UploadBuilders {
    let mut result = UploadBuilders::default();
    let form_builders = form_builder_names(items);
    for upload in uploads {
        let Some(op) = operations.iter().find(|o| o.id == upload.operation_id) else {
            result.skipped.push((
                upload.operation_id.clone(),
                "not among the generated operations".to_owned(),
            ));
            continue;
        };
        match add_one(items, upload, op, runtime, &form_builders) {
            Ok(method) => result.added.push((op.id.clone(), method)),
            Err(reason) => result.skipped.push((op.id.clone(), reason)),
        }
    }
    result
}

/// Names of the structs in `types::builder` (the types that have a builder).
fn form_builder_names(items: &[Item]) -> Vec<String> {
    let types = crate::generated_items::module_items(items, "types").unwrap_or_default();
    let builder = crate::generated_items::module_items(types, "builder").unwrap_or_default();
    builder
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn add_one(
    items: &mut [Item],
    upload: &UploadFacts,
    op: &OperationFacts,
    runtime: &syn::Path,
    form_builders: &[String],
) -> Result<String, String> {
    let name = op.builder_name();
    let method = op.method_name();
    let builders = builder_module(items).ok_or("no `builder` module")?;
    let struct_index = builders
        .iter()
        .position(|item| matches!(item, Item::Struct(s) if s.ident == name))
        .ok_or_else(|| format!("no builder `{name}`"))?;
    let impl_indexes: Vec<usize> = builders
        .iter()
        .enumerate()
        .filter(|(_, item)| is_inherent_impl_of(item, &name))
        .map(|(i, _)| i)
        .collect();
    if impl_indexes.is_empty() {
        return Err(format!("builder `{name}` has no methods"));
    }
    let has_text = upload.form_schema.is_some();
    if !upload.has_json_form {
        let shape = Shape {
            has_text,
            had_body: has_text,
        };
        let mut builder = builders[struct_index].clone();
        let mut impls: Vec<Item> = impl_indexes.iter().map(|&i| builders[i].clone()).collect();
        transform(&mut builder, &mut impls, upload, op, runtime, shape)?;
        builders[struct_index] = builder;
        for (index, item) in impl_indexes.into_iter().zip(impls) {
            builders[index] = item;
        }
        return Ok(method);
    }

    // A second builder: a copy of the JSON one.
    let copy_name = format!("{name}{SUFFIX}");
    let copy_method = format!("{method}_{}", SUFFIX.to_lowercase());
    if builders
        .iter()
        .any(|item| matches!(item, Item::Struct(s) if s.ident == copy_name))
    {
        return Err(format!("a builder `{copy_name}` exists already"));
    }
    let mut builder = builders[struct_index].clone();
    let mut impls: Vec<Item> = impl_indexes.iter().map(|&i| builders[i].clone()).collect();
    let json_body = body_type_name(&builder);
    if let (Some(form), Some((json, json_has_builder))) = (&upload.form_schema, &json_body) {
        let form = crate::idents::typify_ident(form, Case::Pascal);
        if form_builders.contains(&form) != *json_has_builder {
            return Err(format!(
                "the JSON body `{json}` and the text parts `{form}` are not both structs, so the \
                 JSON builder's body setters do not fit"
            ));
        }
        let mut rename = Rename {
            from: json.clone(),
            to: form,
        };
        for item in &mut impls {
            rename.visit_item_mut(item);
        }
        rename.visit_item_mut(&mut builder);
    }
    let copy_ident = syn::Ident::new(&copy_name, Span::call_site());
    for item in std::iter::once(&mut builder).chain(impls.iter_mut()) {
        match item {
            Item::Struct(s) => s.ident = copy_ident.clone(),
            Item::Impl(imp) => *imp.self_ty = syn::parse_quote!(#copy_ident<'a>),
            _ => {}
        }
    }
    let shape = Shape {
        has_text,
        had_body: json_body.is_some(),
    };
    transform(&mut builder, &mut impls, upload, op, runtime, shape)?;
    let doc = format!(
        "Builder for the file upload of `{}` (`{} {}` as `multipart/form-data`); reached \
         through the client's `{copy_method}()` method. The JSON form is `{method}()`.",
        op.id, op.http_method, op.path
    );
    if let Item::Struct(s) = &mut builder {
        s.attrs.retain(|a| !a.path().is_ident("doc"));
        s.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
    }
    add_client_method(items, &method, &copy_method, &copy_name, op)?;
    let builders = builder_module(items).ok_or("no `builder` module")?;
    builders.push(builder);
    builders.extend(impls);
    Ok(copy_method)
}

/// Whether the builder had a `body` field, and whether the upload has text parts.
#[derive(Clone, Copy)]
struct Shape {
    has_text: bool,
    had_body: bool,
}

fn transform(
    builder: &mut Item,
    impls: &mut [Item],
    upload: &UploadFacts,
    op: &OperationFacts,
    runtime: &syn::Path,
    shape: Shape,
) -> Result<(), String> {
    let drop_body = shape.had_body && !shape.has_text;
    let Item::Struct(builder) = builder else {
        return Err("the builder is not a struct".to_owned());
    };
    let Fields::Named(fields) = &mut builder.fields else {
        return Err("the builder has no named fields".to_owned());
    };
    if drop_body {
        fields.named = std::mem::take(&mut fields.named)
            .into_iter()
            .filter(|f| f.ident.as_ref().is_none_or(|i| i != "body"))
            .collect();
    }
    fields
        .named
        .push(syn::parse_quote!(files: #runtime::UploadFiles));

    let mut existing: Vec<String> = Vec::new();
    for item in impls.iter() {
        if let Item::Impl(imp) = item {
            existing.extend(imp.items.iter().filter_map(|i| match i {
                ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            }));
        }
    }
    let mut sends = 0;
    for item in impls.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if drop_body {
            imp.items.retain(|i| {
                !matches!(i, ImplItem::Fn(f) if f.sig.ident == "body" || f.sig.ident == "body_map")
            });
        }
        for member in imp.items.iter_mut() {
            let ImplItem::Fn(f) = member else { continue };
            if f.sig.ident == "new" {
                add_files_init(f, drop_body)?;
                let doc = format!("Starts the file upload of `{}`.", op.id);
                f.attrs.retain(|a| !a.path().is_ident("doc"));
                f.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            } else if f.sig.ident == "send" {
                rewrite_send(f, upload, op, runtime, shape)?;
                sends += 1;
            }
        }
    }
    if sends != 1 {
        return Err(format!("expected one `send`, found {sends}"));
    }
    let setters = file_setters(upload, &existing, runtime);
    if let Some(Item::Impl(imp)) = impls.first_mut() {
        imp.items.extend(setters);
    }
    Ok(())
}

/// `Self { client, .. }` in `new()` gets `files: Default::default()` (and loses `body`).
fn add_files_init(new: &mut syn::ImplItemFn, drop_body: bool) -> Result<(), String> {
    struct Init {
        drop_body: bool,
        done: usize,
    }
    impl VisitMut for Init {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            if e.path.is_ident("Self") {
                if self.drop_body {
                    e.fields = std::mem::take(&mut e.fields)
                        .into_iter()
                        .filter(|f| !matches!(&f.member, syn::Member::Named(i) if i == "body"))
                        .collect();
                }
                e.fields
                    .push(syn::parse_quote!(files: ::std::default::Default::default()));
                self.done += 1;
            }
        }
    }
    let mut init = Init { drop_body, done: 0 };
    init.visit_impl_item_fn_mut(new);
    if init.done == 1 {
        Ok(())
    } else {
        Err("`new()` is not of the shape `Self { .. }`".to_owned())
    }
}

fn rewrite_send(
    send: &mut syn::ImplItemFn,
    upload: &UploadFacts,
    op: &OperationFacts,
    runtime: &syn::Path,
    shape: Shape,
) -> Result<(), String> {
    let drop_body = shape.had_body && !shape.has_text;
    let stmts = &mut send.block.stmts;
    // `let Self { client, body, .. } = self;`
    let destructure = stmts
        .iter_mut()
        .find_map(|stmt| match stmt {
            Stmt::Local(local) => match &mut local.pat {
                Pat::Struct(p) if p.path.is_ident("Self") => Some(p),
                _ => None,
            },
            _ => None,
        })
        .ok_or("`send` does not take the builder apart with `let Self { .. } = self`")?;
    if drop_body {
        destructure.fields = std::mem::take(&mut destructure.fields)
            .into_iter()
            .filter(|f| !matches!(&f.member, syn::Member::Named(i) if i == "body"))
            .collect();
    }
    destructure.fields.push(syn::FieldPat {
        attrs: Vec::new(),
        member: syn::Member::Named(format_ident!("files")),
        colon_token: None,
        pat: Box::new(syn::parse_quote!(files)),
    });
    if drop_body {
        stmts.retain(|stmt| local_name(stmt).as_deref() != Some("body"));
    }
    let url = stmts
        .iter()
        .position(|stmt| local_name(stmt).as_deref() == Some("url"))
        .ok_or("`send` has no `let url = ..`")?;
    let required: Vec<&str> = upload
        .files
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    let content_types = upload.files.iter().filter_map(|f| {
        let ct = f.content_type.as_deref()?;
        let name = &f.name;
        Some(quote!((#name, #ct)))
    });
    let text = if shape.has_text {
        quote!(&body)
    } else {
        quote!(&())
    };
    let make: Stmt = syn::parse_quote! {
        let upload = #runtime::Upload::new(
            #text,
            files,
            #runtime::UploadSpec {
                required: &[#(#required),*],
                content_types: &[#(#content_types),*],
            },
        )
        .map_err(Error::InvalidRequest)?;
    };
    stmts.insert(url, make);

    let mut rewrite = SendRewrite::default();
    rewrite.visit_impl_item_fn_mut(send);
    if rewrite.body == 0 {
        // No body in progenitor's request: the form goes in just before `.build()`.
        let mut build = AddBeforeBuild::default();
        build.visit_impl_item_fn_mut(send);
        rewrite.body = build.added;
    }
    if rewrite.body != 1 || rewrite.exec != 1 {
        return Err(format!(
            "`send` no longer has the shape this rewrite expects ({} body call(s), {} exec \
             call(s))",
            rewrite.body, rewrite.exec
        ));
    }
    let doc = format!(
        "Sends `{} {}` as `multipart/form-data`. A file part from a path is streamed from disk. \
         The request is retried like any other when its file parts are paths or bytes; with a \
         `FilePart::stream` part it is sent once.",
        op.http_method, op.path
    );
    send.attrs.retain(|a| !a.path().is_ident("doc"));
    send.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
    Ok(())
}

/// `.json(&body)` → `.multipart(upload.form())`; `client.exec(r, i)` →
/// `upload.sending(client.exec(r, i))`.
#[derive(Default)]
struct SendRewrite {
    body: usize,
    exec: usize,
}

impl VisitMut for SendRewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else { return };
        if call.method == "json" && call.args.len() == 1 {
            call.method = format_ident!("multipart");
            call.args = syn::parse_quote!(upload.form());
            self.body += 1;
        } else if call.method == "exec" && is_ident(&call.receiver, "client") {
            let inner = expr.clone();
            *expr = syn::parse_quote!(upload.sending(#inner));
            self.exec += 1;
        }
    }
}

/// `x.build()` → `x.multipart(upload.form()).build()` (on the request chain only).
#[derive(Default)]
struct AddBeforeBuild {
    added: usize,
}

impl VisitMut for AddBeforeBuild {
    fn visit_expr_method_call_mut(&mut self, call: &mut ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method == "build" && call.args.is_empty() {
            let receiver = &call.receiver;
            let chained: Expr = syn::parse_quote!(#receiver.multipart(upload.form()));
            *call.receiver = chained;
            self.added += 1;
        }
    }
}

fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

fn local_name(stmt: &Stmt) -> Option<String> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    match &local.pat {
        Pat::Ident(p) => Some(p.ident.to_string()),
        Pat::Type(t) => match t.pat.as_ref() {
            Pat::Ident(p) => Some(p.ident.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// One setter per file part.
fn file_setters(upload: &UploadFacts, existing: &[String], runtime: &syn::Path) -> Vec<ImplItem> {
    upload
        .files
        .iter()
        .map(|file| {
            let mut setter = progenitor_ident(&file.name, Case::Snake);
            if existing.contains(&setter) {
                setter.push_str("_file");
            }
            let setter = syn::Ident::new(&setter, Span::call_site());
            let name = &file.name;
            let (call, what) = if file.list {
                (quote!(add), "Adds a file to the list of file parts")
            } else {
                (quote!(set), "Sets the file part")
            };
            let required = if file.required { " (required)" } else { "" };
            let content_type = file
                .content_type
                .as_deref()
                .map(|ct| format!(" Its content type is `{ct}` unless the part says otherwise."))
                .unwrap_or_default();
            let doc = format!(
                "{what} `{name}`{required}: a file from a path (streamed from disk), bytes or a \
                 stream; see `FilePart`.{content_type}"
            );
            syn::parse_quote! {
                #[doc = #doc]
                pub fn #setter(mut self, part: #runtime::FilePart) -> Self {
                    self.files.#call(#name, part);
                    self
                }
            }
        })
        .collect()
}

/// The last identifier of the body field's type (`Result<types::builder::X, String>` → `X`),
/// and whether it is a builder type.
fn body_type_name(builder: &Item) -> Option<(String, bool)> {
    let Item::Struct(s) = builder else {
        return None;
    };
    let field = s
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
    let inner = crate::generated_items::generic_of(&field.ty, "Result")?;
    let syn::Type::Path(path) = inner else {
        return None;
    };
    let is_builder = path.path.segments.iter().any(|s| s.ident == "builder");
    Some((path.path.segments.last()?.ident.to_string(), is_builder))
}

/// Renames the type `from` to `to` in paths under `types` and in the messages naming it.
struct Rename {
    from: String,
    to: String,
}

impl VisitMut for Rename {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        let mut under_types = false;
        for segment in path.segments.iter_mut() {
            if under_types && segment.ident == self.from {
                segment.ident = syn::Ident::new(&self.to, segment.ident.span());
            }
            under_types |= segment.ident == "types";
        }
    }

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if let Some(value) = self.renamed(&lit.value()) {
            *lit = syn::LitStr::new(&value, lit.span());
        }
    }

    // progenitor's messages are in `format!` arguments, which syn keeps as tokens.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = self.renamed_tokens(std::mem::take(&mut mac.tokens));
    }
}

impl Rename {
    /// `text` with `` `from` `` replaced by `` `to` ``, if it has it.
    fn renamed(&self, text: &str) -> Option<String> {
        let from = format!("`{}`", self.from);
        text.contains(&from)
            .then(|| text.replace(&from, &format!("`{}`", self.to)))
    }

    fn renamed_tokens(&self, tokens: TokenStream) -> TokenStream {
        use proc_macro2::TokenTree;
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(group) => {
                    let mut new = proc_macro2::Group::new(
                        group.delimiter(),
                        self.renamed_tokens(group.stream()),
                    );
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                TokenTree::Literal(literal) => {
                    match syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into())
                        .ok()
                        .and_then(|lit| self.renamed(&lit.value()))
                    {
                        Some(value) => TokenTree::Literal(proc_macro2::Literal::string(&value)),
                        None => TokenTree::Literal(literal),
                    }
                }
                TokenTree::Ident(ident) if ident == self.from => {
                    TokenTree::Ident(syn::Ident::new(&self.to, ident.span()))
                }
                other => other,
            })
            .collect()
    }
}

fn builder_module(items: &mut [Item]) -> Option<&mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "builder" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

fn is_inherent_impl_of(item: &Item, name: &str) -> bool {
    let Item::Impl(imp) = item else { return false };
    imp.trait_.is_none()
        && crate::generated_items::last_ident(&imp.self_ty).as_deref() == Some(name)
}

/// Adds `copy_method()` beside `method()` in the extension trait that has it, and in its impl
/// for `Client`.
fn add_client_method(
    items: &mut [Item],
    method: &str,
    copy_method: &str,
    copy_name: &str,
    op: &OperationFacts,
) -> Result<(), String> {
    let method_ident = syn::Ident::new(method, Span::call_site());
    let copy_ident = syn::Ident::new(copy_method, Span::call_site());
    let builder_ident = syn::Ident::new(copy_name, Span::call_site());
    let mut trait_name = None;
    for item in items.iter_mut() {
        let Item::Trait(t) = item else { continue };
        let has = t
            .items
            .iter()
            .any(|i| matches!(i, syn::TraitItem::Fn(f) if f.sig.ident == method_ident));
        if !has {
            continue;
        }
        if t.items
            .iter()
            .any(|i| matches!(i, syn::TraitItem::Fn(f) if f.sig.ident == copy_ident))
        {
            return Err(format!("the client has a method `{copy_method}` already"));
        }
        let doc = format!(
            "Uploads files to `{} {}` (`multipart/form-data`); the JSON form is `{method}()`.",
            op.http_method, op.path
        );
        t.items.push(syn::parse_quote! {
            #[doc = #doc]
            fn #copy_ident(&self) -> builder::#builder_ident<'_>;
        });
        trait_name = Some(t.ident.clone());
        break;
    }
    let trait_name = trait_name.ok_or_else(|| format!("no client trait has `{method}`"))?;
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some((_, path, _)) = &imp.trait_ else {
            continue;
        };
        if !path.is_ident(&trait_name) {
            continue;
        }
        let body: TokenStream = quote!(builder::#builder_ident::new(self));
        imp.items.push(syn::parse_quote! {
            fn #copy_ident(&self) -> builder::#builder_ident<'_> {
                #body
            }
        });
        return Ok(());
    }
    Err(format!("no impl of `{trait_name}` for the client"))
}
