//! The error body shapes Telnyx sends, and answers that do not match the description.

use super::*;

fn api(error: &telnyx_client::Error) -> &ApiError {
    error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"))
}

#[tokio::test]
async fn forbidden_with_errors_list() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(POST).path("/rooms"));
            then.status(403)
                .header("content-type", "application/json")
                .header("x-request-id", "a7c1e1d2-req-403")
                .json_body(json!({"errors": [{
                    "code": "10010",
                    "title": "Forbidden",
                    "detail": "The API key is not allowed to create rooms.",
                    "source": {"pointer": "/unique_name"},
                    "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10010"}
                }]}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect_err("403")
        .into();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.request_id(), Some("a7c1e1d2-req-403"));
    let api = api(&error);
    assert_eq!(api.errors.len(), 1);
    let item = api.first().expect("one item");
    assert_eq!(item.code.as_deref(), Some("10010"));
    assert_eq!(item.title.as_deref(), Some("Forbidden"));
    assert_eq!(
        item.detail.as_deref(),
        Some("The API key is not allowed to create rooms.")
    );
    assert_eq!(item.pointer.as_deref(), Some("/unique_name"));
    assert_eq!(item.parameter, None);
    assert_eq!(
        item.url.as_deref(),
        Some("https://developers.telnyx.com/docs/overview/errors/10010")
    );
    assert_eq!(
        error.to_string(),
        "Telnyx API error 403 Forbidden (request id a7c1e1d2-req-403): 10010 Forbidden - The API \
         key is not allowed to create rooms. (at /unique_name)"
    );
}

#[tokio::test]
async fn not_found_with_errors_list() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path(path.as_str()));
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-404")
                .json_body(json!({"errors": [{
                    "code": "10005",
                    "title": "Resource not found",
                    "detail": "The requested room does not exist.",
                    "source": {"parameter": "room_id"}
                }]}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .view_room()
        .room_id(uuid(ROOM_ID))
        .send()
        .await
        .expect_err("404")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.request_id.as_deref(), Some("req-404"));
    let item = api.first().expect("one item");
    assert_eq!(item.code.as_deref(), Some("10005"));
    assert_eq!(item.parameter.as_deref(), Some("room_id"));
    assert_eq!(item.pointer, None);
    assert_eq!(item.url, None);
    assert_eq!(
        error.to_string(),
        "Telnyx API error 404 Not Found (request id req-404): 10005 Resource not found - The \
         requested room does not exist. (at room_id)"
    );
}

/// Telnyx also answers some 403/404s with one bare error object instead of an `errors` list.
#[tokio::test]
async fn not_found_with_bare_error_object() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path(path.as_str()));
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-bare")
                .json_body(json!({
                    "code": "10007",
                    "title": "Resource not found",
                    "detail": "The requested room session does not exist.",
                    "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10007"}
                }));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .view_room_session()
        .room_session_id(uuid(SESSION_ID))
        .send()
        .await
        .expect_err("404")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.request_id.as_deref(), Some("req-bare"));
    assert_eq!(api.raw_body, None);
    assert_eq!(api.errors.len(), 1, "{api:?}");
    let item = api.first().expect("one item");
    assert_eq!(item.code.as_deref(), Some("10007"));
    assert_eq!(item.title.as_deref(), Some("Resource not found"));
    assert_eq!(
        item.detail.as_deref(),
        Some("The requested room session does not exist.")
    );
    assert_eq!(
        item.url.as_deref(),
        Some("https://developers.telnyx.com/docs/overview/errors/10007")
    );
    assert_eq!(
        error.to_string(),
        "Telnyx API error 404 Not Found (request id req-bare): 10007 Resource not found - The \
         requested room session does not exist."
    );
}

#[tokio::test]
async fn unprocessable_with_source_pointers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(POST).path("/room_compositions"));
            then.status(422)
                .header("content-type", "application/json")
                .header("x-request-id", "req-422")
                .json_body(json!({"errors": [
                    {
                        "code": "10015",
                        "title": "Invalid value",
                        "detail": "Each side of the resolution must be within 16..1280.",
                        "source": {"pointer": "/resolution"},
                        "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10015"}
                    },
                    {
                        "code": "10016",
                        "title": "Invalid value",
                        "detail": "A region must be at least 16 pixels high.",
                        "source": {"pointer": "/video_layout/first/height"}
                    }
                ]}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .create_room_composition()
        .body(
            types::CreateRoomCompositionRequest::builder()
                .session_id(uuid(SESSION_ID))
                .resolution("4096x2160".to_owned()),
        )
        .send()
        .await
        .expect_err("422")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 422);
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.errors[0].pointer.as_deref(), Some("/resolution"));
    assert_eq!(
        api.errors[1].pointer.as_deref(),
        Some("/video_layout/first/height")
    );
    assert!(api.has_code("10016"));
    assert!(!api.has_code("10005"));
    assert_eq!(
        error.to_string(),
        "Telnyx API error 422 Unprocessable Entity (request id req-422): 10015 Invalid value - \
         Each side of the resolution must be within 16..1280. (at /resolution) (and 1 more)"
    );
}

#[tokio::test]
async fn client_error_with_message_and_success() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/actions/mute");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(POST).path(path.as_str()));
            then.status(400)
                .header("content-type", "application/json")
                .json_body(json!({"message": "Session is not active", "success": false}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .mute_participant_in_session()
        .room_session_id(uuid(SESSION_ID))
        .body(types::ActionsParticipantsRequest::builder().participants(
            types::ActionsParticipantsRequestParticipants::String(
                types::ActionsParticipantsRequestParticipantsString::All,
            ),
        ))
        .send()
        .await
        .expect_err("400")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 400);
    assert!(api.errors.is_empty(), "{api:?}");
    assert_eq!(api.message.as_deref(), Some("Session is not active"));
    assert_eq!(api.success, Some(false));
    assert_eq!(api.raw_body, None);
    assert_eq!(api.request_id, None);
    assert_eq!(
        error.to_string(),
        "Telnyx API error 400 Bad Request: Session is not active"
    );
}

#[tokio::test]
async fn unauthorized_says_to_check_the_key() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path("/rooms"));
            then.status(401)
                .header("content-type", "application/json")
                .json_body(
                    json!({"errors": [{"code": "10009", "title": "Authentication failed",
                                   "detail": "The API key is invalid."}]}),
                );
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .list_rooms()
        .send()
        .await
        .expect_err("401")
        .into();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let message = error.to_string();
    assert!(message.contains("10009 Authentication failed"), "{message}");
    assert!(message.contains("TELNYX_API_KEY"), "{message}");
    assert!(!message.contains(KEY), "{message}");
}

#[tokio::test]
async fn non_json_bad_gateway_keeps_status_and_raw_body() {
    let server = MockServer::start_async().await;
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path("/room_recordings"));
            then.status(502)
                .header("content-type", "text/html")
                .header("x-request-id", "req-502")
                .body(html);
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .list_room_recordings()
        .send()
        .await
        .expect_err("502")
        .into();
    mock.assert_async().await;
    let details = api(&error);
    assert_eq!(details.status.as_u16(), 502);
    assert_eq!(details.request_id.as_deref(), Some("req-502"));
    assert_eq!(details.raw_body.as_deref(), Some(html));
    assert!(details.errors.is_empty());
    assert_eq!(details.message, None);
    assert_eq!(
        error.to_string(),
        format!("Telnyx API error 502 Bad Gateway (request id req-502); body: {html}")
    );

    // Truncated JSON labelled as JSON is raw text too, not a decoding error without a status.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/room_compositions");
            then.status(500)
                .header("content-type", "application/json")
                .body(r#"{"errors": [{"code": "#);
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .list_room_compositions()
        .send()
        .await
        .expect_err("500")
        .into();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        api(&error).raw_body.as_deref(),
        Some(r#"{"errors": [{"code": "#)
    );
}

/// A 2xx body that does not match the description is an `InvalidResponse` carrying the body.
#[tokio::test]
async fn success_body_that_does_not_match_is_invalid_response() {
    let server = MockServer::start_async().await;
    let path = format!("/room_participants/{PARTICIPANT_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path(path.as_str()));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"data": {"id": "not-a-uuid"}}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .view_room_participant()
        .room_participant_id(uuid(PARTICIPANT_ID))
        .send()
        .await
        .expect_err("bad body")
        .into();
    mock.assert_async().await;
    match &error {
        telnyx_client::Error::InvalidResponse { body, .. } => {
            assert_eq!(&body[..], br#"{"data":{"id":"not-a-uuid"}}"#);
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.starts_with("Telnyx's response does not match the API description"),
        "{message}"
    );
    assert!(message.contains("not-a-uuid"), "{message}");
}

/// A status the description does not list (here a 200 where only 204 is documented).
#[tokio::test]
async fn undocumented_status_is_unexpected_response() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(DELETE).path(path.as_str()));
            then.status(200)
                .header("x-request-id", "req-200")
                .json_body(json!({"data": {}}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .delete_room()
        .room_id(uuid(ROOM_ID))
        .send()
        .await
        .expect_err("200 is not documented")
        .into();
    mock.assert_async().await;
    assert!(
        matches!(
            &error,
            telnyx_client::Error::UnexpectedResponse { status, request_id }
                if status.as_u16() == 200 && request_id.as_deref() == Some("req-200")
        ),
        "{error:?}"
    );
}
