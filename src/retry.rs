//! Retry policy: which failed attempts are worth sending again, and how long to wait first.
//!
//! This module is pure: it decides from the request method, what happened, the current time and
//! a random number, all passed in, so its decisions are unit-tested deterministically. The
//! client's `exec` hook (in `transport`) applies it.
//!
//! # What is retried
//!
//! | outcome | `GET` `HEAD` `PUT` `DELETE` `OPTIONS`, or any request with an `Idempotency-Key` header | `POST`, `PATCH` |
//! |---|---|---|
//! | connection could not be opened (nothing was sent) | yes | yes |
//! | `429 Too Many Requests` | yes | yes |
//! | `408 Request Timeout`, any `5xx` | yes | no |
//! | timeout or connection lost after sending | yes | no |
//! | anything else | no | no |
//!
//! A `POST`/`PATCH` is re-sent only when the server cannot have acted on it (it never got it, or
//! it refused it with 429), or when the caller made it safe with an `Idempotency-Key`.
//!
//! # How long to wait
//!
//! The server's word first: `retry-after-ms` (milliseconds), then `Retry-After` (seconds or an
//! HTTP date), then — on 429 only — `x-ratelimit-reset` (seconds until the window resets; a value
//! that looks like a Unix time is read as one). A server-requested wait is capped at
//! [`RetryPolicy::max_server_wait`] (default 30 s). Without such a header: exponential backoff
//! from [`RetryPolicy::initial_backoff`] (0.5 s), doubling per retry, capped at
//! [`RetryPolicy::max_backoff`] (8 s), less up to 25 % random jitter so that clients that failed
//! together do not retry together.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// How the client retries failed requests. The default retries twice; see the
/// [module documentation](self) for what is retried and how long it waits.
///
/// ```
/// use std::time::Duration;
/// use telnyx_client::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .max_backoff(Duration::from_secs(4));
/// let off = RetryPolicy::disabled();
/// assert_eq!(off.retries(), 0);
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_server_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_server_wait: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent once.
    pub fn disabled() -> Self {
        Self::default().max_retries(0)
    }

    /// Sets how many times a request may be re-sent after the first attempt (default 2; 0
    /// turns retries off).
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the wait before the first retry when the server does not say how long to wait
    /// (default 0.5 s); it doubles with each further retry.
    #[must_use]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets the longest computed backoff between two attempts (default 8 s).
    #[must_use]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets the longest wait the client accepts from `Retry-After`, `retry-after-ms` or
    /// `x-ratelimit-reset` (default 30 s); longer requests are shortened to this.
    #[must_use]
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// How many times a request may be re-sent after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Decides whether to send the request again after attempt number `attempt` (1 for the
    /// first) ended with `outcome`, and if so after how long. `now` is the current time (for
    /// `Retry-After` dates) and `jitter` a random number in `[0, 1)`.
    pub(crate) fn next_retry(
        &self,
        request: RequestKind<'_>,
        attempt: u32,
        outcome: &Outcome<'_>,
        now: SystemTime,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt > self.max_retries || !is_retryable(request, outcome) {
            return None;
        }
        Some(self.wait(attempt, outcome, now, jitter))
    }

    /// The wait before retry number `retry` (1 for the first retry).
    fn wait(&self, retry: u32, outcome: &Outcome<'_>, now: SystemTime, jitter: f64) -> Duration {
        if let Outcome::Response { status, headers } = outcome
            && let Some(server) = server_wait(*status, headers, now)
        {
            return server.min(self.max_server_wait);
        }
        let doublings = retry.saturating_sub(1).min(30);
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        base.mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
    }
}

/// The request facts retry decisions depend on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestKind<'a> {
    /// The HTTP method.
    pub method: &'a Method,
    /// Whether the request carries an `Idempotency-Key` header.
    pub has_idempotency_key: bool,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// The connection could not be opened: the request was not sent.
    NotSent,
    /// The request may have reached the server, but no response came back (timeout, connection
    /// lost).
    NoResponse,
    /// The server answered.
    Response {
        /// Status of the answer.
        status: StatusCode,
        /// Headers of the answer.
        headers: &'a HeaderMap,
    },
}

impl<'a> Outcome<'a> {
    /// Classifies a transport error.
    pub(crate) fn from_error(error: &reqwest::Error) -> Self {
        if error.is_connect() {
            Outcome::NotSent
        } else {
            Outcome::NoResponse
        }
    }
}

fn is_retryable(request: RequestKind<'_>, outcome: &Outcome<'_>) -> bool {
    let replayable = request.has_idempotency_key
        || matches!(
            *request.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
    match outcome {
        Outcome::NotSent => true,
        Outcome::NoResponse => replayable,
        Outcome::Response { status, .. } => {
            *status == StatusCode::TOO_MANY_REQUESTS
                || (replayable
                    && (*status == StatusCode::REQUEST_TIMEOUT || status.is_server_error()))
        }
    }
}

/// The wait the server asks for, if it does.
fn server_wait(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    if let Some(value) = header("retry-after") {
        if let Ok(seconds) = value.parse::<f64>()
            && seconds.is_finite()
            && seconds >= 0.0
        {
            return Some(Duration::from_secs_f64(seconds));
        }
        // An HTTP-date in any of its three forms (RFC 9110 §5.6.7).
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    if status == StatusCode::TOO_MANY_REQUESTS
        && let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<f64>().ok())
        && reset.is_finite()
        && reset >= 0.0
    {
        // Small numbers are "seconds from now"; anything past 2001-09-09 is a Unix time.
        if reset >= 1_000_000_000.0 {
            let at = UNIX_EPOCH + Duration::from_secs_f64(reset);
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
        return Some(Duration::from_secs_f64(reset));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const GET: RequestKind<'static> = RequestKind {
        method: &Method::GET,
        has_idempotency_key: false,
    };
    const POST: RequestKind<'static> = RequestKind {
        method: &Method::POST,
        has_idempotency_key: false,
    };
    const POST_WITH_KEY: RequestKind<'static> = RequestKind {
        method: &Method::POST,
        has_idempotency_key: true,
    };

    fn now() -> SystemTime {
        // 2024-05-01T12:00:00Z
        UNIX_EPOCH + Duration::from_secs(1_714_564_800)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn response(status: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
        }
    }

    fn decide(request: RequestKind<'_>, attempt: u32, outcome: &Outcome<'_>) -> Option<Duration> {
        RetryPolicy::default().next_retry(request, attempt, outcome, now(), 0.0)
    }

    #[test]
    fn idempotent_methods_retry_server_errors_and_408() {
        let h = HeaderMap::new();
        for status in [408, 500, 502, 503, 504, 599] {
            assert!(decide(GET, 1, &response(status, &h)).is_some(), "{status}");
        }
        for method in [Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS] {
            let kind = RequestKind {
                method: &method,
                has_idempotency_key: false,
            };
            assert!(decide(kind, 1, &response(503, &h)).is_some(), "{method}");
        }
    }

    #[test]
    fn client_errors_and_successes_are_final() {
        let h = HeaderMap::new();
        for status in [200, 201, 204, 301, 400, 401, 403, 404, 409, 422] {
            assert_eq!(decide(GET, 1, &response(status, &h)), None, "{status}");
        }
    }

    #[test]
    fn post_and_patch_retry_only_when_unprocessed_or_idempotent() {
        let h = HeaderMap::new();
        let patch = RequestKind {
            method: &Method::PATCH,
            has_idempotency_key: false,
        };
        for kind in [POST, patch] {
            assert_eq!(decide(kind, 1, &response(500, &h)), None);
            assert_eq!(decide(kind, 1, &response(503, &h)), None);
            assert_eq!(decide(kind, 1, &response(408, &h)), None);
            assert_eq!(decide(kind, 1, &Outcome::NoResponse), None);
            assert!(decide(kind, 1, &response(429, &h)).is_some());
            assert!(decide(kind, 1, &Outcome::NotSent).is_some());
        }
        assert!(decide(POST_WITH_KEY, 1, &response(503, &h)).is_some());
        assert!(decide(POST_WITH_KEY, 1, &Outcome::NoResponse).is_some());
    }

    #[test]
    fn transport_failures_retry_for_idempotent_requests() {
        assert!(decide(GET, 1, &Outcome::NotSent).is_some());
        assert!(decide(GET, 1, &Outcome::NoResponse).is_some());
    }

    #[test]
    fn retry_budget_is_respected() {
        let h = HeaderMap::new();
        let outcome = response(503, &h);
        assert!(decide(GET, 1, &outcome).is_some());
        assert!(decide(GET, 2, &outcome).is_some());
        assert_eq!(decide(GET, 3, &outcome), None);
        let off = RetryPolicy::disabled();
        assert_eq!(off.next_retry(GET, 1, &outcome, now(), 0.0), None);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_caps_at_eight() {
        let policy = RetryPolicy::default().max_retries(10);
        let waits: Vec<_> = (1..=7)
            .map(|n| {
                policy
                    .next_retry(GET, n, &Outcome::NotSent, now(), 0.0)
                    .unwrap()
            })
            .collect();
        let secs: Vec<f64> = waits.iter().map(Duration::as_secs_f64).collect();
        assert_eq!(secs, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
    }

    #[test]
    fn jitter_shortens_by_at_most_a_quarter() {
        let policy = RetryPolicy::default();
        let wait = |jitter| {
            policy
                .next_retry(GET, 2, &Outcome::NotSent, now(), jitter)
                .unwrap()
        };
        assert_eq!(wait(0.0), Duration::from_secs(1));
        assert_eq!(wait(0.5), Duration::from_millis(875));
        assert!(wait(0.999_999) > Duration::from_millis(750));
        // Out-of-range input is clamped rather than producing odd waits.
        assert_eq!(wait(7.0), Duration::from_millis(750));
    }

    #[test]
    fn retry_after_seconds_and_ms() {
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(
            decide(GET, 1, &response(503, &h)),
            Some(Duration::from_secs(3))
        );
        let h = headers(&[("retry-after", "3"), ("retry-after-ms", "1250")]);
        assert_eq!(
            decide(GET, 1, &response(503, &h)),
            Some(Duration::from_millis(1250))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let h = headers(&[("retry-after", "Wed, 01 May 2024 12:00:07 GMT")]);
        assert_eq!(
            decide(GET, 1, &response(503, &h)),
            Some(Duration::from_secs(7))
        );
        let past = headers(&[("retry-after", "Wed, 01 May 2024 11:00:00 GMT")]);
        assert_eq!(decide(GET, 1, &response(503, &past)), Some(Duration::ZERO));
        // The obsolete forms an HTTP-date may also take: RFC 850 and asctime.
        for date in [
            "Wednesday, 01-May-24 12:00:07 GMT",
            "Wed May  1 12:00:07 2024",
        ] {
            let h = headers(&[("retry-after", date)]);
            assert_eq!(
                decide(GET, 1, &response(503, &h)),
                Some(Duration::from_secs(7)),
                "{date}"
            );
        }
    }

    #[test]
    fn rate_limit_reset_applies_to_429_only() {
        let h = headers(&[("x-ratelimit-reset", "4")]);
        assert_eq!(
            decide(POST, 1, &response(429, &h)),
            Some(Duration::from_secs(4))
        );
        // On a 503 the header is ignored and the computed backoff applies.
        assert_eq!(
            decide(GET, 1, &response(503, &h)),
            Some(Duration::from_millis(500))
        );
        let epoch = headers(&[("x-ratelimit-reset", "1714564810")]);
        assert_eq!(
            decide(GET, 1, &response(429, &epoch)),
            Some(Duration::from_secs(10))
        );
    }

    #[test]
    fn server_waits_are_capped() {
        let h = headers(&[("retry-after", "3600")]);
        assert_eq!(
            decide(GET, 1, &response(429, &h)),
            Some(Duration::from_secs(30))
        );
        let policy = RetryPolicy::default().max_server_wait(Duration::from_secs(5));
        assert_eq!(
            policy.next_retry(GET, 1, &response(429, &h), now(), 0.0),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn garbage_headers_fall_back_to_backoff() {
        let h = headers(&[
            ("retry-after", "soon"),
            ("retry-after-ms", "-5"),
            ("x-ratelimit-reset", "NaN"),
        ]);
        assert_eq!(
            decide(GET, 1, &response(429, &h)),
            Some(Duration::from_millis(500))
        );
    }
}
