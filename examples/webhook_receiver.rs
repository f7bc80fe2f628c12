//! A Telnyx webhook receiver: verifies every POST (any path) with your account's public key and
//! prints the event it decodes to.
//!
//! ```text
//! TELNYX_PUBLIC_KEY=<base64 key from Mission Control> \
//!     cargo run --example webhook_receiver --features webhooks,call-control,messaging
//! ```
//!
//! It listens on `TELNYX_WEBHOOK_ADDR` (default `127.0.0.1:8080`). A verified event gets 200 and
//! one line on stdout with its `event_type` and the `Event` variant it decoded to; anything else
//! gets a 4xx with a one-line reason, and nothing is acted on. With `--self-test` it makes up
//! a key pair, listens on a free port and posts itself a signed event, a tampered one and a
//! stale one, and says what happened to each (it exits non-zero if any outcome is wrong).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use telnyx_client::webhooks::{
    Event, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookError, WebhookVerifier,
};

const ADDR_ENV: &str = "TELNYX_WEBHOOK_ADDR";
const KEY_ENV: &str = "TELNYX_PUBLIC_KEY";
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[tokio::main]
async fn main() -> ExitCode {
    let self_test = std::env::args().skip(1).any(|a| a == "--self-test");
    let result = if self_test {
        run_self_test().await
    } else {
        serve_from_env().await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_from_env() -> Result<(), String> {
    let key = std::env::var(KEY_ENV).map_err(|_| {
        format!(
            "set {KEY_ENV} to your account's webhook public key (Mission Control portal → Keys \
             & Credentials → Public Key), or run with --self-test"
        )
    })?;
    let verifier = WebhookVerifier::new(&key).map_err(|e| format!("{KEY_ENV}: {e}"))?;
    let addr: SocketAddr = std::env::var(ADDR_ENV)
        .unwrap_or_else(|_| DEFAULT_ADDR.to_owned())
        .parse()
        .map_err(|e| format!("{ADDR_ENV} is not an address such as {DEFAULT_ADDR}: {e}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("listening on http://{addr} (POST any path)");
    axum::serve(listener, app(verifier))
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

/// Every path, every method: only a verified POST is accepted.
fn app(verifier: WebhookVerifier) -> Router {
    Router::new()
        .fallback(receive)
        .with_state(Arc::new(verifier))
}

async fn receive(
    State(verifier): State<Arc<WebhookVerifier>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "Telnyx webhooks are POSTs\n".to_owned(),
        );
    }
    match verifier.verify_and_decode(&headers, &body) {
        Ok(event) => {
            println!("{} {}", event.event_type(), variant_name(&event));
            (StatusCode::OK, "ok\n".to_owned())
        }
        Err(error @ WebhookError::Verify(_)) => {
            eprintln!("rejected: {error}");
            (StatusCode::UNAUTHORIZED, format!("{error}\n"))
        }
        Err(error) => {
            eprintln!("rejected: {error}");
            (StatusCode::BAD_REQUEST, format!("{error}\n"))
        }
    }
}

/// The variant's name, as `Debug` prints it.
fn variant_name(event: &Event) -> String {
    let debug = format!("{event:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A `call.initiated` event with the fields Telnyx sends.
const CALL_INITIATED: &str = r#"{"data":{"event_type":"call.initiated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2026-12-01T10:00:00.000000Z","payload":{"call_control_id":"v3:example","call_leg_id":"2dc6fc34-f9e0-11ea-b68e-02420a0f7768","call_session_id":"2dc1b3c8-f9e0-11ea-bc5a-02420a0f7768","connection_id":"7267xxxxxxxxxxxxxx","direction":"incoming","from":"+13125550100","to":"+13125550111","state":"parked","start_time":"2026-12-01T10:00:00.000000Z"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"http://127.0.0.1/hook"}}"#;

async fn run_self_test() -> Result<(), String> {
    let signing = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let public = STANDARD.encode(signing.verifying_key().as_bytes());
    let verifier = WebhookVerifier::new(&public).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on a local port: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let server = tokio::spawn(async move { axum::serve(listener, app(verifier)).await });
    println!("self-test: made up a key pair, listening on http://{addr}");

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| format!("the clock is before 1970: {e}"))?
        .as_secs();
    let sign = |timestamp: u64, body: &str| {
        let message = format!("{timestamp}|{body}");
        STANDARD.encode(signing.sign(message.as_bytes()).to_bytes())
    };
    let tampered = CALL_INITIATED.replace("+13125550100", "+13125550199");
    let cases = [
        (
            "signed",
            now,
            sign(now, CALL_INITIATED),
            CALL_INITIATED,
            200,
        ),
        (
            "tampered",
            now,
            sign(now, CALL_INITIATED),
            tampered.as_str(),
            401,
        ),
        (
            "stale",
            now - 3600,
            sign(now - 3600, CALL_INITIATED),
            CALL_INITIATED,
            401,
        ),
    ];
    let http = reqwest::Client::new();
    let mut wrong = 0;
    for (name, timestamp, signature, body, expected) in cases {
        let response = http
            .post(format!("http://{addr}/telnyx/webhooks"))
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signature)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| format!("{name}: cannot post to the receiver: {e}"))?;
        let status = response.status().as_u16();
        let reason = response.text().await.unwrap_or_default();
        let verdict = if status == expected {
            "as expected"
        } else {
            "WRONG"
        };
        println!("{name:<9} → {status} {} ({verdict})", reason.trim());
        wrong += usize::from(status != expected);
    }
    server.abort();
    match wrong {
        0 => Ok(()),
        n => Err(format!(
            "{n} of 3 self-test requests were not answered as expected"
        )),
    }
}
