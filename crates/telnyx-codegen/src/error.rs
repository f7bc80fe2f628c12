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
    ///
    /// The message names what causes it as precisely as it could be found, for example
    /// ``spec/telnyx.json: schema `CreateRoomRequest` (at JSON pointer
    /// `/components/schemas/CreateRoomRequest/properties/max_participants/default`):
    /// progenitor cannot generate code for it: type error value does not conform to the given
    /// schema``.
    /// The same facts are in the fields, for a caller that wants them without the text.
    #[error(
        "{source_name}: {}: progenitor cannot generate code for it: {message}",
        subject(operation.as_ref(), schema.as_deref(), pointer.as_deref())
    )]
    #[non_exhaustive]
    Unsupported {
        /// Name of the document, as given to `generate`.
        source_name: String,
        /// The operation that triggers the failure, when it could be pinned down (the document
        /// without its paths generates, and this operation alone does not).
        operation: Option<OperationRef>,
        /// The component schema (its name under `components/schemas`, for example
        /// `CreateRoomRequest`) that holds the offending value, when the failure could be
        /// pinned to one. Without a `pointer`, it is the schema whose replacement by an empty
        /// schema makes the document generate.
        schema: Option<String>,
        /// JSON pointer (RFC 6901) of the offending value in the document, when one was
        /// found, for example
        /// `/components/schemas/CreateRoomRequest/properties/max_participants/default`: a
        /// `default`, `enum` or `const` that does not fit its schema, or a `$ref` progenitor
        /// cannot resolve, whose removal makes the document generate.
        pointer: Option<String>,
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

/// What a [`CodegenError::Unsupported`] message says the failure is about.
fn subject(
    operation: Option<&OperationRef>,
    schema: Option<&str>,
    pointer: Option<&str>,
) -> String {
    let mut subject = match (operation, schema) {
        (Some(operation), Some(schema)) => format!("operation {operation}, schema `{schema}`"),
        (Some(operation), None) => format!("operation {operation}"),
        (None, Some(schema)) => format!("schema `{schema}`"),
        (None, None) => "the document (the failure could not be pinned to one operation or one \
                         component schema)"
            .to_owned(),
    };
    if let Some(pointer) = pointer {
        subject.push_str(&format!(" (at JSON pointer `{pointer}`)"));
    }
    subject
}

/// `:line:column`, or nothing when the position is unknown.
fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}
