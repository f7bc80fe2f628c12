//! Server-sent event streams (`text/event-stream`), typed.
//!
//! An operation that streams its answer (a chat completion with `stream: true`, say) hands
//! back the response body as a stream of bytes; [`EventStream`] turns it into a [`Stream`] of
//! decoded events, and [`RawEventStream`] into the events as sent ([`ServerSentEvent`]):
//!
//! * the data of each event is decoded as JSON into the event type;
//! * a `data: [DONE]` event ends the stream (the convention of the OpenAI-compatible APIs);
//! * an event named `error`, or an event whose JSON has an `error` member and is not the event
//!   type, ends the stream with [`EventStreamError::ErrorEvent`];
//! * a connection that breaks mid-stream ends it with [`EventStreamError::Broken`];
//! * lines and events are bounded ([`MAX_LINE_BYTES`], [`MAX_EVENT_BYTES`]).
//!
//! After an error the stream ends. A streamed request is never retried once its answer has
//! begun: the events already received would be sent again.

pub(crate) mod error;
mod parser;

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use serde::de::DeserializeOwned;

pub use error::EventStreamError;
use error::excerpt;
use parser::Parser;
pub use parser::{MAX_EVENT_BYTES, MAX_LINE_BYTES, ServerSentEvent};

/// The byte stream an event stream reads.
type Body = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// The events of a `text/event-stream` body as sent, until `[DONE]`, the end or an error.
#[must_use = "streams do nothing unless polled"]
pub struct RawEventStream {
    body: Option<Body>,
    parser: Parser,
}

impl fmt::Debug for RawEventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEventStream")
            .field("open", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

impl RawEventStream {
    /// Reads events from `body` (for example a response's `bytes_stream()`, or the
    /// [`ByteStream`](crate::ByteStream) of a streamed operation's answer).
    pub fn new<S>(body: S) -> Self
    where
        S: Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static,
    {
        Self {
            body: Some(Box::pin(body)),
            parser: Parser::default(),
        }
    }

    /// Decodes each event's data into `T`.
    pub fn typed<T: DeserializeOwned>(self) -> EventStream<T> {
        EventStream {
            raw: self,
            _event: PhantomData,
        }
    }

    fn fail(
        &mut self,
        error: EventStreamError,
    ) -> Poll<Option<Result<ServerSentEvent, crate::Error>>> {
        self.close();
        Poll::Ready(Some(Err(crate::Error::EventStream(error))))
    }

    /// Ends the stream: nothing more is read or handed out.
    fn close(&mut self) {
        self.body = None;
        self.parser = Parser::default();
    }
}

impl Stream for RawEventStream {
    type Item = Result<ServerSentEvent, crate::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            let event = match self.parser.next_event() {
                Ok(event) => event,
                Err(error) => return self.fail(error),
            };
            if let Some(event) = event {
                if event.data == "[DONE]" {
                    self.close();
                    return Poll::Ready(None);
                }
                if event.event.as_deref() == Some("error") {
                    let error = EventStreamError::ErrorEvent {
                        event: event.event,
                        data: excerpt(&event.data),
                    };
                    return self.fail(error);
                }
                return Poll::Ready(Some(Ok(event)));
            }
            debug_assert!(self.parser.wants_input(), "a chunk read only in part");
            let Some(body) = self.body.as_mut() else {
                return Poll::Ready(None);
            };
            match body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    self.body = None;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(source))) => {
                    return self.fail(EventStreamError::Broken { source });
                }
                Poll::Ready(Some(Ok(chunk))) => self.parser.feed(chunk),
            }
        }
    }
}

/// The events of a `text/event-stream` body, each decoded into `T`.
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<T> {
    raw: RawEventStream,
    _event: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("event_type", &std::any::type_name::<T>())
            .field("raw", &self.raw)
            .finish()
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// Reads events from `body`, decoding each into `T`.
    pub fn new<S>(body: S) -> Self
    where
        S: Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static,
    {
        RawEventStream::new(body).typed()
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T, crate::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let event = match Pin::new(&mut self.raw).poll_next(cx) {
            Poll::Ready(Some(Ok(event))) => event,
            Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        match serde_json::from_str::<T>(&event.data) {
            Ok(decoded) => Poll::Ready(Some(Ok(decoded))),
            Err(source) => {
                // An error object in place of an event is the server's error, not a mismatch.
                let is_error = serde_json::from_str::<serde_json::Value>(&event.data)
                    .is_ok_and(|value| value.get("error").is_some());
                let error = if is_error {
                    EventStreamError::ErrorEvent {
                        event: event.event,
                        data: excerpt(&event.data),
                    }
                } else {
                    EventStreamError::Undecodable {
                        event: event.event,
                        data: excerpt(&event.data),
                        source,
                    }
                };
                self.raw.close();
                Poll::Ready(Some(Err(crate::Error::EventStream(error))))
            }
        }
    }
}
