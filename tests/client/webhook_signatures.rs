//! Webhook signature verification: vectors signed here with a made-up key.
#![cfg(feature = "webhooks")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::EncodePublicKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use http::HeaderMap;
use proptest::prelude::*;
use telnyx_client::webhooks::{
    DEFAULT_TOLERANCE, Event, KeyError, MAX_SIGNATURE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER,
    VerifyError, WebhookError, WebhookVerifier,
};

const SIGNED_AT: u64 = 1_764_583_200;
const BODY: &[u8] = br#"{"data":{"event_type":"call.hangup","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","payload":{"call_control_id":"v3:x","hangup_cause":"normal_clearing"},"record_type":"event"}}"#;

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[42u8; 32])
}

fn public_base64() -> String {
    STANDARD.encode(signing_key().verifying_key().as_bytes())
}

/// A verifier whose clock reads `now` (Unix seconds).
fn verifier_at(now: u64) -> WebhookVerifier {
    WebhookVerifier::new(&public_base64())
        .unwrap()
        .with_clock(move || UNIX_EPOCH + Duration::from_secs(now))
}

fn sign(timestamp: &str, body: &[u8]) -> String {
    let message = [timestamp.as_bytes(), b"|", body].concat();
    STANDARD.encode(signing_key().sign(&message).to_bytes())
}

fn headers(timestamp: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(TIMESTAMP_HEADER, timestamp.parse().unwrap());
    headers.insert(SIGNATURE_HEADER, signature.parse().unwrap());
    headers
}

fn signed_headers() -> HeaderMap {
    let timestamp = SIGNED_AT.to_string();
    headers(&timestamp, &sign(&timestamp, BODY))
}

#[test]
fn a_signed_webhook_verifies_and_gives_back_its_body_and_time() {
    let verified = verifier_at(SIGNED_AT + 10)
        .verify(&signed_headers(), BODY)
        .unwrap();
    assert_eq!(verified.body(), BODY);
    assert_eq!(
        verified.timestamp(),
        UNIX_EPOCH + Duration::from_secs(SIGNED_AT)
    );
}

#[test]
fn every_tampered_byte_of_the_body_fails() {
    let verifier = verifier_at(SIGNED_AT);
    let headers = signed_headers();
    for i in 0..BODY.len() {
        let mut body = BODY.to_vec();
        body[i] ^= 0x01;
        assert_eq!(
            verifier.verify(&headers, &body).unwrap_err(),
            VerifyError::BadSignature,
            "byte {i}"
        );
    }
    // Cut short, or with a byte added.
    assert!(verifier.verify(&headers, &BODY[..BODY.len() - 1]).is_err());
    assert!(verifier.verify(&headers, &[BODY, b" "].concat()).is_err());
}

#[test]
fn every_tampered_byte_of_the_signature_fails() {
    let verifier = verifier_at(SIGNED_AT);
    let timestamp = SIGNED_AT.to_string();
    let signature = STANDARD.decode(sign(&timestamp, BODY)).unwrap();
    for i in 0..signature.len() {
        for flip in [0x01u8, 0x80] {
            let mut bad = signature.clone();
            bad[i] ^= flip;
            let headers = headers(&timestamp, &STANDARD.encode(&bad));
            assert_eq!(
                verifier.verify(&headers, BODY).unwrap_err(),
                VerifyError::BadSignature,
                "byte {i}, bit {flip:#x}"
            );
        }
    }
}

#[test]
fn every_changed_digit_of_the_timestamp_fails() {
    let verifier = verifier_at(SIGNED_AT).with_tolerance(Duration::from_secs(u32::MAX.into()));
    let timestamp = SIGNED_AT.to_string();
    let signature = sign(&timestamp, BODY);
    for i in 0..timestamp.len() {
        let mut digits = timestamp.clone().into_bytes();
        digits[i] = if digits[i] == b'9' {
            b'0'
        } else {
            digits[i] + 1
        };
        let changed = String::from_utf8(digits).unwrap();
        let error = verifier
            .verify(&headers(&changed, &signature), BODY)
            .unwrap_err();
        assert!(
            matches!(
                error,
                VerifyError::BadSignature | VerifyError::InTheFuture { .. }
            ),
            "digit {i}: {error:?}"
        );
    }
    // The same instant written differently was not what Telnyx signed.
    let padded = format!("0{timestamp}");
    assert_eq!(
        verifier
            .verify(&headers(&padded, &signature), BODY)
            .unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn the_tolerance_holds_exactly_on_both_sides() {
    let headers = signed_headers();
    let tolerance = DEFAULT_TOLERANCE.as_secs();
    assert!(
        verifier_at(SIGNED_AT + tolerance)
            .verify(&headers, BODY)
            .is_ok()
    );
    assert!(
        verifier_at(SIGNED_AT - tolerance)
            .verify(&headers, BODY)
            .is_ok()
    );
    assert_eq!(
        verifier_at(SIGNED_AT + tolerance + 1)
            .verify(&headers, BODY)
            .unwrap_err(),
        VerifyError::TooOld {
            age_secs: tolerance + 1,
            tolerance_secs: tolerance
        }
    );
    assert_eq!(
        verifier_at(SIGNED_AT - tolerance - 1)
            .verify(&headers, BODY)
            .unwrap_err(),
        VerifyError::InTheFuture {
            ahead_secs: tolerance + 1,
            tolerance_secs: tolerance
        }
    );
    // A narrower tolerance.
    let strict = verifier_at(SIGNED_AT + 31).with_tolerance(Duration::from_secs(30));
    assert!(matches!(
        strict.verify(&headers, BODY),
        Err(VerifyError::TooOld { .. })
    ));
}

#[test]
fn a_body_parsed_and_encoded_again_fails() {
    // As sent: spaces after the separators, keys not in alphabetical order.
    let sent: &[u8] =
        br#"{"data": {"id": "e1", "event_type": "call.hangup", "record_type": "event"}}"#;
    let timestamp = SIGNED_AT.to_string();
    let headers = headers(&timestamp, &sign(&timestamp, sent));
    let verifier = verifier_at(SIGNED_AT);
    assert!(verifier.verify(&headers, sent).is_ok());
    let value: serde_json::Value = serde_json::from_slice(sent).unwrap();
    for reencoded in [
        serde_json::to_vec(&value).unwrap(),
        serde_json::to_vec_pretty(&value).unwrap(),
    ] {
        assert_ne!(reencoded, sent);
        assert_eq!(
            verifier.verify(&headers, &reencoded).unwrap_err(),
            VerifyError::BadSignature
        );
    }
}

#[test]
fn header_names_are_read_in_any_case() {
    let timestamp = SIGNED_AT.to_string();
    let mut headers = HeaderMap::new();
    headers.insert(
        http::HeaderName::from_bytes(b"Telnyx-Timestamp").unwrap(),
        timestamp.parse().unwrap(),
    );
    headers.insert(
        http::HeaderName::from_bytes(b"TELNYX-SIGNATURE-ED25519").unwrap(),
        sign(&timestamp, BODY).parse().unwrap(),
    );
    assert!(verifier_at(SIGNED_AT).verify(&headers, BODY).is_ok());
}

#[test]
fn malformed_headers_get_their_own_errors() {
    let verifier = verifier_at(SIGNED_AT);
    let timestamp = SIGNED_AT.to_string();
    let good = sign(&timestamp, BODY);

    let mut only_signature = HeaderMap::new();
    only_signature.insert(SIGNATURE_HEADER, good.parse().unwrap());
    assert_eq!(
        verifier.verify(&only_signature, BODY).unwrap_err(),
        VerifyError::MissingHeader {
            name: TIMESTAMP_HEADER
        }
    );
    let mut only_timestamp = HeaderMap::new();
    only_timestamp.insert(TIMESTAMP_HEADER, timestamp.parse().unwrap());
    assert_eq!(
        verifier.verify(&only_timestamp, BODY).unwrap_err(),
        VerifyError::MissingHeader {
            name: SIGNATURE_HEADER
        }
    );

    let mut not_text = headers(&timestamp, &good);
    not_text.insert(
        SIGNATURE_HEADER,
        http::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
    );
    assert_eq!(
        verifier.verify(&not_text, BODY).unwrap_err(),
        VerifyError::HeaderNotText {
            name: SIGNATURE_HEADER
        }
    );

    for (ts, sig, expected) in [
        ("soon", good.as_str(), VerifyError::TimestampNotInteger),
        ("1.5", good.as_str(), VerifyError::TimestampNotInteger),
        ("-5", good.as_str(), VerifyError::TimestampNotInteger),
        (
            "123456789012345678901234",
            good.as_str(),
            VerifyError::TimestampNotInteger,
        ),
        (
            timestamp.as_str(),
            "not base64!",
            VerifyError::SignatureNotBase64,
        ),
        (
            timestamp.as_str(),
            "AAAA",
            VerifyError::SignatureWrongLength { len: 3 },
        ),
    ] {
        assert_eq!(
            verifier.verify(&headers(ts, sig), BODY).unwrap_err(),
            expected,
            "{ts} {sig}"
        );
    }
    let long = "A".repeat(4000);
    assert_eq!(
        verifier
            .verify(&headers(&timestamp, &long), BODY)
            .unwrap_err(),
        VerifyError::SignatureTooLong {
            len: 4000,
            max: MAX_SIGNATURE_HEADER
        }
    );
}

/// A verifier whose clock reads `now` (Unix seconds) plus `millis` milliseconds.
fn verifier_at_millis(now: u64, millis: u64) -> WebhookVerifier {
    WebhookVerifier::new(&public_base64())
        .unwrap()
        .with_clock(move || UNIX_EPOCH + Duration::from_secs(now) + Duration::from_millis(millis))
}

#[test]
fn the_tolerance_compares_whole_seconds_with_a_sub_second_clock() {
    let headers = signed_headers();
    let tolerance = DEFAULT_TOLERANCE.as_secs();
    // 300.4 s and 300.999 s old are 300 whole seconds: inside the tolerance.
    for millis in [400, 999] {
        assert!(
            verifier_at_millis(SIGNED_AT + tolerance, millis)
                .verify(&headers, BODY)
                .is_ok(),
            "{tolerance}.{millis} s old"
        );
    }
    // 301.5 s old is refused as 301 s, and the message says 301 > 300.
    let error = verifier_at_millis(SIGNED_AT + tolerance + 1, 500)
        .verify(&headers, BODY)
        .unwrap_err();
    assert_eq!(
        error,
        VerifyError::TooOld {
            age_secs: tolerance + 1,
            tolerance_secs: tolerance
        }
    );
    assert!(
        error.to_string().contains("301 s ago, more than the 300 s"),
        "{error}"
    );
    // Ahead of the clock by 300.4 s passes; by 301.4 s does not.
    let ahead = verifier_at_millis(SIGNED_AT - tolerance - 1, 600);
    assert!(ahead.verify(&headers, BODY).is_ok());
    assert_eq!(
        verifier_at_millis(SIGNED_AT - tolerance - 2, 600)
            .verify(&headers, BODY)
            .unwrap_err(),
        VerifyError::InTheFuture {
            ahead_secs: tolerance + 1,
            tolerance_secs: tolerance
        }
    );
    // Whatever the fraction, a refusal always reports a number over the tolerance.
    for millis in (0..3000).step_by(50) {
        for verifier in [
            verifier_at_millis(SIGNED_AT + tolerance - 1, millis),
            verifier_at_millis(SIGNED_AT - tolerance - 2, millis),
        ] {
            match verifier.verify(&headers, BODY) {
                Ok(_) => {}
                Err(VerifyError::TooOld {
                    age_secs: over,
                    tolerance_secs,
                })
                | Err(VerifyError::InTheFuture {
                    ahead_secs: over,
                    tolerance_secs,
                }) => assert!(over > tolerance_secs, "{millis} ms: {over} s"),
                Err(other) => panic!("{millis} ms: {other:?}"),
            }
        }
    }
}

#[test]
fn a_timestamp_with_a_sign_or_inner_spaces_is_refused() {
    let verifier = verifier_at(SIGNED_AT);
    let plain = SIGNED_AT.to_string();
    for timestamp in [
        format!("+{plain}"),
        format!("-{plain}"),
        format!("{} {}", &plain[..5], &plain[5..]),
        format!("{plain}\u{663}"),
        "+".to_owned(),
        String::new(),
        "   ".to_owned(),
    ] {
        // Signed as written, so only the format can be the reason for a refusal.
        let signature = sign(&timestamp, BODY);
        assert_eq!(
            verifier
                .verify_parts(&timestamp, &signature, BODY)
                .unwrap_err(),
            VerifyError::TimestampNotInteger,
            "{timestamp:?}"
        );
        // As a header: a non-ASCII value is refused earlier, as not text.
        let expected = if timestamp.is_ascii() {
            VerifyError::TimestampNotInteger
        } else {
            VerifyError::HeaderNotText {
                name: TIMESTAMP_HEADER,
            }
        };
        assert_eq!(
            verifier
                .verify(&headers(&timestamp, &signature), BODY)
                .unwrap_err(),
            expected,
            "{timestamp:?}"
        );
    }
}

#[test]
fn an_over_long_signature_is_refused_before_decoding_with_the_limit() {
    let verifier = verifier_at(SIGNED_AT);
    let timestamp = SIGNED_AT.to_string();
    // At the limit it is decoded (and is the wrong length); one more and it is not.
    assert_eq!(
        verifier
            .verify_parts(&timestamp, &"A".repeat(MAX_SIGNATURE_HEADER), BODY)
            .unwrap_err(),
        VerifyError::SignatureWrongLength { len: 96 }
    );
    // Not even base64: the length is what is reported.
    let long = "!".repeat(MAX_SIGNATURE_HEADER + 1);
    let error = verifier.verify_parts(&timestamp, &long, BODY).unwrap_err();
    assert_eq!(
        error,
        VerifyError::SignatureTooLong {
            len: MAX_SIGNATURE_HEADER + 1,
            max: MAX_SIGNATURE_HEADER
        }
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("limit of {MAX_SIGNATURE_HEADER}")),
        "{message}"
    );
    // Whitespace around a good signature does not count towards the limit.
    let padded = format!("{}{}\t", " ".repeat(100), sign(&timestamp, BODY));
    assert!(verifier.verify_parts(&timestamp, &padded, BODY).is_ok());
}

#[test]
fn verify_parts_trims_like_the_header_path() {
    let verifier = verifier_at(SIGNED_AT);
    let timestamp = SIGNED_AT.to_string();
    let signature = sign(&timestamp, BODY);
    for (ts, sig) in [
        (format!(" {timestamp}"), format!("{signature} ")),
        (format!("\t{timestamp}\t"), format!("\t {signature}")),
        (format!("{timestamp}\r\n"), format!("{signature}\n")),
    ] {
        let parts = verifier.verify_parts(&ts, &sig, BODY);
        assert!(parts.is_ok(), "{ts:?} {sig:?}: {parts:?}");
        // Header values cannot hold line ends; where they can be built, the result is the same.
        if let (Ok(ts_value), Ok(sig_value)) = (
            http::HeaderValue::from_str(&ts),
            http::HeaderValue::from_str(&sig),
        ) {
            let mut headers = HeaderMap::new();
            headers.insert(TIMESTAMP_HEADER, ts_value);
            headers.insert(SIGNATURE_HEADER, sig_value);
            assert_eq!(verifier.verify(&headers, BODY), parts, "{ts:?} {sig:?}");
        }
    }
    // The trimmed timestamp is what was signed: signing the padded text does not verify.
    let padded = format!(" {timestamp} ");
    assert_eq!(
        verifier
            .verify_parts(&padded, &sign(&padded, BODY), BODY)
            .unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn weak_keys_are_refused_by_every_constructor() {
    let zeros = [0u8; 32];
    let mut identity = [0u8; 32];
    identity[0] = 1;
    for bytes in [zeros, identity] {
        let key = VerifyingKey::from_bytes(&bytes).unwrap();
        assert!(key.is_weak());
        let base64 = STANDARD.encode(bytes);
        let pem = key.to_public_key_pem(LineEnding::LF).unwrap();
        let der = key.to_public_key_der().unwrap();
        let refused = [
            WebhookVerifier::new(&base64),
            WebhookVerifier::from_base64(&base64),
            WebhookVerifier::new(&pem),
            WebhookVerifier::from_pem(&pem),
            WebhookVerifier::from_der(der.as_bytes()),
            WebhookVerifier::from_verifying_key(key),
            base64.parse(),
        ];
        for result in refused {
            assert_eq!(result.unwrap_err(), KeyError::Weak, "{bytes:?}");
        }
    }
    let message = KeyError::Weak.to_string();
    assert!(
        message.contains("weak")
            && message.contains("not a valid Telnyx public key")
            && message.contains("Mission Control"),
        "{message}"
    );
    // A real key still goes through `from_verifying_key`.
    assert!(WebhookVerifier::from_verifying_key(signing_key().verifying_key()).is_ok());
}

#[test]
fn errors_never_show_the_signature_or_the_body() {
    let verifier = verifier_at(SIGNED_AT);
    let signature = sign(&SIGNED_AT.to_string(), BODY);
    let errors: Vec<String> = [
        verifier
            .verify(&signed_headers(), b"{\"secret\":1}")
            .unwrap_err(),
        verifier_at(SIGNED_AT + 3600)
            .verify(&signed_headers(), BODY)
            .unwrap_err(),
        verifier
            .verify(&headers("x", &signature), BODY)
            .unwrap_err(),
    ]
    .iter()
    .map(|e| format!("{e} {e:?}"))
    .collect();
    for text in errors {
        assert!(!text.contains(&signature[..16]), "{text}");
        assert!(
            !text.contains("secret") && !text.contains("call.hangup"),
            "{text}"
        );
    }
}

#[test]
fn the_key_may_be_base64_pem_or_der() {
    let public = signing_key().verifying_key();
    let pem = public.to_public_key_pem(LineEnding::LF).unwrap();
    let der = public.to_public_key_der().unwrap();
    let verifiers = [
        WebhookVerifier::new(&public_base64()).unwrap(),
        WebhookVerifier::new(&format!("  {}\n", public_base64())).unwrap(),
        WebhookVerifier::new(&pem).unwrap(),
        WebhookVerifier::from_pem(&pem).unwrap(),
        WebhookVerifier::from_der(der.as_bytes()).unwrap(),
        public_base64().parse().unwrap(),
    ];
    for verifier in verifiers {
        let verifier = verifier.with_clock(|| UNIX_EPOCH + Duration::from_secs(SIGNED_AT));
        assert!(
            verifier.verify(&signed_headers(), BODY).is_ok(),
            "{verifier:?}"
        );
    }
}

#[test]
fn bad_keys_are_refused_with_a_reason() {
    assert_eq!(
        WebhookVerifier::new("not a key!").unwrap_err(),
        KeyError::NotBase64
    );
    assert_eq!(
        WebhookVerifier::new(&STANDARD.encode([1u8; 31])).unwrap_err(),
        KeyError::WrongLength { len: 31 }
    );
    assert_eq!(
        WebhookVerifier::new("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            .unwrap_err(),
        KeyError::NotEd25519Spki
    );
    assert_eq!(
        WebhookVerifier::from_der(b"\x30\x03\x02\x01\x00").unwrap_err(),
        KeyError::NotEd25519Spki
    );
    assert!(matches!(
        WebhookVerifier::new(&"A".repeat(10_000)).unwrap_err(),
        KeyError::TooLong { .. }
    ));
    let message = KeyError::NotBase64.to_string();
    assert!(message.contains("Mission Control"), "{message}");
    // Another account's key does not verify this account's webhooks.
    let other = STANDARD.encode(
        SigningKey::from_bytes(&[1u8; 32])
            .verifying_key()
            .as_bytes(),
    );
    let other = WebhookVerifier::new(&other)
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(SIGNED_AT));
    assert_eq!(
        other.verify(&signed_headers(), BODY).unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn verify_and_decode_does_both() {
    let verifier = verifier_at(SIGNED_AT);
    let event = verifier.verify_and_decode(&signed_headers(), BODY).unwrap();
    assert_eq!(event.event_type(), "call.hangup");
    if cfg!(not(feature = "call-control")) {
        assert!(matches!(event, Event::Unknown(_)));
    }
    assert!(matches!(
        verifier.verify_and_decode(&signed_headers(), b"{}"),
        Err(WebhookError::Verify(VerifyError::BadSignature))
    ));
    // Signed, but not JSON: verification passes, decoding says why it failed.
    let timestamp = SIGNED_AT.to_string();
    let body = b"not json";
    let error = verifier
        .verify_and_decode(&headers(&timestamp, &sign(&timestamp, body)), body)
        .unwrap_err();
    assert!(matches!(error, WebhookError::Decode(_)), "{error:?}");
}

#[test]
fn a_verifier_prints_its_public_key_and_tolerance_only() {
    let text = format!("{:?}", verifier_at(SIGNED_AT));
    assert!(
        text.contains(&public_base64()) && text.contains("300s"),
        "{text}"
    );
    let _ = SystemTime::now();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary header values and bodies never panic, and never verify unless signed.
    #[test]
    fn arbitrary_requests_never_panic(
        timestamp in proptest::collection::vec(any::<u8>(), 0..40),
        signature in proptest::collection::vec(any::<u8>(), 0..140),
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut headers = HeaderMap::new();
        if let Ok(value) = http::HeaderValue::from_bytes(&timestamp) {
            headers.insert(TIMESTAMP_HEADER, value);
        }
        if let Ok(value) = http::HeaderValue::from_bytes(&signature) {
            headers.insert(SIGNATURE_HEADER, value);
        }
        let verifier = verifier_at(SIGNED_AT);
        prop_assert!(verifier.verify(&headers, &body).is_err());
        let _ = verifier.verify_and_decode(&headers, &body);
        let _ = Event::from_slice(&body);
    }

    /// A correctly signed arbitrary body verifies, and decoding it never panics.
    #[test]
    fn signed_arbitrary_bodies_verify(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let timestamp = SIGNED_AT.to_string();
        let headers = headers(&timestamp, &sign(&timestamp, &body));
        let verified = verifier_at(SIGNED_AT).verify(&headers, &body);
        prop_assert!(verified.is_ok());
        let _ = Event::from_verified(&verified.unwrap());
    }
}
