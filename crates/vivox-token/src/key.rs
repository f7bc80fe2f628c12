//! The token signing key, kept out of every Debug, Display and error message.

use std::fmt;

use hmac::{Hmac, KeyInit};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::InputError;

/// HMAC-SHA256, the MAC Vivox tokens are signed with.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The secret an issuer signs tokens with, from the Vivox developer portal.
///
/// Its bytes are wiped when it is dropped. It has no `Display`, and its
/// `Debug` prints `SigningKey(<redacted>)`.
#[derive(Clone)]
pub struct SigningKey(Zeroizing<Vec<u8>>);

impl SigningKey {
    /// Wraps the key's bytes (for a key given as text, its UTF-8 bytes).
    ///
    /// # Errors
    /// [`InputError::EmptyKey`] if `key` is empty.
    pub fn new(key: impl Into<Vec<u8>>) -> Result<Self, InputError> {
        let key = Zeroizing::new(key.into());
        if key.is_empty() {
            return Err(InputError::EmptyKey);
        }
        Ok(SigningKey(key))
    }

    /// The HMAC state keyed with this key, computed once and cloned per token.
    pub(crate) fn keyed_mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length (RFC 2104)"))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = SigningKey::new("secret!").expect("non-empty");
        let shown = format!("{key:?} {key:#?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn empty_key_is_refused() {
        assert!(matches!(SigningKey::new(""), Err(InputError::EmptyKey)));
        assert!(SigningKey::new(vec![0u8]).is_ok());
    }
}
