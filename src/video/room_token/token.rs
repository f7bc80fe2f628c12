//! A join token and how received tokens are read.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::*;

/// A join token: the credential a client SDK presents to join a room, and when it expires.
///
/// Cheap to clone. Its `Debug` output shows the expiry but not the token.
#[derive(Clone, PartialEq, Eq)]
pub struct RoomToken {
    pub(super) secret: Arc<str>,
    pub(super) expires_at: DateTime<Utc>,
    /// The expiry the server sent when it was already past on arrival.
    pub(super) past_server_expiry: Option<DateTime<Utc>>,
}

impl RoomToken {
    /// The token itself. It is a bearer credential: hand it to the SDK that joins the room,
    /// but do not log it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When the token stops being accepted (`token_expires_at`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// The `token_expires_at` the server sent, when it was already in the past on arrival;
    /// [`expires_at`](Self::expires_at) is then the requested lifetime from the local time.
    /// That happens when the local clock is far off, or with a mock server that answers with a
    /// static example (a token that "expired" years ago).
    pub fn past_server_expiry(&self) -> Option<DateTime<Utc>> {
        self.past_server_expiry
    }
}

/// A timestamp as the generated types hold it: a `DateTime<Utc>` where the document says
/// `format: date-time`, a string (RFC 3339) where it does not.
pub(super) trait Timestamp {
    fn into_utc(self) -> Option<DateTime<Utc>>;
}

impl Timestamp for DateTime<Utc> {
    fn into_utc(self) -> Option<DateTime<Utc>> {
        Some(self)
    }
}

impl Timestamp for String {
    fn into_utc(self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

impl fmt::Debug for RoomToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomToken")
            .field("secret", &REDACTED)
            .field("expires_at", &self.expires_at)
            .field("past_server_expiry", &self.past_server_expiry)
            .finish()
    }
}
