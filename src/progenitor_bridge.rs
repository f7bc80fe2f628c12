//! Where this crate meets progenitor's error type, and why each crossing exists.
//!
//! The generated builders return `progenitor_client::Error<E>`, a type we do not control; the
//! rest of the crate speaks only [`Error`]. Three things do not fit progenitor's type, and each
//! is bridged here and nowhere else:
//!
//! * **A missing API key.** progenitor's `pre` hook can fail only with `Error::Custom(String)`,
//!   so the hook sends the text of [`Error::MissingApiKey`] and the conversion recognises it by
//!   an exact match against the text it would format (any other text stays [`Error::Hook`]).
//! * **An error body that is not JSON.** The builders decode an error body into
//!   [`ErrorBody`](crate::ErrorBody); a body that does not parse would become
//!   `InvalidResponsePayload`, which keeps neither the status nor the headers. So a 4xx/5xx
//!   body that is not one of Telnyx's error shapes (a proxy's HTML page, plain text, an empty
//!   body, JSON of another shape) is replaced by `{"message": "<body as text>"}` and the
//!   response is marked with the [`RAW_BODY_MARKER`] header (an `ErrorResponse` keeps only its
//!   status, headers and decoded body, so a header is the one place a mark survives). The
//!   conversion then yields [`ApiError`] with the status, the request id and
//!   [`raw_body`](ApiError::raw_body). Success bodies are never touched (they may be
//!   streamed).
//! * **An error status the spec does not list for the operation.** progenitor hands over the
//!   bare response as `UnexpectedResponse`; the body read here is kept in the response's
//!   extensions ([`CapturedErrorBody`]) so the conversion can still read Telnyx's error.
//!
//! Should progenitor's hooks gain a typed error or its error responses keep their bytes, the
//! first two crossings can go.

use bytes::Bytes;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::{Response, ResponseBuilderExt};
use serde_json::Value;

use crate::error::{ApiError, Error, REQUEST_ID_HEADER, header_text};
use crate::oauth::OAuthError;

/// Header added to an error response whose body was none of Telnyx's error shapes; the body
/// text is then carried in `message`. See [`ApiError::raw_body`].
pub(crate) const RAW_BODY_MARKER: &str = "x-telnyx-client-raw-body";

/// Longest error body read; the rest is dropped (an error answer is a few hundred bytes, a
/// proxy's HTML page a few kilobytes).
const MAX_ERROR_BODY: usize = 256 * 1024;

/// Start of [`Error::MissingApiKey`]'s text, before the operation id.
const MISSING_KEY_PREFIX: &str = "TELNYX_API_KEY is not set; operation ";

/// The (already made decodable) body of a 4xx/5xx response, kept in the response's extensions
/// for the conversion of an error status the operation does not document.
#[derive(Debug, Clone)]
pub(crate) struct CapturedErrorBody(pub(crate) Bytes);

/// The hook error for a missing API key: the text of [`Error::MissingApiKey`], which
/// [`parse_missing_api_key`] turns back into that variant. It also reads well unconverted.
pub(crate) fn missing_api_key<E>(operation: &str) -> progenitor_client::Error<E> {
    progenitor_client::Error::Custom(missing_api_key_message(operation))
}

fn missing_api_key_message(operation: &str) -> String {
    Error::MissingApiKey {
        operation: operation.to_owned(),
    }
    .to_string()
}

/// Start of the hook error for a failed OAuth token request; the number after it finds the
/// typed error in [`PENDING_OAUTH`].
const OAUTH_PREFIX: &str = "OAuth token request failed (#";

/// OAuth errors on their way through progenitor's `Custom` text, by number. Bounded: an error
/// the caller never converts is dropped once [`MAX_PENDING_OAUTH`] newer ones wait.
static PENDING_OAUTH: std::sync::Mutex<std::collections::VecDeque<(u64, OAuthError)>> =
    std::sync::Mutex::new(std::collections::VecDeque::new());
const MAX_PENDING_OAUTH: usize = 64;
static NEXT_OAUTH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The hook error for a failed OAuth token request: its text names the error, and
/// [`Error::from`] turns it back into [`Error::OAuth`] with the typed error.
pub(crate) fn oauth_failed<E>(error: OAuthError) -> progenitor_client::Error<E> {
    let id = NEXT_OAUTH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let text = format!("{OAUTH_PREFIX}{id}): {error}");
    if let Ok(mut pending) = PENDING_OAUTH.lock() {
        if pending.len() >= MAX_PENDING_OAUTH {
            pending.pop_front();
        }
        pending.push_back((id, error));
    }
    progenitor_client::Error::Custom(text)
}

fn take_oauth_error(message: &str) -> Option<OAuthError> {
    let rest = message.strip_prefix(OAUTH_PREFIX)?;
    let id: u64 = rest.split_once(')')?.0.parse().ok()?;
    let mut pending = PENDING_OAUTH.lock().ok()?;
    let index = pending.iter().position(|(n, _)| *n == id)?;
    pending.remove(index).map(|(_, error)| error)
}

fn parse_missing_api_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix(MISSING_KEY_PREFIX)?;
    let (operation, _) = rest.split_once(" needs an API key")?;
    (missing_api_key_message(operation) == message).then(|| operation.to_owned())
}

impl<E: serde::Serialize> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) => Error::InvalidRequest { message },
            P::CommunicationError(source)
            | P::InvalidUpgrade(source)
            | P::ResponseBodyError(source) => source.into(),
            P::ErrorResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = serde_json::to_value(response.into_inner()).unwrap_or(Value::Null);
                ApiError::from_parts(status, &headers, &body, is_raw(&headers)).into()
            }
            P::InvalidResponsePayload(body, source) => Error::InvalidResponse { body, source },
            P::UnexpectedResponse(response) => {
                let status = response.status();
                match response.extensions().get::<CapturedErrorBody>() {
                    Some(CapturedErrorBody(body))
                        if status.is_client_error() || status.is_server_error() =>
                    {
                        let body = serde_json::from_slice(body).unwrap_or(Value::Null);
                        let headers = response.headers();
                        ApiError::from_parts(status, headers, &body, is_raw(headers)).into()
                    }
                    _ => Error::UnexpectedResponse {
                        status,
                        request_id: header_text(response.headers(), REQUEST_ID_HEADER),
                    },
                }
            }
            P::Custom(message) => match parse_missing_api_key(&message) {
                Some(operation) => Error::MissingApiKey { operation },
                None => match take_oauth_error(&message) {
                    Some(error) => Error::OAuth(error),
                    None => Error::Hook { message },
                },
            },
        }
    }
}

/// Whether the response was marked with [`RAW_BODY_MARKER`].
fn is_raw(headers: &reqwest::header::HeaderMap) -> bool {
    headers.contains_key(RAW_BODY_MARKER)
}

/// Whether `body` is one of Telnyx's error shapes: a JSON object with an `errors` list, a
/// `message` string, or the bare error object's `code`/`title`/`detail`. Any other JSON (a
/// proxy's or a mock's `problem+json`, say) is kept as the raw body instead of being read as an
/// empty error.
fn is_telnyx_error_shape(body: &[u8]) -> bool {
    let Ok(Value::Object(fields)) = serde_json::from_slice(body) else {
        return false;
    };
    let is_text = |name: &str| matches!(fields.get(name), Some(Value::String(_)));
    matches!(fields.get("errors"), Some(Value::Array(_)))
        || is_text("message")
        || ["code", "title", "detail"].iter().any(|name| is_text(name))
}

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

/// Leaves success responses alone; makes a 4xx/5xx body decodable and keeps a copy of it (see
/// the module documentation).
pub(crate) async fn decodable_error_body(response: Response) -> reqwest::Result<Response> {
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
    let mut response = response_from(url, status, version, headers, body.clone());
    response.extensions_mut().insert(CapturedErrorBody(body));
    Ok(response)
}

/// A response with these parts and `body`, once the original's body has been read.
pub(crate) fn response_from(
    url: reqwest::Url,
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
) -> Response {
    // reqwest can attach the URL only through a response builder, whose `body` is fallible
    // although nothing set here can fail; the rest of the parts are set directly.
    let template = http::Response::builder()
        .url(url)
        .body(())
        .unwrap_or_default();
    let (mut parts, ()) = template.into_parts();
    parts.status = status;
    parts.version = version;
    parts.headers = headers;
    Response::from(http::Response::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_key_message_round_trips() {
        let message = missing_api_key_message("CreateRoom");
        assert!(message.starts_with("TELNYX_API_KEY is not set; operation CreateRoom needs"));
        assert_eq!(
            parse_missing_api_key(&message).as_deref(),
            Some("CreateRoom")
        );
        assert_eq!(parse_missing_api_key("something else"), None);
        let converted: Error = missing_api_key::<()>("CreateRoom").into();
        assert!(
            matches!(converted, Error::MissingApiKey { ref operation } if operation == "CreateRoom")
        );
        let other: Error = progenitor_client::Error::<()>::Custom("hook failed".into()).into();
        assert!(matches!(other, Error::Hook { ref message } if message == "hook failed"));
    }

    #[test]
    fn only_telnyx_error_shapes_are_kept_as_they_are() {
        assert!(is_telnyx_error_shape(br#"{"errors": []}"#));
        assert!(is_telnyx_error_shape(
            br#"{"message": "no", "success": false}"#
        ));
        assert!(is_telnyx_error_shape(
            br#"{"code": "10005", "title": "Not found"}"#
        ));
        assert!(!is_telnyx_error_shape(
            br#"{"type": "about:blank", "status": 500}"#
        ));
        assert!(!is_telnyx_error_shape(b"<html>bad gateway</html>"));
        assert!(!is_telnyx_error_shape(b""));
    }

    #[tokio::test]
    async fn a_raw_error_body_is_wrapped_marked_and_captured() {
        let original = http::Response::builder()
            .status(502)
            .url("https://api.telnyx.com/v2/rooms".parse().unwrap())
            .header(CONTENT_TYPE, "text/html")
            .body("<html>bad gateway</html>")
            .unwrap();
        let rebuilt = decodable_error_body(Response::from(original))
            .await
            .unwrap();
        assert_eq!(rebuilt.status(), 502);
        assert_eq!(rebuilt.url().as_str(), "https://api.telnyx.com/v2/rooms");
        assert!(rebuilt.headers().contains_key(RAW_BODY_MARKER));
        assert!(rebuilt.extensions().get::<CapturedErrorBody>().is_some());
        let body: Value = rebuilt.json().await.unwrap();
        assert_eq!(
            body,
            serde_json::json!({"message": "<html>bad gateway</html>"})
        );
    }
}
