//! What can go wrong on an open WebSocket.

/// Why a WebSocket (see [`WebSocket`](super::WebSocket)) stopped or refused a frame; carried by
/// [`Error::WebSocket`](crate::Error::WebSocket).
///
/// A refused handshake is not one of these: Telnyx's answer (401 for a missing or wrong key,
/// 422 for bad query parameters) is an [`Error::Api`](crate::Error::Api) like any other call's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebSocketError {
    /// The server sent an error frame (`{"type": "error", "error": "…"}`). The socket stays
    /// open; the server usually closes it next.
    #[error("Telnyx sent an error frame on the WebSocket: {message}")]
    ErrorFrame {
        /// The frame's `error` text (the whole frame when it has none).
        message: String,
    },

    /// A frame from the server was larger than the limit, and the socket was closed.
    #[error(
        "Telnyx sent a WebSocket message of {size} bytes, over the limit of {limit} bytes; raise \
         it with the builder's max_message_size if such messages are expected"
    )]
    TooLarge {
        /// The size of the message (as far as it was read).
        size: usize,
        /// The limit in force.
        limit: usize,
    },

    /// The server closed the socket with a code other than a normal close.
    #[error(
        "Telnyx closed the WebSocket with code {code}{}",
        reason_suffix(reason)
    )]
    Closed {
        /// The close code (1011 for a server error, 1008 for a policy violation, …).
        code: u16,
        /// The reason the server gave, if any.
        reason: String,
    },

    /// The server agreed to the request without switching to the WebSocket protocol (no
    /// `101`, or a wrong `Sec-WebSocket-Accept`): the base URL probably points at something
    /// other than Telnyx.
    #[error(
        "the server at the base URL did not open a WebSocket ({problem}); check the base URL \
         (TELNYX_BASE_URL or ClientBuilder::base_url)"
    )]
    NotUpgraded {
        /// What was wrong with its answer.
        problem: String,
    },

    /// The connection broke or the server broke the WebSocket protocol.
    #[error("the WebSocket connection to Telnyx failed: {message}")]
    Connection {
        /// What happened.
        message: String,
    },

    /// A frame to send could not be encoded as JSON. Nothing was sent.
    #[error("a WebSocket frame could not be encoded as JSON: {message}")]
    Encode {
        /// serde_json's message.
        message: String,
    },
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

impl From<WebSocketError> for crate::Error {
    fn from(error: WebSocketError) -> Self {
        crate::Error::WebSocket(error)
    }
}

/// The error of a failed read or write of the socket.
pub(super) fn from_tungstenite(error: tokio_tungstenite::tungstenite::Error) -> WebSocketError {
    use tokio_tungstenite::tungstenite::Error as E;
    use tokio_tungstenite::tungstenite::error::CapacityError;
    match error {
        E::Capacity(CapacityError::MessageTooLong { size, max_size }) => WebSocketError::TooLarge {
            size,
            limit: max_size,
        },
        other => WebSocketError::Connection {
            message: other.to_string(),
        },
    }
}
