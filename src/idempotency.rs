//! `Idempotency-Key` for the requests of one piece of async code.
//!
//! progenitor's request builders cannot set extra headers, and headers set as defaults on a
//! caller's `reqwest::Client` are only added after the retry logic has looked at the request.
//! So the key travels in a task-local value: [`IdempotencyKey::scope`] runs a future with the
//! key set, and the client's `pre` hook adds the header to every request sent inside it. With
//! the header present, a failed `POST`/`PATCH` may be re-sent (see [`crate::retry`]), because
//! the server recognises the repeat and does not act on it twice.

use std::fmt;
use std::future::Future;

use reqwest::header::HeaderValue;

use crate::Error;

/// Name of the header that makes a non-idempotent request safe to re-send.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

tokio::task_local! {
    static CURRENT: HeaderValue;
}

/// A validated `Idempotency-Key` header value.
///
/// ```no_run
/// use telnyx_client::prelude::*;
/// use telnyx_client::{IdempotencyKey, types};
///
/// # async fn run(client: Client) -> Result<(), telnyx_client::Error> {
/// // One key per logical operation: a retry after a 500 cannot create a second room.
/// let key = IdempotencyKey::new("create-room-standup-2026-11-22")?;
/// let room = key
///     .scope(client.create_room().body(types::CreateRoomRequest::builder()).send())
///     .await?;
/// # let _ = room;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct IdempotencyKey(HeaderValue);

impl IdempotencyKey {
    /// Checks that `key` is a usable header value: non-empty, at most 255 bytes of visible ASCII.
    pub fn new(key: impl AsRef<str>) -> Result<Self, Error> {
        let key = key.as_ref();
        let problem = if key.is_empty() {
            Some("is empty")
        } else if key.len() > 255 {
            Some("is longer than 255 bytes")
        } else if !key.bytes().all(|b| b.is_ascii_graphic()) {
            Some("must be visible ASCII without spaces (a UUID works well)")
        } else {
            None
        };
        match (problem, HeaderValue::from_str(key)) {
            (None, Ok(value)) => Ok(Self(value)),
            (problem, _) => Err(Error::InvalidRequest {
                message: format!(
                    "idempotency key {}; choose a unique ASCII string per logical operation, \
                     such as a UUID",
                    problem.unwrap_or("is not a valid header value")
                ),
            }),
        }
    }

    /// A fresh random key (a version 4 UUID).
    pub fn random() -> Self {
        let uuid = uuid::Uuid::new_v4().to_string();
        // A hyphenated UUID is 36 characters of hex digits and `-`, always a valid header
        // value; a fixed fallback would give every request the same key.
        Self(HeaderValue::from_str(&uuid).expect("a hyphenated UUID is a valid header value"))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }

    pub(crate) fn header_value(&self) -> HeaderValue {
        self.0.clone()
    }

    /// Runs `future` with this key attached to every request the client sends inside it.
    pub async fn scope<F: Future>(&self, future: F) -> F::Output {
        CURRENT.scope(self.0.clone(), future).await
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey")
            .field(&self.as_str())
            .finish()
    }
}

/// The key of the enclosing [`IdempotencyKey::scope`], if any.
pub(crate) fn current() -> Option<HeaderValue> {
    CURRENT.try_with(HeaderValue::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_validated() {
        assert!(IdempotencyKey::new("order-42").is_ok());
        assert!(IdempotencyKey::new("").is_err());
        assert!(IdempotencyKey::new("has space").is_err());
        assert!(IdempotencyKey::new("x".repeat(256)).is_err());
        assert!(IdempotencyKey::new("x".repeat(255)).is_ok());
        let message = IdempotencyKey::new("").map(|_| ()).unwrap_err().to_string();
        assert!(message.contains("idempotency key is empty"), "{message}");
    }

    #[test]
    fn random_keys_differ() {
        assert_ne!(IdempotencyKey::random(), IdempotencyKey::random());
    }

    #[tokio::test]
    async fn scope_sets_and_clears_the_key() {
        assert!(current().is_none());
        let key = IdempotencyKey::new("k-1").unwrap();
        let seen = key.scope(async { current() }).await;
        assert_eq!(seen.as_ref().map(|v| v.as_bytes()), Some(&b"k-1"[..]));
        assert!(current().is_none());
    }
}
