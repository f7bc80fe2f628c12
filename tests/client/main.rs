//! The client's tests against local mock servers, in one test binary (one link of the
//! generated client instead of one per file). They use the Video family as their example API;
//! the webhook modules need feature `webhooks`.
//!
//! Run one part with a filter: `cargo test --test client -- resilience::`.
//!
//! `tests/client_tracing.rs` stays a binary of its own: tracing caches, per call site and per
//! process, whether anyone listens, so its thread-scoped subscriber can miss events that
//! other tests in the same process reached first.

#[path = "../support/mod.rs"]
mod support;

mod call_options;
mod client_core;
mod escape_hatch;
// The event-stream runtime exists when an enabled family has streamed operations (`ai`).
#[cfg(telnyx_event_streams)]
mod event_stream;
mod oauth;
mod operations;
mod pagination;
mod resilience;
mod room_token;
// The OAuth family's discovery documents live at the base URL's root.
#[cfg(feature = "oauth")]
mod server_roots;
// Uploads use `SendFax`, whose family is not among the defaults.
#[cfg(feature = "fax")]
mod uploads;
mod webhook_events;
mod webhook_signatures;
// WebSockets use the speech family's two sockets.
#[cfg(feature = "speech")]
mod websockets;
