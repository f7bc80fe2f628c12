//! In-process client generation.
//!
//! [`generate_client`] calls the same `telnyx-codegen` function the top-level `build.rs` uses, so
//! `spec check`, `codegen` and the build script generate exactly the same code (Builder
//! interface, one extension trait per tag, the client's hooks, forward-compatible enums).

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The document could not be serialised back to JSON for the generator.
    #[error("cannot serialise the document for the generator: {0}")]
    Serialize(#[from] serde_json::Error),
    /// The generator rejected the document (or panicked; `telnyx-codegen` catches panics and
    /// names the operation when it can).
    #[error("{0}")]
    Generate(#[from] telnyx_codegen::CodegenError),
}

/// Generates the client for `spec` with the project's settings and returns formatted Rust.
pub fn generate_client(spec: &openapiv3::OpenAPI) -> Result<String, CodegenError> {
    let json = serde_json::to_string(spec)?;
    let generated = telnyx_codegen::generate(
        &json,
        "OpenAPI document",
        &telnyx_codegen::Options::default(),
    )?;
    Ok(generated.client)
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

    #[test]
    fn reports_generator_errors() {
        // Two operations with the same id cannot both become methods.
        let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "Same", "responses": {"204": {"description": "ok"}}}},
                "/b": {"get": {"operationId": "Same", "responses": {"204": {"description": "ok"}}}}
            }
        }))
        .unwrap();
        assert!(generate_client(&spec).is_err());
    }
}
