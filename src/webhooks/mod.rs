//! Telnyx webhooks (feature `webhooks`): check that a request really comes from Telnyx, then
//! decode it into a typed [`Event`].
//!
//! Telnyx signs every webhook it posts with your account's Ed25519 key. A [`WebhookVerifier`],
//! built once from the public key shown in the Mission Control portal, checks the signature
//! and the timestamp of each request against its **raw body** (the bytes as received: a body
//! parsed and encoded again no longer matches). [`Event::from_verified`] then decodes the body
//! by its `event_type` into a variant of [`Event`] — one per event type of the API families this
//! crate was built with (`call-control`: calls and conferences, `messaging`: messages, `fax`,
//! `numbers`: number orders, `messaging-compliance`: 10DLC) — or [`Event::Unknown`], which
//! keeps the event type and the whole body.
//!
//! [`WebhookVerifier::verify_and_decode`] does both in one call:
//!
//! ```no_run
//! use telnyx_client::webhooks::{Event, WebhookError, WebhookVerifier};
//!
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
//! // Once, at start-up: the base64 key from Mission Control (PEM works too).
//! let verifier = WebhookVerifier::new("<public key>").expect("a valid public key");
//! // For each request: its headers and raw body bytes.
//! match verifier.verify_and_decode(headers, body)? {
//!     // With the `call-control` feature:
//!     // Event::CallInitiated(call) => { /* answer it */ }
//!     Event::Unknown(other) => println!("not handled: {:?}", other.event_type()),
//!     event => println!("{}", event.event_type()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Answer anything that does not verify with a 4xx and do not act on it.

mod event;
mod signature;

pub use event::{DecodeError, Event, UnknownEvent};
pub use signature::{
    DEFAULT_TOLERANCE, KeyError, MAX_SIGNATURE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER,
    Verified, VerifyError, WebhookVerifier,
};

/// Why [`WebhookVerifier::verify_and_decode`] refused a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request is not a webhook Telnyx signed (or it is too old or too new): do not act
    /// on it.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The request verified, but its body did not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl WebhookVerifier {
    /// Verifies a request (see [`WebhookVerifier::verify`]) and decodes its body into an
    /// [`Event`] (see [`Event::from_slice`]).
    pub fn verify_and_decode(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Event, WebhookError> {
        let verified = self.verify(headers, body)?;
        Ok(Event::from_verified(&verified)?)
    }
}
