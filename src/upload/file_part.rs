//! [`FilePart`]: one file of an upload, from a path, bytes or a stream.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::{TryStream, TryStreamExt};

use super::FileError;

/// One file of a `multipart/form-data` upload: its content (from a path, bytes or a stream),
/// its file name and its content type.
///
/// Given to an upload builder's file setter (`.contents(part)` of `send_fax_upload()`, say).
///
/// - [`FilePart::path`] streams the file from disk while the request is sent: it is never read
///   whole into memory, and the request is retried like any other (the file is read again).
/// - [`FilePart::bytes`] sends bytes already in memory; retried like any other request.
/// - [`FilePart::stream`] sends what a stream yields. A stream can be read once, so **a request
///   with a stream part is never retried**, and a builder cloned with a stream part can send it
///   once (the second `send()` fails with `Error::InvalidRequest`).
///
/// The content type is, in this order: the one set with [`FilePart::content_type`], the one the
/// API document gives for the part, the one the file name's extension suggests, or
/// `application/octet-stream`.
#[derive(Clone)]
pub struct FilePart {
    pub(super) source: Source,
    pub(super) file_name: Option<String>,
    pub(super) content_type: Option<String>,
}

/// Where a part's content comes from.
#[derive(Clone)]
pub(super) enum Source {
    /// A regular file, read again for each attempt.
    Path { path: PathBuf, len: u64 },
    /// Bytes in memory.
    Bytes(Bytes),
    /// A body that can be taken once (shared by clones of the builder that holds it).
    Stream(Arc<Mutex<Option<reqwest::Body>>>),
}

impl FilePart {
    /// The file at `path`, streamed from disk when the request is sent; its file name is the
    /// path's last component. Fails when the file cannot be read or is not a regular file (a
    /// directory, a device, a pipe), naming the path.
    pub async fn path(path: impl AsRef<Path>) -> Result<FilePart, FileError> {
        let path = path.as_ref().to_owned();
        let metadata =
            tokio::fs::metadata(&path)
                .await
                .map_err(|source| FileError::Unreadable {
                    path: path.clone(),
                    source,
                })?;
        if !metadata.is_file() {
            return Err(FileError::NotARegularFile { path });
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Ok(FilePart {
            source: Source::Path {
                len: metadata.len(),
                path,
            },
            file_name,
            content_type: None,
        })
    }

    /// `bytes` sent as a file named `file_name`.
    pub fn bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> FilePart {
        FilePart {
            source: Source::Bytes(bytes.into()),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// What `stream` yields, sent as a file named `file_name` (chunked: its length is not
    /// known in advance). A request with a stream part is not retried; see the type's docs.
    pub fn stream<S>(file_name: impl Into<String>, stream: S) -> FilePart
    where
        S: TryStream + Send + 'static,
        S::Ok: Into<Bytes>,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let body = reqwest::Body::wrap_stream(stream.map_ok(Into::into));
        FilePart {
            source: Source::Stream(Arc::new(Mutex::new(Some(body)))),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, file_name: impl Into<String>) -> FilePart {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type (`application/pdf`, say). One that is not a media type
    /// (`type/subtype`) makes `send()` fail with `Error::InvalidRequest`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> FilePart {
        self.content_type = Some(content_type.into());
        self
    }

    /// The content's length in bytes, when known before sending (not for a stream).
    pub fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Path { len, .. } => Some(*len),
            Source::Bytes(bytes) => u64::try_from(bytes.len()).ok(),
            Source::Stream(_) => None,
        }
    }

    /// Whether the content is known to be empty (a stream is not).
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether a request with this part can be sent again (not when it is a stream).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream(_))
    }
}

impl fmt::Debug for FilePart {
    // The content itself is never printed: only where it comes from and its size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("FilePart");
        match &self.source {
            Source::Path { path, len } => out.field("path", path).field("len", len),
            Source::Bytes(bytes) => out.field("bytes", &bytes.len()),
            Source::Stream(_) => out.field("stream", &"…"),
        };
        out.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}
