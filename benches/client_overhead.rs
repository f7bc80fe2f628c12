//! What the generated client costs per request compared with a hand-written `reqwest` call.
//!
//! Both sides send the same `ViewRoom` request (`GET /v2/rooms/{room_id}` with the same
//! `Accept`, `api-version`, `Authorization` and `User-Agent` headers and per-request timeout)
//! through the same `reqwest::Client` to a small keep-alive HTTP/1.1 server on loopback, and
//! decode the same JSON body: the client into its generated `types::ViewRoomResponse`, the
//! hand-written side into a serde struct with the same fields and field types.
//!
//! `cargo bench --bench client_overhead` runs the criterion group `view_room`, then times
//! interleaved batches of both with `Instant` and prints
//! `client/hand-written throughput ratio: X.XX` (hand-written time / client time, the median
//! over pairs of batches; the goal is at least 0.97). A third side sends the same call with
//! per-call `RequestOptions` (a timeout and a retry count, the client's own values), and the
//! run prints `options/no-options throughput ratio: X.XX` the same way (goal at least 0.98).
//! Under `cargo test` criterion runs each benchmark once and the batches are skipped.

mod common;

use std::hint::black_box;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use serde::Deserialize;
use telnyx_client::prelude::*;
use telnyx_client::{DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, RequestOptions};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use uuid::Uuid;

const API_KEY: &str = "KEY0123456789ABCDEF_benchmark";
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
/// The `api-version` header the generated client sends (the document's `info.version`).
const API_VERSION: &str = "2.0.0";

/// A `ViewRoom` response as Telnyx sends it (sessions are only embedded on request).
const ROOM_BODY: &str = r#"{"data":{"active_session_id":"7b61621f-62e0-4aad-ab11-9fd19e272e73","created_at":"2021-04-16T09:46:20.954863Z","enable_recording":true,"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","max_participants":50,"record_type":"room","unique_name":"My room","updated_at":"2021-04-16T10:24:55.962200Z","webhook_event_failover_url":"https://failover.example.com","webhook_event_url":"https://example.com","webhook_timeout_secs":10}}"#;

// ---------------------------------------------------------------------------------------------
// The hand-written side's response types: the fields of the generated `Room`, with the same
// Rust types, so both sides do the same decoding work. (`sessions` is left out: the body has
// none, as `ViewRoom` only embeds them when asked to.)

#[derive(Debug, Deserialize)]
struct HandViewRoomResponse {
    data: Option<HandRoom>,
}

#[derive(Debug, Deserialize)]
struct HandRoom {
    active_session_id: Option<Uuid>,
    created_at: Option<DateTime<Utc>>,
    enable_recording: Option<bool>,
    id: Option<Uuid>,
    max_participants: Option<i64>,
    record_type: Option<String>,
    unique_name: Option<String>,
    updated_at: Option<DateTime<Utc>>,
    webhook_event_failover_url: Option<String>,
    webhook_event_url: Option<String>,
    webhook_timeout_secs: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Loopback server.

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering `GET /v2/rooms/{ROOM_ID}` (with the
/// expected API key) with [`ROOM_BODY`], anything else with 404 or 401. It runs on its own
/// thread and runtime, so the measured side has the other core to itself, and stops when
/// dropped.
struct LoopbackServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    fn start() -> LoopbackServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let (shutdown, stopped) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(serve(listener, stopped));
            // Dropping the runtime cancels the connection tasks still waiting for requests.
        });
        LoopbackServer {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(listener: std::net::TcpListener, mut stopped: oneshot::Receiver<()>) {
    let listener = TcpListener::from_std(listener).expect("tokio listener");
    let replies = Arc::new(Replies::new());
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let replies = replies.clone();
                tokio::spawn(async move {
                    // A connection error only ends that connection; the client reconnects.
                    let _ = serve_connection(stream, &replies).await;
                });
            }
        }
    }
}

/// The server's canned responses, serialized once.
struct Replies {
    path: String,
    authorization: String,
    ok: Vec<u8>,
    not_found: Vec<u8>,
    unauthorized: Vec<u8>,
}

impl Replies {
    fn new() -> Replies {
        Replies {
            path: format!("/v2/rooms/{ROOM_ID}"),
            authorization: format!("Bearer {API_KEY}"),
            ok: response(200, "OK", ROOM_BODY),
            not_found: response(
                404,
                "Not Found",
                r#"{"errors":[{"code":"10005","title":"Resource not found"}]}"#,
            ),
            unauthorized: response(
                401,
                "Unauthorized",
                r#"{"errors":[{"code":"10009","title":"Authentication failed"}]}"#,
            ),
        }
    }

    fn to(&self, request: &Request) -> &[u8] {
        if request.method != "GET" || request.target != self.path {
            &self.not_found
        } else if request.auth.as_deref() != Some(self.authorization.as_str()) {
            &self.unauthorized
        } else {
            &self.ok
        }
    }
}

fn response(status: u16, reason: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
         x-request-id: 3f2a9c4e-bench\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves the requests of one connection in order until the peer closes it.
async fn serve_connection(stream: TcpStream, replies: &Replies) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(4096);
    loop {
        let request = loop {
            if let Some(request) = parse_request(&buffer)? {
                break request;
            }
            if !read_some(&stream, &mut buffer).await? {
                return Ok(());
            }
        };
        write_all(&stream, replies.to(&request)).await?;
        buffer.drain(..request.len);
    }
}

/// The parts of a request the server looks at, and its length in the buffer.
struct Request {
    method: String,
    target: String,
    auth: Option<String>,
    len: usize,
}

/// Parses the first request in `buffer` once its head and body (`Content-Length`) are there.
fn parse_request(buffer: &[u8]) -> io::Result<Option<Request>> {
    let Some(head_end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| bad("non-UTF-8 head"))?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let mut auth = None;
    let mut body_len = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("malformed header"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("authorization") {
            auth = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().map_err(|_| bad("bad content-length"))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(bad("chunked bodies are not supported"));
        }
    }
    let len = head_end + 4 + body_len;
    Ok((buffer.len() >= len).then_some(Request {
        method,
        target,
        auth,
        len,
    }))
}

/// Appends what the socket has to `buffer`; `false` once the peer has closed.
async fn read_some(stream: &TcpStream, buffer: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 4096];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                return Ok(true);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
}

async fn write_all(stream: &TcpStream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        stream.writable().await?;
        match stream.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The two ways of making the request.

struct Fixture {
    /// Drives the requests on this thread; the server has its own thread.
    runtime: Runtime,
    client: Client,
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
    room_id: Uuid,
    // Last, so the server outlives the clients' connections.
    _server: LoopbackServer,
}

impl Fixture {
    fn new() -> Fixture {
        let server = LoopbackServer::start();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");
        // One reqwest client for both sides: same pool, same settings. `no_proxy` keeps an
        // HTTP_PROXY in the environment from routing loopback traffic elsewhere.
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        let base_url = server.base_url();
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(&base_url)
            .http_client(http.clone())
            // The hand-written side and the options side set this timeout on each request;
            // the client must too, or it alone would skip the timer.
            .timeout(DEFAULT_TIMEOUT)
            .build()
            .expect("telnyx client");
        Fixture {
            runtime,
            client,
            http,
            base_url,
            authorization: HeaderValue::from_str(&format!("Bearer {API_KEY}"))
                .expect("valid header"),
            room_id: ROOM_ID.parse().expect("valid uuid"),
            _server: server,
        }
    }

    async fn via_client(&self) -> telnyx_client::types::ViewRoomResponse {
        self.client
            .view_room()
            .room_id(self.room_id)
            .send()
            .await
            .expect("ViewRoom through the client")
            .into_inner()
    }

    /// The same call with per-call options (the client's own timeout and retries, so only
    /// the cost of carrying options differs).
    async fn via_client_with_options(&self) -> telnyx_client::types::ViewRoomResponse {
        self.client
            .view_room()
            .room_id(self.room_id)
            .options(
                RequestOptions::new()
                    .timeout(DEFAULT_TIMEOUT)
                    .max_retries(2),
            )
            .send()
            .await
            .expect("ViewRoom with options")
            .into_inner()
    }

    /// What a careful hand-written call does: the same URL formatting, headers, timeout,
    /// status check and typed decoding as the generated code and the client's hooks.
    async fn hand_written(&self) -> HandViewRoomResponse {
        self.http
            .get(format!("{}/rooms/{}", self.base_url, self.room_id))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header("api-version", HeaderValue::from_static(API_VERSION))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT))
            .timeout(DEFAULT_TIMEOUT)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("ViewRoom by hand")
            .json::<HandViewRoomResponse>()
            .await
            .expect("ViewRoom body")
    }

    /// Both sides reach the server and decode the same room; a benchmark of a failing
    /// request would measure nothing useful.
    fn check(&self) {
        let client = self.runtime.block_on(self.via_client()).data.expect("data");
        let hand = self
            .runtime
            .block_on(self.hand_written())
            .data
            .expect("data");
        assert_eq!(client.id, hand.id);
        assert_eq!(client.id, Some(self.room_id));
        assert_eq!(client.active_session_id, hand.active_session_id);
        assert_eq!(client.created_at, hand.created_at);
        assert_eq!(client.updated_at, hand.updated_at);
        assert_eq!(client.unique_name, hand.unique_name);
        assert_eq!(client.record_type, hand.record_type);
        assert_eq!(client.enable_recording, hand.enable_recording);
        assert_eq!(client.max_participants, hand.max_participants);
        assert_eq!(client.webhook_event_url, hand.webhook_event_url);
        assert_eq!(
            client.webhook_event_failover_url,
            hand.webhook_event_failover_url
        );
        assert_eq!(client.webhook_timeout_secs, hand.webhook_timeout_secs);
    }

    fn client_batch(&self, n: u32) -> Duration {
        self.runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                black_box(self.via_client().await);
            }
            started.elapsed()
        })
    }

    fn options_batch(&self, n: u32) -> Duration {
        self.runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                black_box(self.via_client_with_options().await);
            }
            started.elapsed()
        })
    }

    fn hand_written_batch(&self, n: u32) -> Duration {
        self.runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                black_box(self.hand_written().await);
            }
            started.elapsed()
        })
    }
}

fn bench_view_room(criterion: &mut Criterion, fixture: &Fixture) {
    let mut group = criterion.benchmark_group("view_room");
    group.throughput(Throughput::Elements(1));
    // block_on per iteration: the workspace's criterion has no async feature, and entering a
    // current-thread runtime costs the same on both sides.
    group.bench_function("client", |b| {
        b.iter(|| fixture.runtime.block_on(fixture.via_client()))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| fixture.runtime.block_on(fixture.hand_written()))
    });
    group.bench_function("client_with_options", |b| {
        b.iter(|| fixture.runtime.block_on(fixture.via_client_with_options()))
    });
    group.finish();
}

/// Times `BATCHES` pairs of batches, one of each side back to back (alternating which goes
/// first), and prints the throughput ratio.
///
/// The headline ratio is the median over the pairs of hand-written time / client time: both
/// batches of a pair run under the same machine load, and the median ignores pairs hit by a
/// burst of other work, which on a shared 2-core machine moves plain totals by ±10 %. The
/// totals and the fastest batch of each side are printed too.
fn print_ratio(fixture: &Fixture) {
    const BATCHES: u32 = 100;
    const PER_BATCH: u32 = 200;
    // Warm-up: connections open, caches and allocator settled.
    fixture.client_batch(PER_BATCH * 2);
    fixture.hand_written_batch(PER_BATCH * 2);
    let mut client = Vec::with_capacity(BATCHES as usize);
    let mut hand = Vec::with_capacity(BATCHES as usize);
    for batch in 0..BATCHES {
        if batch % 2 == 0 {
            client.push(fixture.client_batch(PER_BATCH));
            hand.push(fixture.hand_written_batch(PER_BATCH));
        } else {
            hand.push(fixture.hand_written_batch(PER_BATCH));
            client.push(fixture.client_batch(PER_BATCH));
        }
    }
    let mut ratios: Vec<f64> = hand
        .iter()
        .zip(&client)
        .map(|(h, c)| h.as_secs_f64() / c.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let per_request = |batch: Duration| batch.as_secs_f64() * 1e6 / f64::from(PER_BATCH);
    let mean = |batches: &[Duration]| {
        batches.iter().sum::<Duration>().as_secs_f64() * 1e6 / f64::from(BATCHES * PER_BATCH)
    };
    let fastest = |batches: &[Duration]| per_request(batches.iter().copied().min().unwrap());
    println!(
        "\n{BATCHES} interleaved pairs of {PER_BATCH}-request batches (µs/request):\n  \
         client:       mean {:.1}, fastest batch {:.1}\n  \
         hand-written: mean {:.1}, fastest batch {:.1}\n  \
         ratio of means {:.2}, of fastest batches {:.2}, pair ratios {:.2}..{:.2}",
        mean(&client),
        fastest(&client),
        mean(&hand),
        fastest(&hand),
        mean(&hand) / mean(&client),
        fastest(&hand) / fastest(&client),
        ratios[0],
        ratios[ratios.len() - 1],
    );
    println!("client/hand-written throughput ratio: {median:.2} (median of pairs; goal >= 0.97)");
}

/// Times interleaved pairs of batches with and without per-call options and prints the
/// median of (without / with), as [`print_ratio`] does.
fn print_options_ratio(fixture: &Fixture) {
    const BATCHES: u32 = 100;
    const PER_BATCH: u32 = 200;
    fixture.options_batch(PER_BATCH * 2);
    let mut ratios = Vec::with_capacity(BATCHES as usize);
    for batch in 0..BATCHES {
        let (plain, with) = if batch % 2 == 0 {
            let plain = fixture.client_batch(PER_BATCH);
            (plain, fixture.options_batch(PER_BATCH))
        } else {
            let with = fixture.options_batch(PER_BATCH);
            (fixture.client_batch(PER_BATCH), with)
        };
        ratios.push(plain.as_secs_f64() / with.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!(
        "options/no-options throughput ratio: {median:.2} (median of {BATCHES} pairs, range \
         {:.2}..{:.2}; goal >= 0.98)",
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let fixture = Fixture::new();
    fixture.check();
    bench_view_room(&mut criterion, &fixture);
    if common::wants_ratio(std::env::args()) {
        print_ratio(&fixture);
        print_options_ratio(&fixture);
    }
    criterion.final_summary();
}
