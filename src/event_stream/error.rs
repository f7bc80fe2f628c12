//! Why an event stream stopped before its end (a leaf: the crate's `Error` wraps it).

/// Longest excerpt of an event's data kept in an error.
const EXCERPT_CHARS: usize = 300;

/// Why an event stream stopped before its end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventStreamError {
    /// The connection broke (or the body could not be read) mid-stream.
    #[error("the event stream broke off: {source}")]
    Broken {
        /// The transport error.
        source: reqwest::Error,
    },
    /// A line longer than the limit: the answer is not an event stream, or a broken one.
    #[error(
        "an event stream line is longer than {limit} bytes; the answer is not a usable event stream"
    )]
    LineTooLong {
        /// [`MAX_LINE_BYTES`](super::MAX_LINE_BYTES).
        limit: usize,
    },
    /// An event whose data is larger than the limit.
    #[error(
        "an event carries more than {limit} bytes of data; the answer is not a usable event stream"
    )]
    EventTooLarge {
        /// [`MAX_EVENT_BYTES`](super::MAX_EVENT_BYTES).
        limit: usize,
    },
    /// A line that is not UTF-8, which event streams must be.
    #[error("the event stream is not UTF-8 text")]
    NotUtf8,
    /// The server reported an error inside the stream.
    #[error("the event stream reported an error{}: {data}", event_suffix(event.as_deref()))]
    ErrorEvent {
        /// The event's name, if it had one.
        event: Option<String>,
        /// The event's data (an excerpt).
        data: String,
    },
    /// An event whose data does not decode into the event type.
    #[error("an event{} does not match the API description: {source}; data: {data}", event_suffix(event.as_deref()))]
    Undecodable {
        /// The event's name, if it had one.
        event: Option<String>,
        /// The event's data (an excerpt).
        data: String,
        /// Why it did not decode.
        source: serde_json::Error,
    },
}

fn event_suffix(event: Option<&str>) -> String {
    event.map(|e| format!(" `{e}`")).unwrap_or_default()
}

pub(crate) fn excerpt(data: &str) -> String {
    let mut out: String = data.chars().take(EXCERPT_CHARS).collect();
    if data.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}
