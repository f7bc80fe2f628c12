//! In-process client generation with progenitor.
//!
//! [`generate_client`] is the single place that calls progenitor. It uses the project's
//! settings (Builder interface, one extension trait per tag). When the `telnyx-codegen` crate
//! lands, this function becomes a one-line call to its generation function, so `spec check`,
//! `codegen` and the build script generate exactly the same code.

use std::panic::{AssertUnwindSafe, catch_unwind};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// progenitor returned an error.
    #[error("{0}")]
    Progenitor(#[from] progenitor::Error),
    /// progenitor (or typify) panicked; the panic message.
    #[error("progenitor panicked: {0}")]
    Panic(String),
    /// The generated tokens are not a valid Rust file.
    #[error("generated code does not parse: {0}")]
    Syntax(#[from] syn::Error),
}

/// The project's generation settings: Builder interface and one extension trait per tag.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate);
    settings
}

/// Generates the client for `spec` and formats it with prettyplease.
///
/// Panics inside progenitor are caught and returned as [`CodegenError::Panic`].
pub fn generate_client(spec: &openapiv3::OpenAPI) -> Result<String, CodegenError> {
    let settings = settings();
    let tokens = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(spec)
    }))
    .map_err(|payload| CodegenError::Panic(panic_message(payload.as_ref())))??;
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}

/// The text of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_tiny_client() {
        let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/rooms": {"get": {"operationId": "ListRooms", "tags": ["Rooms"],
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}}
        }))
        .unwrap();
        let code = generate_client(&spec).unwrap();
        assert!(code.contains("pub trait ClientRoomsExt"), "{code}");
        assert!(code.contains("fn list_rooms"), "{code}");
    }
}
