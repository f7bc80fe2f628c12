//! `telnyx-client` as a dependency of someone else's crate.
//!
//! * A crate outside this workspace depends on `telnyx-client` by path and calls `ViewRoom`
//!   against a one-shot server on loopback. It is built and run from its own directory, so a
//!   build script that looked for `spec/` relative to the working directory (rather than
//!   `CARGO_MANIFEST_DIR`) would fail here.
//! * `cargo package --list` ships what that build needs: `build.rs` and `spec/`.
//!
//! The downstream build uses its own target directory under this workspace's
//! (`CARGO_TARGET_TMPDIR/downstream-target`), kept between runs, so only the first run compiles
//! the dependencies (about 3 minutes on 2 cores; later runs rebuild `telnyx-client` alone when
//! it changed). It is separate from the workspace's target directory so that the nested cargo
//! never waits for the lock of the `cargo test` that runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// This package's root (`telnyx-client`), which is also the workspace root.
const PACKAGE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The downstream crate's `main.rs`: serves one canned `ViewRoom` response on an ephemeral
/// loopback port, calls the operation through the client and checks what it decoded and what
/// was sent.
const DOWNSTREAM_MAIN: &str = r##"
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use telnyx_client::prelude::*;
use telnyx_client::types;

const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
const BODY: &str = r#"{"data":{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","unique_name":"downstream","max_participants":10,"record_type":"room"}}"#;

/// Accepts one connection, answers its one request and returns the request head.
fn serve_once(listener: TcpListener) -> Vec<String> {
    let (stream, _) = listener.accept().expect("accept");
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read request");
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{BODY}",
        BODY.len()
    )
    .expect("write response");
    head
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), telnyx_client::Error> {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = std::thread::spawn(move || serve_once(listener));

    let client = Client::builder()
        .api_key("KEYdownstream0123456789")
        .base_url(format!("http://{addr}/v2"))
        .max_retries(0)
        .build()?;
    let response: types::ViewRoomResponse = client
        .view_room()
        .room_id(ROOM_ID)
        .send()
        .await?
        .into_inner();
    let room = response.data.expect("data");
    assert_eq!(room.id.map(|id| id.to_string()).as_deref(), Some(ROOM_ID));
    assert_eq!(room.unique_name.as_deref(), Some("downstream"));
    assert_eq!(room.max_participants, Some(10));

    let head = server.join().expect("server thread");
    assert_eq!(head[0], format!("GET /v2/rooms/{ROOM_ID} HTTP/1.1"));
    assert!(
        head.iter()
            .any(|h| h.eq_ignore_ascii_case("authorization: Bearer KEYdownstream0123456789")),
        "no Authorization header in {head:?}"
    );
    println!("downstream-check: ViewRoom returned {:?}", room.unique_name);
    Ok(())
}
"##;

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(path.join("src")).expect("create temp crate dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The cargo running this test (falls back to `cargo` on PATH).
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(command: &mut Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    output
}

fn write_downstream_crate(dir: &Path) {
    // A TOML literal string takes the path as it is, as long as it has no `'`.
    assert!(
        !PACKAGE_DIR.contains('\''),
        "package path contains a quote: {PACKAGE_DIR}"
    );
    let manifest = format!(
        r#"[package]
name = "downstream-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
telnyx-client = {{ path = '{PACKAGE_DIR}' }}
tokio = {{ version = "1", features = ["rt", "macros"] }}

# Not a member of any workspace above it (the temp dir may be anywhere).
[workspace]
"#
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), DOWNSTREAM_MAIN).expect("write main.rs");
    // Same dependency versions as the workspace, so the build matches what is tested here
    // and reuses downloaded crates; cargo adds the new root package to it.
    std::fs::copy(
        Path::new(PACKAGE_DIR).join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
}

#[test]
fn downstream_crate_builds_from_elsewhere_and_calls_an_operation() {
    let dir = TempDir::new("telnyx-downstream");
    write_downstream_crate(&dir.0);
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("downstream-target");

    let started = Instant::now();
    run(
        cargo()
            .args(["build", "--quiet"])
            .current_dir(&dir.0)
            .env("CARGO_TARGET_DIR", &target_dir)
            // The build script must find spec/ by itself, not through the override.
            .env_remove("TELNYX_CLIENT_SPEC"),
        "cargo build of the downstream crate",
    );
    let build_time = started.elapsed();

    let exe = target_dir
        .join("debug")
        .join(format!("downstream-check{}", std::env::consts::EXE_SUFFIX));
    let output = run(
        Command::new(&exe)
            .current_dir(&dir.0)
            .env_remove("TELNYX_API_KEY"),
        "the downstream binary",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(r#"downstream-check: ViewRoom returned Some("downstream")"#),
        "unexpected output: {stdout}"
    );
    eprintln!(
        "downstream crate built in {:.1} s (target dir {})",
        build_time.as_secs_f64(),
        target_dir.display()
    );
}

#[test]
fn package_ships_build_script_and_spec() {
    let output = run(
        cargo()
            .args(["package", "--list", "-p", "telnyx-client", "--allow-dirty"])
            .current_dir(PACKAGE_DIR),
        "cargo package --list",
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 file list");
    let files: Vec<&str> = stdout.lines().map(str::trim).collect();
    // README.md too: it is the crate documentation (`include_str!` in lib.rs).
    for needed in [
        "build.rs",
        "spec/telnyx.json",
        "Cargo.toml",
        "src/lib.rs",
        "README.md",
    ] {
        assert!(
            files.contains(&needed),
            "`{needed}` missing from the package: {files:?}"
        );
    }
    // Everything else is source, docs or what cargo itself adds.
    let expected = |file: &str| {
        let path = Path::new(file);
        path.starts_with("src")
            || path.starts_with("spec")
            || matches!(
                file,
                "build.rs"
                    | "Cargo.toml"
                    | "Cargo.toml.orig"
                    | "Cargo.lock"
                    | "README.md"
                    | ".cargo_vcs_info.json"
            )
    };
    let unexpected: Vec<&str> = files.iter().copied().filter(|f| !expected(f)).collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected files in the package (an unanchored `include` pattern such as \
         \"README.md\" matches at any depth, even in ignored directories; anchor it: \
         \"/README.md\"), first ones: {:?}",
        unexpected.len(),
        &unexpected[..unexpected.len().min(10)]
    );
}
