//! File uploads: operations whose request body is `multipart/form-data`.
//!
//! Each such operation has an upload builder, generated from the API document beside the JSON
//! ones (`send_fax_upload()` beside `send_fax()`; `upload_messaging_hosted_number_order_file()`,
//! which has no JSON form): its text parts are set like a JSON body (`body_map(|b| …)`), typed
//! from the document, and each file part has a setter that takes a [`FilePart`]. Sending goes
//! through the same authentication, retries, tracing and errors as every other operation; a
//! request whose file parts are paths or bytes is retried by building its body again, one with
//! a stream part is sent once.
//!
//! The crate documentation's "File uploads" section has an example (a fax from a PDF file).

mod body;
mod file_part;

use std::path::PathBuf;

pub(crate) use self::body::again;
pub use self::body::{Upload, UploadFiles, UploadSpec};
pub use self::file_part::FilePart;

/// A file given as a [`FilePart::path`] that cannot be sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file's metadata could not be read (it does not exist, or is not readable).
    #[error("cannot upload {}: {source}; check the path and its permissions", path.display())]
    Unreadable {
        /// The path as given.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The path names a directory, a device or a pipe, not a regular file.
    #[error(
        "cannot upload {}: it is not a regular file; give the path of a file, or send a \
         stream with FilePart::stream",
        path.display()
    )]
    NotARegularFile {
        /// The path as given.
        path: PathBuf,
    },
}
