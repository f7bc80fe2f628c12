//! What reading server-sent events costs, on loopback.
//!
//! `cargo bench -p telnyx-client --bench event_stream` serves 5,000 chat-completion-sized events
//! (about 220 bytes each, in the chunks the socket delivers) from a local server and reads
//! them, in one run, two ways over the same `reqwest` byte stream:
//!
//! * `read/event_stream`: the client's [`RawEventStream`] (every line end, comments, bounds,
//!   `[DONE]`);
//! * `read/line_splitting`: what a hand-written reader does at the least: append each chunk to
//!   a buffer, cut it at blank lines and strip `data: `.
//!
//! After criterion it times interleaved pairs of the two reads and prints
//! `event stream / line splitting events per second: X.XX` (the median over pairs; the goal is
//! at least 0.95). Under `cargo test --benches` each benchmark runs once and the pairs are
//! skipped.

mod common;

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use futures::StreamExt;
use telnyx_client::event_stream::RawEventStream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

/// Events per answer.
const EVENTS: usize = 5_000;

/// The answer: a `data:` line of JSON per event, then `[DONE]`.
fn body() -> String {
    let mut body = String::new();
    for n in 0..EVENTS {
        body.push_str(&format!(
            "data: {{\"id\":\"chatcmpl-{n:08}\",\"object\":\"chat.completion.chunk\",\
             \"created\":1764900000,\"model\":\"meta-llama/Meta-Llama-3.1-8B-Instruct\",\
             \"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"token {n}\"}}}}]}}\n\n"
        ));
    }
    body.push_str("data: [DONE]\n\n");
    body
}

/// Serves `body` as an event stream to every connection.
async fn serve(body: String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    address
}

async fn event_stream(http: &reqwest::Client, url: &str) -> usize {
    let response = http.get(url).send().await.expect("answer");
    RawEventStream::new(response.bytes_stream())
        .map(|event| black_box(event.expect("an event").data.len()))
        .count()
        .await
}

async fn line_splitting(http: &reqwest::Client, url: &str) -> usize {
    let mut stream = http.get(url).send().await.expect("answer").bytes_stream();
    let mut buffer = String::new();
    let mut events = 0;
    while let Some(chunk) = stream.next().await {
        buffer.push_str(std::str::from_utf8(&chunk.expect("a chunk")).expect("utf-8"));
        // Cut every complete event, then drop what was read once per chunk.
        let mut start = 0;
        while let Some(end) = buffer[start..].find("\n\n") {
            let event = &buffer[start..start + end];
            let data = event.strip_prefix("data: ").unwrap_or_default();
            if data != "[DONE]" {
                black_box(data.to_owned());
                events += 1;
            }
            start += end + 2;
        }
        buffer.drain(..start);
    }
    events
}

fn main() {
    let runtime = Runtime::new().expect("runtime");
    let address = runtime.block_on(serve(body()));
    let url = format!("http://{address}/events");
    let http = reqwest::Client::new();
    assert_eq!(runtime.block_on(event_stream(&http, &url)), EVENTS);
    assert_eq!(runtime.block_on(line_splitting(&http, &url)), EVENTS);

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut group = criterion.benchmark_group("read");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("event_stream", |b| {
        b.iter(|| runtime.block_on(event_stream(&http, &url)))
    });
    group.bench_function("line_splitting", |b| {
        b.iter(|| runtime.block_on(line_splitting(&http, &url)))
    });
    group.finish();

    if common::wants_ratio(std::env::args()) {
        let mut ratios: Vec<f64> = (0..60)
            .map(|_| {
                let start = Instant::now();
                runtime.block_on(event_stream(&http, &url));
                let ours = start.elapsed();
                let start = Instant::now();
                runtime.block_on(line_splitting(&http, &url));
                let baseline = start.elapsed();
                // Events per second, ours over the baseline's.
                baseline.as_secs_f64() / ours.as_secs_f64()
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        println!(
            "event stream / line splitting events per second: {:.2} (median of {} pairs; range \
             {:.2}–{:.2}; goal >= 0.95)",
            ratios[ratios.len() / 2],
            ratios.len(),
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
    criterion.final_summary();
}
