//! Running progenitor: settings, turning its panics into errors, and finding the operation a
//! failure comes from.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use openapiv3::{OpenAPI, Paths};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::document::OperationFacts;
use crate::error::{CodegenError, OperationRef};

/// What to ask progenitor for.
#[derive(Clone, Copy)]
pub enum Output<'a> {
    /// The client: types, builders, tag traits, prelude.
    Client,
    /// The typed httpmock extension, whose generated code refers to the client as `crate_path`.
    Mock {
        /// Rust path of the crate (or module) holding the generated client.
        crate_path: &'a str,
    },
}

/// progenitor settings used for every run: builder interface, one trait per tag, an inner
/// type for the client's state, and hooks the client crate must implement.
pub fn settings(inner_type: &syn::Type) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote!(#inner_type));
    settings
}

/// Runs progenitor once; a panic comes back as `Err` with its message.
fn run_once(
    document: &OpenAPI,
    settings: &GenerationSettings,
    output: Output<'_>,
) -> Result<TokenStream, String> {
    let result = quietly(|| {
        let mut generator = Generator::new(settings);
        match output {
            Output::Client => generator.generate_tokens(document),
            Output::Mock { crate_path } => generator.httpmock(document, crate_path),
        }
    });
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panic_message) => Err(format!("progenitor panicked: {panic_message}")),
    }
}

/// Runs progenitor; on failure, finds the operation responsible by bisection (each half
/// generated with only the components it reaches), then the JSON path of the schema value that
/// causes it, when removing one `default`, `enum` or `const` value makes it generate.
pub fn run(
    document: &OpenAPI,
    operations: &[OperationFacts],
    settings: &GenerationSettings,
    output: Output<'_>,
    source_name: &str,
) -> Result<TokenStream, CodegenError> {
    let message = match run_once(document, settings, output) {
        Ok(tokens) => return Ok(tokens),
        Err(message) => message,
    };
    // A failure without any operation (version, component schemas) is the document's; only
    // otherwise look for the operation that causes it.
    let mut without_paths = document.clone();
    without_paths.paths = Paths::default();
    let culprit = match run_once(&without_paths, settings, output) {
        Ok(_) => serde_json::to_value(document)
            .ok()
            .and_then(|value| find_culprit(&value, operations, settings, output)),
        Err(_) => None,
    };
    let (operation, message) = match culprit {
        Some(culprit) => {
            let mut message = culprit.message;
            if let Some(pointer) = culprit.value_pointer {
                message.push_str(&format!(
                    " (the offending value is at JSON pointer `{pointer}` of the document; \
                     it does not match its own schema)"
                ));
            }
            (Some(culprit.operation), message)
        }
        None => (None, message),
    };
    Err(CodegenError::Unsupported {
        source_name: source_name.to_owned(),
        operation,
        message: explain(&message),
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

/// What [`find_culprit`] found.
struct Culprit {
    operation: OperationRef,
    message: String,
    value_pointer: Option<String>,
}

/// The document `value` with only the operations in `keep` (by path and method) and the
/// components they reach.
fn subset(value: &Value, keep: &[&OperationFacts]) -> Value {
    let mut doc = value.clone();
    let wanted: std::collections::BTreeSet<(&str, String)> = keep
        .iter()
        .map(|op| (op.path.as_str(), op.http_method.to_ascii_lowercase()))
        .collect();
    crate::select::retain_operations(&mut doc, &mut |path, method, _| {
        wanted.contains(&(path, method.to_owned()))
    });
    doc
}

/// Generates `doc` (a JSON document); the error message when it fails.
fn fails(doc: &Value, settings: &GenerationSettings, output: Output<'_>) -> Option<String> {
    let typed: OpenAPI = match serde_json::from_value(doc.clone()) {
        Ok(typed) => typed,
        Err(error) => return Some(error.to_string()),
    };
    run_once(&typed, settings, output).err()
}

/// Bisects the operations down to one that fails on its own, then looks for the value in its
/// part of the document that makes it fail.
fn find_culprit(
    value: &Value,
    operations: &[OperationFacts],
    settings: &GenerationSettings,
    output: Output<'_>,
) -> Option<Culprit> {
    let mut candidates: Vec<&OperationFacts> = operations.iter().collect();
    while candidates.len() > 1 {
        let (first, second) = candidates.split_at(candidates.len() / 2);
        if fails(&subset(value, first), settings, output).is_some() {
            candidates = first.to_vec();
        } else if fails(&subset(value, second), settings, output).is_some() {
            candidates = second.to_vec();
        } else {
            // Only a combination fails (two operations whose types collide, say).
            return None;
        }
    }
    let facts = candidates.first()?;
    let single = subset(value, &[facts]);
    let message = fails(&single, settings, output)?;
    let value_pointer = offending_value(&single, settings, output);
    Some(Culprit {
        operation: facts.to_ref(),
        message,
        value_pointer,
    })
}

/// Keys whose values typify checks against their schema.
const VALUE_KEYS: [&str; 3] = ["default", "enum", "const"];

/// The JSON pointer of the first `default`/`enum`/`const` in `doc` whose removal makes it
/// generate (at most a few hundred tries, each on the one-operation document).
fn offending_value(
    doc: &Value,
    settings: &GenerationSettings,
    output: Output<'_>,
) -> Option<String> {
    let mut pointers = Vec::new();
    collect_value_pointers(doc, String::new(), &mut pointers);
    pointers.into_iter().take(400).find(|pointer| {
        let mut trial = doc.clone();
        remove_pointer(&mut trial, pointer);
        fails(&trial, settings, output).is_none()
    })
}

fn collect_value_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                if VALUE_KEYS.contains(&key.as_str()) {
                    out.push(pointer);
                } else if key != "example" && key != "examples" {
                    collect_value_pointers(child, pointer, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_value_pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn remove_pointer(doc: &mut Value, pointer: &str) {
    if let Some((parent, key)) = pointer.rsplit_once('/') {
        let key = key.replace("~1", "/").replace("~0", "~");
        if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
            map.remove(&key);
        }
    }
}

thread_local! {
    /// Set while this thread runs progenitor: panics are then recorded instead of printed.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    /// The last panic message (with location) recorded on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL_HOOK: Once = Once::new();

/// Runs `f`, turning a panic into `Err(message)`. While `f` runs, a panic on this thread is
/// not printed to stderr (other threads keep the previous panic hook's behaviour).
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    INSTALL_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!(" (at {}:{})", short_path(l.file()), l.line()))
                    .unwrap_or_default();
                let text = payload_text(info.payload());
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{text}{location}")));
            } else {
                previous(info);
            }
        }));
    });
    let was_capturing = CAPTURING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(was_capturing));
    result.map_err(|payload| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

/// The last three components of a source path (`typify-impl-0.8.0/src/convert.rs`), enough to
/// find it without the local cargo registry prefix.
fn short_path(file: &str) -> String {
    let parts: Vec<&str> = file.split(['/', '\\']).collect();
    parts[parts.len().saturating_sub(3)..].join("/")
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "<panic without a message>".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quietly_turns_panics_into_errors() {
        let result: Result<(), String> = quietly(|| panic!("boom {}", 7));
        let message = result.unwrap_err();
        assert!(message.starts_with("boom 7 (at "), "{message}");
        assert_eq!(quietly(|| 3), Ok(3));
    }
}
