//! Tracing output of the client: one span per operation with its facts, and no secrets.
//!
//! In a test binary of its own: `tracing` caches per-callsite interest process-wide, and a
//! span first reached by another test's thread (without this test's subscriber) can stay
//! disabled for this one.

use std::sync::Arc;

mod support;
use support::{respond, sequence};

use httpmock::prelude::*;
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::types;

const KEY: &str = "KEYtest0123456789";

/// Collects formatted tracing output.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_has_one_span_per_operation_and_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let room = json!({"data": {"id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"}});
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/rooms");
            then.respond_with(sequence(vec![
                respond(
                    429,
                    r#"{"errors":[{"code":"10011","title":"Too many requests"}]}"#,
                ),
                respond(201, &room.to_string()),
            ]));
        })
        .await;
    support::client(&server, Some(KEY), support::fast_retries())
        .create_room()
        .body(types::CreateRoomRequest::builder())
        .send()
        .await
        .expect("created after a 429");

    let text = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    let closes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("close time.busy="))
        .collect();
    assert_eq!(closes.len(), 1, "one span per operation:\n{text}");
    for field in [
        "operation=\"CreateRoom\"",
        "method=POST",
        "status=201",
        "attempt=2",
        "duration_ms=",
    ] {
        assert!(
            closes[0].contains(field),
            "{field} missing from {}",
            closes[0]
        );
    }
    assert!(text.contains("retrying telnyx request"), "{text}");
    assert!(!text.contains(KEY), "the key leaked into logs:\n{text}");
    assert!(!text.to_lowercase().contains("authorization"), "{text}");
}
