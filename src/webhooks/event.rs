//! Decoding a webhook body into an [`Event`].
//!
//! The enum itself is generated (`webhook_events::Event`, one variant per event type of the
//! enabled families); this module decides which variant a body is. It reads only the event
//! type first (`data.event_type`, or a top-level `event_type`), then decodes the body once as
//! that variant's type. A body whose event type has no variant is kept whole in
//! [`Event::Unknown`].

use std::borrow::Cow;

use serde::Deserialize;

pub use crate::generated::webhook_events::Event;

/// An event whose type this build has no variant for: a type Telnyx added after this client
/// was generated, one of a family this build leaves out, or a body with no event type.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    event_type: Option<String>,
    body: serde_json::Value,
}

impl UnknownEvent {
    /// The body's `data.event_type` (or top-level `event_type`), if it has one.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The whole body as JSON.
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// The whole body as JSON, by value.
    pub fn into_body(self) -> serde_json::Value {
        self.body
    }
}

/// Why a webhook body did not decode into an [`Event`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The body is not JSON.
    #[error(
        "the webhook body is not JSON (line {line}, column {column}); Telnyx posts JSON \
         bodies: pass the raw request body, not a parsed or re-encoded one"
    )]
    NotJson {
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
    },
    /// The body has a known event type but does not have that event's shape.
    #[error(
        "the `{event_type}` webhook does not have the shape this client was generated for: \
         {source}. If Telnyx changed the event, sync the spec (`cargo xtask spec sync`) or \
         read the body as JSON"
    )]
    Shape {
        /// The event type.
        event_type: String,
        /// What serde found.
        #[source]
        source: serde_json::Error,
    },
}

/// The part of a body that says which event it is.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    data: Option<ProbeData<'a>>,
    #[serde(borrow, default)]
    event_type: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ProbeData<'a> {
    #[serde(borrow, default)]
    event_type: Option<Cow<'a, str>>,
}

impl Event {
    /// Decodes a webhook body. Verify it first (see
    /// [`WebhookVerifier`](super::WebhookVerifier)); this only reads it.
    ///
    /// A body whose event type has a variant decodes as that variant; unknown fields are
    /// ignored and missing optional ones are `None`, and enum values Telnyx adds later decode
    /// as their type's `Unrecognized` variant. Any other event type, and a JSON body that has
    /// none, is an [`Event::Unknown`].
    pub fn from_slice(body: &[u8]) -> Result<Self, DecodeError> {
        let event_type = match serde_json::from_slice::<Probe<'_>>(body) {
            Ok(probe) => probe
                .data
                .and_then(|data| data.event_type)
                .or(probe.event_type),
            // Not an object with string event types: still JSON, so an unknown event.
            Err(_) => None,
        };
        if let Some(event_type) = &event_type
            && let Some(decoded) = Self::decode_known(event_type, body)
        {
            return decoded.map_err(|source| DecodeError::Shape {
                event_type: event_type.clone().into_owned(),
                source,
            });
        }
        let body: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| DecodeError::NotJson {
                line: e.line(),
                column: e.column(),
            })?;
        Ok(Self::Unknown(UnknownEvent {
            event_type: event_type.map(Cow::into_owned),
            body,
        }))
    }

    /// Decodes the body of a verified webhook (see [`Event::from_slice`]).
    pub fn from_verified(verified: &super::Verified<'_>) -> Result<Self, DecodeError> {
        Self::from_slice(verified.body())
    }
}
