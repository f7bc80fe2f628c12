//! The published crates as a dependency of someone else's crate, built from what `cargo package`
//! ships.
//!
//! * `cargo package` packs `vivox-token`, `telnyx-codegen` and `telnyx-client` together (cargo
//!   resolves their path dependencies on each other through a local registry of its own); the
//!   `.crate` files are unpacked, and a crate outside this workspace depends on them as a user
//!   does (`telnyx-client` with `messaging,webhooks` and ring for TLS, `vivox-token` without
//!   its CLI), through `[patch.crates-io]` pointing at the unpacked packages. It is built and
//!   run from its own directory: it sends a message to a one-shot server on loopback and mints
//!   a Vivox token. A file the build needs but the package leaves out, or a build script that
//!   looked for `spec/` relative to the working directory, fails here. aws-lc-rs is not in
//!   its dependency graph.
//! * Each `.crate` stays under crates.io's 10 MB limit (sizes printed).
//! * `cargo package --list` ships what the build needs and the files a user reads, nothing else.
//!
//! The nested cargo commands use their own target directories under this workspace's
//! (`CARGO_TARGET_TMPDIR`), kept between runs, so only the first run compiles the dependencies
//! (about 3 minutes on 2 cores; later runs rebuild the changed packages alone), and the nested
//! cargo never waits for the lock of the `cargo test` that runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// This package's root (`telnyx-client`), which is also the workspace root.
const PACKAGE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The published packages, in the order cargo packs them.
const PUBLISHED: [&str; 3] = ["vivox-token", "telnyx-codegen", "telnyx-client"];

/// crates.io refuses larger uploads.
const CRATES_IO_LIMIT: u64 = 10 * 1024 * 1024;

/// The downstream crate's `main.rs`: serves one canned `SendMessage` response on an ephemeral
/// loopback port, calls the operation through the client and checks what it decoded and what
/// was sent; then mints and verifies a Vivox login token.
const DOWNSTREAM_MAIN: &str = r##"
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use telnyx_client::prelude::*;
use telnyx_client::types;

const MESSAGE_ID: &str = "40385f64-5717-4562-b3fc-2c963f66afa6";
const BODY: &str = r#"{"data":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","record_type":"message","direction":"outbound","text":"Hello from a package"}}"#;

/// Accepts one connection, answers its one request and returns the request head and body.
fn serve_once(listener: TcpListener) -> (Vec<String>, String) {
    let (stream, _) = listener.accept().expect("accept");
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut head = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read request");
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().expect("content length");
        }
        head.push(line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("read body");
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{BODY}",
        BODY.len()
    )
    .expect("write response");
    (head, String::from_utf8(body).expect("UTF-8 body"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = std::thread::spawn(move || serve_once(listener));

    let client = Client::builder()
        .api_key("KEYdownstream0123456789")
        .base_url(format!("http://{addr}/v2"))
        .max_retries(0)
        .build()?;
    let response = client
        .send_message()
        .body(
            types::CreateMessageRequest::builder()
                .from("+15550001111".to_owned())
                .to(types::ToNumber("+15550002222".to_owned()))
                .text("Hello from a package".to_owned()),
        )
        .send()
        .await?
        .into_inner();
    let message = response.data.expect("data");
    assert_eq!(message.id.map(|id| id.to_string()).as_deref(), Some(MESSAGE_ID));

    let (head, body) = server.join().expect("server thread");
    assert_eq!(head[0], "POST /v2/messages HTTP/1.1");
    assert!(
        head.iter()
            .any(|h| h.eq_ignore_ascii_case("authorization: Bearer KEYdownstream0123456789")),
        "no Authorization header in {head:?}"
    );
    let sent: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(sent["to"], "+15550002222");

    // The webhooks feature is there too.
    assert!(telnyx_client::webhooks::WebhookVerifier::new("not a key").is_err());

    let realm = vivox_token::Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
    let signer = vivox_token::Signer::new(realm.clone(), &vivox_token::SigningKey::new("secret!")?);
    let token = signer.mint(&vivox_token::Grant::login(&realm.user("jerky")?))?;
    assert!(token.as_str().starts_with("e30."), "{}", token.as_str());

    println!("downstream-check: SendMessage returned {MESSAGE_ID}, Vivox token minted");
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

/// Packs the published crates into `target_dir/package` and returns each `.crate` file.
fn package_crates(target_dir: &Path) -> Vec<PathBuf> {
    let mut command = cargo();
    command
        .args(["package", "--no-verify", "--allow-dirty", "--locked"])
        .current_dir(PACKAGE_DIR)
        .env("CARGO_TARGET_DIR", target_dir);
    for name in PUBLISHED {
        command.args(["-p", name]);
    }
    run(&mut command, "cargo package");
    let version = env!("CARGO_PKG_VERSION");
    PUBLISHED
        .iter()
        .map(|name| {
            target_dir
                .join("package")
                .join(format!("{name}-{version}.crate"))
        })
        .collect()
}

/// Writes the downstream crate into `dir`, its dependencies patched to the packages unpacked
/// into `unpacked`.
fn write_downstream_crate(dir: &Path, unpacked: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let path_of = |name: &str| {
        let path = unpacked.join(format!("{name}-{version}"));
        let text = path.to_str().expect("UTF-8 temp path").to_owned();
        // A TOML literal string takes the path as it is, as long as it has no `'`.
        assert!(!text.contains('\''), "temp path contains a quote: {text}");
        text
    };
    let manifest = format!(
        r#"[package]
name = "downstream-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
telnyx-client = {{ version = "{version}", default-features = false, features = ["messaging", "webhooks", "rustls-ring"] }}
vivox-token = {{ version = "{version}", default-features = false }}
serde_json = "1"
tokio = {{ version = "1", features = ["rt", "macros"] }}

# What crates.io will serve, from the packages cargo made.
[patch.crates-io]
telnyx-client = {{ path = '{client}' }}
telnyx-codegen = {{ path = '{codegen}' }}
vivox-token = {{ path = '{vivox}' }}

# Not a member of any workspace above it (the temp dir may be anywhere).
[workspace]
"#,
        client = path_of("telnyx-client"),
        codegen = path_of("telnyx-codegen"),
        vivox = path_of("vivox-token"),
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
fn packaged_crates_build_elsewhere_and_call_an_operation() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let crates = package_crates(&tmp.join("package-target"));
    let dir = TempDir::new("telnyx-downstream");
    let unpacked = dir.0.join("unpacked");
    std::fs::create_dir_all(&unpacked).expect("create unpack dir");
    for file in &crates {
        let size = std::fs::metadata(file)
            .unwrap_or_else(|e| panic!("{} not written: {e}", file.display()))
            .len();
        eprintln!("{}: {size} bytes", file.display());
        assert!(
            size < CRATES_IO_LIMIT,
            "{} is over crates.io's 10 MB",
            file.display()
        );
        // A `.crate` is a gzipped tar of `name-version/…`.
        run(
            Command::new("tar")
                .arg("-xzf")
                .arg(file)
                .arg("-C")
                .arg(&unpacked),
            "tar -xzf",
        );
    }
    write_downstream_crate(&dir.0, &unpacked);
    let target_dir = tmp.join("downstream-target");

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

    // `rustls-ring` replaces aws-lc-rs: it is not even in the dependency graph, and the
    // client builds (reqwest without a provider would panic there).
    let tree = run(
        cargo()
            .args([
                "tree",
                "--quiet",
                "--offline",
                "-e",
                "normal",
                "--prefix",
                "none",
            ])
            .current_dir(&dir.0),
        "cargo tree of the downstream crate",
    );
    let tree = String::from_utf8_lossy(&tree.stdout);
    assert!(
        tree.contains("ring v0."),
        "ring is not in the graph:\n{tree}"
    );
    assert!(!tree.contains("aws-lc"), "aws-lc is in the graph:\n{tree}");

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
        stdout.contains("downstream-check: SendMessage returned"),
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
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        assert!(
            files.contains(&needed),
            "`{needed}` missing from the package: {files:?}"
        );
    }
    // Everything else is source, docs or what cargo itself adds.
    let expected = |file: &str| {
        Path::new(file).starts_with("src")
            || matches!(
                file,
                "build.rs"
                    | "spec/telnyx.json"
                    | "spec/telnyx.lock"
                    | "Cargo.toml"
                    | "Cargo.toml.orig"
                    | "Cargo.lock"
                    | "README.md"
                    | "CHANGELOG.md"
                    | "LICENSE-MIT"
                    | "LICENSE-APACHE"
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
