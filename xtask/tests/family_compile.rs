//! Three large families of upstream operations (Call Commands, Messages, Phone Number Orders),
//! synced from `TELNYX_UPSTREAM_SPEC`, compile as a client: a temporary crate uses the root
//! package's `build.rs` (and so `telnyx-codegen`) with `TELNYX_CLIENT_SPEC` pointing at the
//! synced document, and `cargo build`s it.
//!
//! It builds reqwest and friends in its own target directory (a nested `cargo` cannot share the
//! running one's), so the first run takes minutes; it runs only when `TELNYX_UPSTREAM_SPEC` is
//! set (as in CI). The target directory is `$XTASK_FAMILY_TARGET_DIR`, or
//! `target/xtask-family-compile` in the workspace, and is kept between runs so later runs only
//! rebuild the generated client.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xtask::commands::{self, Progress, SyncOptions};
use xtask::load::{self, Source};
use xtask::spec::TagSelection;

/// The families compiled.
const FAMILIES: [&str; 3] = ["Call Commands", "Messages", "Phone Number Orders"];

/// Dependencies of the generated client (as the root package declares them).
const DEPENDENCIES: &str = r#"
progenitor-client = "0.15"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls", "http2", "charset"] }
http = "1"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "clock", "std"] }
uuid = { version = "1", features = ["serde", "v4"] }
regress = "0.12"
bytes = "1"
"#;

/// The temporary crate's library: the state type and hooks the generated client expects,
/// then the generated code.
const LIB_RS: &str = r#"//! Compile test of a generated Telnyx client.
#![allow(warnings, clippy::all, rustdoc::all)]

/// Client state (the generated client's `inner_type`).
#[derive(Clone, Debug, Default)]
pub struct ClientState;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/telnyx_client.rs"));
}
pub use generated::*;

impl progenitor_client::ClientHooks<ClientState> for generated::Client {}
"#;

#[test]
fn three_families_compile_as_a_client() {
    let Some(upstream) = std::env::var_os("TELNYX_UPSTREAM_SPEC") else {
        eprintln!("skipping: TELNYX_UPSTREAM_SPEC is not set");
        return;
    };
    let root = xtask::workspace_root();
    let loaded = load::load(&Source::Path(PathBuf::from(&upstream))).expect("parse upstream");
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("spec/telnyx.json");
    let outcome = commands::sync_loaded(
        &loaded,
        &SyncOptions {
            source: Source::Path(PathBuf::from(&upstream)),
            tags: TagSelection::Only(FAMILIES.iter().map(|t| (*t).to_owned()).collect()),
            out: spec.clone(),
            force: false,
        },
        &mut Progress::new(true),
    )
    .expect("sync the families");
    eprintln!(
        "synced {} operations of {FAMILIES:?}",
        outcome.report.operations
    );

    let krate = work.path().join("client");
    write_crate(&krate, &root);
    let target = std::env::var_os("XTASK_FAMILY_TARGET_DIR")
        .map_or_else(|| root.join("target/xtask-family-compile"), PathBuf::from);
    let started = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .env("TELNYX_CLIENT_SPEC", &spec)
        .output()
        .expect("run cargo");
    eprintln!("cargo build took {:.1?}", started.elapsed());
    assert!(
        output.status.success(),
        "the generated client does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes the temporary crate: manifest (root's build.rs, telnyx-codegen as build
/// dependency, the root's Cargo.lock for the same versions) and library.
fn write_crate(dir: &Path, root: &Path) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        r#"[package]
name = "telnyx-family-compile"
version = "0.0.0"
edition = "2024"
publish = false
build = "{build}"

[workspace]

[dependencies]
{DEPENDENCIES}
[build-dependencies]
telnyx-codegen = {{ path = "{codegen}" }}
"#,
        build = root.join("build.rs").display(),
        codegen = root.join("crates/telnyx-codegen").display(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/lib.rs"), LIB_RS).unwrap();
    if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
        std::fs::write(dir.join("Cargo.lock"), lock).unwrap();
    }
}
