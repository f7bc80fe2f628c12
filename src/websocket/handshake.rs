//! Opening a WebSocket: the HTTP/1.1 upgrade request, sent with reqwest so that TLS, proxies
//! and the client's settings are those of every other call, then the frames with
//! tokio-tungstenite.

use std::time::Instant;

use reqwest::StatusCode;
use reqwest::header::{
    AUTHORIZATION, CONNECTION, HeaderMap, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_VERSION, UPGRADE, USER_AGENT,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::{client::generate_key, derive_accept_key};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tracing::Instrument;
use tracing::field::Empty;

use super::{ClientFrame, WebSocket, WebSocketError};
use crate::client::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
use crate::{ApiError, Client, ClientState, Error};

/// The largest message a socket accepts from the server unless the builder's
/// `max_message_size` says otherwise: 16 MiB (a text-to-speech audio chunk is a few hundred
/// KiB of base64 at most).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 << 20;

/// The most of a refused handshake's body read for its error.
const MAX_ERROR_BODY: usize = 64 << 10;

/// One WebSocket operation's handshake, as its generated builder fills it in: which operation,
/// its path, its query. Not for use outside generated code.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct WebSocketRequest {
    operation: &'static str,
    path: &'static str,
    needs_key: bool,
    query: Vec<(&'static str, String)>,
    max_message_size: usize,
}

impl WebSocketRequest {
    /// The handshake of `operation` (its `operationId`) at `path`; `needs_key` when the
    /// operation takes the API key.
    pub fn new(operation: &'static str, path: &'static str, needs_key: bool) -> Self {
        WebSocketRequest {
            operation,
            path,
            needs_key,
            query: Vec::new(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// Adds the query parameter `name`, which must be set.
    pub fn required<T: Serialize>(
        &mut self,
        name: &'static str,
        value: Result<Option<T>, String>,
    ) -> Result<(), Error> {
        match value {
            Ok(None) => Err(Error::InvalidRequest {
                message: format!("`{name}` was not set; it is required"),
            }),
            other => self.optional(name, other),
        }
    }

    /// Adds the query parameter `name` when it is set.
    pub fn optional<T: Serialize>(
        &mut self,
        name: &'static str,
        value: Result<Option<T>, String>,
    ) -> Result<(), Error> {
        let value = value.map_err(|message| Error::InvalidRequest { message })?;
        let Some(value) = value else { return Ok(()) };
        let text = match serde_json::to_value(&value) {
            Ok(Value::String(text)) => text,
            Ok(Value::Null) => return Ok(()),
            Ok(value @ (Value::Bool(_) | Value::Number(_))) => value.to_string(),
            Ok(_) | Err(_) => {
                return Err(Error::InvalidRequest {
                    message: format!("`{name}` is not a value a query parameter can carry"),
                });
            }
        };
        self.query.push((name, text));
        Ok(())
    }

    /// The largest message accepted from the server.
    pub fn max_message_size(&mut self, bytes: usize) {
        self.max_message_size = bytes;
    }

    /// Opens the WebSocket on `client`.
    pub async fn connect<S: ClientFrame, R: DeserializeOwned>(
        self,
        client: &Client,
    ) -> Result<WebSocket<S, R>, Error> {
        let span = tracing::info_span!(
            "telnyx_websocket",
            operation = self.operation,
            status = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        let operation = self.operation;
        let result = self.open(client).instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(_) => span.in_scope(|| tracing::debug!("telnyx websocket open")),
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                span.in_scope(|| tracing::debug!(error = %error, "telnyx websocket refused"));
            }
        }
        result.map(|socket| WebSocket::new(socket, operation))
    }

    async fn open(self, client: &Client) -> Result<WebSocketStream<reqwest::Upgraded>, Error> {
        let state: &ClientState = &client.inner;
        let credential = if self.needs_key {
            state.credential(&client.client, &client.baseurl).await?
        } else {
            None
        };
        let authorization = match (credential, self.needs_key) {
            (Some(value), _) => Some(value),
            (None, true) => {
                return Err(Error::MissingApiKey {
                    operation: self.operation.to_owned(),
                });
            }
            (None, false) => None,
        };
        // HTTP/2 has no `Upgrade`; a client that may negotiate it cannot open a WebSocket.
        let http = crate::tls::http_client_builder()
            .http1_only()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .build()
            .map_err(|source| Error::Connect { source })?;
        let key = generate_key();
        let mut request = http
            .get(format!("{}{}", client.baseurl, self.path))
            .query(&self.query)
            .header(CONNECTION, "Upgrade")
            .header(UPGRADE, "websocket")
            .header(SEC_WEBSOCKET_VERSION, "13")
            .header(SEC_WEBSOCKET_KEY, &key)
            .header(USER_AGENT, state.user_agent.clone());
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        let limit = state.request_timeout.unwrap_or(DEFAULT_TIMEOUT);
        let response = tokio::time::timeout(limit, request.send())
            .await
            .map_err(|_| WebSocketError::Connection {
                message: format!("no answer to the handshake within {limit:?}"),
            })??;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        if status != StatusCode::SWITCHING_PROTOCOLS {
            return Err(refusal(response).await);
        }
        let accept = response.headers().get(SEC_WEBSOCKET_ACCEPT);
        if accept.and_then(|v| v.to_str().ok()) != Some(derive_accept_key(key.as_bytes()).as_str())
        {
            return Err(WebSocketError::NotUpgraded {
                problem: "its Sec-WebSocket-Accept does not answer our key".to_owned(),
            }
            .into());
        }
        let upgraded = response.upgrade().await?;
        let config = WebSocketConfig::default()
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size));
        Ok(WebSocketStream::from_raw_socket(upgraded, Role::Client, Some(config)).await)
    }
}

/// The error for a handshake answered without `101`: Telnyx's error answer when it is one
/// (body read up to [`MAX_ERROR_BODY`]).
async fn refusal(mut response: reqwest::Response) -> Error {
    let status = response.status();
    if status.is_success() {
        return WebSocketError::NotUpgraded {
            problem: format!("it answered {status}"),
        }
        .into();
    }
    let headers: HeaderMap = response.headers().clone();
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(MAX_ERROR_BODY);
    let api = match serde_json::from_slice::<Value>(&body) {
        Ok(json @ Value::Object(_)) => ApiError::from_parts(status, &headers, &json, false),
        _ => {
            let text = String::from_utf8_lossy(&body).into_owned();
            ApiError::from_parts(
                status,
                &headers,
                &serde_json::json!({ "message": text }),
                true,
            )
        }
    };
    Error::Api(Box::new(api))
}
