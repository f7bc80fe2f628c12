//! Retries, server-requested waits, timeouts and connection failures, against local servers
//! only (httpmock, a scripted TCP listener, and 127.0.0.2 where nothing listens).
//!
//! Retry waits use a 10 ms initial backoff so that any wait of a second or so can only come
//! from a header the server sent. The whole file runs in a few seconds.

use crate::support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::{ClientInfo, IdempotencyKey, RetryPolicy, types};
use uuid::Uuid;

const KEY: &str = "KEYresilience0123456789";
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";

/// Where httpmock listens.
const LIVE_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
/// A loopback address nothing listens on: connecting to it is refused at once.
const DEAD_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn room_id() -> Uuid {
    ROOM_ID.parse().expect("uuid")
}

/// Retries with a 10 ms initial backoff, and server-requested waits capped at 5 s.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_server_wait(Duration::from_secs(5))
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    support::client(server, Some(KEY), policy)
}

fn room_body() -> String {
    json!({"data": {"id": ROOM_ID, "unique_name": "standup", "max_participants": 10,
                    "created_at": "2024-05-01T12:00:00Z", "record_type": "room"}})
    .to_string()
}

fn rooms_page() -> String {
    json!({"data": [{"id": ROOM_ID, "unique_name": "standup"}],
           "meta": {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1}})
    .to_string()
}

fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> HttpMockResponse {
    let mut builder = HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_owned()).build()
}

fn error_body(code: &str, title: &str) -> String {
    json!({"errors": [{"code": code, "title": title}]}).to_string()
}

/// When each request reached the server.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Arrivals {
    fn record(&self) -> usize {
        let mut times = self.0.lock().expect("arrivals");
        times.push(Instant::now());
        times.len()
    }

    fn count(&self) -> usize {
        self.0.lock().expect("arrivals").len()
    }

    /// Time between the first and the second request.
    fn first_gap(&self) -> Duration {
        let times = self.0.lock().expect("arrivals");
        assert!(times.len() >= 2, "only {} request(s) arrived", times.len());
        times[1] - times[0]
    }
}

/// Answers with `responses` in turn (repeating the last), recording arrivals.
fn scripted(
    responses: Vec<HttpMockResponse>,
    arrivals: &Arrivals,
) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
    let arrivals = arrivals.clone();
    move |_| {
        let n = arrivals.record();
        responses[(n - 1).min(responses.len() - 1)].clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Which failures are retried
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_503_then_200_succeeds_on_the_second_attempt() {
    let server = MockServer::start_async().await;
    let arrivals = Arrivals::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .query_param("page[size]", "20")
                .header("authorization", format!("Bearer {KEY}"));
            then.respond_with(scripted(
                vec![
                    respond(503, &[], &error_body("90001", "Service unavailable")),
                    respond(200, &[], &rooms_page()),
                ],
                &arrivals,
            ));
        })
        .await;
    let page = client(&server, fast_retries())
        .list_rooms()
        .page_size(20u64)
        .send()
        .await
        .expect("the retry succeeds")
        .into_inner();
    mock.assert_calls_async(2).await;
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].unique_name.as_deref(), Some("standup"));
    // The computed backoff (10 ms here) applied, not a server wait.
    assert!(arrivals.first_gap() < Duration::from_millis(900));
}

#[tokio::test]
async fn post_500_is_not_resent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/rooms");
            then.status(500)
                .header("content-type", "application/json")
                .header("x-request-id", "req-500")
                .body(error_body("90000", "Internal error"));
        })
        .await;
    let error: telnyx_client::Error = client(&server, fast_retries())
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect_err("500")
        .into();
    mock.assert_calls_async(1).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.request_id(), Some("req-500"));
    assert!(error.api().is_some_and(|api| api.has_code("90000")));
}

#[tokio::test]
async fn patch_503_is_not_resent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH).path(format!("/rooms/{ROOM_ID}"));
            then.status(503)
                .header("content-type", "application/json")
                .header("retry-after-ms", "1")
                .body(error_body("90001", "Service unavailable"));
        })
        .await;
    let error: telnyx_client::Error = client(&server, fast_retries())
        .update_room()
        .room_id(room_id())
        .body(types::PatchRoomRequest::builder().max_participants(12i64))
        .send()
        .await
        .expect_err("503")
        .into();
    mock.assert_calls_async(1).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

/// The retry policy re-sends a `POST` that carries an `Idempotency-Key`, which callers attach
/// with `IdempotencyKey::scope` (the generated builders have no header setter).
#[tokio::test]
async fn post_with_idempotency_key_500_is_resent() {
    let server = MockServer::start_async().await;
    let arrivals = Arrivals::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/rooms")
                .header("idempotency-key", "create-standup-1");
            then.respond_with(scripted(
                vec![
                    respond(500, &[], &error_body("90000", "Internal error")),
                    respond(201, &[], &room_body()),
                ],
                &arrivals,
            ));
        })
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_policy(fast_retries())
        .build()
        .expect("client");
    let key = IdempotencyKey::new("create-standup-1").expect("valid key");
    let result = key
        .scope(
            client
                .create_room()
                .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
                .send(),
        )
        .await;
    // The header reached the server (the mock requires it) ...
    assert!(arrivals.count() >= 1, "the Idempotency-Key was not sent");
    // ... and with it the 500 must be retried.
    assert_eq!(
        mock.calls_async().await,
        2,
        "the 500 was not retried despite the Idempotency-Key: {:?}",
        result.as_ref().err()
    );
    let room = result.expect("re-sent after 500").into_inner();
    assert_eq!(room.data.and_then(|r| r.id), Some(room_id()));
}

#[tokio::test]
async fn post_429_is_resent() {
    let server = MockServer::start_async().await;
    let arrivals = Arrivals::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/rooms")
                .json_body_includes(json!({"unique_name": "standup"}).to_string());
            then.respond_with(scripted(
                vec![
                    respond(429, &[], &error_body("10011", "Too many requests")),
                    respond(201, &[], &room_body()),
                ],
                &arrivals,
            ));
        })
        .await;
    let response = client(&server, fast_retries())
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect("re-sent after 429");
    mock.assert_calls_async(2).await;
    assert_eq!(response.status(), 201);
    let room = response.into_inner().data.expect("data");
    assert_eq!(room.id, Some(room_id()));
}

// ---------------------------------------------------------------------------------------------
// How long the client waits
// ---------------------------------------------------------------------------------------------

/// Mounts a mock for `method path` that answers `first`, then `second`; returns the arrival
/// record and the mock.
async fn gap_between_attempts<'a>(
    server: &'a MockServer,
    method: httpmock::Method,
    path: &str,
    first: HttpMockResponse,
    second: HttpMockResponse,
) -> (Arrivals, httpmock::Mock<'a>) {
    let arrivals = Arrivals::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.respond_with(scripted(vec![first, second], &arrivals));
        })
        .await;
    (arrivals, mock)
}

#[tokio::test]
async fn retry_after_seconds_on_429_is_honoured() {
    let server = MockServer::start_async().await;
    let (arrivals, mock) = gap_between_attempts(
        &server,
        POST,
        "/rooms",
        respond(
            429,
            &[("retry-after", "1")],
            &error_body("10011", "Too many requests"),
        ),
        respond(201, &[], &room_body()),
    )
    .await;
    let started = Instant::now();
    client(&server, fast_retries())
        .create_room()
        .body(types::CreateRoomRequest::builder())
        .send()
        .await
        .expect("re-sent after the wait");
    mock.assert_calls_async(2).await;
    let gap = arrivals.first_gap();
    assert!(gap >= Duration::from_millis(990), "waited only {gap:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn x_ratelimit_reset_on_429_is_honoured() {
    let server = MockServer::start_async().await;
    let (arrivals, mock) = gap_between_attempts(
        &server,
        GET,
        &format!("/rooms/{ROOM_ID}"),
        respond(
            429,
            &[("x-ratelimit-limit", "100"), ("x-ratelimit-reset", "1")],
            &error_body("10011", "Too many requests"),
        ),
        respond(200, &[], &room_body()),
    )
    .await;
    let started = Instant::now();
    let room = client(&server, fast_retries())
        .view_room()
        .room_id(room_id())
        .send()
        .await
        .expect("re-sent after the window reset")
        .into_inner();
    mock.assert_calls_async(2).await;
    assert_eq!(room.data.and_then(|r| r.id), Some(room_id()));
    let gap = arrivals.first_gap();
    assert!(gap >= Duration::from_millis(990), "waited only {gap:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = MockServer::start_async().await;
    let (arrivals, mock) = gap_between_attempts(
        &server,
        GET,
        "/rooms",
        respond(
            503,
            &[("retry-after-ms", "300")],
            &error_body("90001", "Service unavailable"),
        ),
        respond(200, &[], &rooms_page()),
    )
    .await;
    client(&server, fast_retries())
        .list_rooms()
        .send()
        .await
        .expect("re-sent after the wait");
    mock.assert_calls_async(2).await;
    let gap = arrivals.first_gap();
    assert!(gap >= Duration::from_millis(295), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(3), "waited {gap:?}");
}

#[tokio::test]
async fn server_requested_waits_are_capped() {
    let server = MockServer::start_async().await;
    let (arrivals, mock) = gap_between_attempts(
        &server,
        GET,
        "/rooms",
        respond(
            429,
            &[("retry-after", "3600")],
            &error_body("10011", "Too many requests"),
        ),
        respond(200, &[], &rooms_page()),
    )
    .await;
    let policy = fast_retries().max_server_wait(Duration::from_millis(200));
    client(&server, policy)
        .list_rooms()
        .send()
        .await
        .expect("re-sent after the capped wait");
    mock.assert_calls_async(2).await;
    let gap = arrivals.first_gap();
    assert!(gap >= Duration::from_millis(195), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(3), "the cap was ignored: {gap:?}");
}

// ---------------------------------------------------------------------------------------------
// How often the client tries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn retries_stop_after_the_configured_number() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/rooms/{ROOM_ID}"));
            then.status(503)
                .header("content-type", "application/json")
                .header("x-request-id", "req-busy")
                .body(error_body("90001", "Service unavailable"));
        })
        .await;
    // Default: two retries, three attempts.
    let error: telnyx_client::Error = client(&server, fast_retries())
        .view_room()
        .room_id(room_id())
        .send()
        .await
        .expect_err("503 every time")
        .into();
    mock.assert_calls_async(3).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.request_id(), Some("req-busy"));
    mock.delete_async().await;

    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/rooms/{ROOM_ID}"));
            then.status(503);
        })
        .await;
    let _ = client(&server, fast_retries().max_retries(4))
        .view_room()
        .room_id(room_id())
        .send()
        .await
        .expect_err("503 every time");
    mock.assert_calls_async(5).await;
}

#[tokio::test]
async fn persistent_429_on_post_gives_up_with_a_rate_limit_message() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/room_compositions");
            then.status(429)
                .header("content-type", "application/json")
                .header("retry-after-ms", "5")
                .body(error_body("10011", "Too many requests"));
        })
        .await;
    let error: telnyx_client::Error = client(&server, fast_retries())
        .create_room_composition()
        .body(types::CreateRoomCompositionRequest::builder())
        .send()
        .await
        .expect_err("429 every time")
        .into();
    mock.assert_calls_async(3).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    let message = error.to_string();
    assert!(message.contains("10011 Too many requests"), "{message}");
    assert!(message.contains("Rate limited"), "{message}");
}

#[tokio::test]
async fn disabled_retries_send_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(503).header("retry-after-ms", "1");
        })
        .await;
    let _ = client(&server, RetryPolicy::disabled())
        .list_rooms()
        .send()
        .await
        .expect_err("503");
    mock.assert_calls_async(1).await;
    mock.delete_async().await;

    // The builder shortcut does the same.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(503).header("retry-after-ms", "1");
        })
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .expect("client");
    assert_eq!(client.inner().retry_policy().retries(), 0);
    let _ = client.list_rooms().send().await.expect_err("503");
    mock.assert_calls_async(1).await;
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

fn timeout_client(server: &MockServer, policy: RetryPolicy) -> Client {
    support::builder(server, Some(KEY), policy)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client")
}

fn assert_timeout(error: &telnyx_client::Error) {
    assert!(
        matches!(error, telnyx_client::Error::Timeout { .. }),
        "expected Timeout, got {error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("the request to Telnyx timed out"),
        "{message}"
    );
    assert!(message.contains("ClientBuilder::timeout"), "{message}");
}

#[tokio::test]
async fn slow_answer_is_a_timeout_error() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/rooms/{ROOM_ID}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(room_body())
                .delay(Duration::from_secs(3));
        })
        .await;
    let started = Instant::now();
    let error: telnyx_client::Error = timeout_client(&server, RetryPolicy::disabled())
        .view_room()
        .room_id(room_id())
        .send()
        .await
        .expect_err("too slow")
        .into();
    let elapsed = started.elapsed();
    mock.assert_calls_async(1).await;
    assert_timeout(&error);
    assert!(elapsed >= Duration::from_millis(190), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn get_timeout_is_retried_post_timeout_is_not() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/room_recordings");
            then.status(200).body("{}").delay(Duration::from_secs(3));
        })
        .await;
    let post = server
        .mock_async(|when, then| {
            when.method(POST).path("/room_compositions");
            then.status(202).body("{}").delay(Duration::from_secs(3));
        })
        .await;
    let client = timeout_client(&server, fast_retries());
    let started = Instant::now();

    let error: telnyx_client::Error = client
        .list_room_recordings()
        .send()
        .await
        .expect_err("too slow")
        .into();
    assert_timeout(&error);
    get.assert_calls_async(3).await;

    // The server may have acted on a POST that timed out: it is not sent again.
    let error: telnyx_client::Error = client
        .create_room_composition()
        .body(types::CreateRoomCompositionRequest::builder())
        .send()
        .await
        .expect_err("too slow")
        .into();
    assert_timeout(&error);
    post.assert_calls_async(1).await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

/// Resolves every host name to `DEAD_IP` for the first `dead_lookups` lookups and to `LIVE_IP`
/// after that, counting lookups: reqwest resolves once per connection attempt, so the count is
/// the number of attempts (no connection is ever pooled when none opens).
#[derive(Clone)]
struct ScriptedResolver {
    lookups: Arc<AtomicUsize>,
    dead_lookups: usize,
}

impl reqwest::dns::Resolve for ScriptedResolver {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let n = self.lookups.fetch_add(1, Ordering::SeqCst) + 1;
        let ip = if n <= self.dead_lookups {
            DEAD_IP
        } else {
            LIVE_IP
        };
        let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(SocketAddr::new(ip, 0)));
        Box::pin(async move { Ok(addrs) })
    }
}

/// A client for `http://telnyx.test:<port>` whose connections are refused for the first
/// `dead_lookups` attempts; returns the lookup counter too.
fn refusing_client(port: u16, dead_lookups: usize) -> (Client, Arc<AtomicUsize>) {
    // Precondition: nothing listens on DEAD_IP:port.
    let refused = std::net::TcpStream::connect_timeout(
        &SocketAddr::new(DEAD_IP, port),
        Duration::from_secs(1),
    );
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused),
        "{DEAD_IP}:{port} should refuse connections: {refused:?}"
    );
    let lookups = Arc::new(AtomicUsize::new(0));
    let resolver = ScriptedResolver {
        lookups: lookups.clone(),
        dead_lookups,
    };
    let http = reqwest::Client::builder()
        .no_proxy()
        .dns_resolver(resolver)
        .build()
        .expect("reqwest client");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://telnyx.test:{port}"))
        .http_client(http)
        .retry_policy(fast_retries())
        .build()
        .expect("client");
    (client, lookups)
}

#[tokio::test]
async fn refused_connection_on_get_is_retried_then_reported() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let (client, lookups) = refusing_client(server.port(), usize::MAX);
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
    assert!(
        error.to_string().starts_with("could not connect to Telnyx"),
        "{error}"
    );
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        3,
        "one attempt and two retries"
    );
    catch_all.assert_calls_async(0).await;
}

#[tokio::test]
async fn refused_connection_on_post_is_resent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/rooms")
                .header("authorization", format!("Bearer {KEY}"))
                .json_body_includes(json!({"unique_name": "standup"}).to_string());
            then.status(201)
                .header("content-type", "application/json")
                .body(room_body());
        })
        .await;
    // The first attempt is refused (nothing was sent, so it is safe to send again); the
    // second reaches the server.
    let (client, lookups) = refusing_client(server.port(), 1);
    let response = client
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect("re-sent after the refused connection");
    assert_eq!(lookups.load(Ordering::SeqCst), 2);
    mock.assert_calls_async(1).await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.into_inner().data.and_then(|r| r.id),
        Some(room_id())
    );
}

/// A server that reads each request and closes the connection without answering; returns
/// its address and the number of requests it read.
async fn hang_up_server() -> (SocketAddr, Arc<AtomicUsize>) {
    use tokio::io::AsyncReadExt;

    let listener = tokio::net::TcpListener::bind((LIVE_IP, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    // Ends with the test's runtime.
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Read up to the end of the headers, then hang up.
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, requests)
}

#[tokio::test]
async fn connection_lost_after_sending_retries_get_but_not_post() {
    let (addr, requests) = hang_up_server().await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .retry_policy(fast_retries())
        .build()
        .expect("client");

    let error: telnyx_client::Error = client
        .list_rooms()
        .send()
        .await
        .expect_err("no answer")
        .into();
    assert!(
        matches!(error, telnyx_client::Error::Http { .. }),
        "{error:?}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 3);

    requests.store(0, Ordering::SeqCst);
    let error: telnyx_client::Error = client
        .create_room()
        .body(types::CreateRoomRequest::builder())
        .send()
        .await
        .expect_err("no answer")
        .into();
    assert!(
        matches!(error, telnyx_client::Error::Http { .. }),
        "{error:?}"
    );
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "the server may have acted on the POST: it must not be sent again"
    );
}
