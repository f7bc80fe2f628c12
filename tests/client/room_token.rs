//! `RoomTokenSession` against a local mock server, on a test clock: minting, refreshing without
//! the API key, the background driver's schedule, and how it stops.

use crate::support;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures::future::{self, BoxFuture};
use httpmock::prelude::*;
use serde_json::json;
use telnyx_client::RetryPolicy;
use telnyx_client::prelude::*;
use telnyx_client::room_token::{Clock, RoomTokenError, RoomTokenOptions, RoomTokenSession};
use uuid::Uuid;

const KEY: &str = "KEYtest0123456789";
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";

fn room_id() -> Uuid {
    ROOM_ID.parse().expect("valid uuid")
}

/// The test clock's starting time.
fn t0() -> DateTime<Utc> {
    "2030-01-01T00:00:00Z".parse().expect("valid time")
}

fn at(secs: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(secs)
}

fn stamp(secs: i64) -> String {
    at(secs).to_rfc3339()
}

/// A clock that only moves when slept on: a sleep that ends at or before the horizon completes
/// at once (moving the clock), a longer one never completes. So the driver runs exactly the
/// steps that fit before the horizon, and then waits forever.
#[derive(Clone)]
struct TestClock(Arc<Mutex<ClockState>>);

struct ClockState {
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    slept: Duration,
}

impl TestClock {
    fn new(horizon_secs: i64) -> Self {
        Self(Arc::new(Mutex::new(ClockState {
            now: t0(),
            horizon: at(horizon_secs),
            slept: Duration::ZERO,
        })))
    }

    fn state(&self) -> MutexGuard<'_, ClockState> {
        self.0.lock().expect("clock lock")
    }

    fn set_now(&self, secs: i64) {
        self.state().now = at(secs);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.state().now
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let mut state = self.state();
        let end = state.now + TimeDelta::from_std(duration).expect("short sleep");
        if end <= state.horizon {
            state.now = end;
            state.slept += duration;
            Box::pin(future::ready(()))
        } else {
            Box::pin(future::pending())
        }
    }
}

fn client(server: &MockServer, key: Option<&str>) -> Client {
    support::client(server, key, RetryPolicy::disabled())
}

fn options(clock: &TestClock) -> RoomTokenOptions {
    RoomTokenOptions::default().clock(clock.clone())
}

/// Mocks `CreateRoomClientToken`: join token `join-1` valid for 600 s, refresh token
/// `refresh-1` valid until `refresh_expires_secs`.
async fn mock_mint(server: &MockServer, refresh_expires_secs: i64) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!(
                    "/rooms/{ROOM_ID}/actions/generate_join_client_token"
                ))
                .header("authorization", format!("Bearer {KEY}"))
                .json_body(json!({"token_ttl_secs": 600, "refresh_token_ttl_secs": 3600}));
            then.status(201).json_body(json!({"data": {
                "token": "join-1",
                "token_expires_at": stamp(600),
                "refresh_token": "refresh-1",
                "refresh_token_expires_at": stamp(refresh_expires_secs),
            }}));
        })
        .await
}

/// Mocks `RefreshRoomClientToken` for `refresh-1`, sent without an API key, answering `status`
/// with `body`.
async fn mock_refresh(
    server: &MockServer,
    status: u16,
    body: serde_json::Value,
) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/rooms/{ROOM_ID}/actions/refresh_client_token"))
                .header_missing("authorization")
                .json_body(json!({"refresh_token": "refresh-1", "token_ttl_secs": 600}));
            then.status(status).json_body(body);
        })
        .await
}

/// A successful refresh answer: join token `join-2`, valid until `expires_secs`.
fn refreshed(expires_secs: i64) -> serde_json::Value {
    json!({"data": {"token": "join-2", "token_expires_at": stamp(expires_secs)}})
}

#[tokio::test]
async fn mint_then_refresh_without_the_api_key() {
    let server = MockServer::start_async().await;
    let mint = mock_mint(&server, 3600).await;
    let refresh = mock_refresh(&server, 201, refreshed(1200)).await;
    let clock = TestClock::new(0);

    let mut session =
        RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
            .await
            .expect("token minted");
    assert_eq!(session.room_id(), room_id());
    assert_eq!(session.current().secret(), "join-1");
    assert_eq!(session.current().expires_at(), at(600));
    assert_eq!(session.refresh_token(), "refresh-1");
    assert_eq!(session.refresh_token_expires_at(), at(3600));

    clock.set_now(100);
    let token = session.refresh().await.expect("token refreshed").clone();
    assert_eq!(token.secret(), "join-2");
    assert_eq!(token.expires_at(), at(1200));
    assert_eq!(session.current(), &token);
    // The mocks only match with the API key on the mint and without it on the refresh.
    mint.assert_calls_async(1).await;
    refresh.assert_calls_async(1).await;

    // Neither token shows up in Debug output.
    for text in [format!("{session:?}"), format!("{token:?}")] {
        for secret in ["join-1", "join-2", "refresh-1", KEY] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

#[tokio::test]
async fn a_client_without_api_key_can_resume_from_a_refresh_token() {
    let server = MockServer::start_async().await;
    let refresh = mock_refresh(&server, 201, refreshed(600)).await;
    let clock = TestClock::new(0);
    let keyless = client(&server, None);

    let session = RoomTokenSession::from_refresh_token(
        &keyless,
        room_id(),
        "refresh-1",
        at(3600),
        options(&clock),
    )
    .await
    .expect("token obtained without an API key");
    assert_eq!(session.current().secret(), "join-2");
    refresh.assert_calls_async(1).await;

    // Minting does need the key, and says so.
    let error = RoomTokenSession::start(&keyless, room_id(), options(&clock))
        .await
        .expect_err("no key");
    assert!(
        matches!(error.client_error(), Some(Error::MissingApiKey { .. })),
        "{error:?}"
    );
    assert!(error.to_string().contains("TELNYX_API_KEY"), "{error}");
}

#[tokio::test]
async fn refresh_if_due_waits_for_the_margin() {
    let server = MockServer::start_async().await;
    mock_mint(&server, 3600).await;
    let refresh = mock_refresh(&server, 201, refreshed(1200)).await;
    let clock = TestClock::new(0);
    let mut session =
        RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
            .await
            .expect("token minted");

    // 600 s token, default 60 s margin: due at 540 s.
    assert_eq!(session.refresh_due_at(), at(540));
    for secs in [0, 539] {
        assert!(!session.refresh_if_due(at(secs)).await.expect("not due"));
    }
    refresh.assert_calls_async(0).await;
    clock.set_now(540);
    assert!(session.refresh_if_due(at(540)).await.expect("refreshed"));
    refresh.assert_calls_async(1).await;
    assert_eq!(session.current().secret(), "join-2");
    // Received at 540 s, valid until 1200 s: next due 60 s before that.
    assert_eq!(session.refresh_due_at(), at(1140));
}

#[tokio::test]
async fn driver_refreshes_ahead_of_expiry_and_publishes_the_token() {
    let server = MockServer::start_async().await;
    mock_mint(&server, 3600).await;
    let refresh = mock_refresh(&server, 201, refreshed(1200)).await;
    // Time may run until 599 s: the refresh at 540 s fits, the next one (due at 1140 s)
    // does not, nor does the driver's next (60 s) step of sleep towards it.
    let clock = TestClock::new(599);
    let session = RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
        .await
        .expect("token minted");

    let driver = session.spawn();
    let mut tokens = driver.subscribe();
    assert_eq!(tokens.borrow_and_update().secret(), "join-1");
    tokens.changed().await.expect("a new token");
    assert_eq!(tokens.borrow_and_update().secret(), "join-2");
    assert_eq!(driver.current().expires_at(), at(1200));
    {
        let state = clock.state();
        assert_eq!(state.now, at(540), "refreshed 60 s before expiry");
        assert_eq!(state.slept, Duration::from_secs(540));
    }
    refresh.assert_calls_async(1).await;
    assert!(!driver.is_finished());
    driver.stop();
}

#[tokio::test]
async fn driver_stops_with_a_typed_error_when_the_refresh_token_expired() {
    let server = MockServer::start_async().await;
    // The refresh token expires at 300 s, before the join token's refresh is due (540 s).
    mock_mint(&server, 300).await;
    let refresh = mock_refresh(&server, 201, refreshed(1200)).await;
    let clock = TestClock::new(10_000);
    let session = RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
        .await
        .expect("token minted");

    let driver = session.spawn();
    let mut tokens = driver.subscribe();
    let error = driver.wait().await;
    match &error {
        RoomTokenError::RefreshTokenExpired {
            room_id: room,
            expired_at,
        } => {
            assert_eq!(*room, room_id());
            assert_eq!(*expired_at, at(300));
        }
        other => panic!("expected RefreshTokenExpired, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        format!(
            "the refresh token for room {ROOM_ID} expired at 2030-01-01 00:05:00 UTC, so the join \
             token can no longer be refreshed; start a new RoomTokenSession (needs the API key) \
             to mint a new one"
        )
    );
    assert_eq!(clock.now(), at(540), "stopped when the refresh was due");
    assert!(tokens.changed().await.is_err(), "the channel is closed");
    refresh.assert_calls_async(0).await;
}

#[tokio::test]
async fn explicit_refresh_after_expiry_sends_nothing() {
    let server = MockServer::start_async().await;
    mock_mint(&server, 300).await;
    let refresh = mock_refresh(&server, 201, refreshed(1200)).await;
    let clock = TestClock::new(0);
    let mut session =
        RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
            .await
            .expect("token minted");
    clock.set_now(300);
    let error = session.refresh().await.expect_err("refresh token expired");
    assert!(matches!(error, RoomTokenError::RefreshTokenExpired { .. }));
    assert_eq!(
        session.current().secret(),
        "join-1",
        "the old token is kept"
    );
    refresh.assert_calls_async(0).await;
}

#[tokio::test]
async fn rejected_refresh_stops_the_driver_with_the_server_error() {
    let server = MockServer::start_async().await;
    mock_mint(&server, 3600).await;
    let refresh = mock_refresh(
        &server,
        401,
        json!({"errors": [{"code": "10009", "title": "Authentication failed",
                           "detail": "The refresh token is not valid"}]}),
    )
    .await;
    let clock = TestClock::new(10_000);
    let session = RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
        .await
        .expect("token minted");

    let error = session.spawn().wait().await;
    assert!(matches!(error, RoomTokenError::Refresh { .. }), "{error:?}");
    assert!(!error.is_transient());
    let status = error.client_error().and_then(Error::status);
    assert_eq!(status.map(|s| s.as_u16()), Some(401));
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "could not refresh the join token for room {ROOM_ID}: Telnyx API error 401 \
             Unauthorized: 10009 Authentication failed - The refresh token is not valid"
        )),
        "{text}"
    );
    assert!(
        !text.contains("refresh-1") && !text.contains("join-1"),
        "{text}"
    );
    // A rejection is final: no retries.
    refresh.assert_calls_async(1).await;
    assert_eq!(clock.now(), at(540));
}

#[tokio::test]
async fn server_errors_are_retried_while_the_token_is_valid() {
    let server = MockServer::start_async().await;
    mock_mint(&server, 3600).await;
    let refresh = mock_refresh(
        &server,
        503,
        json!({"errors": [{"code": "90001", "title": "Service unavailable"}]}),
    )
    .await;
    let clock = TestClock::new(10_000);
    let session = RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
        .await
        .expect("token minted");

    let error = session.spawn().wait().await;
    assert!(error.is_transient(), "{error:?}");
    assert!(
        error.to_string().contains("503 Service Unavailable"),
        "{error}"
    );
    // Tries at 540, 545, …, 595 s; the next try would come after the token expired (600 s).
    refresh.assert_calls_async(12).await;
    assert_eq!(clock.now(), at(595));
}

#[tokio::test]
async fn unusable_answers_are_reported_without_the_token() {
    let server = MockServer::start_async().await;
    mock_mint(&server, 3600).await;
    // A body that does not match the API description still must not leak its token.
    mock_refresh(
        &server,
        201,
        json!({"data": {"token": "leaky-secret", "token_expires_at": "tomorrow"}}),
    )
    .await;
    let clock = TestClock::new(0);
    let mut session =
        RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options(&clock))
            .await
            .expect("token minted");
    let error = session.refresh().await.expect_err("unusable answer");
    assert!(
        matches!(
            error,
            RoomTokenError::UnusableResponse {
                operation: "RefreshRoomClientToken",
                ..
            }
        ),
        "{error:?}"
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("leaky-secret"), "{text}");
    }
}

#[tokio::test]
async fn tokens_already_expired_on_arrival_get_the_requested_lifetime() {
    // A mock's static example (or a clock far off): the answer's expiry is already past.
    let server = MockServer::start_async().await;
    mock_mint(&server, 3600).await;
    mock_refresh(&server, 201, refreshed(50)).await;
    let clock = TestClock::new(0);
    let options = options(&clock);
    let mut session = RoomTokenSession::start(&client(&server, Some(KEY)), room_id(), options)
        .await
        .expect("token minted");
    clock.set_now(100);
    let token = session.refresh().await.expect("refreshed").clone();
    assert_eq!(token.past_server_expiry(), Some(at(50)));
    assert!(token.expires_at() > at(100), "{token:?}");
    assert!(!token.is_expired_at(at(101)));
}
