//! Per-call options (`RequestOptions`) against a local server: a call's timeout, retries,
//! headers, query parameters and idempotency key override the client's for that call only,
//! and never reach another call, even one running at the same time on the same client.

use crate::support::{self, fast_retries, respond, sequence};

use std::time::Duration;

use httpmock::prelude::*;
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::{Error, IdempotencyKey, RequestOptions};

const KEY: &str = "KEYoptions0123456789";

fn empty_page() -> String {
    json!({"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 0}})
        .to_string()
}

#[tokio::test]
async fn a_call_timeout_shorter_than_the_clients_fires() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(200)
                .header("content-type", "application/json")
                .body(empty_page())
                .delay(Duration::from_secs(3));
        })
        .await;
    let client = support::builder(&server, Some(KEY), fast_retries())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let error: Error = client
        .list_rooms()
        .options(
            RequestOptions::new()
                .timeout(Duration::from_millis(200))
                .max_retries(0),
        )
        .send()
        .await
        .expect_err("the call's own timeout")
        .into();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    slow.assert_calls_async(1).await;
}

#[tokio::test]
async fn no_retries_for_one_call_where_the_client_would_retry() {
    let server = MockServer::start_async().await;
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.respond_with(sequence(vec![respond(
                503,
                r#"{"errors":[{"code":"90001","title":"Busy"}]}"#,
            )]));
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries().max_retries(2));
    let once = client
        .list_rooms()
        .options(RequestOptions::new().max_retries(0))
        .send()
        .await
        .expect_err("503");
    assert_eq!(once.status().map(|s| s.as_u16()), Some(503));
    busy.assert_calls_async(1).await;
    // The next call, without options, retries as the client says: 1 + 2 attempts.
    client.list_rooms().send().await.expect_err("503");
    busy.assert_calls_async(4).await;
}

#[tokio::test]
async fn headers_query_and_idempotency_key_arrive_after_the_operations_own() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .query_param("page[size]", "5")
                .query_param("filter[unique_name]", "standup")
                .header("x-debug-trace", "on")
                .header("idempotency-key", "call-42")
                .header("authorization", format!("Bearer {KEY}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(empty_page());
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    let options = RequestOptions::new()
        .header("x-debug-trace", "on")
        .expect("header")
        .query("filter[unique_name]", "standup")
        .idempotency_key(IdempotencyKey::new("call-42").expect("key"));
    client
        .list_rooms()
        .page_size(5u64)
        .options(options)
        .send()
        .await
        .expect("matched");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn options_of_one_call_never_reach_another() {
    let server = MockServer::start_async().await;
    let with = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms").header("x-call", "a");
            then.status(200)
                .header("content-type", "application/json")
                .body(empty_page())
                .delay(Duration::from_millis(100));
        })
        .await;
    let without = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms").header_missing("x-call");
            then.status(200)
                .header("content-type", "application/json")
                .body(empty_page())
                .delay(Duration::from_millis(100));
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    let options = RequestOptions::new().header("x-call", "a").expect("header");
    let calls = (0..6).map(|i| {
        let client = client.clone();
        let options = options.clone();
        async move {
            let call = client.list_rooms();
            let call = if i % 2 == 0 {
                call.options(options)
            } else {
                call
            };
            call.send().await.map(|_| ())
        }
    });
    for result in futures::future::join_all(calls).await {
        result.expect("each call matched its own mock");
    }
    with.assert_calls_async(3).await;
    without.assert_calls_async(3).await;
}

#[tokio::test]
async fn send_raw_returns_the_answer_as_sent_even_when_it_does_not_decode() {
    let server = MockServer::start_async().await;
    let body = r#"{"data": "not a list", "meta": {}}"#;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms").header("x-call", "raw");
            then.status(200)
                .header("content-type", "application/json")
                .header("x-request-id", "req-raw-2")
                .header("x-ratelimit-remaining", "7")
                .body(body);
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    let raw = client
        .list_rooms()
        .options(
            RequestOptions::new()
                .header("x-call", "raw")
                .expect("header"),
        )
        .send_raw()
        .await
        .expect("raw answer");
    assert_eq!(raw.status.as_u16(), 200);
    assert_eq!(raw.headers["x-request-id"], "req-raw-2");
    assert_eq!(raw.headers["x-ratelimit-remaining"], "7");
    assert_eq!(&raw.body[..], body.as_bytes());
    // `send` of the same answer fails to decode it, as it should.
    let decoded = client
        .list_rooms()
        .options(
            RequestOptions::new()
                .header("x-call", "raw")
                .expect("header"),
        )
        .send()
        .await;
    assert!(decoded.is_err());
    mock.assert_calls_async(2).await;
}
