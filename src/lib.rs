// The crate's documentation is the README, so that its examples exist once and are compiled
// as doctests.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// On docs.rs (`--cfg docsrs`, see Cargo.toml), each item that needs a feature says which.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
#[path = "codegen_contract.rs"]
pub mod __codegen;
mod api_key;
mod client;
mod decode;
mod error;
// Uploads and streamed answers: present when an enabled family has such operations (`build.rs`
// sets the cfgs from the generated client).
#[cfg(telnyx_event_streams)]
pub mod event_stream;
mod hooks;
mod idempotency;
#[cfg(feature = "mock")]
mod mock_query;
mod oauth;
mod operation;
pub mod pagination;
mod progenitor_bridge;
mod raw_request;
mod request_options;
pub mod retry;
mod tls;
mod transport;
#[cfg(telnyx_uploads)]
pub mod upload;
#[cfg(feature = "websocket")]
pub mod websocket;
// The room-token session needs the spec's two room token operations (`build.rs` sets the cfg
// when the generated client has them).
#[cfg(all(feature = "video", telnyx_room_tokens))]
mod video;
#[cfg(feature = "webhooks")]
pub mod webhooks;

#[cfg(all(feature = "video", telnyx_room_tokens))]
pub use crate::video::room_token;

/// The code generated from `spec/telnyx.json` by `telnyx-codegen` (at build time).
///
/// (progenitor already marks its `types` and `builder` modules `#[allow(clippy::all)]`.)
// Descriptions copied from the OpenAPI document into doc comments are prose, not rustdoc
// markup: they may contain bare URLs, `<placeholders>` and brackets such as page[number].
// progenitor matches a `4XX` range before the specific codes some operations also list, and
// typify's shared default helpers go unused in some family subsets.
#[allow(
    unreachable_patterns,
    dead_code,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/telnyx_client.rs"));
}

pub use crate::api_key::ApiKey;
pub use crate::client::{
    API_KEY_ENV, BASE_URL_ENV, ClientBuilder, ClientState, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use crate::error::{ApiError, ApiErrorItem, Error, ErrorBody, REQUEST_ID_HEADER};
pub use crate::generated::{Client, builder, list_operations, operations, types};
pub use crate::idempotency::{IDEMPOTENCY_KEY_HEADER, IdempotencyKey};
pub use crate::oauth::{CLIENT_ID_ENV, CLIENT_SECRET_ENV, OAuthError};
pub use crate::pagination::{Page, PageMeta, Paginate, Paginator};
pub use crate::raw_request::{MAX_RAW_BODY, RawRequest, RawResponse, path_segment};
pub use crate::request_options::RequestOptions;
pub use crate::retry::RetryPolicy;
pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};

/// What most users import: the [`Client`], one extension trait per API tag (which provide the
/// operation methods), [`Paginate`] (auto-paging for list operations), and the [`Error`] type.
pub mod prelude {
    pub use crate::Error;
    pub use crate::generated::prelude::*;
    pub use crate::pagination::{ListOperation, Paginate};
}

/// progenitor's typed [httpmock](https://docs.rs/httpmock) extension: `MockServerExt` adds one
/// method per operation to `httpmock::MockServer`, with typed `When`/`Then` builders.
#[cfg(feature = "mock")]
#[allow(
    // progenitor's mock code formats path parameters with `format!("..{}..", value.to_string())`.
    clippy::to_string_in_format_args,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
pub mod mock {
    include!(concat!(env!("OUT_DIR"), "/telnyx_mock.rs"));
}
