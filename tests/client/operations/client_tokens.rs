//! Room client tokens: create, and refresh without an API key.

use super::*;

#[tokio::test]
async fn create_room_client_token() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}/actions/generate_join_client_token");
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path(path.as_str())));
            json_request(
                when,
                json!({"refresh_token_ttl_secs": 7200, "token_ttl_secs": 900}),
            );
            then.status(201).json_body(json!({"data": {
                "token": "eyJhbGciOiJIUzI1NiJ9.join.sig",
                "token_expires_at": "2024-05-01T12:15:00Z",
                "refresh_token": "eyJhbGciOiJIUzI1NiJ9.refresh.sig",
                "refresh_token_expires_at": "2024-05-01T14:00:00.000+00:00"
            }}));
        })
        .await;
    let result = client(&server)
        .create_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(
            types::CreateRoomClientTokenRequest::builder()
                .refresh_token_ttl_secs(7200)
                .token_ttl_secs(900),
        )
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("CreateRoomClientToken");
    assert_eq!(response.status(), 201);
    let data = response.into_inner().data.expect("data");
    assert_eq!(data.token.as_deref(), Some("eyJhbGciOiJIUzI1NiJ9.join.sig"));
    assert_eq!(data.token_expires_at, Some(at("2024-05-01T12:15:00Z")));
    assert_eq!(
        data.refresh_token.as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.refresh.sig")
    );
    assert_eq!(
        data.refresh_token_expires_at,
        Some(at("2024-05-01T14:00:00Z"))
    );
}

#[tokio::test]
async fn refresh_room_client_token_sends_no_key() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}/actions/refresh_client_token");
    let body = json!({"refresh_token": "eyJhbGciOiJIUzI1NiJ9.refresh.sig", "token_ttl_secs": 300});
    let answer = json!({"data": {
        "token": "eyJhbGciOiJIUzI1NiJ9.join2.sig",
        "token_expires_at": "2024-05-01T12:20:00Z"
    }});
    let request = types::RefreshRoomClientTokenRequest::builder()
        .refresh_token("eyJhbGciOiJIUzI1NiJ9.refresh.sig".to_owned())
        .token_ttl_secs(300);

    // A client without a key can call it, and sends no Authorization header.
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(
                when.method(POST)
                    .path(path.as_str())
                    .header("accept", "application/json")
                    .header_missing("authorization"),
            );
            json_request(when, body.clone());
            then.status(201).json_body(answer.clone());
        })
        .await;
    let keyless = keyless_client(&server);
    assert!(!keyless.has_api_key());
    let result = keyless
        .refresh_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(request.clone())
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("RefreshRoomClientToken without a key");
    assert_eq!(response.status(), 201);
    let data = response.into_inner().data.expect("data");
    assert_eq!(
        data.token.as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.join2.sig")
    );
    assert_eq!(data.token_expires_at, Some(at("2024-05-01T12:20:00Z")));
    mock.delete_async().await;

    // A client with a key keeps it to itself for this operation too.
    let mock = server
        .mock_async(|when, then| {
            let when = when
                .method(POST)
                .path(path.as_str())
                .header_missing("authorization");
            json_request(when, body.clone());
            then.status(201).json_body(answer.clone());
        })
        .await;
    let result = client(&server)
        .refresh_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(request)
        .send()
        .await;
    mock.assert_async().await;
    result.expect("RefreshRoomClientToken with a key");
}
