//! Helpers shared by the client test binaries: the one place they build a client, and mock
//! responses. Each binary uses a part of it.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::Duration;

use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use telnyx_client::{Client, ClientBuilder, RetryPolicy};

/// A client builder for `server` with `key` (none: a client without a key) and `policy`.
pub fn builder(server: &MockServer, key: Option<&str>, policy: RetryPolicy) -> ClientBuilder {
    let builder = Client::builder()
        .base_url(server.base_url())
        .retry_policy(policy);
    match key {
        Some(key) => builder.api_key(key),
        None => builder,
    }
}

/// A client for `server` with `key` (none: a client without a key) and `policy`.
pub fn client(server: &MockServer, key: Option<&str>, policy: RetryPolicy) -> Client {
    builder(server, key, policy)
        .build()
        .expect("valid test configuration")
}

/// The default retries with a 1 ms first backoff, so retry tests run fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(1))
}

/// Responds with the given responses in turn, repeating the last.
pub fn sequence(responses: Vec<HttpMockResponse>) -> impl Fn(&HttpMockRequest) -> HttpMockResponse {
    let calls = Arc::new(AtomicUsize::new(0));
    move |_| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        responses[n.min(responses.len() - 1)].clone()
    }
}

/// A JSON response that asks for a 1 ms retry wait, so retry tests run fast.
pub fn respond(status: u16, body: &str) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("retry-after-ms", "1")
        .body(body.to_owned())
        .build()
}
