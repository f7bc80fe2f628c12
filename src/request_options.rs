//! Settings for one call: [`RequestOptions`].
//!
//! Every operation builder has `.options(RequestOptions)`; what is set there overrides the
//! client's settings for that call only. The options travel with the call's future (a
//! task-local value set around its `send()`), so concurrent calls on one client never see each
//! other's options.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{Error, IdempotencyKey, RetryPolicy};

/// Headers a call may not set: the credential and the user agent belong to the client (a call
/// that needs another key needs another client, so that the key is never in options that get
/// logged or cloned), and the framing headers belong to the HTTP layer.
const RESERVED_HEADERS: [&str; 7] = [
    "authorization",
    "user-agent",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
];

/// Overrides of the client's settings for one call.
///
/// ```no_run
/// use std::time::Duration;
/// use telnyx_client::RequestOptions;
/// use telnyx_client::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), telnyx_client::Error> {
/// let rooms = client
///     .list_rooms()
///     .options(
///         RequestOptions::new()
///             .timeout(Duration::from_secs(120))
///             .max_retries(0)
///             .header("x-debug-trace", "on")?
///             .query("filter[unique_name]", "standup"),
///     )
///     .send()
///     .await?;
/// # let _ = rooms;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: HeaderMap,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
}

impl RequestOptions {
    /// No overrides: the client's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The limit for each attempt of this call, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// At most this many retries for this call (0: send once), with the client's policy
    /// otherwise.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = Some(self.retry.take().unwrap_or_default().max_retries(retries));
        self
    }

    /// This retry policy for this call, instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds a header to this call (one Telnyx documented after the client's spec was synced,
    /// say). `Authorization`, `User-Agent` and the framing headers (`Host`, `Content-Length`,
    /// `Content-Type`, `Transfer-Encoding`, `Connection`) are refused: they belong to the
    /// client and the HTTP layer.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let invalid = |problem: String| Error::InvalidRequest {
            message: format!("request option header `{name}` {problem}"),
        };
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid("is not a valid header name".to_owned()))?;
        if RESERVED_HEADERS.contains(&header.as_str()) {
            return Err(invalid(
                "is set by the client; configure it on the Client (a different API key needs \
                 a client of its own)"
                    .to_owned(),
            ));
        }
        let value = HeaderValue::from_str(value)
            .map_err(|_| invalid("has a value that is not a valid header value".to_owned()))?;
        self.headers.append(header, value);
        Ok(self)
    }

    /// Adds a query parameter to this call (after the operation's own).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sends this call with an `Idempotency-Key` (see [`IdempotencyKey`]).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Runs `future` (a call's `send()`) with these options. Generated builders call this.
    #[doc(hidden)]
    pub async fn scope<F: Future>(options: Option<RequestOptions>, future: F) -> F::Output {
        match options {
            Some(options) => CURRENT.scope(options, future).await,
            None => future.await,
        }
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("query", &self.query)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

tokio::task_local! {
    static CURRENT: RequestOptions;
}

/// Calls `f` with the options of the call being sent, if it has any.
pub(crate) fn with_current<T>(f: impl FnOnce(&RequestOptions) -> T) -> Option<T> {
    CURRENT.try_with(f).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_invalid_headers_are_refused() {
        for name in ["Authorization", "user-agent", "Content-Length", "host"] {
            let error = RequestOptions::new().header(name, "x").unwrap_err();
            assert!(
                error.to_string().contains("is set by the client"),
                "{error}"
            );
        }
        assert!(RequestOptions::new().header("bad name", "x").is_err());
        assert!(RequestOptions::new().header("x-ok", "line\nbreak").is_err());
        let options = RequestOptions::new().header("X-Trace", "1").unwrap();
        assert_eq!(options.headers["x-trace"], "1");
    }

    #[test]
    fn debug_shows_header_names_only() {
        let options = RequestOptions::new()
            .header("x-secretish", "value-not-shown")
            .unwrap();
        let debug = format!("{options:?}");
        assert!(debug.contains("x-secretish") && !debug.contains("value-not-shown"));
    }
}
