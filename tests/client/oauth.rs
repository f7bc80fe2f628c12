//! OAuth 2.0 client credentials against a local server: one token request for many calls at
//! once, a token refreshed before it expires, one refresh (not a loop) after a 401, a typed
//! error when the token endpoint refuses, and no secret or token in any output.

use crate::support::fast_retries;

use std::time::Duration;

use httpmock::prelude::*;
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::{Client, Error, OAuthError};

const CLIENT_ID: &str = "client-id-1";
const SECRET: &str = "SECRETsecret0123456789";

fn page() -> String {
    json!({"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 0}})
        .to_string()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .oauth_client_credentials(CLIENT_ID, SECRET)
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

/// A token endpoint that hands out `token` valid for `expires_in` seconds.
async fn token_endpoint<'a>(
    server: &'a MockServer,
    token: &str,
    expires_in: u64,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token").json_body(json!({
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": SECRET,
            }));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
                        .to_string(),
                )
                .delay(Duration::from_millis(50));
        })
        .await
}

#[tokio::test]
async fn fifty_concurrent_calls_on_a_fresh_client_make_one_token_request() {
    let server = MockServer::start_async().await;
    let tokens = token_endpoint(&server, "TOKEN-A", 3600).await;
    let rooms = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .header("authorization", "Bearer TOKEN-A");
            then.status(200)
                .header("content-type", "application/json")
                .body(page());
        })
        .await;
    let client = client(&server);
    let calls = (0..50).map(|_| {
        let client = client.clone();
        async move { client.list_rooms().send().await.map(|_| ()) }
    });
    for result in futures::future::join_all(calls).await {
        result.expect("authenticated");
    }
    tokens.assert_calls_async(1).await;
    rooms.assert_calls_async(50).await;
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_use() {
    let server = MockServer::start_async().await;
    // Valid for 1 s, refreshed a tenth of that early.
    let tokens = token_endpoint(&server, "TOKEN-SHORT", 1).await;
    let rooms = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(200)
                .header("content-type", "application/json")
                .body(page());
        })
        .await;
    let client = client(&server);
    client.list_rooms().send().await.expect("first");
    client
        .list_rooms()
        .send()
        .await
        .expect("second, same token");
    tokens.assert_calls_async(1).await;
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.list_rooms().send().await.expect("third, new token");
    tokens.assert_calls_async(2).await;
    rooms.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_does_not_loop() {
    let server = MockServer::start_async().await;
    let tokens = token_endpoint(&server, "TOKEN-REVOKED", 3600).await;
    let rooms = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(401)
                .header("content-type", "application/json")
                .body(r#"{"errors":[{"code":"10009","title":"Authentication failed"}]}"#);
        })
        .await;
    let error: Error = client(&server)
        .list_rooms()
        .send()
        .await
        .expect_err("401 twice")
        .into();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    tokens.assert_calls_async(2).await;
    rooms.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_refusing_token_endpoint_is_a_typed_error_without_the_secret() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(401)
                .header("content-type", "application/json")
                .header("x-request-id", "req-oauth-1")
                .body(r#"{"errors":[{"code":"10009","title":"Invalid client credentials"}]}"#);
        })
        .await;
    let rooms = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(200).body(page());
        })
        .await;
    let client = client(&server);
    let error: Error = client
        .list_rooms()
        .send()
        .await
        .expect_err("no token")
        .into();
    let Error::OAuth(OAuthError::Refused(api)) = &error else {
        panic!("expected a refused token request, got {error:?}");
    };
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.request_id.as_deref(), Some("req-oauth-1"));
    rooms.assert_calls_async(0).await;
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
        format!(
            "{:?}",
            Client::builder().oauth_client_credentials(CLIENT_ID, SECRET)
        ),
    ] {
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[test]
fn an_api_key_and_client_credentials_together_are_refused() {
    let error = Client::builder()
        .api_key("KEY0123456789")
        .oauth_client_credentials(CLIENT_ID, SECRET)
        .build()
        .expect_err("both");
    assert!(
        error.to_string().contains("oauth_client_credentials"),
        "{error}"
    );
}
