//! The escape hatch: [`Client::request`] calls an endpoint the vendored spec does not have
//! (yet), with the same authentication, user agent, retries, idempotency, tracing and
//! [`Error`] as every generated operation, and pages through page-numbered lists.

use std::fmt::Write as _;

use bytes::Bytes;
use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::operation::PagingStyle;
use crate::pagination::{ListOperation, PageMeta, PageRequest, PageSignals};
use crate::{Client, Error, RequestOptions};

/// The name the escape hatch's requests carry in the tracing span and in errors.
const OPERATION: &str = "request";

/// The largest successful answer read, 64 MiB.
pub const MAX_RAW_BODY: usize = 64 << 20;

impl Client {
    /// A request to `path` (relative to the base URL, starting with `/`) that no generated
    /// operation covers, going through the client's authentication, retries and errors.
    ///
    /// The path is checked when the request is sent: it must start with `/` and may not
    /// contain `//`, `.` or `..` segments, `?`, `#` or a scheme, so it cannot leave the base
    /// URL. Encode a value that goes into the path with [`path_segment`].
    ///
    /// ```no_run
    /// use reqwest::Method;
    /// use serde_json::{Value, json};
    /// use telnyx_client::{Client, path_segment};
    ///
    /// # async fn run(client: Client) -> Result<(), telnyx_client::Error> {
    /// let id = "room 7/a";
    /// let room: Value = client
    ///     .request(Method::PATCH, &format!("/rooms/{}", path_segment(id)))
    ///     .json(&json!({"max_participants": 10}))
    ///     .send()
    ///     .await?;
    /// # let _ = room;
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        RawRequest {
            client: self,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
            options: None,
        }
    }
}

tokio::task_local! {
    /// Set while an operation's `send_raw()` runs: the transport leaves the answer here.
    static CAPTURED: std::cell::RefCell<Option<RawResponse>>;
}

/// Runs an operation's `send` (generated `send_raw()` calls this) and returns its successful
/// answer as sent, whether or not it decodes.
#[doc(hidden)]
pub async fn capture_raw<T, E, F>(send: F) -> Result<RawResponse, Error>
where
    F: std::future::Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: Serialize,
{
    let (result, captured) = CAPTURED
        .scope(std::cell::RefCell::new(None), async {
            let result = send.await;
            (result, CAPTURED.with(|slot| slot.borrow_mut().take()))
        })
        .await;
    match (result, captured) {
        (Ok(_) | Err(progenitor_client::Error::InvalidResponsePayload(..)), Some(raw)) => Ok(raw),
        (Err(error), _) => Err(error.into()),
        (Ok(_), None) => Err(Error::Hook {
            message: "the answer was not captured".to_owned(),
        }),
    }
}

/// Whether an operation's `send_raw()` is running (its answer is to be captured).
pub(crate) fn capturing() -> bool {
    CAPTURED.try_with(|_| ()).is_ok()
}

/// Reads a successful answer whole (at most [`MAX_RAW_BODY`]), leaves a copy for
/// [`capture_raw`] and hands on an answer with the same parts and body.
pub(crate) async fn capture(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    if !response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let headers = response.headers().clone();
    let version = response.version();
    let url = response.url().clone();
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_RAW_BODY - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_RAW_BODY {
            break;
        }
    }
    let body = Bytes::from(body);
    let _ = CAPTURED.try_with(|slot| {
        *slot.borrow_mut() = Some(RawResponse {
            status,
            headers: headers.clone(),
            body: body.clone(),
        })
    });
    Ok(crate::progenitor_bridge::response_from(
        url, status, version, headers, body,
    ))
}

/// `value` percent-encoded as one path segment: everything but ASCII letters, digits and
/// `-._~` is encoded, so a `/`, `?` or `..` in it cannot change the path.
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_~".contains(&byte) {
            out.push(byte as char);
        } else {
            // `.` is encoded too: a segment that is `.` or `..` would move up the path.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A request built by [`Client::request`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    client: &'a Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Result<Value, String>>,
    options: Option<RequestOptions>,
}

/// A successful answer as sent: status, headers, body bytes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// The status (2xx or 3xx).
    pub status: StatusCode,
    /// The headers (`x-request-id`, the rate-limit headers, …).
    pub headers: HeaderMap,
    /// The body, at most [`MAX_RAW_BODY`] bytes.
    pub body: Bytes,
}

impl RawResponse {
    /// The body decoded as JSON into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| Error::InvalidResponse {
            body: self.body.clone(),
            source,
        })
    }
}

impl<'a> RawRequest<'a> {
    /// Adds query parameters: the fields of a struct or map (`None` fields are left out, a
    /// list repeats its name, nested objects are refused when the request is sent).
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        match serde_json::to_value(query) {
            Ok(Value::Object(fields)) => {
                for (name, value) in fields {
                    match value {
                        Value::Null => {}
                        Value::Array(items) => {
                            for item in items {
                                self.query.push((name.clone(), query_text(&item)));
                            }
                        }
                        value => self.query.push((name, query_text(&value))),
                    }
                }
            }
            _ => self.body = Some(Err("the query is not a struct or map".to_owned())),
        }
        self
    }

    /// Sends `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(serde_json::to_value(body).map_err(|e| e.to_string()));
        self
    }

    /// Overrides the client's settings for this call (see [`RequestOptions`]).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// Sends the request and decodes a successful answer as JSON into `T` (a
    /// `serde_json::Value` takes anything).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_raw().await?.json()
    }

    /// Sends the request and returns a successful answer as sent, undecoded.
    pub async fn send_raw(self) -> Result<RawResponse, Error> {
        let (status, headers, body) = self.exchange().await?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// The URL, or why the path may not be used.
    fn url(&self) -> Result<reqwest::Url, String> {
        check_path(&self.path)?;
        let mut url = reqwest::Url::parse(&format!("{}{}", self.client.baseurl, self.path))
            .map_err(|e| format!("`{}` does not make a URL: {e}", self.path))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    /// Sends the request through the client's hooks; an error answer is progenitor's
    /// `ErrorResponse`, so that it becomes an [`Error::Api`] like any operation's.
    async fn exchange(
        self,
    ) -> Result<(StatusCode, HeaderMap, Bytes), progenitor_client::Error<Value>> {
        let options = self.options.clone();
        RequestOptions::scope(options, async move {
            let url = self
                .url()
                .map_err(progenitor_client::Error::InvalidRequest)?;
            let body = self
                .body
                .clone()
                .transpose()
                .map_err(progenitor_client::Error::InvalidRequest)?;
            let mut builder = self.client.client.request(self.method.clone(), url);
            if let Some(body) = &body {
                builder = builder.json(body);
            }
            let mut request = builder.build()?;
            let info = OperationInfo {
                operation_id: OPERATION,
            };
            self.client.pre(&mut request, &info).await?;
            let mut response = self.client.exec(request, &info).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let mut bytes = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if bytes.len() + chunk.len() > MAX_RAW_BODY {
                    return Err(progenitor_client::Error::Custom(format!(
                        "the answer to {} {} is over {MAX_RAW_BODY} bytes",
                        self.method, self.path
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            let bytes = Bytes::from(bytes);
            if status.is_client_error() || status.is_server_error() {
                let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                return Err(progenitor_client::Error::ErrorResponse(ResponseValue::new(
                    body, status, headers,
                )));
            }
            Ok((status, headers, bytes))
        })
        .await
    }
}

/// A query value as text.
fn query_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Why `path` may not be joined to the base URL, if it may not.
fn check_path(path: &str) -> Result<(), String> {
    let refuse = |why: &str| {
        Err(format!(
            "the path `{path}` {why}; give a path below the base URL such as `/rooms/{{id}}`, \
             with values encoded by path_segment"
        ))
    };
    if !path.starts_with('/') {
        return refuse("does not start with `/`");
    }
    if path.contains("://") || path.contains('?') || path.contains('#') {
        return refuse("holds a URL, a query or a fragment");
    }
    if path.contains("//") {
        return refuse("has an empty segment (`//`)");
    }
    let lowered = path.to_ascii_lowercase();
    let dot_segment = |segment: &str| {
        let decoded = segment.replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    if lowered.split('/').any(dot_segment) {
        return refuse("has a `.` or `..` segment");
    }
    Ok(())
}

impl ListOperation for RawRequest<'_> {
    type Item = Value;
    type Response = Value;
    type ErrorBody = Value;
    const OPERATION_ID: &'static str = OPERATION;
    const STYLE: PagingStyle = PagingStyle::PageNumber;

    fn set_page(mut self, request: &PageRequest) -> Self {
        self.query
            .retain(|(name, _)| name != "page[number]" && name != "page[size]");
        self.query
            .push(("page[number]".to_owned(), request.number.to_string()));
        self.query
            .push(("page[size]".to_owned(), request.size.to_string()));
        self
    }

    async fn send_page(self) -> Result<ResponseValue<Value>, progenitor_client::Error<Value>> {
        let (status, headers, bytes) = self.exchange().await?;
        match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(ResponseValue::new(value, status, headers)),
            Err(e) => Err(progenitor_client::Error::InvalidResponsePayload(bytes, e)),
        }
    }

    /// Items from `data`; signals from `meta` (`total_pages`, `total_results`,
    /// `page_number`), Telnyx's page-number shape.
    fn into_parts(response: Value) -> (Vec<Value>, PageMeta) {
        let number = |key: &str| {
            response
                .pointer(&format!("/meta/{key}"))
                .and_then(Value::as_u64)
        };
        let signals = PageSignals {
            total_pages: number("total_pages"),
            total_results: number("total_results"),
            page_number: number("page_number"),
            ..PageSignals::default()
        };
        let items = match response {
            Value::Object(mut fields) => match fields.remove("data") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        (items, signals.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_base_url() {
        for ok in ["/rooms", "/rooms/abc", "/a.b/c", "/rooms/%2Fx"] {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "rooms",
            "//evil.example.com/x",
            "/a//b",
            "/../v1/x",
            "/a/./b",
            "/a/%2e%2E/b",
            "https://evil.example.com/x",
            "/a?b=1",
            "/a#b",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(path_segment("room 7/a"), "room%207%2Fa");
        assert_eq!(path_segment(".."), "%2E%2E");
        assert_eq!(path_segment("abc-_~"), "abc-_~");
    }
}
