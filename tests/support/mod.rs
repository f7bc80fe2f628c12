//! Mock-server helpers shared by the client test binaries.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use httpmock::{HttpMockRequest, HttpMockResponse};

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
