//! The one error type of the xtask library.
//!
//! Every variant names the problem and where it is: a file or URL, and a line and column for
//! syntax errors or a JSON pointer for structural ones. Messages are written for the person who
//! runs `cargo xtask`, so they say what to do next where there is something to do.

use std::path::PathBuf;

use crate::location::Position;

/// Everything that can go wrong in `cargo xtask spec …` and `cargo xtask codegen`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read, written, renamed or created.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done, e.g. "cannot read".
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// An HTTP(S) download failed (connection, TLS, timeout or a non-success status).
    #[error("cannot download {url}: {message}")]
    Fetch {
        /// The URL that was requested.
        url: String,
        /// What went wrong, including the HTTP status when there was one.
        message: String,
    },

    /// The document is not valid YAML.
    #[error("{origin}: invalid YAML{}: {message}", at_line(*line, *column))]
    Yaml {
        /// File path or URL of the document.
        origin: String,
        /// 1-based line of the error, when the parser reports one.
        line: Option<usize>,
        /// 1-based column of the error, when the parser reports one.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },

    /// The document is not valid JSON.
    #[error("{origin}: invalid JSON{}: {message}", at_line(Some(*line), Some(*column)))]
    Json {
        /// File path or URL of the document.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's message.
        message: String,
    },

    /// The document parsed but is not an OpenAPI 3.0 or 3.1 document.
    #[error("{origin}: not an OpenAPI 3.0/3.1 document: {message} (at JSON pointer `{pointer}`)")]
    NotOpenApi {
        /// File path or URL of the document.
        origin: String,
        /// JSON pointer of the offending value (`` for the root).
        pointer: String,
        /// What is wrong.
        message: String,
    },

    /// A `$ref` points at nothing, or outside the document.
    #[error("{origin}: unresolvable $ref `{reference}` at JSON pointer `{pointer}`: {message}")]
    UnresolvedRef {
        /// File path or URL of the document.
        origin: String,
        /// The `$ref` string.
        reference: String,
        /// JSON pointer of the object that holds the `$ref`.
        pointer: String,
        /// Why it cannot be resolved.
        message: String,
    },

    /// The document has a shape the normaliser cannot handle.
    #[error("{origin}: unsupported construct at JSON pointer `{pointer}`: {message}")]
    Unsupported {
        /// File path or URL of the document.
        origin: String,
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is unsupported and why.
        message: String,
    },

    /// The document is JSON but does not deserialize as an OpenAPI 3.0 document (`openapiv3`).
    #[error("{origin}: not a valid OpenAPI 3.0 document at JSON pointer `{pointer}`: {message}")]
    OpenApiShape {
        /// File path or URL of the document.
        origin: String,
        /// JSON pointer of the value that does not fit.
        pointer: String,
        /// The deserializer's message.
        message: String,
    },

    /// The same key twice in one mapping (parsers keep the last one without a word).
    #[error(
        "{origin}: duplicate key `{key}` in the mapping at JSON pointer `{pointer}`: first at \
         {first}, again at {second}; remove one of them"
    )]
    DuplicateKey {
        /// File path or URL of the document.
        origin: String,
        /// JSON pointer of the mapping.
        pointer: String,
        /// The repeated key.
        key: String,
        /// Where it first appears.
        first: Position,
        /// Where it appears again.
        second: Position,
    },

    /// Another error, with the position in the source document of the node it names.
    #[error("{inner} (source {position})")]
    Located {
        /// Line and column of the node (or of its nearest ancestor the source has).
        position: Position,
        /// The error.
        inner: Box<Error>,
    },

    /// progenitor refused the document or panicked on it.
    #[error("{origin}: progenitor cannot generate a client: {message}")]
    Generate {
        /// File path or URL of the document.
        origin: String,
        /// progenitor's error or panic message.
        message: String,
    },

    /// `spec/sync.toml` or `spec/telnyx.lock` is malformed.
    #[error("{path}: {message}")]
    Config {
        /// The configuration or lock file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// An overlay action could not be applied (its target matches nothing, say).
    #[error("{origin}: action {action} (target `{target}`) {message}")]
    Overlay {
        /// The overlay file.
        origin: String,
        /// 1-based index of the action.
        action: usize,
        /// The action's JSONPath target.
        target: String,
        /// What went wrong.
        message: String,
    },

    /// The command line asked for something inconsistent.
    #[error("{0}")]
    Usage(String),

    /// `spec check` found a problem with the vendored spec (hash mismatch, missing lock, …).
    #[error("{0}")]
    Check(String),
}

/// Formats " at line L, column C" when the location is known.
fn at_line(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The JSON pointer this error names, if it names one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::NotOpenApi { pointer, .. }
            | Self::UnresolvedRef { pointer, .. }
            | Self::Unsupported { pointer, .. }
            | Self::OpenApiShape { pointer, .. }
            | Self::DuplicateKey { pointer, .. } => Some(pointer),
            Self::Located { inner, .. } => inner.pointer(),
            _ => None,
        }
    }

    /// This error with its JSON pointer rewritten by `f` (used to name the source's node when
    /// the pipeline has moved it).
    pub fn map_pointer(mut self, f: impl FnOnce(&str) -> String) -> Self {
        match &mut self {
            Self::NotOpenApi { pointer, .. }
            | Self::UnresolvedRef { pointer, .. }
            | Self::Unsupported { pointer, .. }
            | Self::OpenApiShape { pointer, .. }
            | Self::DuplicateKey { pointer, .. } => *pointer = f(pointer),
            _ => {}
        }
        self
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
