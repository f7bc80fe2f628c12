//! The crate's one error type, [`Error`], and the details of an error answer from Telnyx,
//! [`ApiError`].
//!
//! Every generated request builder's `send()` returns `progenitor_client::Error<E>`; `?`
//! converts it into [`Error`] for any error body type `E` (see `progenitor_bridge`).

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// Response header that carries Telnyx's id for a request; quote it to Telnyx support.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Longest body excerpt an error message shows.
const EXCERPT_CHARS: usize = 300;

/// Everything that can go wrong when using this crate.
///
/// `Display` says what happened and what to do about it. The API key never appears in any
/// variant or message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Telnyx answered with an error status (4xx or 5xx). Retryable ones were already retried
    /// according to the client's [`RetryPolicy`](crate::RetryPolicy).
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The operation needs an API key and the client has none. Nothing was sent.
    #[error(
        "TELNYX_API_KEY is not set; operation {operation} needs an API key. Set the TELNYX_API_KEY \
         environment variable (read by Client::from_env) or pass a key to \
         Client::builder().api_key(..)"
    )]
    MissingApiKey {
        /// The operation that was called, as its `operationId` (for example `CreateRoom`).
        operation: String,
    },

    /// A client setting (or the environment variable it came from) is invalid.
    #[error("invalid {setting}: {problem}")]
    Config {
        /// The setting, for example `TELNYX_BASE_URL` or `base_url`.
        setting: String,
        /// What is wrong with it and how to fix it.
        problem: String,
    },

    /// A request argument could not be converted to what the API expects (for example a
    /// `page[size]` of 0). Nothing was sent.
    #[error("invalid request argument: {message}. Check the values passed to the request builder")]
    InvalidRequest {
        /// What could not be converted.
        message: String,
    },

    /// A file given for an upload cannot be sent (see [`FilePart::path`]). Nothing was sent.
    ///
    /// [`FilePart::path`]: crate::upload::FilePart::path
    #[cfg(telnyx_uploads)]
    #[error(transparent)]
    File(#[from] crate::upload::FileError),

    /// No response arrived in time (after any retries).
    #[error(
        "the request to Telnyx timed out: {source}. Retry later, or allow more time with \
         ClientBuilder::timeout"
    )]
    Timeout {
        /// The underlying HTTP error.
        source: reqwest::Error,
    },

    /// The connection to Telnyx could not be opened (after any retries). Nothing was sent.
    #[error(
        "could not connect to Telnyx: {source}. Check the network, any proxy settings, and the \
         base URL (TELNYX_BASE_URL or ClientBuilder::base_url)"
    )]
    Connect {
        /// The underlying HTTP error.
        source: reqwest::Error,
    },

    /// The HTTP exchange failed in another way (connection lost, body unreadable, …).
    #[error("the HTTP exchange with Telnyx failed: {source}")]
    Http {
        /// The underlying HTTP error.
        source: reqwest::Error,
    },

    /// A success response whose body does not match the API description this client was
    /// generated from (the vendored `spec/telnyx.json` may be out of date).
    #[error(
        "Telnyx's response does not match the API description: {source}; body: {}. The vendored \
         OpenAPI document may be out of date",
        excerpt(body)
    )]
    InvalidResponse {
        /// The body as received.
        body: Bytes,
        /// Why it did not decode.
        source: serde_json::Error,
    },

    /// A status the API description does not list for the operation (for example an
    /// undocumented 2xx); the body was not read.
    #[error(
        "Telnyx answered {status}{}, which the API description does not list for this operation; \
         if it is a success, the vendored OpenAPI document may be out of date",
        request_id_suffix(request_id.as_deref())
    )]
    UnexpectedResponse {
        /// The status received.
        status: StatusCode,
        /// Telnyx's request id, if the response had one.
        request_id: Option<String>,
    },

    /// A streamed answer (server-sent events) stopped with an error; see
    /// [`EventStreamError`](crate::event_stream::EventStreamError).
    #[cfg(telnyx_event_streams)]
    #[error(transparent)]
    EventStream(crate::event_stream::error::EventStreamError),

    /// A WebSocket stopped or refused a frame; see
    /// [`WebSocketError`](crate::websocket::WebSocketError).
    #[cfg(feature = "websocket")]
    #[error(transparent)]
    WebSocket(crate::websocket::WebSocketError),

    /// No OAuth access token could be had (see
    /// [`ClientBuilder::oauth_client_credentials`](crate::ClientBuilder::oauth_client_credentials)).
    /// Nothing else was sent.
    #[error(transparent)]
    OAuth(#[from] crate::oauth::OAuthError),

    /// A client hook failed for another reason.
    #[error("{message}")]
    Hook {
        /// The hook's message.
        message: String,
    },
}

impl Error {
    /// The HTTP status, when Telnyx answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::OAuth(crate::oauth::OAuthError::Refused(api)) => Some(api.status),
            Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::Timeout { source } | Error::Connect { source } | Error::Http { source } => {
                source.status()
            }
            _ => None,
        }
    }

    /// Telnyx's request id, when Telnyx answered with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The details of an error answer from Telnyx, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    pub(crate) fn config(setting: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::Config {
            setting: setting.into(),
            problem: problem.into(),
        }
    }
}

/// An error answer from Telnyx: status, request id, and the body in whichever of Telnyx's
/// shapes it came.
///
/// Telnyx sends a JSON:API style list, `{"errors": [{"code", "title", "detail", "source",
/// "meta"}]}`, or (for some 403 and 404 answers) one such object on its own, `{"code", "title",
/// "detail", "source", "meta"}`; either way the objects end up in [`errors`](Self::errors).
/// Some endpoints send `{"message": "...", "success": false}` instead (in
/// [`message`](Self::message)). A body in none of these shapes (an HTML page from a proxy,
/// plain text, nothing) is kept in [`raw_body`](Self::raw_body).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The `x-request-id` response header.
    pub request_id: Option<String>,
    /// The items of `errors[]`, in order; for a body that is a single bare error object, that
    /// object.
    pub errors: Vec<ApiErrorItem>,
    /// `message`, from the `{message, success}` shape.
    pub message: Option<String>,
    /// `success`, from the `{message, success}` shape.
    pub success: Option<bool>,
    /// The body as text, when it was in neither shape.
    pub raw_body: Option<String>,
}

/// One error object: an item of an error answer's `errors[]`, or the whole body when Telnyx
/// sends a bare error object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiErrorItem {
    /// Telnyx's error code, a string of digits such as `"10015"`.
    pub code: Option<String>,
    /// Short, stable summary.
    pub title: Option<String>,
    /// Explanation of this occurrence.
    pub detail: Option<String>,
    /// `source.pointer`: JSON Pointer into the request body.
    pub pointer: Option<String>,
    /// `source.parameter`: the offending query parameter.
    pub parameter: Option<String>,
    /// `meta.url`: link to documentation for the code.
    pub url: Option<String>,
}

impl ApiError {
    /// Builds the details from a status, the response headers and a decoded error body
    /// serialized back to JSON (so that any generated body type can be read). With `raw_body`,
    /// the body was none of Telnyx's error shapes and its text is in `message`.
    pub(crate) fn from_parts(
        status: StatusCode,
        headers: &HeaderMap,
        body: &Value,
        raw_body: bool,
    ) -> Self {
        let text = |value: &Value, key: &str| -> Option<String> {
            match value.get(key)? {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        let item = |object: &Value| {
            let source = object.get("source").unwrap_or(&Value::Null);
            let meta = object.get("meta").unwrap_or(&Value::Null);
            ApiErrorItem {
                code: text(object, "code"),
                title: text(object, "title"),
                detail: text(object, "detail"),
                pointer: text(source, "pointer"),
                parameter: text(source, "parameter"),
                url: text(meta, "url"),
            }
        };
        let mut errors: Vec<ApiErrorItem> = body
            .get("errors")
            .and_then(Value::as_array)
            .map(|items| items.iter().map(item).collect())
            .unwrap_or_default();
        // The bare shape: one error object as the whole body, without the `errors` list.
        let bare = item(body);
        if bare != ApiErrorItem::default() {
            errors.push(bare);
        }
        let mut message = text(body, "message");
        let raw_body = if raw_body {
            Some(message.take().unwrap_or_default())
        } else {
            None
        };
        ApiError {
            status,
            request_id: header_text(headers, REQUEST_ID_HEADER),
            errors,
            message,
            success: body.get("success").and_then(Value::as_bool),
            raw_body,
        }
    }

    /// The first item of `errors[]`, usually the one that matters.
    pub fn first(&self) -> Option<&ApiErrorItem> {
        self.errors.first()
    }

    /// Whether any item of `errors[]` has this code.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code.as_deref() == Some(code))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Telnyx API error {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(first) = self.errors.first() {
            f.write_str(":")?;
            for part in [&first.code, &first.title].into_iter().flatten() {
                write!(f, " {part}")?;
            }
            if let Some(detail) = &first.detail {
                let separator = if first.code.is_some() || first.title.is_some() {
                    " -"
                } else {
                    ""
                };
                write!(f, "{separator} {detail}")?;
            }
            if let Some(pointer) = first.pointer.as_ref().or(first.parameter.as_ref()) {
                write!(f, " (at {pointer})")?;
            }
            if self.errors.len() > 1 {
                write!(f, " (and {} more)", self.errors.len() - 1)?;
            }
        } else if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        } else if let Some(raw) = &self.raw_body {
            if raw.trim().is_empty() {
                f.write_str(" with an empty body")?;
            } else {
                write!(f, "; body: {}", excerpt(raw.as_bytes()))?;
            }
        }
        match self.status {
            StatusCode::UNAUTHORIZED => {
                f.write_str(". Check that the API key (TELNYX_API_KEY) is valid and active")
            }
            StatusCode::TOO_MANY_REQUESTS => {
                f.write_str(". Rate limited: send fewer requests or allow more retries")
            }
            _ => Ok(()),
        }
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }
}

impl From<reqwest::Error> for Error {
    fn from(source: reqwest::Error) -> Self {
        if source.is_connect() {
            Error::Connect { source }
        } else if source.is_timeout() {
            Error::Timeout { source }
        } else {
            Error::Http { source }
        }
    }
}

/// The body of an error answer as the generated request builders decode it: any JSON value.
///
/// Every operation's error body decodes into this one type, whatever the OpenAPI document
/// describes (a body that is not JSON at all is kept as text, see [`ApiError::raw_body`]);
/// converting to [`Error`] reads Telnyx's error shapes from it. Most code never names this
/// type: `?` turns it into [`Error::Api`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ErrorBody(pub Value);

pub(crate) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

/// At most [`EXCERPT_CHARS`] characters of a body, lossily decoded, on one line.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty)".to_owned();
    }
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect();
    if text.chars().count() > EXCERPT_CHARS {
        format!("{one_line}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    fn headers(request_id: Option<&str>) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Some(id) = request_id {
            map.insert(REQUEST_ID_HEADER, HeaderValue::from_str(id).unwrap());
        }
        map
    }

    #[test]
    fn errors_shape_is_parsed_and_displayed() {
        let body = json!({"errors": [
            {"code": "10015", "title": "Invalid value", "detail": "max_participants must be at most 50",
             "source": {"pointer": "/max_participants"}, "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10015"}},
            {"code": "10016", "title": "Other"}
        ]});
        let error = ApiError::from_parts(
            StatusCode::UNPROCESSABLE_ENTITY,
            &headers(Some("req-1")),
            &body,
            false,
        );
        assert_eq!(error.errors.len(), 2);
        let first = error.first().unwrap();
        assert_eq!(first.code.as_deref(), Some("10015"));
        assert_eq!(first.pointer.as_deref(), Some("/max_participants"));
        assert_eq!(
            first.url.as_deref(),
            Some("https://developers.telnyx.com/docs/overview/errors/10015")
        );
        assert!(error.has_code("10016"));
        assert_eq!(
            error.to_string(),
            "Telnyx API error 422 Unprocessable Entity (request id req-1): 10015 Invalid value - \
             max_participants must be at most 50 (at /max_participants) (and 1 more)"
        );
    }

    #[test]
    fn bare_error_object_becomes_one_item() {
        let body = json!({"code": "10007", "title": "Resource not found",
            "detail": "The requested room does not exist", "source": {"parameter": "room_id"},
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10007"}});
        let error = ApiError::from_parts(StatusCode::NOT_FOUND, &headers(None), &body, false);
        assert_eq!(
            error.errors,
            vec![ApiErrorItem {
                code: Some("10007".into()),
                title: Some("Resource not found".into()),
                detail: Some("The requested room does not exist".into()),
                pointer: None,
                parameter: Some("room_id".into()),
                url: Some("https://developers.telnyx.com/docs/overview/errors/10007".into()),
            }]
        );
        assert_eq!(error.message, None);
        assert_eq!(
            error.to_string(),
            "Telnyx API error 404 Not Found: 10007 Resource not found - The requested room does \
             not exist (at room_id)"
        );
        // The same body decoded as the builders' error body (the conversion's real input)
        // keeps every field of the bare shape.
        let decoded: ErrorBody = serde_json::from_value(body).expect("bare error body decodes");
        let converted: Error = progenitor_client::Error::ErrorResponse(
            progenitor_client::ResponseValue::new(decoded, StatusCode::NOT_FOUND, HeaderMap::new()),
        )
        .into();
        assert_eq!(converted.api().map(|api| &api.errors), Some(&error.errors));
        // Only a title is enough to count as the bare shape.
        let error = ApiError::from_parts(
            StatusCode::FORBIDDEN,
            &headers(None),
            &json!({"title": "Forbidden"}),
            false,
        );
        assert_eq!(
            error.first().and_then(|e| e.title.as_deref()),
            Some("Forbidden")
        );
    }

    #[test]
    fn message_shape_is_parsed_and_displayed() {
        let body = json!({"message": "Room not found", "success": false});
        let error = ApiError::from_parts(StatusCode::NOT_FOUND, &headers(None), &body, false);
        assert!(error.errors.is_empty());
        assert_eq!(error.message.as_deref(), Some("Room not found"));
        assert_eq!(error.success, Some(false));
        assert_eq!(
            error.to_string(),
            "Telnyx API error 404 Not Found: Room not found"
        );
    }

    #[test]
    fn raw_body_is_kept_when_marked() {
        let body = json!({"message": "<html>Bad gateway</html>"});
        let error = ApiError::from_parts(StatusCode::BAD_GATEWAY, &headers(None), &body, true);
        assert_eq!(error.message, None);
        assert_eq!(error.raw_body.as_deref(), Some("<html>Bad gateway</html>"));
        assert_eq!(
            error.to_string(),
            "Telnyx API error 502 Bad Gateway; body: <html>Bad gateway</html>"
        );
        let empty = ApiError::from_parts(
            StatusCode::BAD_GATEWAY,
            &headers(None),
            &json!({"message": ""}),
            true,
        );
        assert_eq!(
            empty.to_string(),
            "Telnyx API error 502 Bad Gateway with an empty body"
        );
    }

    #[test]
    fn unauthorized_says_what_to_check() {
        let error = ApiError::from_parts(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            &json!({}),
            false,
        );
        assert!(error.to_string().contains("TELNYX_API_KEY"));
    }

    #[test]
    fn error_is_thread_safe_and_static() {
        fn assert_bounds<T: std::error::Error + Send + Sync + 'static>() {}
        assert_bounds::<Error>();
    }

    #[test]
    fn excerpt_is_bounded_and_single_line() {
        let long = "x".repeat(1000);
        let shown = excerpt(long.as_bytes());
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"a\nb"), "a b");
        assert_eq!(excerpt(b"  "), "(empty)");
    }
}
