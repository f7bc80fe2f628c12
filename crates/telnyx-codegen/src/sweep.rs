//! The conformance sweep: one call per generated operation, emitted from the request builders.
//!
//! The client crate's conformance test (`tests/conformance_sweep`) includes this output. For
//! every operation it emits a function that starts the operation's builder, offers each of its
//! parameters and its body to the test's input source (which decides, from the document, what
//! to set and with which value), sends the request and hands the result back; and a table entry
//! with decoders for the operation's success type, its error type and its body type, which the
//! test uses on upstream's published examples.
//!
//! Everything is read from the builders progenitor wrote (the Rust type each setter converts
//! to, what `send` returns), so the sweep calls the client exactly as a user would, and a
//! builder that changes shape changes the sweep with it.
//!
//! # What the including module provides
//!
//! The output is a list of items to `include!` in a module that has in scope:
//! - `types` (the client's `types` module) and `Client`;
//! - `Sweep`, a struct with the fields `id: &'static str`, `call`, `success`, `error`,
//!   `body` (these three `Option<fn(&[u8]) -> Result<(), String>>`) and `upload` (whether the
//!   entry is the upload form of an operation that also takes JSON; it follows the JSON one);
//! - `Call<'a>`, the boxed future type `call` returns, and `Input`, the input source;
//! - a generic `decode::<T>` that fits those `fn` pointers;
//! - the macros `param!(request, input, setter, Type, "wire name")` and
//!   `body!(request, input, Type)`, each evaluating to the request builder;
//! - on `Input`: `json`, `empty` and `bytes`, which take what `send()` returned (a decoded JSON
//!   body, no body, a byte stream), and `file(setter)`, the client's `FilePart` an upload's
//!   file part is given.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{
    FnArg, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type, WherePredicate,
};

use crate::document::{Case, OperationFacts, progenitor_ident};

/// What a request builder's methods take and its `send` returns.
#[derive(Default)]
struct BuilderShape {
    /// `(setter, target type)` of each setter `fn x<V: TryInto<T>>`, `body` included.
    setters: Vec<(String, Type)>,
    /// `T` of `ResponseValue<T>`.
    success: Option<Type>,
    /// `E` of `Error<E>`.
    error: Option<Type>,
    /// Setters of an upload's file parts (`fn x(self, part: FilePart)`).
    files: Vec<String>,
}

/// What a success answer is read as.
enum Answer {
    /// No body (`ResponseValue<()>`).
    Empty,
    /// Raw bytes (`ResponseValue<ByteStream>`).
    Bytes,
    /// A JSON body of this type.
    Json(Box<Type>),
}

/// The sweep's items for `operations`, read from the `builder` module in `items`.
/// `crate_path` replaces `crate` in the types the builders name (the sweep runs in another
/// crate). Operations without a builder are left out (there are none unless progenitor changed).
pub fn sweep(items: &[Item], operations: &[OperationFacts], crate_path: &syn::Path) -> TokenStream {
    let Some(builders) = builder_items(items) else {
        return TokenStream::new();
    };
    let mut functions = Vec::new();
    let mut entries = Vec::new();
    let names: Vec<String> = operations
        .iter()
        .map(OperationFacts::builder_name)
        .collect();
    // Each operation's builder and, for an operation that also has one, its upload builder
    // (`<Builder>Upload`, which no operation's own builder is named).
    let forms = operations.iter().enumerate().flat_map(|(index, op)| {
        let upload = format!("{}Upload", op.builder_name());
        let upload = (!names.contains(&upload)).then_some((index, op, upload, true));
        std::iter::once((index, op, op.builder_name(), false)).chain(upload)
    });
    for (index, op, builder, upload) in forms {
        let Some(mut shape) = shape_of(builders, &builder) else {
            continue;
        };
        if upload && shape.files.is_empty() {
            continue;
        }
        for (_, ty) in &mut shape.setters {
            replace_crate(ty, crate_path);
        }
        if let Some(ty) = shape.error.as_mut() {
            replace_crate(ty, crate_path);
        }
        if let Some(ty) = shape.success.as_mut() {
            replace_crate(ty, crate_path);
        }
        let suffix = if upload { "_upload" } else { "" };
        let function = Ident::new(&format!("sweep_{index}{suffix}"), Span::call_site());
        let builder_ident = Ident::new(&builder, Span::call_site());
        let mut steps = Vec::new();
        for param in &op.params {
            let setter = progenitor_ident(&param.api_name, Case::Snake);
            if let Some((_, ty)) = shape.setters.iter().find(|(name, _)| *name == setter) {
                let setter = Ident::new(&setter, Span::call_site());
                let name = &param.api_name;
                steps.push(quote! { let request = param!(request, input, #setter, #ty, #name); });
            }
        }
        let body = shape
            .setters
            .iter()
            .find(|(name, _)| name == "body")
            .map(|(_, ty)| ty.clone());
        // A body sent as bytes (`reqwest::Body`) is not JSON: it gets the input's raw bytes.
        let body = match body {
            Some(ty) if last_segment(&ty).as_deref() == Some("Body") => {
                steps.push(quote! { let request = request.body(input.raw_body()); });
                None
            }
            Some(ty) => {
                steps.push(quote! { let request = body!(request, input, #ty); });
                Some(ty)
            }
            None => None,
        };
        for file in &shape.files {
            let setter = Ident::new(file, Span::call_site());
            steps.push(quote! { let request = request.#setter(input.file(#file)); });
        }
        let answer = match shape.success.take() {
            Some(ty) if is_unit(&ty) => Answer::Empty,
            Some(ty) if last_segment(&ty).as_deref() == Some("ByteStream") => Answer::Bytes,
            Some(ty) => Answer::Json(Box::new(ty)),
            None => Answer::Empty,
        };
        let finish = match &answer {
            Answer::Empty => quote! { input.empty(request.send().await).await },
            Answer::Bytes => quote! { input.bytes(request.send().await).await },
            Answer::Json(_) => quote! { input.json(request.send().await).await },
        };
        functions.push(quote! {
            fn #function<'a>(client: &'a Client, input: &'a Input) -> Call<'a> {
                Box::pin(async move {
                    let request = #crate_path::builder::#builder_ident::new(client);
                    #(#steps)*
                    #finish
                })
            }
        });
        let success = match &answer {
            Answer::Json(ty) => quote! { Some(decode::<#ty>) },
            _ => quote! { None },
        };
        let error = match &shape.error {
            Some(ty) if !is_unit(ty) => quote! { Some(decode::<#ty>) },
            _ => quote! { None },
        };
        let body = match &body {
            Some(ty) => quote! { Some(decode::<#ty>) },
            None => quote! { None },
        };
        let id = &op.id;
        entries.push(quote! {
            Sweep {
                id: #id, call: #function, success: #success, error: #error, body: #body,
                upload: #upload,
            }
        });
    }
    quote! {
        /// One entry per generated operation, in document order.
        pub const SWEEP: &[Sweep] = &[#(#entries),*];
        #(#functions)*
    }
}

/// The items of the top-level `builder` module.
fn builder_items(items: &[Item]) -> Option<&[Item]> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| i.as_slice()),
        _ => None,
    })
}

/// The setters and `send` types of the builder struct `name`.
fn shape_of(builders: &[Item], name: &str) -> Option<BuilderShape> {
    let block = builders.iter().find_map(|item| match item {
        Item::Impl(block) if block.trait_.is_none() => match &*block.self_ty {
            Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name) => Some(block),
            _ => None,
        },
        _ => None,
    })?;
    let mut shape = BuilderShape::default();
    for item in &block.items {
        let ImplItem::Fn(method) = item else { continue };
        let name = method.sig.ident.to_string();
        if name == "send" {
            if let ReturnType::Type(_, ty) = &method.sig.output {
                let (success, error) = result_types(ty);
                shape.success = success;
                shape.error = error;
            }
            continue;
        }
        // A setter takes `self` and one `value: V` with `V: TryInto<T>`.
        if method.sig.inputs.len() != 2 || !matches!(method.sig.inputs[0], FnArg::Receiver(_)) {
            continue;
        }
        if let FnArg::Typed(part) = &method.sig.inputs[1]
            && last_segment(&part.ty).as_deref() == Some("FilePart")
        {
            shape.files.push(name);
            continue;
        }
        let Some(clause) = &method.sig.generics.where_clause else {
            continue;
        };
        let Some(generic) = method.sig.generics.type_params().next() else {
            continue;
        };
        let generic = generic.ident.to_string();
        let target = clause
            .predicates
            .iter()
            .find_map(|predicate| match predicate {
                WherePredicate::Type(bound)
                    if bound.bounded_ty.to_token_stream().to_string() == generic =>
                {
                    bound.bounds.iter().find_map(|b| match b {
                        syn::TypeParamBound::Trait(t) => try_into_target(&t.path),
                        _ => None,
                    })
                }
                _ => None,
            });
        if let Some(target) = target {
            shape.setters.push((name, target));
        }
    }
    Some(shape)
}

/// `T` of `…TryInto<T>`.
fn try_into_target(path: &syn::Path) -> Option<Type> {
    let last = path.segments.last()?;
    if last.ident != "TryInto" {
        return None;
    }
    first_type_argument(&last.arguments)
}

/// `(T, E)` of `Result<ResponseValue<T>, Error<E>>`.
fn result_types(ty: &Type) -> (Option<Type>, Option<Type>) {
    let Type::Path(p) = ty else {
        return (None, None);
    };
    let Some(result) = p.path.segments.last() else {
        return (None, None);
    };
    let PathArguments::AngleBracketed(args) = &result.arguments else {
        return (None, None);
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let inner = |t: Option<&Type>| match t {
        Some(Type::Path(p)) => p
            .path
            .segments
            .last()
            .and_then(|s| first_type_argument(&s.arguments)),
        _ => None,
    };
    let success = inner(types.next());
    let error = inner(types.next());
    (success, error)
}

fn first_type_argument(arguments: &PathArguments) -> Option<Type> {
    match arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    }
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Replaces a leading `crate` in every path inside `ty` with `crate_path`.
fn replace_crate(ty: &mut Type, crate_path: &syn::Path) {
    struct Replace<'a>(&'a syn::Path);
    impl syn::visit_mut::VisitMut for Replace<'_> {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.leading_colon.is_none()
                && path.segments.first().is_some_and(|s| s.ident == "crate")
            {
                let rest: Vec<_> = path.segments.iter().skip(1).cloned().collect();
                let mut replaced = self.0.clone();
                replaced.segments.extend(rest);
                *path = replaced;
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Replace(crate_path), ty);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_type(text: &str) -> Type {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn reads_send_types() {
        let ty = parse_type("Result<ResponseValue<types::Room>, Error<crate::ErrorBody>>");
        let (success, error) = result_types(&ty);
        assert_eq!(
            success.unwrap().to_token_stream().to_string(),
            "types :: Room"
        );
        let mut error = error.unwrap();
        replace_crate(&mut error, &syn::parse_str("telnyx_client").unwrap());
        assert_eq!(
            error.to_token_stream().to_string(),
            "telnyx_client :: ErrorBody"
        );
    }
}
