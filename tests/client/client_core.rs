//! Core behaviour of the hand-written layer against a local mock server: authentication,
//! missing keys, retries, error parsing, forward-compatible enums, redaction.

use std::time::Duration;

use crate::support;
use crate::support::{respond, sequence};

use httpmock::prelude::*;
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::{ApiError, RetryPolicy, types};

const KEY: &str = "KEYtest0123456789";
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";

/// A client for `server` with fast retries.
fn client(server: &MockServer, key: Option<&str>) -> Client {
    support::client(server, key, support::fast_retries())
}

fn room_json() -> serde_json::Value {
    json!({"data": {"id": ROOM_ID, "unique_name": "standup", "max_participants": 10, "record_type": "room"}})
}

#[tokio::test]
async fn api_key_is_sent_as_bearer_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/rooms")
                .header("authorization", format!("Bearer {KEY}"))
                .header("user-agent", telnyx_client::DEFAULT_USER_AGENT)
                .json_body_includes(json!({"unique_name": "standup"}).to_string());
            then.status(201).json_body(room_json());
        })
        .await;
    let room = client(&server, Some(KEY))
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect("room created")
        .into_inner();
    mock.assert_async().await;
    let data = room.data.expect("data");
    assert_eq!(data.unique_name.as_deref(), Some("standup"));
}

#[tokio::test]
async fn refresh_token_needs_no_key_and_never_gets_one() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}/actions/refresh_client_token");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path.clone())
                .header_missing("authorization");
            then.status(201)
                .json_body(json!({"data": {"token": "client-token"}}));
        })
        .await;
    let body = types::RefreshRoomClientTokenRequest::builder().refresh_token("refresh".to_owned());
    for key in [None, Some(KEY)] {
        let response = client(&server, key)
            .refresh_room_client_token()
            .room_id(ROOM_ID.parse::<uuid::Uuid>().expect("uuid"))
            .body(body.clone())
            .send()
            .await
            .expect("token refreshed");
        let token = response.into_inner().data.and_then(|d| d.token);
        assert_eq!(token.as_deref(), Some("client-token"));
    }
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn missing_key_fails_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let error: telnyx_client::Error = client(&server, None)
        .create_room()
        .body(types::CreateRoomRequest::builder())
        .send()
        .await
        .expect_err("no key")
        .into();
    assert!(
        matches!(&error, telnyx_client::Error::MissingApiKey { operation } if operation == "CreateRoom"),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("TELNYX_API_KEY is not set; operation CreateRoom needs an API key"),
        "{error}"
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn get_is_retried_after_503_then_succeeds() {
    let server = MockServer::start_async().await;
    let list = json!({"data": [room_json()["data"].clone()], "meta": {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1}});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .query_param("page[number]", "1")
                .query_param("page[size]", "20");
            then.respond_with(sequence(vec![
                respond(503, r#"{"errors":[{"code":"90001","title":"Busy"}]}"#),
                respond(200, &list.to_string()),
            ]));
        })
        .await;
    let page = client(&server, Some(KEY))
        .list_rooms()
        .page_number(1u64)
        .page_size(20u64)
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.meta.as_ref().and_then(|m| m.total_results), Some(1));
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn post_is_not_retried_after_503_and_retries_are_bounded() {
    let server = MockServer::start_async().await;
    let post = server
        .mock_async(|when, then| {
            when.method(POST).path("/rooms");
            then.status(503).header("retry-after-ms", "1");
        })
        .await;
    let error: telnyx_client::Error = client(&server, Some(KEY))
        .create_room()
        .body(types::CreateRoomRequest::builder())
        .send()
        .await
        .expect_err("503")
        .into();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    post.assert_calls_async(1).await;

    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/rooms/{ROOM_ID}"));
            then.status(503).header("retry-after-ms", "1");
        })
        .await;
    let _ = client(&server, Some(KEY))
        .view_room()
        .room_id(ROOM_ID.parse::<uuid::Uuid>().expect("uuid"))
        .send()
        .await
        .expect_err("503 every time");
    // One attempt plus the default two retries.
    get.assert_calls_async(3).await;
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    // Bind and drop a listener to find a local port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}/v2"))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("client");
    let error: telnyx_client::Error = client
        .list_rooms()
        .send()
        .await
        .expect_err("refused")
        .into();
    assert!(
        matches!(error, telnyx_client::Error::Connect { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("could not connect to Telnyx"));
}

async fn error_for(status: u16, headers: &[(&str, &str)], body: &str) -> telnyx_client::Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/rooms/{ROOM_ID}"));
            let mut then = then.status(status).body(body);
            for (name, value) in headers {
                then = then.header(*name, *value);
            }
        })
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    client
        .view_room()
        .room_id(ROOM_ID.parse::<uuid::Uuid>().expect("uuid"))
        .send()
        .await
        .expect_err("error status")
        .into()
}

fn api(error: &telnyx_client::Error) -> &ApiError {
    error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"))
}

#[tokio::test]
async fn errors_array_shape_is_parsed() {
    let body = json!({"errors": [{
        "code": "10005", "title": "Resource not found", "detail": "Room not found.",
        "source": {"pointer": "/room_id"}, "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10005"}
    }]});
    let error = error_for(
        404,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "req-42"),
        ],
        &body.to_string(),
    )
    .await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.request_id.as_deref(), Some("req-42"));
    let first = api.first().expect("one item");
    assert_eq!(first.code.as_deref(), Some("10005"));
    assert_eq!(first.pointer.as_deref(), Some("/room_id"));
    assert_eq!(
        first.url.as_deref(),
        Some("https://developers.telnyx.com/docs/overview/errors/10005")
    );
    assert_eq!(
        error.to_string(),
        "Telnyx API error 404 Not Found (request id req-42): 10005 Resource not found - Room not \
         found. (at /room_id)"
    );
}

#[tokio::test]
async fn message_shape_is_parsed() {
    let error = error_for(
        400,
        &[("content-type", "application/json")],
        r#"{"message": "Invalid room id", "success": false}"#,
    )
    .await;
    let api = api(&error);
    assert_eq!(api.message.as_deref(), Some("Invalid room id"));
    assert_eq!(api.success, Some(false));
    assert_eq!(api.raw_body, None);
    assert_eq!(
        error.to_string(),
        "Telnyx API error 400 Bad Request: Invalid room id"
    );
}

#[tokio::test]
async fn other_bodies_keep_status_and_raw_text() {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let error = error_for(
        502,
        &[("content-type", "text/html"), ("x-request-id", "req-7")],
        html,
    )
    .await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.request_id.as_deref(), Some("req-7"));
    assert_eq!(api.raw_body.as_deref(), Some(html));
    assert_eq!(api.message, None);
    assert!(error.to_string().contains("body: <html>"), "{error}");

    // JSON that is not an object of the documented shape is raw text too.
    let error = error_for(500, &[], r#"["unexpected"]"#).await;
    assert_eq!(api_raw(&error), Some(r#"["unexpected"]"#));
    // A JSON object with none of the documented fields (a gateway's own error, say) would
    // decode as an empty `ErrorResponse`; its text must be kept instead.
    let foreign = r#"{"error":"upstream connect error","retry":true}"#;
    let error = error_for(503, &[], foreign).await;
    assert_eq!(api_raw(&error), Some(foreign));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let error = error_for(500, &[], "").await;
    assert_eq!(api_raw(&error), Some(""));
    assert!(error.to_string().ends_with("with an empty body"), "{error}");
}

fn api_raw(error: &telnyx_client::Error) -> Option<&str> {
    api(error).raw_body.as_deref()
}

#[tokio::test]
async fn unknown_enum_values_decode_and_known_ones_match() {
    let server = MockServer::start_async().await;
    let id = "6b61a9c6-3b4c-4a1b-8f26-3a7b1e0c1d2e";
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/room_recordings/{id}"));
            then.status(200).json_body(json!({"data": {
                "id": id, "status": "archived_in_glacier", "type": "audio",
                "some_field_added_later": {"x": 1}
            }}));
        })
        .await;
    let recording = client(&server, Some(KEY))
        .view_room_recording()
        .room_recording_id(id.parse::<uuid::Uuid>().expect("uuid"))
        .send()
        .await
        .expect("an unknown enum value must not fail the response")
        .into_inner()
        .data
        .expect("data");
    let status = recording.status.expect("status");
    assert_eq!(
        status,
        types::RoomRecordingStatus::Unrecognized("archived_in_glacier".to_owned())
    );
    assert_eq!(status.to_string(), "archived_in_glacier");
    assert_eq!(recording.type_, Some(types::RoomRecordingType::Audio));
    // Unknown values survive a round trip unchanged.
    assert_eq!(
        serde_json::to_value(&status).expect("serializes"),
        json!("archived_in_glacier")
    );
    // Parsing caller input stays strict.
    assert!(
        "archived_in_glacier"
            .parse::<types::RoomRecordingStatus>()
            .is_err()
    );
    assert_eq!(
        "completed".parse::<types::RoomRecordingStatus>().ok(),
        Some(types::RoomRecordingStatus::Completed)
    );
}

#[test]
fn debug_output_redacts_the_key() {
    let builder = Client::builder().api_key(KEY);
    let client = builder.clone().build().expect("client");
    for text in [format!("{builder:?}"), format!("{client:?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
    let key = telnyx_client::ApiKey::new(KEY);
    assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
}

#[test]
fn operation_table_marks_unauthenticated_operations() {
    let refresh =
        telnyx_client::operations::by_operation_id("RefreshRoomClientToken").expect("in the table");
    assert_eq!(refresh.auth, telnyx_client::operations::Auth::None);
    assert_eq!(refresh.method_name, "refresh_room_client_token");
    let create = telnyx_client::operations::by_method_name("create_room").expect("in the table");
    assert_eq!(create.auth, telnyx_client::operations::Auth::Required);
    assert!(telnyx_client::operations::by_operation_id("ListRooms").is_some_and(|op| op.paginated));
}

/// The typed httpmock extension (feature `mock`): `cargo test -p telnyx-client --features mock`.
#[cfg(feature = "mock")]
#[tokio::test]
async fn typed_mock_extension_serves_operations() {
    use telnyx_client::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let room_id: uuid::Uuid = ROOM_ID.parse().expect("uuid");
    let room: types::ViewRoomResponse = serde_json::from_value(room_json()).expect("room");
    let mock = server.view_room(|when, then| {
        when.room_id(&room_id);
        then.ok(&room);
    });
    let fetched = client(&server, Some(KEY))
        .view_room()
        .room_id(room_id)
        .send()
        .await
        .expect("mocked room")
        .into_inner();
    mock.assert_async().await;
    assert_eq!(
        fetched.data.and_then(|d| d.unique_name).as_deref(),
        Some("standup")
    );
}

/// The typed mock matches query parameters in the form the client sends them (dates, flags,
/// numbers), and the matcher behind it repeats an array's key once per item, as the client does.
#[cfg(feature = "mock")]
#[tokio::test]
async fn typed_mock_matches_queries_as_the_client_sends_them() {
    use telnyx_client::mock::MockServerExt;

    let server = MockServer::start_async().await;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let page: types::ListRoomsResponse =
        serde_json::from_value(json!({"data": [], "meta": {"page_number": 1}})).expect("page");
    let mock = server.list_rooms(|when, then| {
        when.filter_date_created_at_eq(&day)
            .include_sessions(true)
            .page_size(std::num::NonZeroU64::new(2));
        then.ok(&page);
    });
    client(&server, Some(KEY))
        .list_rooms()
        .filter_date_created_at_eq(day)
        .include_sessions(true)
        .page_size(2)
        .send()
        .await
        .expect("matched");
    mock.assert_async().await;

    let ids = vec!["a".to_owned(), "b c".to_owned()];
    let array = server.mock(|when, then| {
        // `When` is a handle: the matchers it returns are already registered.
        let _when = telnyx_client::__codegen::match_query(when.path("/array"), "filter[id]", &ids);
        then.status(204);
    });
    let http = reqwest::Client::new();
    let status = |query: &'static [(&'static str, &'static str)]| {
        let request = http.get(server.url("/array")).query(query);
        async move { request.send().await.expect("sent").status().as_u16() }
    };
    assert_eq!(
        status(&[("filter[id]", "a"), ("filter[id]", "b c")]).await,
        204
    );
    assert_eq!(status(&[("filter[id]", "a")]).await, 404);
    array.assert_calls_async(1).await;
}

/// The generated types' written-out `Deserialize` impls (see `telnyx-codegen`'s
/// `serde_impls`) behave as serde's derive did: required fields, optional and defaulted ones,
/// unknown and repeated keys, null, and string enums through `as_str`.
#[test]
fn generated_types_decode_as_the_serde_derive_did() {
    let full: types::VideoError = serde_json::from_value(json!({
        "code": "10007", "title": "Unexpected error", "detail": "more",
        "meta": {"url": "https://example.com"}, "source": {"pointer": "/name"},
        "added_later": [1, {"x": null}]
    }))
    .expect("decodes");
    assert_eq!(full.code, "10007");
    assert_eq!(full.detail.as_deref(), Some("more"));
    assert_eq!(full.meta.len(), 1);
    assert_eq!(
        full.source.and_then(|s| s.pointer).as_deref(),
        Some("/name")
    );

    // Missing optional and defaulted fields; null for an optional one.
    let minimal: types::VideoError =
        serde_json::from_str(r#"{"title":"t","code":"c","detail":null}"#).expect("decodes");
    assert!(minimal.detail.is_none() && minimal.meta.is_empty() && minimal.source.is_none());

    let error = |json: &str| {
        serde_json::from_str::<types::VideoError>(json)
            .expect_err(json)
            .to_string()
    };
    assert!(error(r#"{"code":"c"}"#).contains("missing field `title`"));
    assert!(error(r#"{"code":"c","title":"t","code":"d"}"#).contains("duplicate field `code`"));
    assert!(error(r#"{"code":1,"title":"t"}"#).contains("invalid type: integer `1`"));
    assert!(error(r#"{"code":null,"title":"t"}"#).contains("invalid type: null"));
    assert!(error(r#"["c","t"]"#).contains("expected struct VideoError"));

    // Serialized back (the test build enables `serde-all`), absent options stay absent.
    assert_eq!(
        serde_json::to_value(&minimal).expect("serializes"),
        json!({"code": "c", "title": "t"})
    );

    // String enums: known, unknown, not a string.
    let known: types::RoomRecordingStatus = serde_json::from_str(r#""completed""#).expect("known");
    assert_eq!(known, types::RoomRecordingStatus::Completed);
    assert_eq!(known.as_str(), "completed");
    assert_eq!(known.to_string(), "completed");
    assert_eq!(
        serde_json::to_string(&known).expect("serializes"),
        r#""completed""#
    );
    let unknown: types::RoomRecordingStatus =
        serde_json::from_str(r#""thawing""#).expect("unknown");
    assert_eq!(unknown.as_str(), "thawing");
    assert!(serde_json::from_str::<types::RoomRecordingStatus>("3").is_err());
}
