//! Building an upload's `multipart/form-data` body, and building it again for a retry.
//!
//! The generated `send()` of an upload builder makes an [`Upload`] from the text parts (its
//! typed body) and the file parts, sets [`Upload::form`] as the request's body and sends the
//! request inside [`Upload::sending`]. The transport retries a request by copying it, which a
//! streamed body does not allow; inside that scope, [`again`] builds the copy instead, with a
//! new body read from the same paths and bytes.

use std::future::Future;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;

use super::file_part::{FilePart, Source};

/// Read size for files streamed from disk.
const CHUNK: usize = 64 * 1024;

tokio::task_local! {
    static CURRENT: Arc<Upload>;
}

/// The file parts set on an upload builder, by part name.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct UploadFiles {
    parts: Vec<(&'static str, FilePart)>,
}

impl UploadFiles {
    /// Sets the part `name` (replacing an earlier one).
    pub fn set(&mut self, name: &'static str, part: FilePart) {
        self.parts.retain(|(n, _)| *n != name);
        self.parts.push((name, part));
    }

    /// Adds one more part `name` (for a part the document declares as a list of files).
    pub fn add(&mut self, name: &'static str, part: FilePart) {
        self.parts.push((name, part));
    }
}

/// What the document says of an operation's file parts.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct UploadSpec {
    /// The file parts that must be set.
    pub required: &'static [&'static str],
    /// `(part, content type)` where the document names the part's content type.
    pub content_types: &'static [(&'static str, &'static str)],
}

/// An upload ready to send: its text parts and its file parts, checked.
#[doc(hidden)]
#[derive(Debug)]
pub struct Upload {
    text: Vec<(String, String)>,
    files: Vec<Prepared>,
}

/// A file part with its file name and content type settled.
#[derive(Debug)]
struct Prepared {
    name: &'static str,
    file_name: Option<String>,
    content_type: String,
    content: Content,
}

#[derive(Debug)]
enum Content {
    Path {
        path: std::path::PathBuf,
        len: u64,
    },
    Bytes(Bytes),
    /// Taken by the first attempt.
    Stream(Mutex<Option<reqwest::Body>>),
}

impl Upload {
    /// Checks the parts: each required file part is set, each content type is a media type, a
    /// stream part has not been sent before; `body` (the text parts) serializes to an object.
    /// The message of an error says which part is wrong.
    pub fn new<B: Serialize>(
        body: &B,
        files: UploadFiles,
        spec: UploadSpec,
    ) -> Result<Arc<Upload>, String> {
        let text = text_parts(body)?;
        for required in spec.required {
            if !files.parts.iter().any(|(name, _)| name == required) {
                return Err(format!(
                    "the file part `{required}` is required; set it with \
                     `.{required}(FilePart::path(..))` (or `FilePart::bytes`, \
                     `FilePart::stream`)"
                ));
            }
        }
        let files = files
            .parts
            .into_iter()
            .map(|(name, part)| prepare(name, part, spec))
            .collect::<Result<_, _>>()?;
        Ok(Arc::new(Upload { text, files }))
    }

    /// The body of the first attempt.
    pub fn form(&self) -> Form {
        self.build(true)
    }

    /// Sends with `send` (the operation's exchange) so that a retry can build the body again.
    pub async fn sending<F: Future>(self: &Arc<Self>, send: F) -> F::Output {
        CURRENT.scope(Arc::clone(self), send).await
    }

    /// Whether the body can be built again (no part is a stream).
    fn replayable(&self) -> bool {
        !self
            .files
            .iter()
            .any(|file| matches!(file.content, Content::Stream(_)))
    }

    fn build(&self, first: bool) -> Form {
        let mut form = Form::new();
        for (name, value) in &self.text {
            form = form.text(name.clone(), value.clone());
        }
        for file in &self.files {
            let part = match &file.content {
                Content::Path { path, len } => {
                    Part::stream_with_length(file_body(path.clone()), *len)
                }
                Content::Bytes(bytes) => {
                    // `Bytes` is shared, not copied, for each attempt.
                    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                    Part::stream_with_length(reqwest::Body::from(bytes.clone()), len)
                }
                Content::Stream(body) => {
                    let taken = if first {
                        body.lock().ok().and_then(|mut body| body.take())
                    } else {
                        None
                    };
                    Part::stream(taken.unwrap_or_else(|| reqwest::Body::from(Vec::new())))
                }
            };
            let part = match &file.file_name {
                Some(file_name) => part.file_name(file_name.clone()),
                None => part,
            };
            // Checked in `prepare`: cannot fail.
            let part = match part.mime_str(&file.content_type) {
                Ok(part) => part,
                Err(_) => continue,
            };
            form = form.part(file.name, part);
        }
        form
    }
}

/// Inside [`Upload::sending`]: a copy of `previous` (the request just sent) with the body built
/// again, when the upload allows it.
pub(crate) fn again(
    http: &reqwest::Client,
    previous: &reqwest::Request,
) -> Option<reqwest::Request> {
    let upload = CURRENT.try_with(Arc::clone).ok()?;
    if !upload.replayable() {
        return None;
    }
    let mut headers = previous.headers().clone();
    // Set again by `multipart` for the new body's boundary and length.
    headers.remove(CONTENT_TYPE);
    headers.remove(CONTENT_LENGTH);
    let mut request = reqwest::Request::new(previous.method().clone(), previous.url().clone());
    *request.timeout_mut() = previous.timeout().copied();
    *request.version_mut() = previous.version();
    reqwest::RequestBuilder::from_parts(http.clone(), request)
        .headers(headers)
        .multipart(upload.build(false))
        .build()
        .ok()
}

/// The text parts of `body`: each member of the object it serializes to; a string as it is,
/// a number or a boolean as JSON, a list as one part per item, an object as JSON; `null`
/// members are left out.
fn text_parts<B: Serialize>(body: &B) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(body).map_err(|e| format!("the text parts: {e}"))?;
    let members = match value {
        Value::Object(members) => members,
        // An upload of files only.
        Value::Null => return Ok(Vec::new()),
        _ => return Err("the text parts must be an object of named values".to_owned()),
    };
    let mut parts = Vec::new();
    for (name, value) in members {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    parts.push((name.clone(), text_value(item)));
                }
            }
            value => parts.push((name, text_value(value))),
        }
    }
    Ok(parts)
}

fn text_value(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

fn prepare(name: &'static str, part: FilePart, spec: UploadSpec) -> Result<Prepared, String> {
    let content_type = match &part.content_type {
        Some(given) => given.clone(),
        None => spec
            .content_types
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, ct)| (*ct).to_owned())
            .or_else(|| {
                part.file_name
                    .as_deref()
                    .and_then(|f| mime_guess::from_path(f).first())
                    .map(|mime| mime.essence_str().to_owned())
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned()),
    };
    if content_type.parse::<mime_guess::mime::Mime>().is_err() {
        return Err(format!(
            "the content type `{content_type}` of file part `{name}` is not a media type; \
             write it as type/subtype, such as application/pdf"
        ));
    }
    let content = match part.source {
        Source::Path { path, len } => Content::Path { path, len },
        Source::Bytes(bytes) => Content::Bytes(bytes),
        Source::Stream(shared) => {
            let body = shared.lock().ok().and_then(|mut body| body.take());
            match body {
                Some(body) => Content::Stream(Mutex::new(Some(body))),
                None => {
                    return Err(format!(
                        "the stream of file part `{name}` was sent already; a stream can be \
                         read once, so give each request a new FilePart::stream"
                    ));
                }
            }
        }
    };
    Ok(Prepared {
        name,
        file_name: part.file_name,
        content_type,
        content,
    })
}

/// The file at `path`, read in chunks as the request is sent.
fn file_body(path: std::path::PathBuf) -> reqwest::Body {
    use futures::{StreamExt, TryStreamExt};
    let stream = futures::stream::once(tokio::fs::File::open(path))
        .map_ok(|file| tokio_util::io::ReaderStream::with_capacity(file, CHUNK))
        .try_flatten();
    reqwest::Body::wrap_stream(stream.boxed())
}
