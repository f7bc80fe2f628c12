//! Reading an OpenAPI document from a file or an HTTP(S) URL, as YAML or JSON.
//!
//! The result is a [`serde_json::Value`] plus the SHA-256 of the raw bytes (recorded in the lock
//! as the upstream hash). Parse errors carry the line and column; documents that are not
//! OpenAPI 3.0/3.1 (Swagger 2.0, arbitrary JSON) are rejected here with a message that says so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An `http://` or `https://` URL.
    Url(String),
    /// A local file.
    Path(PathBuf),
}

impl Source {
    /// Interprets a command-line or config value: URLs by their scheme, everything else as a
    /// path (relative paths are taken relative to `base`).
    pub fn parse(text: &str, base: &Path) -> Self {
        if text.starts_with("http://") || text.starts_with("https://") {
            Self::Url(text.to_owned())
        } else {
            let path = Path::new(text);
            if path.is_absolute() {
                Self::Path(path.to_owned())
            } else {
                Self::Path(base.join(path))
            }
        }
    }

    /// The URL or path as text, for messages.
    pub fn display(&self) -> String {
        match self {
            Self::Url(url) => url.clone(),
            Self::Path(path) => path.display().to_string(),
        }
    }

    /// How the lock records the source: a URL as given, a local file by its name alone. A
    /// path would name the machine it was synced on (and ship in the package); the lock's
    /// sha256 identifies the file, so a re-sync elsewhere from the same file writes the same
    /// lock.
    pub fn for_lock(&self) -> String {
        match self {
            Self::Url(url) => url.clone(),
            Self::Path(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// The OpenAPI major.minor line a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenApiVersion {
    /// `openapi: 3.0.x`
    V30,
    /// `openapi: 3.1.x`
    V31,
}

/// A parsed document and facts about its bytes.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it came from (path or URL), for messages.
    pub origin: String,
    /// The document.
    pub doc: Value,
    /// Hex SHA-256 of the bytes as read.
    pub sha256: String,
    /// Which OpenAPI version it declares.
    pub version: OpenApiVersion,
    /// Size of the bytes as read.
    pub size: usize,
    /// Where each node is in the source text.
    pub positions: crate::positions::SourceMap,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Largest document read, from a file or a download (Telnyx's full spec is about 4 MB).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the raw bytes of `source` (at most [`MAX_DOCUMENT_BYTES`]).
pub fn read_bytes(source: &Source) -> Result<Vec<u8>> {
    match source {
        Source::Path(path) => read_file_bounded(path, MAX_DOCUMENT_BYTES),
        Source::Url(url) => fetch(url),
    }
}

/// Reads at most `limit` bytes of the file at `path`; a longer file is an error.
pub fn read_file_bounded(path: &std::path::Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let file = open_for_reading(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("cannot read", path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::io(
            "refusing to read",
            path,
            std::io::Error::other(format!(
                "it is larger than {limit} bytes, the most this tool reads"
            )),
        ));
    }
    Ok(bytes)
}

/// Largest project file read as text (`sync.toml`, the lock, the overlay, `Cargo.toml`).
pub const MAX_TEXT_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a small UTF-8 project file (at most [`MAX_TEXT_FILE_BYTES`]).
pub fn read_text_bounded(path: &Path) -> Result<String> {
    let bytes = read_file_bounded(path, MAX_TEXT_FILE_BYTES)?;
    String::from_utf8(bytes).map_err(|_| Error::Config {
        path: path.to_owned(),
        message: "is not UTF-8".to_owned(),
    })
}

/// Opens `path` for reading without waiting for a writer: a FIFO that no process writes to
/// reads as empty instead of blocking forever. The file is switched back to blocking reads
/// once open, so a FIFO that does have a writer is read to its end.
#[cfg(unix)]
fn open_for_reading(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::fd::AsRawFd as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is an open descriptor owned by `file` for the duration of both calls.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0
        // SAFETY: as above.
        || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0
    {
        return Err(std::io::Error::last_os_error());
    }
    Ok(file)
}

/// Other platforms open files the usual way.
#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Downloads `url` with a bounded timeout; non-2xx statuses are errors.
fn fetch(url: &str) -> Result<Vec<u8>> {
    let fail = |message: String| Error::Fetch {
        url: url.to_owned(),
        message,
    };
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("telnyx-client-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| fail(error_chain(&e)))?;
    let response = client.get(url).send().map_err(|e| fail(error_chain(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("HTTP status {status}")));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(response, MAX_DOCUMENT_BYTES + 1),
        &mut bytes,
    )
    .map_err(|e| fail(error_chain(&e)))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(fail(format!(
            "the body is larger than {MAX_DOCUMENT_BYTES} bytes, the most this tool reads"
        )));
    }
    Ok(bytes)
}

/// Joins an error and its sources into one line ("error sending request: connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = inner.source();
    }
    out
}

/// Reads and parses `source`, then checks that it is OpenAPI 3.0 or 3.1.
pub fn load(source: &Source) -> Result<Loaded> {
    let bytes = read_bytes(source)?;
    parse_bytes(&bytes, &source.display())
}

/// Parses `bytes` as JSON (when they look like JSON) or YAML, then checks the OpenAPI version.
pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Loaded> {
    let sha256 = sha256_hex(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::NotOpenApi {
            origin: origin.to_owned(),
            pointer: String::new(),
            message: "the document is empty".to_owned(),
        });
    }
    let doc = parse_document(bytes, origin)?;
    // Both parsers accept only UTF-8, so the text is the bytes just parsed.
    let text = String::from_utf8_lossy(bytes);
    let positions = crate::positions::SourceMap::build(&text, origin)?;
    let version = detect_version(&doc, origin).map_err(|e| positions.annotate(e))?;
    Ok(Loaded {
        origin: origin.to_owned(),
        doc,
        sha256,
        version,
        size: bytes.len(),
        positions,
    })
}

/// Parses JSON or YAML into a JSON value. JSON is recognised by its first non-blank byte
/// (`{`), which gives JSON's more precise error messages for JSON files.
pub fn parse_document(bytes: &[u8], origin: &str) -> Result<Value> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    if first == Some(b'{') {
        serde_json::from_slice(bytes).map_err(|e| Error::Json {
            origin: origin.to_owned(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })
    } else {
        parse_yaml(bytes, origin)
    }
}

/// Parses YAML straight into a JSON value; when that fails (e.g. on a non-string key such as
/// an unquoted `200:`), parses through `serde_yaml_ng::Value`, which turns scalar keys into
/// strings and reports syntax errors with their position.
fn parse_yaml(bytes: &[u8], origin: &str) -> Result<Value> {
    if let Ok(value) = serde_yaml_ng::from_slice::<Value>(bytes) {
        return Ok(value);
    }
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_slice(bytes).map_err(|e| {
        let location = e.location();
        Error::Yaml {
            origin: origin.to_owned(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: strip_position(&e.to_string()),
        }
    })?;
    yaml_to_json(yaml, origin, "")
}

/// Removes the " at line L column C" suffix that parsers append (we print our own).
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Converts a YAML value to JSON. Mapping keys that are scalars become strings; tagged values
/// lose their tag; other keys and non-finite floats are errors naming the JSON pointer.
fn yaml_to_json(value: serde_yaml_ng::Value, origin: &str, pointer: &str) -> Result<Value> {
    use serde_yaml_ng::Value as Y;
    let unsupported = |message: String| Error::NotOpenApi {
        origin: origin.to_owned(),
        pointer: pointer.to_owned(),
        message,
    };
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(number) => Value::Number(number),
                    None => return Err(unsupported(format!("number {n} cannot be JSON"))),
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(yaml_to_json(
                    item,
                    origin,
                    &crate::pointer::push(pointer, &i.to_string()),
                )?);
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = serde_json::Map::new();
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        return Err(unsupported(format!(
                            "mapping key {other:?} is not a scalar"
                        )));
                    }
                };
                let child = crate::pointer::push(pointer, &key);
                out.insert(key, yaml_to_json(item, origin, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, origin, pointer)?,
    })
}

/// Checks the `openapi` field: Swagger 2.0 and documents without it are rejected.
pub fn detect_version(doc: &Value, origin: &str) -> Result<OpenApiVersion> {
    let not_openapi = |pointer: &str, message: String| Error::NotOpenApi {
        origin: origin.to_owned(),
        pointer: pointer.to_owned(),
        message,
    };
    let Some(root) = doc.as_object() else {
        return Err(not_openapi(
            "",
            format!("the root is {}, not an object", kind_of(doc)),
        ));
    };
    if let Some(swagger) = root.get("swagger") {
        return Err(not_openapi(
            "/swagger",
            format!(
                "this is Swagger {} (OpenAPI 2.0), which is not supported; convert it to OpenAPI 3 first",
                swagger.as_str().unwrap_or("2.0")
            ),
        ));
    }
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.trim().to_owned(),
        Some(other) => {
            return Err(not_openapi(
                "/openapi",
                format!(
                    "`openapi` is {}, expected a string like \"3.1.0\"",
                    kind_of(other)
                ),
            ));
        }
        None => {
            return Err(not_openapi(
                "",
                "no `openapi` field (expected \"3.0.x\" or \"3.1.x\")".to_owned(),
            ));
        }
    };
    let parsed = if version.starts_with("3.0.") || version == "3.0" {
        OpenApiVersion::V30
    } else if version.starts_with("3.1.") || version == "3.1" {
        OpenApiVersion::V31
    } else {
        return Err(not_openapi(
            "/openapi",
            format!("unsupported OpenAPI version \"{version}\" (expected 3.0.x or 3.1.x)"),
        ));
    };
    match root.get("paths") {
        Some(Value::Object(_)) => Ok(parsed),
        Some(other) => Err(not_openapi(
            "/paths",
            format!("`paths` is {}, expected an object", kind_of(other)),
        )),
        None => Err(not_openapi("", "no `paths` object".to_owned())),
    }
}

/// "an object", "a string", … for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_integer_keys_become_strings() {
        let loaded = parse_bytes(
            b"openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n",
            "t.yaml",
        )
        .unwrap();
        assert_eq!(loaded.version, OpenApiVersion::V31);
        assert!(loaded.doc["paths"]["/a"]["get"]["responses"]["200"].is_object());
    }

    #[test]
    fn truncated_yaml_names_line() {
        let err = parse_bytes(b"openapi: 3.1.0\npaths:\n  /a: {get: [\n", "t.yaml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("t.yaml: invalid YAML at line"), "{text}");
    }

    #[test]
    fn swagger_is_rejected() {
        let err = parse_bytes(br#"{"swagger": "2.0", "paths": {}}"#, "s.json").unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
    }
}
