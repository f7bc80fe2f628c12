//! Arbitrary headers and bodies through verification and decoding: nothing may panic, and an
//! unsigned request never verifies.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use telnyx_client::webhooks::{Event, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookVerifier};

fuzz_target!(|input: (&[u8], &[u8], &[u8])| {
    let (timestamp, signature, body) = input;
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]).verifying_key();
    let verifier = WebhookVerifier::from_verifying_key(key).with_clock(|| UNIX_EPOCH + Duration::from_secs(1_764_583_200));
    let mut headers = http::HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_bytes(timestamp) {
        headers.insert(TIMESTAMP_HEADER, value);
    }
    if let Ok(value) = http::HeaderValue::from_bytes(signature) {
        headers.insert(SIGNATURE_HEADER, value);
    }
    assert!(verifier.verify(&headers, body).is_err());
    let _ = verifier.verify_and_decode(&headers, body);
    let _ = Event::from_slice(body);
});
