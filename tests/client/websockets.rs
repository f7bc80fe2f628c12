//! WebSockets against a local tokio-tungstenite server that plays Telnyx's side: the handshake
//! (key, query, refusals with Telnyx's error bodies), audio in and transcripts out, text
//! frames in and audio frames out, error frames, an oversized frame, and the server closing
//! mid-stream. `TranscriptionOverWs` and `TextToSpeechOverWs` (family `speech`) are the
//! examples.

use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::{SinkExt, StreamExt};
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::websocket::WebSocketError;
use telnyx_client::{Client, Error, types};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const KEY: &str = "KEYsockets0123456789";

/// The handshake as the server saw it.
#[derive(Debug, Clone, Default)]
struct Handshake {
    path_and_query: String,
    authorization: Option<String>,
    user_agent: Option<String>,
}

type Refusal = Option<(u16, &'static str)>;

/// A server for one connection: records the handshake, refuses it with `refusal` (status and
/// JSON body) or runs `script` on the socket. Returns the base URL and the handshake record.
async fn serve<S, F>(refusal: Refusal, script: S) -> (String, Arc<Mutex<Handshake>>)
where
    S: FnOnce(WebSocketStream<TcpStream>) -> F + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/v2", listener.local_addr().expect("address"));
    let seen = Arc::new(Mutex::new(Handshake::default()));
    let record = seen.clone();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        // tungstenite's callback returns its own `ErrorResponse`, whatever its size.
        #[allow(clippy::result_large_err)]
        let callback = move |request: &Request, response: Response| {
            let header = |name: &str| {
                request
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            *record.lock().expect("record") = Handshake {
                path_and_query: request
                    .uri()
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                authorization: header("authorization"),
                user_agent: header("user-agent"),
            };
            match refusal {
                None => Ok(response),
                Some((status, body)) => {
                    let refused: ErrorResponse = http::Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .header("content-length", body.len())
                        .header("x-request-id", "req-socket-1")
                        .body(Some(body.to_owned()))
                        .expect("response");
                    Err(refused)
                }
            }
        };
        if let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await {
            script(socket).await;
        }
    });
    (url, seen)
}

fn client(url: &str, key: Option<&str>) -> Client {
    let builder = Client::builder().base_url(url);
    let builder = match key {
        Some(key) => builder.api_key(key),
        None => builder,
    };
    builder.build().expect("client")
}

fn transcript(text: &str, is_final: bool) -> Message {
    Message::text(
        json!({"type": "transcript", "transcript": text, "is_final": is_final}).to_string(),
    )
}

#[tokio::test]
async fn audio_goes_in_as_binary_frames_and_typed_transcripts_come_out() {
    let audio = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let heard = audio.clone();
    let (url, handshake) = serve(None, move |mut socket| async move {
        // Two audio frames in, then an interim and a final transcript out.
        while let Some(Ok(message)) = socket.next().await {
            // Anything else is read on too: that sends the reply to the close, then it ends.
            if let Message::Binary(data) = message {
                heard.lock().expect("audio").push(data.to_vec());
                if heard.lock().expect("audio").len() == 2 {
                    socket.send(transcript("hel", false)).await.expect("send");
                    socket
                        .send(transcript("hello world", true))
                        .await
                        .expect("send");
                }
            }
        }
    })
    .await;
    let client = client(&url, Some(KEY));
    let socket = client
        .transcription_over_ws()
        .transcription_engine(types::TranscriptionOverWsTranscriptionEngine::Telnyx)
        .input_format("mp3")
        .interim_results(true)
        .language("en-US")
        .connect()
        .await
        .expect("connect");
    let (mut sender, receiver) = socket.split();
    sender
        .send(vec![0xff, 0xfb, 0x90, 0x00])
        .await
        .expect("audio 1");
    sender
        .send_binary(&b"\x00\x01\x02"[..])
        .await
        .expect("audio 2");
    let mut frames = receiver;
    let mut transcripts = Vec::new();
    while let Some(frame) = frames.next().await {
        match frame.expect("frame") {
            types::SttServerEvent::TranscriptFrame(frame) => {
                transcripts.push((frame.transcript, frame.is_final));
                if transcripts.len() == 2 {
                    sender.close().await.expect("close");
                }
            }
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert_eq!(
        transcripts,
        [
            ("hel".to_owned(), Some(false)),
            ("hello world".to_owned(), Some(true))
        ]
    );
    assert_eq!(
        *audio.lock().expect("audio"),
        [vec![0xff, 0xfb, 0x90, 0x00], vec![0, 1, 2]]
    );
    let handshake = handshake.lock().expect("record").clone();
    assert_eq!(
        handshake.path_and_query,
        "/v2/speech-to-text/transcription?transcription_engine=Telnyx&input_format=mp3\
         &language=en-US&interim_results=true"
    );
    assert_eq!(handshake.authorization, Some(format!("Bearer {KEY}")));
    assert!(
        handshake
            .user_agent
            .is_some_and(|ua| ua.starts_with("telnyx-client-rust/"))
    );
}

#[tokio::test]
async fn text_frames_go_in_as_json_and_frames_decode_by_their_type() {
    let texts = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
    let got = texts.clone();
    let (url, handshake) = serve(None, move |mut socket| async move {
        while let Some(Ok(Message::Text(text))) = socket.next().await {
            let frame: serde_json::Value = serde_json::from_str(&text).expect("json frame");
            got.lock().expect("texts").push(frame);
            if got.lock().expect("texts").len() == 2 {
                for frame in [
                    json!({"type": "audio_chunk", "audio": "AAEC", "text": "Hello", "isFinal": false}),
                    json!({"type": "final", "isFinal": true, "text": "Hello", "audio": null}),
                ] {
                    socket.send(Message::text(frame.to_string())).await.expect("send");
                }
                let close = CloseFrame {
                    code: CloseCode::Normal,
                    reason: "".into(),
                };
                socket.close(Some(close)).await.expect("close");
                break;
            }
        }
    })
    .await;
    let client = client(&url, Some(KEY));
    let mut socket = client
        .text_to_speech_over_ws()
        .provider("telnyx")
        .voice("Telnyx.NaturalHD.astra")
        .connect()
        .await
        .expect("connect");
    for text in [" ", "Hello"] {
        let frame = types::ClientTextFrame {
            force: None,
            text: text.to_owned(),
            voice_settings: Default::default(),
        };
        socket.send(frame).await.expect("send");
    }
    let mut frames = Vec::new();
    while let Some(frame) = socket.next().await {
        frames.push(frame.expect("frame"));
    }
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert!(
        matches!(&frames[0], types::TtsServerEvent::AudioChunkFrame(chunk)
            if chunk.audio.as_deref() == Some("AAEC")),
        "{frames:?}"
    );
    // A final frame is not an audio chunk, though every field of an audio chunk is optional.
    assert!(
        matches!(&frames[1], types::TtsServerEvent::FinalFrame(end) if end.is_final == Some(true)),
        "{frames:?}"
    );
    assert_eq!(
        *texts.lock().expect("texts"),
        [json!({"text": " "}), json!({"text": "Hello"})]
    );
    assert_eq!(
        handshake.lock().expect("record").path_and_query,
        "/v2/text-to-speech/speech?voice=Telnyx.NaturalHD.astra&provider=telnyx"
    );
}

#[tokio::test]
async fn a_refused_handshake_is_an_api_error_with_telnyx_details() {
    let body = r#"{"errors":[{"code":"10009","title":"Authentication failed","detail":"The API key is wrong."}]}"#;
    let (url, handshake) = serve(Some((401, body)), |_| async {}).await;
    let error = client(&url, Some("KEYwrong0123456789"))
        .transcription_over_ws()
        .transcription_engine("Deepgram")
        .input_format("wav")
        .connect()
        .await
        .expect_err("refused");
    let api = error.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.request_id.as_deref(), Some("req-socket-1"));
    assert!(api.has_code("10009"), "{api:?}");
    assert!(!error.to_string().contains("KEYwrong"), "{error}");
    assert_eq!(
        handshake.lock().expect("record").authorization.as_deref(),
        Some("Bearer KEYwrong0123456789")
    );

    let body = r#"{"errors":[{"code":"10015","title":"Bad Request","detail":"input_format is not supported by this engine","source":{"parameter":"input_format"}}]}"#;
    let (url, _) = serve(Some((422, body)), |_| async {}).await;
    let error = client(&url, Some(KEY))
        .transcription_over_ws()
        .transcription_engine("Azure")
        .input_format("wav")
        .connect()
        .await
        .expect_err("refused");
    let api = error.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 422);
    assert_eq!(
        api.first().and_then(|e| e.parameter.as_deref()),
        Some("input_format")
    );
}

#[tokio::test]
async fn nothing_is_sent_without_a_key_or_a_required_parameter() {
    let (url, handshake) = serve(None, |_| async {}).await;
    let error = client(&url, None)
        .transcription_over_ws()
        .transcription_engine("Telnyx")
        .input_format("mp3")
        .connect()
        .await
        .expect_err("no key");
    assert!(
        matches!(&error, Error::MissingApiKey { operation } if operation == "TranscriptionOverWs"),
        "{error:?}"
    );
    let error = client(&url, Some(KEY))
        .transcription_over_ws()
        .transcription_engine("Telnyx")
        .connect()
        .await
        .expect_err("no input format");
    assert!(
        matches!(&error, Error::InvalidRequest { message } if message.contains("input_format")),
        "{error:?}"
    );
    assert!(handshake.lock().expect("record").path_and_query.is_empty());
}

#[tokio::test]
async fn an_error_frame_is_a_typed_error_and_the_stream_goes_on() {
    let (url, _) = serve(None, |mut socket| async move {
        let error = json!({"type": "error", "error": "engine unavailable"});
        socket
            .send(Message::text(error.to_string()))
            .await
            .expect("send");
        socket
            .send(transcript("still here", true))
            .await
            .expect("send");
        socket.close(None).await.expect("close");
    })
    .await;
    let mut socket = client(&url, Some(KEY))
        .transcription_over_ws()
        .transcription_engine("Telnyx")
        .input_format("mp3")
        .connect()
        .await
        .expect("connect");
    let first = socket
        .next()
        .await
        .expect("a frame")
        .expect_err("an error frame");
    assert!(
        matches!(&first, Error::WebSocket(WebSocketError::ErrorFrame { message })
            if message == "engine unavailable"),
        "{first:?}"
    );
    let second = socket.next().await.expect("a frame").expect("a transcript");
    assert!(
        matches!(second, types::SttServerEvent::TranscriptFrame(t) if t.transcript == "still here")
    );
    assert!(socket.next().await.is_none());
}

#[tokio::test]
async fn an_oversized_frame_ends_the_socket_with_an_error() {
    let (url, _) = serve(None, |mut socket| async move {
        let big = json!({"type": "transcript", "transcript": "x".repeat(4096)});
        // The client refuses the frame and drops the connection; the send may fail.
        let _ = socket.send(Message::text(big.to_string())).await;
    })
    .await;
    let mut socket = client(&url, Some(KEY))
        .transcription_over_ws()
        .transcription_engine("Telnyx")
        .input_format("mp3")
        .max_message_size(1024)
        .connect()
        .await
        .expect("connect");
    let error = socket
        .next()
        .await
        .expect("an item")
        .expect_err("too large");
    assert!(
        matches!(&error, Error::WebSocket(WebSocketError::TooLarge { limit: 1024, size }) if *size > 1024),
        "{error:?}"
    );
    assert!(socket.next().await.is_none());
}

#[tokio::test]
async fn the_server_closing_mid_stream_is_reported() {
    // With an error code: the frames before it arrive, then the close as an error.
    let (url, _) = serve(None, |mut socket| async move {
        socket
            .send(transcript("partial", false))
            .await
            .expect("send");
        let close = CloseFrame {
            code: CloseCode::Error,
            reason: "engine crashed".into(),
        };
        let _ = socket.close(Some(close)).await;
    })
    .await;
    let mut socket = client(&url, Some(KEY))
        .transcription_over_ws()
        .transcription_engine("Telnyx")
        .input_format("mp3")
        .connect()
        .await
        .expect("connect");
    assert!(socket.next().await.expect("a frame").is_ok());
    let error = socket
        .next()
        .await
        .expect("the close")
        .expect_err("an error");
    assert!(
        matches!(&error, Error::WebSocket(WebSocketError::Closed { code: 1011, reason })
            if reason == "engine crashed"),
        "{error:?}"
    );
    assert!(socket.next().await.is_none());

    // Without a close frame at all: the connection just ends.
    let (url, _) = serve(None, |socket| async move {
        drop(socket);
    })
    .await;
    let mut socket = client(&url, Some(KEY))
        .transcription_over_ws()
        .transcription_engine("Telnyx")
        .input_format("mp3")
        .connect()
        .await
        .expect("connect");
    let error = socket.next().await.expect("an item").expect_err("broken");
    assert!(
        matches!(&error, Error::WebSocket(WebSocketError::Connection { .. })),
        "{error:?}"
    );
    assert!(socket.next().await.is_none());
}
