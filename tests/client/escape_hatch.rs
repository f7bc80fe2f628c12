//! `Client::request`, the escape hatch for endpoints the spec does not have, against a local
//! server: it authenticates, retries, decodes errors and pages like a generated operation, and
//! it cannot be pointed outside the base URL.

use crate::support::{self, fast_retries, respond, sequence};

use futures::TryStreamExt;
use httpmock::prelude::*;
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};
use telnyx_client::prelude::*;
use telnyx_client::{Error, IdempotencyKey, RawRequest, RequestOptions, path_segment};

const KEY: &str = "KEYescape0123456789";

#[derive(Serialize)]
struct Filter {
    #[serde(rename = "filter[status]")]
    status: &'static str,
    #[serde(rename = "filter[tag]")]
    tags: Vec<&'static str>,
    #[serde(rename = "filter[name]")]
    name: Option<&'static str>,
}

#[tokio::test]
async fn a_new_endpoint_is_called_with_auth_query_body_and_retries() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/widgets/a%20b%2Fc/actions/spin")
                .query_param("filter[status]", "on")
                .query_param("filter[tag]", "x")
                .query_param("filter[tag]", "y")
                .query_param_missing("filter[name]")
                .header("authorization", format!("Bearer {KEY}"))
                .header("user-agent", telnyx_client::DEFAULT_USER_AGENT)
                .header("idempotency-key", "spin-1")
                .json_body(json!({"speed": 3}));
            then.respond_with(sequence(vec![
                respond(503, r#"{"errors":[{"code":"90001","title":"Busy"}]}"#),
                respond(200, r#"{"data":{"spinning":true}}"#),
            ]));
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    let path = format!("/widgets/{}/actions/spin", path_segment("a b/c"));
    let answer: Value = client
        .request(Method::POST, &path)
        .query(&Filter {
            status: "on",
            tags: vec!["x", "y"],
            name: None,
        })
        .json(&json!({"speed": 3}))
        // A POST is re-sent after a 503 only with an idempotency key, as for any operation.
        .options(RequestOptions::new().idempotency_key(IdempotencyKey::new("spin-1").expect("key")))
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(answer["data"]["spinning"], true);
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn the_raw_answer_has_status_headers_and_bytes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/balance");
            then.status(200)
                .header("content-type", "application/json")
                .header("x-request-id", "req-raw-1")
                .header("x-ratelimit-remaining", "99")
                .body(r#"{"data":{"balance":"10.00"}}"#);
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    let raw = client
        .request(Method::GET, "/balance")
        .send_raw()
        .await
        .expect("raw");
    assert_eq!(raw.status.as_u16(), 200);
    assert_eq!(raw.headers["x-request-id"], "req-raw-1");
    assert_eq!(raw.headers["x-ratelimit-remaining"], "99");
    assert_eq!(&raw.body[..], br#"{"data":{"balance":"10.00"}}"#);
    let decoded: Value = raw.json().expect("json");
    assert_eq!(decoded["data"]["balance"], "10.00");
}

#[tokio::test]
async fn errors_are_decoded_like_an_operations() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/widgets/7");
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-404")
                .body(r#"{"errors":[{"code":"10005","title":"Resource not found","detail":"No widget 7."}]}"#);
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    let error = client
        .request(Method::DELETE, "/widgets/7")
        .send::<Value>()
        .await
        .expect_err("404");
    let api = error.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.request_id.as_deref(), Some("req-404"));
    assert!(api.has_code("10005"));
    // Without a key nothing is sent.
    let keyless = support::client(&server, None, fast_retries());
    let error = keyless
        .request(Method::GET, "/widgets")
        .send::<Value>()
        .await
        .expect_err("no key");
    assert!(matches!(error, Error::MissingApiKey { .. }), "{error:?}");
}

#[tokio::test]
async fn a_list_pages_through_three_pages() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for page in 1..=3u64 {
        let body = json!({
            "data": [{"id": page * 10 + 1}, {"id": page * 10 + 2}],
            "meta": {"page_number": page, "page_size": 2, "total_pages": 3, "total_results": 6}
        });
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/widgets")
                        .query_param("filter[status]", "on")
                        .query_param("page[number]", page.to_string())
                        .query_param("page[size]", "2");
                    then.status(200)
                        .header("content-type", "application/json")
                        .body(body.to_string());
                })
                .await,
        );
    }
    let client = support::client(&server, Some(KEY), fast_retries());
    let request: RawRequest<'_> = client
        .request(Method::GET, "/widgets")
        .query(&json!({"filter[status]": "on"}));
    let ids: Vec<u64> = request
        .paginate()
        .page_size(2)
        .into_stream()
        .map_ok(|item| item["id"].as_u64().unwrap_or_default())
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(ids, [11, 12, 21, 22, 31, 32]);
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn paths_that_leave_the_base_url_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let client = support::client(&server, Some(KEY), fast_retries());
    for path in [
        "/../admin",
        "/rooms/%2E%2E/x",
        "//evil.example.com/steal",
        "https://evil.example.com/steal",
        "rooms",
    ] {
        let error = client
            .request(Method::GET, path)
            .send::<Value>()
            .await
            .expect_err(path);
        assert!(
            matches!(&error, Error::InvalidRequest { message } if message.contains("path")),
            "{path}: {error:?}"
        );
    }
    any.assert_calls_async(0).await;
}
