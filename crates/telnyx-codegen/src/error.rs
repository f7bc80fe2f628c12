//! The one error type of this crate.

use std::fmt;

/// An operation of the OpenAPI document, named the way a person finds it in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// The operation's `operationId` (for example `CreateRoom`), or `<no operationId>`.
    pub operation_id: String,
    /// The HTTP method in upper case, for example `POST`.
    pub method: String,
    /// The path template, for example `/rooms/{room_id}`.
    pub path: String,
}

impl fmt::Display for OperationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({} {})", self.operation_id, self.method, self.path)
    }
}

/// Why [`generate`](crate::generate) could not turn a document into Rust source.
///
/// Every message starts with the document's name (as passed to `generate`) so that a build
/// script can print it as is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    /// The text is not valid JSON.
    #[error(
        "{source_name}:{line}:{column}: invalid JSON: {message}. Fix the syntax at that position (the file must be a single JSON object)."
    )]
    Json {
        /// Name of the document, as given to `generate`.
        source_name: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser found.
        message: String,
    },

    /// The JSON is well formed but is not an OpenAPI 3.0 document this crate can read.
    #[error(
        "{source_name}{}: not a valid OpenAPI 3.0 document at `{json_path}`: {message}",
        position(*line, *column)
    )]
    Document {
        /// Name of the document, as given to `generate`.
        source_name: String,
        /// Where in the document the problem is, as a dotted path (`paths./rooms.get.responses`).
        json_path: String,
        /// 1-based line of the problem (0 when only the JSON path is known).
        line: usize,
        /// 1-based column of the problem (0 when only the JSON path is known).
        column: usize,
        /// What is wrong and, where possible, how to fix it.
        message: String,
    },

    /// progenitor rejected (or panicked on) a construct of the document.
    #[error("{source_name}: {}: progenitor cannot generate code for it: {message}", match .operation {
        Some(op) => format!("operation {op}"),
        None => "the document (not one single operation; most likely a schema under components)".to_owned(),
    })]
    Unsupported {
        /// Name of the document, as given to `generate`.
        source_name: String,
        /// The operation that triggers the failure, when it could be pinned down.
        operation: Option<OperationRef>,
        /// progenitor's error or panic message.
        message: String,
    },

    /// The code progenitor produced did not have the shape this crate post-processes. This is a
    /// bug in telnyx-codegen (or a progenitor version it was not written for).
    #[error(
        "{source_name}: internal error in telnyx-codegen: {message}. Please report it with the document attached."
    )]
    Internal {
        /// Name of the document, as given to `generate`.
        source_name: String,
        /// What was unexpected.
        message: String,
    },
}

/// `:line:column`, or nothing when the position is unknown.
fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}
