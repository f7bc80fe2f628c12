//! Running progenitor: settings, and turning its panics into errors. (When a run fails,
//! `generate` asks [`crate::locate`] what causes it; `locate` runs progenitor through here.)

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};

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
pub fn run_once(
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
