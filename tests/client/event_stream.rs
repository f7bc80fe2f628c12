//! Server-sent event streams read from a real socket: a local server writes the body in odd
//! chunkings (one byte at a time, several events at once, CRLF line ends, comments, `[DONE]`,
//! an error in the middle, a connection dropped mid-event), and every event must arrive once,
//! in order, typed.

use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use telnyx_client::event_stream::{EventStream, EventStreamError, RawEventStream};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

#[derive(Debug, Deserialize, PartialEq)]
struct Delta {
    n: u32,
    text: String,
}

/// Serves one request: writes `pieces` as separate chunks of a chunked body, pausing between
/// them so that the client reads them apart; with `finish` the body is ended properly, without
/// it the connection is dropped.
async fn serve(pieces: Vec<Vec<u8>>, finish: bool) -> String {
    serve_recording(pieces, finish).await.0
}

/// [`serve`], also handing over the request's head (lower-cased) once it has been read.
async fn serve_recording(
    pieces: Vec<Vec<u8>>,
    finish: bool,
) -> (String, tokio::sync::oneshot::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let (head_sender, head) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        // The request is small; read what is there and answer.
        let mut request = [0u8; 8192];
        let read = tokio::io::AsyncReadExt::read(&mut socket, &mut request)
            .await
            .unwrap_or(0);
        let text = String::from_utf8_lossy(&request[..read]).to_lowercase();
        let _ = head_sender.send(text);
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                    transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
        socket.write_all(head.as_bytes()).await.expect("head");
        for piece in pieces {
            let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
            chunk.extend_from_slice(&piece);
            chunk.extend_from_slice(b"\r\n");
            socket.write_all(&chunk).await.expect("chunk");
            socket.flush().await.expect("flush");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if finish {
            socket.write_all(b"0\r\n\r\n").await.expect("end");
        }
        socket.shutdown().await.ok();
    });
    (format!("http://{address}/stream"), head)
}

async fn body(url: String) -> impl futures::Stream<Item = Result<bytes::Bytes, reqwest::Error>> {
    reqwest::get(&url).await.expect("answer").bytes_stream()
}

fn delta(n: u32, text: &str) -> String {
    format!("{{\"n\":{n},\"text\":\"{text}\"}}")
}

#[tokio::test]
async fn one_byte_at_a_time_with_crlf_comments_and_done() {
    let text = format!(
        ": keep-alive\r\n\r\ndata: {}\r\n\r\nevent: delta\r\ndata: {}\r\n\r\ndata: [DONE]\r\n\r\ndata: {}\r\n\r\n",
        delta(1, "Hel"),
        delta(2, "lo"),
        delta(3, "after the end")
    );
    let pieces = text.bytes().map(|b| vec![b]).collect();
    let url = serve(pieces, true).await;
    let events: Vec<Delta> = EventStream::<Delta>::new(body(url).await)
        .map(|event| event.expect("decodes"))
        .collect()
        .await;
    assert_eq!(
        events,
        [
            Delta {
                n: 1,
                text: "Hel".into()
            },
            Delta {
                n: 2,
                text: "lo".into()
            }
        ]
    );
}

#[tokio::test]
async fn several_events_per_chunk_and_one_split_across_chunks() {
    let all = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\n",
        delta(1, "a"),
        delta(2, "b"),
        delta(3, "c")
    );
    let (first, second) = all.split_at(all.len() - 7);
    let url = serve(vec![first.into(), second.into()], true).await;
    let numbers: Vec<u32> = EventStream::<Delta>::new(body(url).await)
        .map(|event| event.expect("decodes").n)
        .collect()
        .await;
    assert_eq!(numbers, [1, 2, 3]);
}

#[tokio::test]
async fn an_error_in_the_middle_ends_the_stream_with_it() {
    let text = format!(
        "data: {}\n\nevent: error\ndata: {{\"type\":\"overloaded_error\"}}\n\ndata: {}\n\n",
        delta(1, "a"),
        delta(2, "never")
    );
    let url = serve(vec![text.into_bytes()], true).await;
    let results: Vec<_> = EventStream::<Delta>::new(body(url).await).collect().await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("first").n, 1);
    let error = results[1].as_ref().expect_err("then the error");
    assert!(
        matches!(error, telnyx_client::Error::EventStream(EventStreamError::ErrorEvent { event: Some(name), data }) if name == "error" && data.contains("overloaded_error")),
        "{error:?}"
    );
    // An error object in place of an event (no event name) is the server's error too.
    let text = "data: {\"error\":{\"message\":\"rate limited\"}}\n\n";
    let url = serve(vec![text.into()], true).await;
    let results: Vec<_> = EventStream::<Delta>::new(body(url).await).collect().await;
    assert!(
        matches!(
            &results[..],
            [Err(telnyx_client::Error::EventStream(
                EventStreamError::ErrorEvent { .. }
            ))]
        ),
        "{results:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_a_broken_stream_not_an_end() {
    let text = format!("data: {}\n\ndata: {{\"n\":2,", delta(1, "a"));
    let url = serve(vec![text.into_bytes()], false).await;
    let results: Vec<_> = RawEventStream::new(body(url).await).collect().await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("first").data, delta(1, "a"));
    assert!(
        matches!(
            &results[1],
            Err(telnyx_client::Error::EventStream(
                EventStreamError::Broken { .. }
            ))
        ),
        "{results:?}"
    );
}

#[tokio::test]
async fn an_event_of_another_shape_is_reported_with_its_data() {
    let url = serve(
        vec![b"event: delta\ndata: {\"n\":\"one\"}\n\n".to_vec()],
        true,
    )
    .await;
    let results: Vec<_> = EventStream::<Delta>::new(body(url).await).collect().await;
    let [Err(error)] = &results[..] else {
        panic!("one error expected: {results:?}");
    };
    let message = error.to_string();
    assert!(
        message.contains("event `delta` does not match the API description")
            && message.contains("{\"n\":\"one\"}"),
        "{message}"
    );
}

/// `send_stream()` of a chat operation (family `ai`): it asks for an event stream with the key,
/// and the answer's events arrive as sent. Run with `--features ai` (CI does).
#[cfg(feature = "ai")]
#[tokio::test]
async fn send_stream_asks_for_events_and_hands_them_over() {
    use telnyx_client::prelude::*;
    use telnyx_client::types;

    let chunks = vec![
        b"data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n".to_vec(),
        b"data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n".to_vec(),
        b"data: [DONE]\n\n".to_vec(),
    ];
    let (url, head) = serve_recording(chunks, true).await;
    let base = url.trim_end_matches("/stream").to_owned();
    let client = telnyx_client::Client::builder()
        .api_key("KEYstream0123456789")
        .base_url(base)
        .build()
        .expect("client");
    let body: types::ChatCompletionRequest = serde_json::from_value(serde_json::json!({
        "messages": [{"role": "user", "content": "Hello"}],
        "model": "meta-llama/Meta-Llama-3.1-8B-Instruct",
        "stream": true
    }))
    .expect("a request body");
    let answer = client
        .create_openai_chat_completion()
        .body(body)
        .send_stream()
        .await
        .expect("an event stream");
    assert_eq!(answer.status(), 200);
    let events: Vec<String> = answer
        .into_inner()
        .map(|event| event.expect("an event").data)
        .collect()
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[0].contains("Hel") && events[1].contains("lo"),
        "{events:?}"
    );
    let head = head.await.expect("the request head");
    assert!(
        head.starts_with("post /ai/openai/chat/completions "),
        "{head}"
    );
    assert!(head.contains("accept: text/event-stream"), "{head}");
    assert!(
        head.contains("authorization: bearer keystream0123456789"),
        "{head}"
    );
}
