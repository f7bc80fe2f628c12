//! Sending one operation's request: attempts and retries (policy in [`crate::retry`]), the
//! tracing span, and making error bodies decodable.
//!
//! # Error bodies
//!
//! The generated builders decode an error response's body into [`crate::ErrorBody`] (any JSON);
//! a body that is not JSON would become `progenitor_client::Error::InvalidResponsePayload`,
//! which carries neither the status nor the headers. To keep both, a 4xx/5xx body that is not
//! one of Telnyx's error shapes (an HTML page from a proxy, plain text, an empty body, JSON of
//! another shape) is replaced here by `{"message": "<body as text>"}` and the response is
//! marked with the `x-telnyx-client-raw-body` header; converting to
//! [`crate::Error`] then yields [`crate::ApiError`] with status, request id and
//! [`raw_body`](crate::ApiError::raw_body). Success bodies are never touched (they may be
//! streamed), so a 2xx body that does not match the description is reported without status.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::{Request, Response, ResponseBuilderExt};
use tracing::Instrument;
use tracing::field::Empty;

use crate::ClientState;
use crate::error::RAW_BODY_MARKER;
use crate::retry::{Outcome, RequestKind};

/// Sends `request` for `operation` (its `operationId`), retrying per `state.retry`.
pub(crate) async fn execute(
    http: &reqwest::Client,
    state: &ClientState,
    request: Request,
    operation: &'static str,
) -> reqwest::Result<Response> {
    let span = tracing::info_span!(
        "telnyx_request",
        operation,
        method = %request.method(),
        status = Empty,
        attempt = Empty,
        duration_ms = Empty,
    );
    let started = Instant::now();
    let result = attempts(http, state, request)
        .instrument(span.clone())
        .await;
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            span.record("status", status);
            span.in_scope(|| tracing::debug!(status, "telnyx request finished"));
            decodable_error_body(response).await
        }
        Err(error) => {
            span.in_scope(|| tracing::debug!(error = %error, "telnyx request failed"));
            Err(error)
        }
    }
}

/// The attempt loop; runs inside the operation's span.
async fn attempts(
    http: &reqwest::Client,
    state: &ClientState,
    mut request: Request,
) -> reqwest::Result<Response> {
    let method = request.method().clone();
    let has_idempotency_key = request.headers().contains_key("idempotency-key");
    let kind = RequestKind {
        method: &method,
        has_idempotency_key,
    };
    let mut attempt: u32 = 1;
    loop {
        tracing::Span::current().record("attempt", attempt);
        // A request whose body is a stream cannot be copied, and so is sent once.
        let spare = if attempt <= state.retry.retries() {
            request.try_clone()
        } else {
            None
        };
        let result = http.execute(request).await;
        let wait = {
            let outcome = match &result {
                Ok(response) => Outcome::Response {
                    status: response.status(),
                    headers: response.headers(),
                },
                Err(error) => Outcome::from_error(error),
            };
            state.retry.next_retry(
                kind,
                attempt,
                &outcome,
                SystemTime::now(),
                rand::random::<f64>(),
            )
        };
        match (wait, spare) {
            (Some(wait), Some(next)) => {
                match &result {
                    Ok(response) => tracing::info!(
                        attempt,
                        status = response.status().as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying telnyx request"
                    ),
                    Err(error) => tracing::info!(
                        attempt,
                        error = %error,
                        wait_ms = wait.as_millis() as u64,
                        "retrying telnyx request"
                    ),
                }
                drop(result);
                tokio::time::sleep(wait).await;
                request = next;
                attempt += 1;
            }
            _ => return result,
        }
    }
}

/// Whether `body` is one of Telnyx's error shapes: a JSON object with an `errors` list, a
/// `message` string, or the bare error object's `code`/`title`/`detail`. Any other JSON (a
/// proxy's or a mock's `problem+json`, say) is kept as the raw body instead of being read as an
/// empty error.
fn is_telnyx_error_shape(body: &[u8]) -> bool {
    use serde_json::Value;
    let Ok(Value::Object(fields)) = serde_json::from_slice(body) else {
        return false;
    };
    let is_text = |name: &str| matches!(fields.get(name), Some(Value::String(_)));
    matches!(fields.get("errors"), Some(Value::Array(_)))
        || is_text("message")
        || ["code", "title", "detail"].iter().any(|name| is_text(name))
}

/// Longest error body read; the rest is dropped (an error answer is a few hundred bytes, a
/// proxy's HTML page a few kilobytes).
const MAX_ERROR_BODY: usize = 256 * 1024;

/// Reads at most [`MAX_ERROR_BODY`] bytes of an error response's body.
async fn read_error_body(mut response: Response) -> reqwest::Result<Bytes> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ERROR_BODY - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    Ok(Bytes::from(body))
}

/// Leaves success responses alone; makes a 4xx/5xx body decodable (see the module
/// documentation).
async fn decodable_error_body(response: Response) -> reqwest::Result<Response> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let version = response.version();
    let url = response.url().clone();
    let mut headers = response.headers().clone();
    let body = read_error_body(response).await?;
    let body = if is_telnyx_error_shape(&body) {
        body
    } else {
        headers.remove(CONTENT_LENGTH);
        headers.remove(CONTENT_ENCODING);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(RAW_BODY_MARKER, HeaderValue::from_static("1"));
        let text = String::from_utf8_lossy(&body);
        Bytes::from(serde_json::json!({ "message": text }).to_string())
    };
    // Kept for operations whose document lists no error body (or not this status): the
    // conversion to `crate::Error` reads it from the response when progenitor hands over the
    // bare response.
    let captured = crate::error::CapturedErrorBody(body.clone());
    let mut builder = http::Response::builder()
        .status(status)
        .version(version)
        .url(url)
        .extension(captured.clone());
    if let Some(slot) = builder.headers_mut() {
        *slot = headers.clone();
    }
    Ok(match builder.body(body.clone()) {
        Ok(rebuilt) => Response::from(rebuilt),
        // Unreachable in practice (status and version come from a valid response); fall back
        // to a response without the URL rather than failing.
        Err(_) => {
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            rebuilt.extensions_mut().insert(captured);
            Response::from(rebuilt)
        }
    })
}
