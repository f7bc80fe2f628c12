//! WebSockets: Telnyx's real-time endpoints (speech-to-text, text-to-speech), typed.
//!
//! Each WebSocket operation of the API description gets a builder on [`Client`](crate::Client)
//! (for example `client.transcription_over_ws()`), whose setters are the handshake's typed
//! query parameters and whose `connect()` opens a [`WebSocket`]: the client's base URL in its
//! WebSocket form (`https://api.telnyx.com/v2` → `wss://api.telnyx.com/v2`), the client's API
//! key and user agent. Then:
//!
//! * [`WebSocket::send`] sends a frame of the type the operation takes (a JSON frame, or audio
//!   bytes as a binary frame); [`send_binary`](WebSocket::send_binary) and
//!   [`send_text`](WebSocket::send_text) send any frame;
//! * the socket is a [`Stream`] of the server's frames, each decoded as JSON into the type the
//!   operation sends back; an error frame (`{"type": "error", …}`) arrives as
//!   [`WebSocketError::ErrorFrame`], a frame that does not decode as
//!   [`Error::InvalidResponse`];
//! * [`WebSocket::close`] ends the client's side; the stream then ends when the server closes
//!   (frames it still sends, such as the last transcript, arrive first); a close with another
//!   code than a normal one ends it with [`WebSocketError::Closed`];
//! * [`WebSocket::split`] gives a sender and a receiver, to send audio while reading frames;
//! * a message over [`DEFAULT_MAX_MESSAGE_SIZE`] (or the builder's `max_message_size`) ends
//!   the socket with [`WebSocketError::TooLarge`].
//!
//! A refused handshake is an [`Error::Api`] with Telnyx's status and
//! `errors[]` (401 without a valid key, 422 for bad parameters). A handshake is not retried.

mod error;
mod handshake;

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, Stream, StreamExt};
use serde::de::DeserializeOwned;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::Error;
pub use error::WebSocketError;
pub use handshake::{DEFAULT_MAX_MESSAGE_SIZE, WebSocketRequest};

type Socket = WebSocketStream<reqwest::Upgraded>;

/// A frame the client sends: how a value of the operation's frame type goes on the wire.
///
/// Implemented for every [`JsonFrame`] (sent as a JSON text frame; the API's frame types and
/// [`serde_json::Value`]), and for [`Bytes`] and `Vec<u8>` (binary frames, such as audio).
pub trait ClientFrame {
    /// The frame's payload.
    #[doc(hidden)]
    fn into_payload(self) -> Result<Payload, WebSocketError>;
}

/// A frame type sent as JSON text.
pub trait JsonFrame: serde::Serialize {}

impl JsonFrame for serde_json::Value {}

/// What goes on the wire for one [`ClientFrame`].
#[doc(hidden)]
#[derive(Debug)]
pub enum Payload {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Bytes),
}

impl<T: JsonFrame> ClientFrame for T {
    fn into_payload(self) -> Result<Payload, WebSocketError> {
        serde_json::to_string(&self)
            .map(Payload::Text)
            .map_err(|e| WebSocketError::Encode {
                message: e.to_string(),
            })
    }
}

impl ClientFrame for Bytes {
    fn into_payload(self) -> Result<Payload, WebSocketError> {
        Ok(Payload::Binary(self))
    }
}

impl ClientFrame for Vec<u8> {
    fn into_payload(self) -> Result<Payload, WebSocketError> {
        Ok(Payload::Binary(self.into()))
    }
}

/// An open WebSocket to Telnyx: send frames of type `S`, receive frames of type `R` (it is a
/// [`Stream`] of them). See the [module docs](self).
#[must_use = "a WebSocket does nothing unless frames are sent or the stream is polled"]
pub struct WebSocket<S, R> {
    sender: WebSocketSender<S>,
    receiver: WebSocketReceiver<R>,
}

impl<S, R> fmt::Debug for WebSocket<S, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket")
            .field("operation", &self.receiver.operation)
            .field("open", &!self.receiver.done)
            .finish_non_exhaustive()
    }
}

impl<S: ClientFrame, R: DeserializeOwned> WebSocket<S, R> {
    pub(crate) fn new(socket: Socket, operation: &'static str) -> Self {
        let (sink, stream) = socket.split();
        WebSocket {
            sender: WebSocketSender {
                sink,
                _frame: PhantomData,
            },
            receiver: WebSocketReceiver {
                stream,
                operation,
                done: false,
                closing: false,
                _frame: PhantomData,
            },
        }
    }

    /// Sends one frame of the operation's type.
    pub async fn send(&mut self, frame: impl Into<S>) -> Result<(), Error> {
        self.sender.send(frame).await
    }

    /// Sends a binary frame (audio, say).
    pub async fn send_binary(&mut self, data: impl Into<Bytes>) -> Result<(), Error> {
        self.sender.send_binary(data).await
    }

    /// Sends a text frame as it is.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), Error> {
        self.sender.send_text(text).await
    }

    /// Ends the client's side with a normal close. Keep reading the stream: the server's
    /// last frames arrive before it closes too, and then the stream ends.
    pub async fn close(&mut self) -> Result<(), Error> {
        self.sender.close().await
    }

    /// A sender and a receiver that can be used from different tasks.
    pub fn split(self) -> (WebSocketSender<S>, WebSocketReceiver<R>) {
        (self.sender, self.receiver)
    }
}

impl<S, R: DeserializeOwned> Stream for WebSocket<S, R> {
    type Item = Result<R, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.get_mut().receiver).poll_next(cx)
    }
}

/// The sending half of a [`WebSocket`].
pub struct WebSocketSender<S> {
    sink: SplitSink<Socket, Message>,
    _frame: PhantomData<fn(S)>,
}

impl<S> fmt::Debug for WebSocketSender<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketSender").finish_non_exhaustive()
    }
}

impl<S: ClientFrame> WebSocketSender<S> {
    /// Sends one frame of the operation's type.
    pub async fn send(&mut self, frame: impl Into<S>) -> Result<(), Error> {
        let message = match frame.into().into_payload()? {
            Payload::Text(text) => Message::text(text),
            Payload::Binary(data) => Message::Binary(data),
        };
        self.write(message).await
    }

    /// Sends a binary frame (audio, say).
    pub async fn send_binary(&mut self, data: impl Into<Bytes>) -> Result<(), Error> {
        self.write(Message::Binary(data.into())).await
    }

    /// Sends a text frame as it is.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), Error> {
        self.write(Message::text(text.into())).await
    }

    /// Ends the client's side with a normal close; the receiver ends when the server closes.
    pub async fn close(&mut self) -> Result<(), Error> {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        self.write(Message::Close(Some(frame))).await
    }

    async fn write(&mut self, message: Message) -> Result<(), Error> {
        self.sink
            .send(message)
            .await
            .map_err(|e| error::from_tungstenite(e).into())
    }
}

/// The receiving half of a [`WebSocket`]: a [`Stream`] of the server's frames.
#[must_use = "streams do nothing unless polled"]
pub struct WebSocketReceiver<R> {
    stream: SplitStream<Socket>,
    operation: &'static str,
    done: bool,
    /// The server's close arrived; reading on sends the reply and then ends.
    closing: bool,
    _frame: PhantomData<fn() -> R>,
}

impl<R> fmt::Debug for WebSocketReceiver<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketReceiver")
            .field("operation", &self.operation)
            .field("open", &!self.done)
            .finish_non_exhaustive()
    }
}

/// What one message from the server means for the stream.
enum Step<R> {
    Frame(R),
    Fail(Error),
    Skip,
    End,
}

impl<R: DeserializeOwned> WebSocketReceiver<R> {
    fn step(message: Message) -> Step<R> {
        let body = match message {
            Message::Text(text) => Bytes::from(text),
            Message::Binary(data) => data,
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => return Step::Skip,
            Message::Close(None) => return Step::End,
            Message::Close(Some(frame)) => {
                return match frame.code {
                    CloseCode::Normal | CloseCode::Away => Step::End,
                    code => Step::Fail(
                        WebSocketError::Closed {
                            code: code.into(),
                            reason: frame.reason.to_string(),
                        }
                        .into(),
                    ),
                };
            }
        };
        if let Some(message) = error_frame(&body) {
            return Step::Fail(WebSocketError::ErrorFrame { message }.into());
        }
        match serde_json::from_slice(&body) {
            Ok(frame) => Step::Frame(frame),
            Err(source) => Step::Fail(Error::InvalidResponse { body, source }),
        }
    }
}

/// The text of an error frame, `{"type": "error", "error": "…"}` (the whole frame when it has
/// no `error` text).
fn error_frame(body: &[u8]) -> Option<String> {
    // Only a frame that mentions an error is read twice.
    memchr::memmem::find(body, b"error")?;
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if value.get("type").and_then(serde_json::Value::as_str) != Some("error") {
        return None;
    }
    Some(match value.get("error") {
        Some(serde_json::Value::String(text)) => text.clone(),
        _ => value.to_string(),
    })
}

impl<R: DeserializeOwned> Stream for WebSocketReceiver<R> {
    type Item = Result<R, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let message = match this.stream.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(e))) => {
                    use tokio_tungstenite::tungstenite::Error as E;
                    this.done = true;
                    return match e {
                        E::ConnectionClosed | E::AlreadyClosed => Poll::Ready(None),
                        // Sending the reply to a normal close failed: the close was still clean.
                        _ if this.closing => Poll::Ready(None),
                        other => Poll::Ready(Some(Err(error::from_tungstenite(other).into()))),
                    };
                }
                Poll::Ready(Some(Ok(message))) => message,
            };
            match Self::step(message) {
                Step::Frame(frame) => return Poll::Ready(Some(Ok(frame))),
                Step::Skip => continue,
                // Read on: that sends tungstenite's reply to the close, then the stream ends.
                Step::End => this.closing = true,
                Step::Fail(error) => {
                    // A close with an error code ends the stream (once its reply is sent); a bad
                    // frame does not.
                    if matches!(error, Error::WebSocket(WebSocketError::Closed { .. })) {
                        this.closing = true;
                    }
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}
