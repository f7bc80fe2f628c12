//! Verifying that a webhook request comes from Telnyx.
//!
//! Telnyx signs the bytes `{timestamp}|{body}` with Ed25519: `timestamp` is the value of the
//! [`TIMESTAMP_HEADER`] (Unix seconds, as decimal text) and `body` the request body exactly as
//! sent. The 64-byte signature arrives base64-encoded in the [`SIGNATURE_HEADER`]. Because the
//! timestamp is signed too, a verifier also refuses a request whose timestamp is further from
//! its clock than a tolerance ([`DEFAULT_TOLERANCE`], in both directions), so that a recorded
//! request cannot be replayed later.
//!
//! Both header values are read the same way whether they come from an [`http::HeaderMap`]
//! ([`WebhookVerifier::verify`]) or as text ([`WebhookVerifier::verify_parts`]): surrounding
//! ASCII whitespace is dropped, the timestamp must then be ASCII digits only, and the signature
//! standard base64 of at most [`MAX_SIGNATURE_HEADER`] characters.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::DecodePublicKey;
use ed25519_dalek::{PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, Signature, VerifyingKey};

/// The header holding the base64 Ed25519 signature.
pub const SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";
/// The header holding the signing time, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "telnyx-timestamp";
/// How far a webhook's timestamp may be from the verifier's clock, either way: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The longest signature header value read, in characters after trimming; a longer one is
/// refused with [`VerifyError::SignatureTooLong`] before any decoding (a 64-byte signature is
/// 88 characters of base64).
pub const MAX_SIGNATURE_HEADER: usize = 128;
/// Longest timestamp header read.
const MAX_TIMESTAMP_HEADER: usize = 20;
/// Longest public key text read (a PEM SubjectPublicKeyInfo is about 113 bytes).
const MAX_KEY_TEXT: usize = 4096;

/// Where the public key is in the portal, for error messages.
const KEY_HINT: &str = "copy the public key from the Mission Control portal (Keys & \
                        Credentials → Public Key): 32 bytes in base64, or a PEM public key";

/// The verifier's clock: the current time. A function, not the room-token session's `Clock`
/// trait: verifying only reads the time and never waits, and tests pin it with a closure.
type Clock = dyn Fn() -> SystemTime + Send + Sync;

/// Checks Telnyx webhook signatures with your account's public key.
///
/// Build one at start-up and share it: [`verify`](Self::verify) takes `&self`.
///
/// ```
/// use base64::Engine;
/// use ed25519_dalek::{Signer, SigningKey};
/// use telnyx_client::webhooks::{SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookVerifier};
///
/// // A key pair made up for the example; Telnyx holds the private half of yours.
/// let signing = SigningKey::from_bytes(&[7u8; 32]);
/// let public = base64::engine::general_purpose::STANDARD.encode(signing.verifying_key().as_bytes());
/// let verifier = WebhookVerifier::new(&public)?;
///
/// let now = std::time::SystemTime::now()
///     .duration_since(std::time::UNIX_EPOCH)?
///     .as_secs()
///     .to_string();
/// let body = br#"{"data":{"event_type":"call.hangup"}}"#;
/// let signature = signing.sign(&[now.as_bytes(), b"|", body].concat());
/// let mut headers = http::HeaderMap::new();
/// headers.insert(TIMESTAMP_HEADER, now.parse()?);
/// headers.insert(
///     SIGNATURE_HEADER,
///     base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()).parse()?,
/// );
///
/// let verified = verifier.verify(&headers, body)?;
/// assert_eq!(verified.body(), body);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    key: VerifyingKey,
    tolerance: Duration,
    clock: Arc<Clock>,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("public_key", &STANDARD.encode(self.key.as_bytes()))
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl std::str::FromStr for WebhookVerifier {
    type Err = KeyError;

    fn from_str(key: &str) -> Result<Self, KeyError> {
        Self::new(key)
    }
}

impl WebhookVerifier {
    /// A verifier for `key`: the base64 public key as the portal shows it, or a PEM
    /// `PUBLIC KEY` (SubjectPublicKeyInfo). Surrounding whitespace is ignored.
    pub fn new(key: &str) -> Result<Self, KeyError> {
        if key.len() > MAX_KEY_TEXT {
            return Err(KeyError::TooLong { len: key.len() });
        }
        let key = key.trim();
        if key.starts_with("-----BEGIN") {
            Self::from_pem(key)
        } else {
            Self::from_base64(key)
        }
    }

    /// A verifier for the 32-byte public key `key`, base64-encoded (as the portal shows it).
    pub fn from_base64(key: &str) -> Result<Self, KeyError> {
        if key.len() > MAX_KEY_TEXT {
            return Err(KeyError::TooLong { len: key.len() });
        }
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| KeyError::NotBase64)?;
        let bytes: [u8; PUBLIC_KEY_LENGTH] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongLength { len: bytes.len() })?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::NotAPoint)?;
        Self::from_verifying_key(key)
    }

    /// A verifier for a PEM `PUBLIC KEY` (an Ed25519 SubjectPublicKeyInfo).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        if pem.len() > MAX_KEY_TEXT {
            return Err(KeyError::TooLong { len: pem.len() });
        }
        let key =
            VerifyingKey::from_public_key_pem(pem.trim()).map_err(|_| KeyError::NotEd25519Spki)?;
        Self::from_verifying_key(key)
    }

    /// A verifier for a DER-encoded Ed25519 SubjectPublicKeyInfo.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        if der.len() > MAX_KEY_TEXT {
            return Err(KeyError::TooLong { len: der.len() });
        }
        let key = VerifyingKey::from_public_key_der(der).map_err(|_| KeyError::NotEd25519Spki)?;
        Self::from_verifying_key(key)
    }

    /// A verifier for an `ed25519-dalek` key.
    ///
    /// Every other constructor ends here, so all of them refuse the same keys: a weak key (one
    /// of small order, see [`VerifyingKey::is_weak`]) is refused with [`KeyError::Weak`]; it
    /// cannot be the key of a Telnyx account, and no signature would ever verify with it.
    pub fn from_verifying_key(key: VerifyingKey) -> Result<Self, KeyError> {
        if key.is_weak() {
            return Err(KeyError::Weak);
        }
        Ok(Self {
            key,
            tolerance: DEFAULT_TOLERANCE,
            clock: Arc::new(SystemTime::now),
        })
    }

    /// How far a timestamp may be from the clock, either way (default
    /// [`DEFAULT_TOLERANCE`]).
    ///
    /// The check is made in whole seconds: the distance between the timestamp and the clock is
    /// rounded down to whole seconds and refused only when it is greater than the tolerance's
    /// whole seconds (a fraction of a second in `tolerance` is ignored). With the default, a
    /// request 300.9 s old passes and one 301 s old does not.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The clock timestamps are compared with (default: [`SystemTime::now`]); for tests.
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The tolerance, as set (the check uses its whole seconds).
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies a request from its headers (names in any case) and its raw body.
    ///
    /// The values are then read as by [`verify_parts`](Self::verify_parts).
    pub fn verify<'b>(
        &self,
        headers: &http::HeaderMap,
        body: &'b [u8],
    ) -> Result<Verified<'b>, VerifyError> {
        let timestamp = header(headers, TIMESTAMP_HEADER)?;
        let signature = header(headers, SIGNATURE_HEADER)?;
        self.verify_parts(timestamp, signature, body)
    }

    /// Verifies a request from the values of its two headers and its raw body, for frameworks
    /// without [`http::HeaderMap`].
    ///
    /// Surrounding ASCII whitespace (spaces, tabs, line ends) is dropped from both values, as
    /// [`verify`](Self::verify) does; the signed message uses the trimmed timestamp.
    pub fn verify_parts<'b>(
        &self,
        timestamp: &str,
        signature: &str,
        body: &'b [u8],
    ) -> Result<Verified<'b>, VerifyError> {
        let timestamp = timestamp.trim_ascii();
        let signature = signature.trim_ascii();
        let seconds = parse_timestamp(timestamp)?;
        let signature = decode_signature(signature)?;
        let signed_at = UNIX_EPOCH
            .checked_add(Duration::from_secs(seconds))
            .ok_or(VerifyError::TimestampNotInteger)?;
        self.check_age(signed_at)?;
        let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.push(b'|');
        message.extend_from_slice(body);
        self.key
            .verify_strict(&message, &signature)
            .map_err(|_| VerifyError::BadSignature)?;
        Ok(Verified {
            body,
            timestamp: signed_at,
        })
    }
}

impl WebhookVerifier {
    /// Refuses `signed_at` when it is more than the tolerance from the clock, comparing whole
    /// seconds so that the error reports exactly the numbers compared.
    fn check_age(&self, signed_at: SystemTime) -> Result<(), VerifyError> {
        let tolerance_secs = self.tolerance.as_secs();
        match (self.clock)().duration_since(signed_at) {
            Ok(age) if age.as_secs() > tolerance_secs => Err(VerifyError::TooOld {
                age_secs: age.as_secs(),
                tolerance_secs,
            }),
            Err(ahead) if ahead.duration().as_secs() > tolerance_secs => {
                Err(VerifyError::InTheFuture {
                    ahead_secs: ahead.duration().as_secs(),
                    tolerance_secs,
                })
            }
            _ => Ok(()),
        }
    }
}

/// The value of header `name` as text, untrimmed ([`WebhookVerifier::verify_parts`] trims).
fn header<'h>(headers: &'h http::HeaderMap, name: &'static str) -> Result<&'h str, VerifyError> {
    let value = headers
        .get(name)
        .ok_or(VerifyError::MissingHeader { name })?;
    value
        .to_str()
        .map_err(|_| VerifyError::HeaderNotText { name })
}

/// The (trimmed) timestamp as Unix seconds: ASCII digits only, so no sign, point or spaces.
fn parse_timestamp(text: &str) -> Result<u64, VerifyError> {
    if text.is_empty()
        || text.len() > MAX_TIMESTAMP_HEADER
        || !text.bytes().all(|byte| byte.is_ascii_digit())
    {
        return Err(VerifyError::TimestampNotInteger);
    }
    text.parse().map_err(|_| VerifyError::TimestampNotInteger)
}

/// The (trimmed) signature header decoded, its length checked before decoding.
fn decode_signature(text: &str) -> Result<Signature, VerifyError> {
    if text.len() > MAX_SIGNATURE_HEADER {
        return Err(VerifyError::SignatureTooLong {
            len: text.len(),
            max: MAX_SIGNATURE_HEADER,
        });
    }
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| VerifyError::SignatureNotBase64)?;
    let bytes: [u8; SIGNATURE_LENGTH] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| VerifyError::SignatureWrongLength { len: bytes.len() })?;
    Ok(Signature::from_bytes(&bytes))
}

/// A request body whose signature and timestamp checked out: only
/// [`WebhookVerifier::verify`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified<'b> {
    body: &'b [u8],
    timestamp: SystemTime,
}

impl<'b> Verified<'b> {
    /// The raw body.
    pub fn body(&self) -> &'b [u8] {
        self.body
    }

    /// When Telnyx signed it.
    pub fn timestamp(&self) -> SystemTime {
        self.timestamp
    }
}

/// Why a request is not a webhook Telnyx signed. The messages never contain the body or the
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header is missing.
    #[error("the `{name}` header is missing: Telnyx sends it with every webhook")]
    MissingHeader {
        /// The header.
        name: &'static str,
    },
    /// A header's value is not visible ASCII text.
    #[error("the `{name}` header is not ASCII text")]
    HeaderNotText {
        /// The header.
        name: &'static str,
    },
    /// The signature header is not base64.
    #[error(
        "the `{SIGNATURE_HEADER}` header is not standard base64; pass the header's value as \
         received"
    )]
    SignatureNotBase64,
    /// The signature header is longer than any signature, so it was not decoded.
    #[error(
        "the `{SIGNATURE_HEADER}` header is {len} characters long, over the limit of {max}; an \
         Ed25519 signature is 88 characters of base64: pass the header's value as received"
    )]
    SignatureTooLong {
        /// Its length in characters, after trimming.
        len: usize,
        /// The most read ([`MAX_SIGNATURE_HEADER`]).
        max: usize,
    },
    /// The signature does not have 64 bytes.
    #[error("the `{SIGNATURE_HEADER}` header holds {len} bytes; an Ed25519 signature has 64")]
    SignatureWrongLength {
        /// The decoded length.
        len: usize,
    },
    /// The timestamp header is not a whole number of seconds: after trimming, it must be ASCII
    /// digits only (no sign, fraction or exponent) and at most 20 of them.
    #[error(
        "the `{TIMESTAMP_HEADER}` header is not a Unix time in whole seconds (ASCII digits \
         only); pass the header's value as received"
    )]
    TimestampNotInteger,
    /// The timestamp is older than the tolerance (both in whole seconds).
    #[error(
        "the webhook was signed {age_secs} s ago, more than the {tolerance_secs} s allowed: \
         a replayed request, or a clock that is wrong here"
    )]
    TooOld {
        /// How old it is.
        age_secs: u64,
        /// The tolerance.
        tolerance_secs: u64,
    },
    /// The timestamp is further ahead than the tolerance (both in whole seconds).
    #[error(
        "the webhook's timestamp is {ahead_secs} s in the future, more than the \
         {tolerance_secs} s allowed: check this machine's clock"
    )]
    InTheFuture {
        /// How far ahead it is.
        ahead_secs: u64,
        /// The tolerance.
        tolerance_secs: u64,
    },
    /// The signature is not that of the timestamp and body with this key.
    #[error(
        "the signature does not match the body and timestamp: not sent by Telnyx, changed on \
         the way, verified against a parsed and re-encoded body instead of the raw one, or \
         checked with another account's public key"
    )]
    BadSignature,
}

/// Why a public key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key text is far longer than any key.
    #[error("the public key is {len} bytes long, too long for a key; {KEY_HINT}")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// Not base64.
    #[error("the public key is not base64; {KEY_HINT}")]
    NotBase64,
    /// Not 32 bytes.
    #[error("the public key holds {len} bytes, an Ed25519 public key 32; {KEY_HINT}")]
    WrongLength {
        /// The decoded length.
        len: usize,
    },
    /// 32 bytes that are not an Ed25519 public key.
    #[error("the 32 bytes are not an Ed25519 public key; {KEY_HINT}")]
    NotAPoint,
    /// A weak Ed25519 key (a point of small order, such as all zeros or the identity): never
    /// an account's key, and one no signature could be trusted with.
    #[error(
        "the key is a weak Ed25519 point (small order, e.g. all zeros), not a valid Telnyx \
         public key; {KEY_HINT}"
    )]
    Weak,
    /// PEM or DER that is not an Ed25519 SubjectPublicKeyInfo.
    #[error("the PEM or DER key is not an Ed25519 public key (SubjectPublicKeyInfo); {KEY_HINT}")]
    NotEd25519Spki,
}
