//! Arbitrary headers and bodies through verification and decoding: nothing may panic, and an
//! unsigned request never verifies.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use telnyx_client::webhooks::{self, Event, WebhookVerifier};

fuzz_target!(|input: (&[u8], &[u8], &[u8])| {
    let (timestamp, signature, body) = input;
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]).verifying_key();
    // A fixed, valid key: refusing it would be a bug worth a crash report.
    let verifier = WebhookVerifier::from_verifying_key(key)
        .expect("the fuzz key is a valid Ed25519 public key")
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_764_583_200));
    let mut headers = http::HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_bytes(timestamp) {
        headers.insert(webhooks::TIMESTAMP_HEADER, value);
    }
    if let Ok(value) = http::HeaderValue::from_bytes(signature) {
        headers.insert(webhooks::SIGNATURE_HEADER, value);
    }
    assert!(verifier.verify(&headers, body).is_err());
    // The same values as text go through the same checks.
    if let (Ok(timestamp), Ok(signature)) = (
        std::str::from_utf8(timestamp),
        std::str::from_utf8(signature),
    ) {
        assert!(verifier.verify_parts(timestamp, signature, body).is_err());
    }
    let _ = verifier.verify_and_decode(&headers, body);
    let _ = Event::from_slice(body);
});
