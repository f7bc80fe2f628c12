//! Turns the Telnyx OpenAPI document into the Rust source of `telnyx-client`.
//!
//! This is the one place where that happens: `telnyx-client`'s `build.rs` calls [`generate`]
//! on `spec/telnyx.json` at build time, and project tooling (`cargo xtask`) can call it to
//! check or inspect the output.
//!
//! [`generate`]:
//!
//! 1. parses the JSON (errors give the file name, line and column) and reads it as an OpenAPI
//!    3.0 document (errors give the JSON path of the offending value);
//!    Two repairs of what typify would get wrong come first: an `anyOf` whose branches are
//!    all strings becomes one string schema (typify would make a struct of flattened options
//!    that reads no string at all), and a title that two different inline schemas share is
//!    removed (typify would give both the first one's type).
//! 2. runs [progenitor] with the builder interface, one extension trait per tag
//!    (`ClientRoomsExt`, …), an inner type for the client's state
//!    ([`Options::inner_type`]) and `ClientHooks` that the client crate must implement;
//!    progenitor errors *and panics* are caught and reported with the operation or the
//!    component schema that causes them and the JSON pointer of the offending value (found by
//!    bisection: generating parts of the document, see [`CodegenError::Unsupported`]);
//! 3. post-processes the syntax tree: string enums become forward compatible (see below),
//!    `deny_unknown_fields` is dropped, the generated `Client::new` is removed (the client
//!    crate has its own validated builder), and every public item gets a doc comment;
//! 4. adds items derived from the document: an `operations` table (id, method, path, tag,
//!    authentication, paging) and impls of the client's `ListOperation` for the builder of
//!    every list operation, which read the paging signals from the response's typed fields;
//! 5. formats the result with prettyplease; with [`Options::mock`] it also emits progenitor's
//!    typed `httpmock` extension.
//!
//! # Forward-compatible enums
//!
//! Every string enum gets a final variant `Unrecognized(String)` marked `#[serde(untagged)]`,
//! so a value Telnyx adds later decodes (keeping the string) instead of failing the whole
//! response, while known values stay plain variants to match on. The enums are
//! `#[non_exhaustive]` and no longer `Copy`; `Display` prints the kept string; `FromStr` stays
//! strict (it parses what a caller typed).
//!
//! # Example
//!
//! ```no_run
//! let json = std::fs::read_to_string("spec/telnyx.json")?;
//! let generated = telnyx_codegen::generate(&json, "spec/telnyx.json", &Default::default())?;
//! std::fs::write("telnyx_client.rs", generated.client)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]
// `CodegenError::Unsupported` (168 bytes, over this lint's 128) is returned at most once per
// `generate`, after progenitor has run several times: its size costs nothing measurable, and
// boxing its fields would only make it clumsier to match on.
#![allow(clippy::result_large_err)]

mod builders;
mod call_options;
mod derives;
mod discriminators;
mod docs;
mod document;
mod enums;
mod error;
mod error_bodies;
mod event_streams;
mod feature_badges;
mod generated_items;
pub mod idents;
mod inline_hints;
mod list_operations;
mod locate;
mod mock_queries;
pub mod operation_names;
mod operation_table;
mod paging_signals;
pub mod refs;
mod run;
mod scalar_unions;
pub mod select;
mod serde_impls;
mod server_roots;
mod shared_types;
mod sweep;
mod titles;
mod tokens;
mod upload_builders;
mod upload_forms;
mod webhooks;
mod websocket_builders;
mod websocket_forms;

pub use crate::document::{Auth, OperationFacts, ParamFacts, ParamLocation};
pub use crate::error::{CodegenError, OperationRef};

/// Settings for [`generate`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Also emit the typed `httpmock` extension ([`Generated::mock`]).
    pub mock: bool,
    /// Rust type of the generated client's inner state (progenitor's `inner_type`), as written
    /// at the place the client source is included. Default: `crate::__codegen::ClientState`.
    pub inner_type: String,
    /// Rust path under which the mock code finds the client's `types` module. Default:
    /// `crate`, for mock code included in the same crate as the client.
    pub mock_crate_path: String,
    /// Generate only the operations of these API families (`x-telnyx-family`; an operation
    /// without it is in `unsorted`) and the components they reach. `None`: every operation.
    pub families: Option<std::collections::BTreeSet<String>>,
    /// Rust path of the module that is the whole runtime surface the generated code uses
    /// (`ErrorBody`, `Operation`, `ListOperation`, `PageSignals`, `decode::…`, …; see the
    /// client crate's `__codegen` module for the list). Generated code names nothing of the
    /// client crate outside it. Default: `crate::__codegen`.
    pub runtime_path: String,
    /// Also generate the webhook events of the selected families: their body types and the
    /// `webhook_events::Event` enum (which refers to `<runtime_path>::UnknownEvent`).
    pub webhooks: bool,
    /// Also emit the conformance sweep ([`Generated::sweep`]) for a crate that reaches the
    /// client under this Rust path (`telnyx_client` for the client's own tests).
    pub sweep_crate_path: Option<String>,
    /// The client crate's enabled Cargo features, for the docs.rs badge on each operation's
    /// trait and builder: an operation whose family has no feature among them is badged
    /// `full`. `None`: every family has a feature of its name.
    pub family_features: Option<std::collections::BTreeSet<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mock: false,
            inner_type: "crate::__codegen::ClientState".to_owned(),
            mock_crate_path: "crate".to_owned(),
            families: None,
            runtime_path: "crate::__codegen".to_owned(),
            webhooks: false,
            sweep_crate_path: None,
            family_features: None,
        }
    }
}

/// Rust source produced by [`generate`], formatted, ready to be written to a file and
/// `include!`d into a module (it contains no inner attributes).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    /// The client: `types`, `builder`, `Client`, the tag traits, `prelude`, `operations`,
    /// `list_operations`.
    pub client: String,
    /// The typed `httpmock` extension (`MockServerExt`, `operations`), when asked for.
    pub mock: Option<String>,
    /// The facts read from the document for each operation, in document order.
    pub operations: Vec<OperationFacts>,
    /// Names of the string enums that were given an `Unrecognized` variant.
    pub forward_compatible_enums: Vec<String>,
    /// Operations (by id) whose builders have `send_stream()`: they can answer with
    /// server-sent events.
    pub event_streams: Vec<String>,
    /// Operations that can answer with server-sent events but have no `send_stream()`, with
    /// the reason (their `send()` is not of the shape the copy expects).
    pub unstreamed: Vec<(String, String)>,
    /// Operations (by id) that take `multipart/form-data`, with the client method of their
    /// upload builder (`send_fax_upload` for an operation that also takes JSON, the operation's
    /// own method otherwise).
    pub uploads: Vec<(String, String)>,
    /// Operations that take `multipart/form-data` but have no upload builder, with the reason
    /// (their builder is not of the shape the rewrite expects).
    pub unuploadable: Vec<(String, String)>,
    /// WebSocket operations (by id) that got a builder and a client method (`connect()`).
    pub websockets: Vec<String>,
    /// WebSocket operations that did not, with the reason (a parameter outside the query, say).
    pub unsocketed: Vec<(String, String)>,
    /// Generated types that had the same shape as another and became its alias
    /// (`pub type Shared = Kept;`), by name, with the name kept.
    pub shared_types: std::collections::BTreeMap<String, String>,
    /// Conversions (`impl From<X> for Union`) dropped because sharing made two of them convert
    /// the same type into different variants.
    pub dropped_conversions: Vec<String>,
    /// List operations (by id) that have paging parameters but no `ListOperation` impl, with
    /// the reason.
    pub unpaged: Vec<(String, String)>,
    /// With [`Options::sweep_crate_path`]: one call per operation for the client's conformance
    /// test (unformatted Rust items; see the crate's `sweep` module for what they expect in
    /// scope).
    pub sweep: Option<String>,
    /// With [`Options::webhooks`]: the event types that have an `Event` variant.
    pub event_types: Vec<String>,
    /// With [`Options::webhooks`]: webhooks whose body type is generated but that have no
    /// `Event` variant, with the reason (their schema declares no event type, say).
    pub untyped_webhooks: Vec<(String, String)>,
}

/// Reads `spec_json` (an OpenAPI 3.0 document named `source_name` in messages) and generates
/// the client source; see the [crate documentation](crate) for what it does.
pub fn generate(
    spec_json: &str,
    source_name: &str,
    options: &Options,
) -> Result<Generated, CodegenError> {
    let internal = |message: String| CodegenError::Internal {
        source_name: source_name.to_owned(),
        message,
    };

    let document::Parsed {
        document,
        webhooks: webhook_facts,
        uploads,
        websockets,
        discriminator_tags,
    } = document::parse(
        spec_json,
        source_name,
        options.families.as_ref(),
        options.webhooks,
    )?;
    let operations = document::operations(&document, source_name)?;
    operation_names::check_operation_names(&operations, source_name)?;
    let inner_type: syn::Type = syn::parse_str(&options.inner_type)
        .map_err(|e| internal(format!("Options::inner_type is not a Rust type: {e}")))?;
    let settings = run::settings(&inner_type);

    let tokens = run_progenitor(
        &document,
        &operations,
        &settings,
        run::Output::Client,
        source_name,
    )?;
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| internal(format!("progenitor's output does not parse: {e}")))?;

    let types = types_module(&mut file.items)
        .ok_or_else(|| internal("no `types` module in progenitor's output".to_owned()))?;
    let forward_compatible_enums =
        enums::make_forward_compatible(types, &discriminator_tags).map_err(internal)?;
    let runtime: syn::Path = syn::parse_str(&options.runtime_path)
        .map_err(|e| internal(format!("Options::runtime_path is not a Rust path: {e}")))?;
    // Before the type builders are pruned: a copied upload builder uses its form's builder.
    let upload_builders =
        upload_builders::add_upload_builders(&mut file.items, &uploads, &operations, &runtime);
    let sockets =
        websocket_builders::add_websocket_builders(&mut file.items, &websockets, &runtime);
    server_roots::route_to_roots(
        &mut file.items,
        &server_roots::rooted_operations(&document),
        &runtime,
    )
    .map_err(internal)?;
    builders::keep_request_builders(&mut file.items);
    docs::hide_client_constructors(&mut file.items).map_err(internal)?;
    error_bodies::use_error_body(&mut file.items, &runtime);
    let (event_streams, unstreamed) =
        event_streams::add_send_stream(&mut file.items, &operations, &runtime);

    let lists =
        list_operations::list_operations(&file.items, &operations, &runtime).map_err(internal)?;
    let events = if options.webhooks {
        let names = types_module(&mut file.items)
            .map(|items| items.iter().filter_map(derives::type_name).collect())
            .unwrap_or_default();
        Some(
            webhooks::event_module(&webhook_facts, &names, &runtime)
                .map_err(|m| internal(format!("webhook events: {m}")))?,
        )
    } else {
        None
    };
    let mut received = events
        .as_ref()
        .map(|e| e.body_types.clone())
        .unwrap_or_default();
    received.extend(sockets.received.iter().cloned());
    derives::derive_where_used(&mut file.items, &received, &sockets.sent);
    derives::drop_ordering(&mut file.items);
    let table = generated_items::parse_items(operation_table::operation_table(
        &operations,
        &lists.styles,
        &runtime,
    ))
    .map_err(internal)?;
    file.items.extend(table);
    file.items
        .extend(generated_items::parse_items(lists.tokens).map_err(internal)?);
    let (event_types, untyped_webhooks) = match events {
        Some(events) => {
            file.items
                .extend(generated_items::parse_items(events.tokens).map_err(internal)?);
            (events.event_types, events.untyped)
        }
        None => (Vec::new(), Vec::new()),
    };
    docs::fill_missing_docs(&mut file.items, &operations, docs::File::Client);
    feature_badges::add_feature_badges(
        &mut file.items,
        &operations,
        options.family_features.as_ref(),
    );
    let lean_enums = forward_compatible_enums.iter().cloned().collect();
    serde_impls::write_lean_impls(&mut file.items, &lean_enums, &runtime);
    // Last of the rewrites: the passes above find types by their own names.
    let shared = shared_types::share_identical_types(&mut file.items).map_err(internal)?;
    let sweep = match &options.sweep_crate_path {
        Some(path) => {
            let path: syn::Path = syn::parse_str(path).map_err(|e| {
                internal(format!("Options::sweep_crate_path is not a Rust path: {e}"))
            })?;
            Some(sweep::sweep(&file.items, &operations, &path).to_string())
        }
        None => None,
    };
    // After the passes that read `send()`'s signature: its wrapper returns `impl Future`.
    call_options::add_call_options(&mut file.items, &runtime).map_err(internal)?;
    inline_hints::mark_inline(&mut file.items);
    let client = render(&file, source_name);

    let mock = if options.mock {
        let tokens = run_progenitor(
            &document,
            &operations,
            &settings,
            run::Output::Mock {
                crate_path: &options.mock_crate_path,
            },
            source_name,
        )?;
        let mut file: syn::File = syn::parse2(tokens)
            .map_err(|e| internal(format!("progenitor's mock output does not parse: {e}")))?;
        mock_queries::match_queries_as_sent(&mut file.items, &runtime);
        docs::fill_missing_docs(&mut file.items, &operations, docs::File::Mock);
        Some(render(&file, source_name))
    } else {
        None
    };

    Ok(Generated {
        client,
        mock,
        sweep,
        operations,
        forward_compatible_enums,
        unpaged: lists.skipped,
        event_streams,
        unstreamed,
        uploads: upload_builders.added,
        unuploadable: upload_builders.skipped,
        websockets: sockets.added,
        unsocketed: sockets.skipped,
        shared_types: shared.aliases,
        dropped_conversions: shared.dropped_conversions,
        event_types,
        untyped_webhooks,
    })
}

/// Runs progenitor; on failure, finds the operation or the component schema responsible and
/// the JSON pointer of the value that causes it (see [`crate::locate`]).
fn run_progenitor(
    document: &openapiv3::OpenAPI,
    operations: &[OperationFacts],
    settings: &progenitor::GenerationSettings,
    output: run::Output<'_>,
    source_name: &str,
) -> Result<proc_macro2::TokenStream, CodegenError> {
    let message = match run::run_once(document, settings, output) {
        Ok(tokens) => return Ok(tokens),
        Err(message) => message,
    };
    let found = crate::locate::locate(document, operations, settings, output);
    Err(CodegenError::Unsupported {
        source_name: source_name.to_owned(),
        operation: found.operation,
        schema: found.schema,
        pointer: found.pointer,
        message: explain(found.message.as_deref().unwrap_or(&message)),
    })
}

/// Puts a progenitor message on one bounded line (some embed multi-line `Debug` dumps of the
/// offending item) and adds a hint where the cause is not obvious.
fn explain(message: &str) -> String {
    const LIMIT: usize = 600;
    let mut line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > LIMIT {
        line = line.chars().take(LIMIT).collect::<String>() + " …";
    }
    if line.contains("invalid version") {
        line.push_str(" (progenitor reads OpenAPI 3.0.x only; set \"openapi\": \"3.0.3\")");
    }
    line
}

/// The items of the top-level `types` module.
fn types_module(items: &mut [syn::Item]) -> Option<&mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

fn render(file: &syn::File, source_name: &str) -> String {
    format!(
        "// @generated by telnyx-codegen {} from {source_name}. Do not edit: change the OpenAPI \
         document instead.\n\n{}",
        env!("CARGO_PKG_VERSION"),
        prettyplease::unparse(file)
    )
}
