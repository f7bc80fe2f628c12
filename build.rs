//! Generates the Telnyx client from the vendored OpenAPI document (see `crates/telnyx-codegen`).
//!
//! Reads `spec/telnyx.json` next to this file, or the file named by `TELNYX_CLIENT_SPEC`, and
//! writes `$OUT_DIR/telnyx_client.rs` (plus `telnyx_mock.rs` with the `mock` feature, and
//! `telnyx_sweep.rs` for the conformance test) with the
//! operations of the API families enabled as Cargo features (all of them with `full`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC_ENV: &str = "TELNYX_CLIENT_SPEC";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Cargo shows a failed build script's stderr; keep the message first and complete.
            eprintln!("error: telnyx-client code generation failed\n\n{message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;

    let (spec_path, source_name) = match std::env::var_os(SPEC_ENV).filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            (path.clone(), path.display().to_string())
        }
        None => (
            manifest_dir.join("spec").join("telnyx.json"),
            "spec/telnyx.json".to_owned(),
        ),
    };
    println!("cargo:rerun-if-changed={}", spec_path.display());

    let json = std::fs::read_to_string(&spec_path).map_err(|error| {
        format!(
            "cannot read the OpenAPI document {}: {error}.\n\
             The client is generated from spec/telnyx.json in the telnyx-client package; \
             restore that file, or set {SPEC_ENV} to the path of another OpenAPI 3.0 JSON document.",
            spec_path.display()
        )
    })?;

    let features = enabled_features();
    let options = telnyx_codegen::Options {
        mock: std::env::var_os("CARGO_FEATURE_MOCK").is_some(),
        webhooks: std::env::var_os("CARGO_FEATURE_WEBHOOKS").is_some(),
        families: enabled_families(&features),
        family_features: Some(features),
        // The conformance test (tests/conformance_sweep) includes this; it is a plain list of
        // items that the library itself never compiles.
        sweep_crate_path: Some("telnyx_client".to_owned()),
        ..Default::default()
    };
    let generated = telnyx_codegen::generate(&json, &source_name, &options).map_err(|error| {
        let full_path = spec_path.display().to_string();
        if full_path == source_name {
            error.to_string()
        } else {
            format!("{error}\n(the document is {full_path})")
        }
    })?;

    // Video's room-token session is built on the two token operations. A spec of an older
    // upstream version (given in TELNYX_CLIENT_SPEC) may lack them; the session is then left
    // out instead of failing the build.
    println!("cargo::rustc-check-cfg=cfg(telnyx_room_tokens)");
    let has = |id: &str| generated.operations.iter().any(|op| op.id == id);
    if has("CreateRoomClientToken") && has("RefreshRoomClientToken") {
        println!("cargo::rustc-cfg=telnyx_room_tokens");
    }

    // The runtime of uploads and of streamed answers is compiled only when the generated
    // client has such operations (the families with them are enabled).
    println!("cargo::rustc-check-cfg=cfg(telnyx_uploads)");
    println!("cargo::rustc-check-cfg=cfg(telnyx_event_streams)");
    if !generated.uploads.is_empty() {
        println!("cargo::rustc-cfg=telnyx_uploads");
    }
    if !generated.event_streams.is_empty() {
        println!("cargo::rustc-cfg=telnyx_event_streams");
    }

    write(&out_dir.join("telnyx_client.rs"), &generated.client)?;
    if let Some(sweep) = &generated.sweep {
        write(&out_dir.join("telnyx_sweep.rs"), sweep)?;
    }
    if let Some(mock) = &generated.mock {
        write(&out_dir.join("telnyx_mock.rs"), mock)?;
    }
    Ok(())
}

/// The families whose feature is enabled; `None` (everything) with `full`. A family of the
/// document that has no feature of that name (a spec synced from a newer upstream, say) is
/// generated only with `full`. Read from the enabled features alone, so the document is parsed
/// once, by `generate`: every enabled feature is offered as a family name, and names that are
/// no family (`mock`, `webhooks`, …) select nothing.
fn enabled_families(features: &BTreeSet<String>) -> Option<BTreeSet<String>> {
    if features.contains("full") {
        return None;
    }
    Some(features.clone())
}

/// The enabled features, by name. Cargo writes feature `branded-calling` as
/// `CARGO_FEATURE_BRANDED_CALLING`; both spellings are offered.
fn enabled_features() -> BTreeSet<String> {
    std::env::vars_os()
        .filter_map(|(key, _)| {
            let key = key.into_string().ok()?;
            let feature = key.strip_prefix("CARGO_FEATURE_")?.to_ascii_lowercase();
            Some([feature.replace('_', "-"), feature])
        })
        .flatten()
        .collect()
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{name} is not set; run this build script through cargo"))
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::write(path, contents)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}
