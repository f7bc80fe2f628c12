//! Feeds arbitrary bytes to the token decoder and verifier: they must return
//! an error or claims, never panic, and a verified token must decode to the
//! same claims.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vivox_token::{SigningKey, Verifier, decode_unverified};

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| match SigningKey::new("secret!") {
        Ok(key) => Verifier::new(&key),
        Err(error) => panic!("fixed fuzzing key refused: {error}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let decoded = decode_unverified(data);
    if let Ok(claims) = verifier().verify(data) {
        assert_eq!(decoded.as_ref(), Ok(&claims));
    }
});
