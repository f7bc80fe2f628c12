//! Why a session failed, with nothing secret in the message.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::prelude::*;

use super::*;

/// Why minting, refreshing or keeping a join token fresh failed.
///
/// No variant or message contains a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoomTokenError {
    /// A [`RoomTokenOptions`] value is out of range. Nothing was sent.
    #[error("invalid room token options: {problem}")]
    InvalidOptions {
        /// What is wrong and the allowed range.
        problem: String,
    },

    /// `CreateRoomClientToken` failed.
    #[error("could not mint a join token for room {room_id}: {source}")]
    Mint {
        /// The room.
        room_id: Uuid,
        /// What the client reported.
        source: Error,
    },

    /// `RefreshRoomClientToken` failed (the server rejected the refresh token, could not be
    /// reached, …). The background driver retries the passing kinds of failure first.
    #[error("could not refresh the join token for room {room_id}: {source}")]
    Refresh {
        /// The room.
        room_id: Uuid,
        /// What the client reported.
        source: Error,
    },

    /// A refresh was due but the refresh token has expired, so no new join token can be
    /// obtained from it. Nothing was sent.
    #[error(
        "the refresh token for room {room_id} expired at {expired_at}, so the join token can no \
         longer be refreshed; start a new RoomTokenSession (needs the API key) to mint a new one"
    )]
    RefreshTokenExpired {
        /// The room.
        room_id: Uuid,
        /// When the refresh token expired.
        expired_at: DateTime<Utc>,
    },

    /// Telnyx answered with success, but the answer cannot be used (a field is missing, the
    /// token has already expired, or the body does not match the API description).
    #[error("Telnyx's {operation} answer for room {room_id} cannot be used: {problem}")]
    UnusableResponse {
        /// `CreateRoomClientToken` or `RefreshRoomClientToken`.
        operation: &'static str,
        /// The room.
        room_id: Uuid,
        /// What is wrong with it (never the body itself: it holds tokens).
        problem: String,
    },

    /// The background driver's task ended without a result, because its Tokio runtime shut
    /// down.
    #[error("the join token driver for room {room_id} was stopped by its runtime shutting down")]
    DriverStopped {
        /// The room.
        room_id: Uuid,
    },
}

impl RoomTokenError {
    /// The client error behind a [`Mint`](Self::Mint) or [`Refresh`](Self::Refresh) failure,
    /// for example to read its HTTP status.
    pub fn client_error(&self) -> Option<&Error> {
        match self {
            RoomTokenError::Mint { source, .. } | RoomTokenError::Refresh { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }

    /// Whether trying again later may succeed: a timeout, a connection problem, or a 408,
    /// 429 or 5xx answer.
    pub fn is_transient(&self) -> bool {
        match self.client_error() {
            Some(Error::Timeout { .. } | Error::Connect { .. } | Error::Http { .. }) => true,
            Some(error) => error.status().is_some_and(|status| {
                status.is_server_error() || matches!(status.as_u16(), 408 | 429)
            }),
            None => false,
        }
    }
}

/// Wraps a client error, except that a success body that did not decode is described without
/// quoting it: it holds tokens.
pub(super) fn client_failure(
    operation: &'static str,
    room_id: Uuid,
    error: Error,
) -> RoomTokenError {
    match error {
        Error::InvalidResponse { source, .. } => RoomTokenError::UnusableResponse {
            operation,
            room_id,
            problem: format!(
                "the body does not match the API description ({:?} error at line {}, column {}; \
                 not shown because it holds tokens). The vendored OpenAPI document may be out \
                 of date",
                source.classify(),
                source.line(),
                source.column()
            ),
        },
        source if operation == CREATE => RoomTokenError::Mint { room_id, source },
        source => RoomTokenError::Refresh { room_id, source },
    }
}
