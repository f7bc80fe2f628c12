//! The token wire format: `e30.` + base64url(payload) + `.` + base64url(signature).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;

use crate::key::HmacSha256;

/// The header part: base64url of `{}`, the same in every Vivox token.
pub const HEADER: &str = "e30";

/// Bytes in an HMAC-SHA256 signature.
pub(crate) const SIGNATURE_LEN: usize = 32;

/// A minted access token, ready to hand to a client.
///
/// A token is a single-use bearer credential that expires within minutes; it
/// holds no key material.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token(pub(crate) String);

impl Token {
    /// The token as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The token as an owned string.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Token {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Token> for String {
    fn from(token: Token) -> Self {
        token.0
    }
}

/// Replaces `out` with the signed token for `payload`, signing with a clone of `mac`.
pub(crate) fn encode_signed(mac: &HmacSha256, payload: &[u8], out: &mut String) {
    out.clear();
    out.reserve(HEADER.len() + 2 + encoded_len(payload.len()) + encoded_len(SIGNATURE_LEN));
    out.push_str(HEADER);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, out);
    // The signing input is exactly what has been written so far.
    let signature = mac
        .clone()
        .chain_update(out.as_bytes())
        .finalize()
        .into_bytes();
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(signature.as_slice(), out);
}

/// Length of `n` bytes in unpadded base64.
fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4 - (3 - n % 3) % 3
}
