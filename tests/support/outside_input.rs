//! The one way a test that needs something from outside the repository (Telnyx's published
//! document, Node.js, Prism) behaves when it is missing: it prints why and passes, except when
//! the environment variable `CI` is set; there it fails, because CI must run it.
//!
//! Shared by the client's test binaries and by `xtask`'s (which include this file by path).
#![allow(dead_code)]

use std::path::PathBuf;

/// Names the upstream OpenAPI document (`spec3.yml` from team-telnyx/openapi).
pub const SPEC_ENV: &str = "TELNYX_UPSTREAM_SPEC";

/// Whether this runs in CI, where a test must not skip for lack of an input.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The test binary's name (`prism_conformance`, …), for messages.
pub fn test_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|stem| match stem.rsplit_once('-') {
            Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_owned(),
            _ => stem,
        })
        .unwrap_or_else(|| "test".to_owned())
}

/// Skips the test with `reason` (printed, so run with `--nocapture` to see it), or fails it
/// in CI.
pub fn unavailable<T>(reason: &str) -> Option<T> {
    assert!(
        !in_ci(),
        "{} cannot run: {reason}. CI is set, so this test must not be skipped",
        test_name()
    );
    eprintln!("{}: skipped: {reason}", test_name());
    None
}

/// The upstream document named by [`SPEC_ENV`], or `None` (after [`unavailable`]).
pub fn upstream_spec() -> Option<PathBuf> {
    let Some(value) = std::env::var_os(SPEC_ENV).filter(|v| !v.is_empty()) else {
        return unavailable(&format!(
            "{SPEC_ENV} is not set; point it at Telnyx's published OpenAPI document (spec3.yml \
             from github.com/team-telnyx/openapi; .ci/run sets it to ../shared/upstream/telnyx/spec3.yml)"
        ));
    };
    let path = PathBuf::from(value);
    if path.is_file() {
        Some(path)
    } else {
        unavailable(&format!("{SPEC_ENV}={} is not a file", path.display()))
    }
}
