//! Decoding and verifying tokens: signature in constant time, one key or two,
//! the URIs of the claims, issuer, domain and expiry.

mod decode;
mod uri_checks;
mod verifier;

pub use decode::{MAX_TOKEN_LEN, decode_unverified};
pub use verifier::{MAX_LEEWAY, Verifier};
