//! What verifying and decoding a webhook costs.
//!
//! `cargo bench -p telnyx-client --bench webhooks --features webhooks,call-control` measures,
//! in one run, on the same ~1.5 KB `call.hangup` body signed with a made-up key:
//!
//! * `verify/verifier`: [`WebhookVerifier::verify`] from an `http::HeaderMap`;
//! * `verify/bare`: what a hand-written verifier does at the least: decode the base64
//!   signature, join timestamp and body, and call `ed25519-dalek`'s `verify_strict`;
//! * `decode/call_event`: [`Event::from_slice`] of the same body (its typed variant with
//!   `call-control`, `Event::Unknown` without).
//!
//! After criterion it times interleaved batches of the two verifications with `Instant` and
//! prints `webhook verify / bare verify_strict: X.XX` (the median over pairs of batches; the
//! goal is at most 1.1). Under `cargo test --benches` each benchmark runs once and the batches
//! are skipped.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use http::HeaderMap;
use telnyx_client::webhooks::{Event, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookVerifier};

/// A `call.hangup` event with the fields Telnyx sends, about 1.5 KB.
const BODY: &str = r#"{"data":{"event_type":"call.hangup","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2026-12-01T10:00:00.000000Z","payload":{"call_control_id":"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg","call_leg_id":"428c31b6-7af4-4bcb-b7f5-5013ef9657c1","call_session_id":"428c31b6-abf3-3bc1-b7f4-5013ef9657c1","client_state":"aGF2ZSBhIG5pY2UgZGF5ID1d","connection_id":"7267xxxxxxxxxxxxxx","from":"+35319605860","to":"+35319605861","start_time":"2026-12-01T09:58:00.000000Z","end_time":"2026-12-01T10:00:00.000000Z","hangup_cause":"normal_clearing","hangup_source":"caller","sip_hangup_cause":"200","call_quality_stats":{"inbound":{"jitter_max_variance":"0.27","jitter_packet_count":"0","mos":"4.50","packet_count":"1726","skip_packet_count":"0"},"outbound":{"packet_count":"1727","skip_packet_count":"0"}},"tags":["support","priority-customer","region-eu"]},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://example.com/telnyx/webhooks/voice/inbound/primary-endpoint"},"padding":"The remaining bytes bring the body to the size of a typical call event with its quality statistics and custom headers: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#;

struct Fixture {
    verifier: WebhookVerifier,
    key: VerifyingKey,
    headers: HeaderMap,
    timestamp: String,
    signature: String,
}

impl Fixture {
    fn new() -> Self {
        let signing = SigningKey::from_bytes(&[9u8; 32]);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_secs();
        let timestamp = now.to_string();
        let message = [timestamp.as_bytes(), b"|", BODY.as_bytes()].concat();
        let signature = STANDARD.encode(signing.sign(&message).to_bytes());
        let mut headers = HeaderMap::new();
        headers.insert(TIMESTAMP_HEADER, timestamp.parse().expect("a header value"));
        headers.insert(SIGNATURE_HEADER, signature.parse().expect("a header value"));
        let key = signing.verifying_key();
        let verifier = WebhookVerifier::new(&STANDARD.encode(key.as_bytes())).expect("a key");
        Self {
            verifier,
            key,
            headers,
            timestamp,
            signature,
        }
    }

    fn verify(&self) -> bool {
        self.verifier
            .verify(black_box(&self.headers), black_box(BODY.as_bytes()))
            .is_ok()
    }

    /// The least a hand-written verifier does.
    fn bare(&self) -> bool {
        let Ok(bytes) = STANDARD.decode(black_box(&self.signature)) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        let message = [
            black_box(&self.timestamp).as_bytes(),
            b"|",
            black_box(BODY).as_bytes(),
        ]
        .concat();
        self.key.verify_strict(&message, &signature).is_ok()
    }
}

fn bench(criterion: &mut Criterion, fixture: &Fixture) {
    assert!(
        fixture.verify() && fixture.bare(),
        "both verify the signed body"
    );
    let mut group = criterion.benchmark_group("verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verifier", |b| b.iter(|| fixture.verify()));
    group.bench_function("bare", |b| b.iter(|| fixture.bare()));
    group.finish();
    let mut group = criterion.benchmark_group("decode");
    group.throughput(Throughput::Bytes(BODY.len() as u64));
    group.bench_function("call_event", |b| {
        b.iter(|| Event::from_slice(black_box(BODY.as_bytes())).is_ok())
    });
    group.finish();
}

/// Median over pairs of interleaved batches of verifier time / bare time.
fn print_ratio(fixture: &Fixture) {
    const BATCH: usize = 200;
    let time = |f: &dyn Fn() -> bool| {
        let start = Instant::now();
        for _ in 0..BATCH {
            black_box(f());
        }
        start.elapsed()
    };
    let mut ratios: Vec<f64> = (0..40)
        .map(|_| {
            let verifier = time(&|| fixture.verify());
            let bare = time(&|| fixture.bare());
            verifier.as_secs_f64() / bare.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!(
        "webhook verify / bare verify_strict: {median:.2} (median of {} pairs of {BATCH}; \
         range {:.2}–{:.2}; goal <= 1.1)",
        ratios.len(),
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let fixture = Fixture::new();
    bench(&mut criterion, &fixture);
    if common::wants_ratio(std::env::args()) {
        print_ratio(&fixture);
    }
    criterion.final_summary();
}
