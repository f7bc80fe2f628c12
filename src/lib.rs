//! `telnyx-client`: a typed Rust client for the whole Telnyx API.
//!
//! The operations, their request builders and all request/response types are generated at
//! build time by [progenitor] from the OpenAPI document vendored in `spec/telnyx.json` (see
//! the `telnyx-codegen` crate), for the API families enabled as Cargo features (`video` by
//! default; `full` for everything). This crate adds a thin hand-written layer: configuration
//! ([`Client::builder`], [`Client::from_env`]), authentication, retries, tracing, one error
//! type ([`Error`]), auto-paging for every list operation ([`pagination`]) and, with `video`,
//! join tokens kept fresh (`room_token`).
//!
//! # Calling an operation
//!
//! Operations are methods of [`Client`], grouped into one extension trait per API tag
//! (`ClientRoomsExt`, `ClientRoomsClientTokensExt`, …); bring them into scope with the
//! [`prelude`]. Each method returns a request builder: set parameters by name (a bracketed
//! query parameter such as `page[number]` becomes `page_number`), then `send()`. `?` turns the
//! generated error into [`Error`].
//!
//! ```no_run
//! use telnyx_client::prelude::*;
//! use telnyx_client::types;
//!
//! # async fn run() -> Result<(), telnyx_client::Error> {
//! let client = Client::from_env()?; // TELNYX_API_KEY
//! let room = client
//!     .create_room()
//!     .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
//!     .send()
//!     .await?
//!     .into_inner();
//! let page = client.list_rooms().page_number(1).page_size(20).send().await?;
//! for room in &page.data {
//!     println!("{:?} {:?}", room.id, room.unique_name);
//! }
//! # let _ = room;
//! # Ok(())
//! # }
//! ```
//!
//! # Listing everything: pagination
//!
//! List operations return one page per request. [`Paginate::paginate`] (in the prelude) works
//! on every list operation's builder and follows `meta.total_pages`, with a page size and an
//! optional item limit, as a [`Stream`](futures::Stream) of items ([`Paginator::into_stream`])
//! or of whole pages ([`Paginator::into_pages`]). See the [`pagination`] module.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use telnyx_client::prelude::*;
//!
//! # async fn run(client: &Client) -> Result<(), telnyx_client::Error> {
//! let mut rooms = client.list_rooms().paginate().page_size(50).limit(200).into_stream();
//! while let Some(room) = rooms.try_next().await? {
//!     println!("{:?} {:?}", room.id, room.unique_name);
//! }
//! // Or all at once:
//! let sessions = client.list_room_sessions().paginate().collect().await?;
//! # let _ = sessions;
//! # Ok(())
//! # }
//! ```
//!
//! # Join tokens: room token sessions
//!
//! A client SDK joins a room with a short-lived join token. [`RoomTokenSession::start`] mints
//! one together with a refresh token, and keeps it fresh: explicitly
//! ([`refresh`](RoomTokenSession::refresh), [`refresh_if_due`](RoomTokenSession::refresh_if_due))
//! or from a background task ([`spawn`](RoomTokenSession::spawn)) that refreshes ahead of
//! `token_expires_at`, publishes each new token on a `tokio::sync::watch` channel and stops with
//! a [`RoomTokenError`] once the refresh token has expired or a refresh fails for good.
//! Refreshing needs no API key. Tokens never appear in `Debug` output or errors. See the
//! [`room_token`] module.
//!
//! ```no_run
//! use telnyx_client::prelude::*;
//! use telnyx_client::{RoomTokenOptions, RoomTokenSession};
//!
//! # async fn run(client: &Client, room_id: uuid::Uuid) -> Result<(), telnyx_client::RoomTokenError> {
//! let mut session = RoomTokenSession::start(client, room_id, RoomTokenOptions::default()).await?;
//! let join_token = session.current().secret(); // hand this to the client SDK
//! # let _ = join_token;
//! session.refresh().await?; // or: let driver = session.spawn();
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! * **Authentication**: `Authorization: Bearer <key>` on every operation except those whose
//!   `security` is `[]` in the document (`RefreshRoomClientToken`), which get no key. A client
//!   without a key can call those; any other operation fails with [`Error::MissingApiKey`]
//!   before anything is sent. The key never appears in `Debug` output, errors or logs.
//! * **Retries**: see [`RetryPolicy`] (by default two retries with exponential backoff,
//!   honouring `Retry-After`; `POST`/`PATCH` only when the server cannot have acted on them or
//!   the request carries an `Idempotency-Key`).
//! * **Tracing**: one `telnyx_request` span per operation with the operation id, method,
//!   status, attempt count and duration; no headers, bodies or keys.
//! * **Forward compatibility**: every string enum in [`types`] has an `Unrecognized(String)`
//!   variant that receives values Telnyx adds after this client was generated, so such a value
//!   does not turn a successful response into an error. The enums are `#[non_exhaustive]`.
//!   Unknown object fields are ignored.
//!
//! # Features
//!
//! * One feature per API family (`video`, `messaging`, `call-control`, `numbers`, … see the
//!   README's table), and `full` for all of them. Only the operations of the enabled families
//!   and the types they use are generated and compiled.
//! * `mock`: the `mock` module, progenitor's typed [httpmock] extension (`MockServerExt`),
//!   for tests of code that uses this client (for the enabled families).
//!
//! [progenitor]: https://docs.rs/progenitor
//! [httpmock]: https://docs.rs/httpmock

#![warn(missing_docs)]

mod api_key;
mod client;
#[doc(hidden)]
pub mod decode;
mod error;
mod hooks;
mod idempotency;
pub mod operation;
pub mod pagination;
pub mod retry;
mod transport;
#[cfg(feature = "video")]
pub mod video;
#[cfg(feature = "webhooks")]
pub mod webhooks;

#[cfg(feature = "video")]
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
pub use crate::generated::prelude::*;
pub use crate::generated::{Client, builder, list_operations, operations, types};
pub use crate::idempotency::{IDEMPOTENCY_KEY_HEADER, IdempotencyKey};
pub use crate::pagination::{Page, PageMeta, Paginate, Paginator};
pub use crate::retry::RetryPolicy;
#[cfg(feature = "video")]
pub use crate::video::{
    RoomToken, RoomTokenDriver, RoomTokenError, RoomTokenOptions, RoomTokenSession,
};
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

/// The README's Rust snippets, compiled as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
