//! Helpers shared by xtask's end-to-end tests: the invented fixture, running the binary, a
//! synced copy of the fixture in a temporary directory, and byte snapshots of a directory.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The invented OpenAPI 3.1 fixture.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/widgets-3.1.yaml")
}

/// The fixture's overlay and families (relative to the workspace root, where xtask runs).
pub const OVERLAY: &str = "xtask/tests/fixtures/widgets-overlay.yaml";
pub const FAMILIES: &str = "xtask/tests/fixtures/widgets-families.toml";

/// Runs the xtask binary with `args`.
pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap())
        .output()
        .expect("run xtask")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temp dir with `spec/telnyx.json` and `spec/telnyx.lock` synced from the fixture.
pub fn synced_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spec/telnyx.json");
    let output = sync_to(fixture().to_str().unwrap(), &out);
    assert!(output.status.success(), "{}", stderr(&output));
    (dir, out)
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

pub fn write_json(path: &Path, value: &Value) {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// Runs `spec sync` from `source` (every tag, the fixture's overlay and families) into `out`.
pub fn sync_to(source: &str, out: &Path) -> Output {
    xtask(&[
        "spec",
        "sync",
        "--source",
        source,
        "--all-tags",
        "--overlay",
        OVERLAY,
        "--families",
        FAMILIES,
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Runs a sync from `source` into the synced copy in `dir` and checks it fails with a message
/// containing every `expected` fragment, leaving all files byte-identical.
pub fn assert_sync_fails(source: &str, out: &Path, dir: &Path, expected: &[&str]) {
    let before = snapshot(dir);
    let output = sync_to(source, out);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    for fragment in expected {
        assert!(
            message.contains(fragment),
            "missing {fragment:?} in:\n{message}"
        );
    }
    assert_eq!(snapshot(dir), before, "files changed after a failed sync");
}
