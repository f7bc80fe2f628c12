//! Decoding and verifying tokens: signature in constant time, one key or two, expiry, issuer.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;
use subtle::{Choice, ConstantTimeEq};

use crate::claims::Claims;
use crate::clock::{Clock, SystemClock};
use crate::error::{TokenPart, VerifyError};
use crate::key::{HmacSha256, SigningKey};
use crate::realm::Issuer;
use crate::token::SIGNATURE_LEN;

/// The longest token accepted; real tokens are well under 2 KiB.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A token split into its parts, each base64-decoded.
struct RawToken<'t> {
    /// `header.payload`, the bytes the signature covers.
    signing_input: &'t [u8],
    payload: Vec<u8>,
    signature: [u8; SIGNATURE_LEN],
}

fn decode_part(part: TokenPart, text: &[u8]) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|error| VerifyError::BadBase64 {
            part,
            detail: error.to_string(),
        })
}

fn split(token: &[u8]) -> Result<RawToken<'_>, VerifyError> {
    if token.is_empty() {
        return Err(VerifyError::Malformed {
            reason: "the token is empty",
        });
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::Malformed {
            reason: "the token is longer than 16 KiB",
        });
    }
    let mut parts = token.split(|&byte| byte == b'.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed {
            reason: "it does not have exactly three parts separated by dots",
        });
    };
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err(VerifyError::Malformed {
            reason: "one of its parts is empty",
        });
    }
    let decoded_header = decode_part(TokenPart::Header, header)?;
    if decoded_header != b"{}" {
        return Err(VerifyError::UnexpectedHeader {
            found: String::from_utf8_lossy(&decoded_header).into_owned(),
        });
    }
    let signature = decode_part(TokenPart::Signature, signature)?;
    let signature: [u8; SIGNATURE_LEN] =
        signature.try_into().map_err(|_| VerifyError::Malformed {
            reason: "the signature is not 32 bytes, the length of an HMAC-SHA256",
        })?;
    let payload_decoded = decode_part(TokenPart::Payload, payload)?;
    let signing_input = &token[..header.len() + 1 + payload.len()];
    Ok(RawToken {
        signing_input,
        payload: payload_decoded,
        signature,
    })
}

/// Decodes a token's claims **without** checking its signature, expiry or issuer.
///
/// For inspecting tokens only: anyone can write a token that decodes. Use a
/// [`Verifier`] before trusting the claims.
///
/// # Errors
/// Every [`VerifyError`] except `BadSignature`, `Expired` and `IssuerMismatch`.
pub fn decode_unverified(token: impl AsRef<[u8]>) -> Result<Claims, VerifyError> {
    let raw = split(token.as_ref())?;
    Claims::from_json(&raw.payload)
}

/// Checks tokens as the Vivox server would: signature, claims, issuer and expiry.
///
/// Holds one key, or two while an issuer rotates keys. Its `Debug` output
/// never contains a key.
pub struct Verifier {
    primary: HmacSha256,
    secondary: Option<HmacSha256>,
    leeway: Duration,
    issuer: Option<Issuer>,
    clock: Arc<dyn Clock>,
}

impl Verifier {
    /// A verifier for tokens signed with `key`, using the system clock, no
    /// leeway and accepting any issuer.
    #[must_use]
    pub fn new(key: &SigningKey) -> Self {
        Verifier {
            primary: key.keyed_mac(),
            secondary: None,
            leeway: Duration::ZERO,
            issuer: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Also accepts tokens signed with `key`, for the time two keys are active
    /// during a rotation. Replaces any second key set before.
    #[must_use]
    pub fn with_second_key(mut self, key: &SigningKey) -> Self {
        self.secondary = Some(key.keyed_mac());
        self
    }

    /// Accepts tokens up to `leeway` past their `exp` (whole seconds), for clock skew.
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Requires `iss` to be `issuer`.
    #[must_use]
    pub fn expect_issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Verifies `token` and returns its claims.
    ///
    /// Checks, in order: shape and base64 of the three parts, the `{}` header,
    /// the signature (before reading any claim), the claims the action takes,
    /// the issuer if one is expected, and expiry: a token is expired once
    /// now ≥ `exp` + leeway.
    ///
    /// # Errors
    /// The first [`VerifyError`] found.
    pub fn verify(&self, token: impl AsRef<[u8]>) -> Result<Claims, VerifyError> {
        let raw = split(token.as_ref())?;
        if !self.signature_matches(raw.signing_input, &raw.signature) {
            return Err(VerifyError::BadSignature);
        }
        let claims = Claims::from_json(&raw.payload)?;
        if let Some(expected) = &self.issuer
            && claims.issuer != expected.as_str()
        {
            return Err(VerifyError::IssuerMismatch {
                expected: expected.to_string(),
                found: claims.issuer,
            });
        }
        let now = self.clock.since_unix_epoch().as_secs();
        let leeway_secs = self.leeway.as_secs();
        if now >= claims.expires_at.saturating_add(leeway_secs) {
            return Err(VerifyError::Expired {
                expires_at: claims.expires_at,
                now,
                leeway_secs,
            });
        }
        Ok(claims)
    }

    /// Compares in constant time against every key, so timing reveals neither
    /// how much of the signature matched nor which key did.
    fn signature_matches(&self, signing_input: &[u8], signature: &[u8; SIGNATURE_LEN]) -> bool {
        let expected = |mac: &HmacSha256| -> Choice {
            let tag = mac
                .clone()
                .chain_update(signing_input)
                .finalize()
                .into_bytes();
            tag.as_slice().ct_eq(signature.as_slice())
        };
        let mut matched = expected(&self.primary);
        if let Some(secondary) = &self.secondary {
            matched |= expected(secondary);
        }
        matched.into()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field(
                "keys",
                &format_args!("<{} redacted>", 1 + usize::from(self.secondary.is_some())),
            )
            .field("leeway", &self.leeway)
            .field("issuer", &self.issuer)
            .field("clock", &self.clock)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::channel::ChannelKind;
    use crate::clock::FixedClock;
    use crate::grant::Grant;
    use crate::realm::Realm;
    use crate::signer::{MintOptions, Signer};

    const EXP: u64 = 1_600_349_400;
    const LOGIN: &str = "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI";

    fn key(text: &str) -> SigningKey {
        SigningKey::new(text).expect("non-empty")
    }

    fn realm() -> Realm {
        Realm::parse("blindmelon-AppName-dev", "tla.vivox.com").expect("test realm")
    }

    fn verifier_at(now: u64) -> Verifier {
        Verifier::new(&key("secret!")).with_clock(Arc::new(FixedClock::at_unix_secs(now)))
    }

    fn signer() -> Signer {
        Signer::new(realm(), &key("secret!"))
    }

    fn signed(payload: &str) -> String {
        signer().sign_raw_payload(payload.as_bytes())
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn verifies_a_published_token() {
        let claims = verifier_at(EXP - 90).verify(LOGIN).expect("valid");
        assert_eq!(
            claims,
            Claims {
                issuer: "blindmelon-AppName-dev".to_owned(),
                expires_at: EXP,
                action: Action::Login,
                vxi: 933_000,
                from: "sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com".to_owned(),
                to: None,
                subject: None,
            }
        );
        assert_eq!(decode_unverified(LOGIN), Ok(claims));
    }

    #[test]
    fn accepts_bytes_and_strings() {
        let verifier = verifier_at(EXP - 1);
        assert!(verifier.verify(LOGIN.as_bytes()).is_ok());
        assert!(verifier.verify(String::from(LOGIN)).is_ok());
    }

    #[test]
    fn malformed_shapes() {
        let verifier = verifier_at(EXP - 1);
        let too_long = "a".repeat(MAX_TOKEN_LEN + 1);
        let (header, rest) = LOGIN.split_once('.').expect("has dots");
        let (payload, signature) = rest.split_once('.').expect("has dots");
        let short_signature = format!("{header}.{payload}.{}", b64(&[0u8; 31]));
        for token in [
            "",
            "e30",
            "e30.abc",
            "e30.abc.def.ghi",
            &format!("{LOGIN}."),
            &format!(".{payload}.{signature}"),
            &format!("{header}..{signature}"),
            &format!("{header}.{payload}."),
            &too_long,
            &short_signature,
        ] {
            let result = verifier.verify(token);
            assert!(
                matches!(result, Err(VerifyError::Malformed { .. })),
                "{token:?} -> {result:?}"
            );
            assert_eq!(
                result.err().and_then(|e| e.vivox_error_code()),
                Some(crate::codes::MALFORMED)
            );
        }
    }

    #[test]
    fn bad_base64_names_the_part() {
        let verifier = verifier_at(EXP - 1);
        let (header, rest) = LOGIN.split_once('.').expect("has dots");
        let (payload, signature) = rest.split_once('.').expect("has dots");
        let cases = [
            (format!("e3=.{payload}.{signature}"), TokenPart::Header),
            (
                format!("{header}.{payload}+.{signature}"),
                TokenPart::Payload,
            ),
            (
                format!("{header}.{payload}=.{signature}"),
                TokenPart::Payload,
            ),
            (
                format!("{header}.{payload}.{signature}="),
                TokenPart::Signature,
            ),
            (
                format!("{header}.{payload}.{signature}/"),
                TokenPart::Signature,
            ),
            (
                format!("{header}.{payload} .{signature}"),
                TokenPart::Payload,
            ),
        ];
        for (token, expected) in cases {
            match verifier.verify(&token) {
                Err(VerifyError::BadBase64 { part, .. }) => assert_eq!(part, expected, "{token}"),
                other => panic!("{token}: {other:?}"),
            }
        }
    }

    #[test]
    fn non_canonical_trailing_bits_are_bad_base64() {
        // The last character of a 43-character signature carries 2 unused bits.
        let (rest, signature) = LOGIN.rsplit_once('.').expect("has dots");
        let last = signature.chars().last().expect("non-empty");
        let bumped = char::from(u8::try_from(last).expect("ASCII") + 1);
        let token = format!("{rest}.{}{bumped}", &signature[..signature.len() - 1]);
        assert!(matches!(
            verifier_at(EXP - 1).verify(&token),
            Err(VerifyError::BadBase64 {
                part: TokenPart::Signature,
                ..
            })
        ));
    }

    #[test]
    fn unexpected_header() {
        let rest = LOGIN.strip_prefix("e30").expect("header");
        let token = format!("{}{rest}", b64(br#"{"alg":"HS256"}"#));
        assert_eq!(
            verifier_at(EXP - 1).verify(&token),
            Err(VerifyError::UnexpectedHeader {
                found: r#"{"alg":"HS256"}"#.to_owned()
            })
        );
    }

    #[test]
    fn bad_signature_under_a_wrong_key() {
        let verifier = Verifier::new(&key("not the key"))
            .with_clock(Arc::new(FixedClock::at_unix_secs(EXP - 1)));
        let error = verifier.verify(LOGIN).unwrap_err();
        assert_eq!(error, VerifyError::BadSignature);
        assert_eq!(error.vivox_error_code(), Some(crate::codes::BAD_SIGNATURE));
    }

    #[test]
    fn bad_signature_when_the_payload_changes() {
        let (header, rest) = LOGIN.split_once('.').expect("has dots");
        let (_, signature) = rest.split_once('.').expect("has dots");
        let other = b64(br#"{"iss":"blindmelon-AppName-dev","vxa":"login","vxi":933001,"exp":1600349400,"f":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com"}"#);
        let token = format!("{header}.{other}.{signature}");
        assert_eq!(
            verifier_at(EXP - 1).verify(&token),
            Err(VerifyError::BadSignature)
        );
        // Decoding without verification still reads it.
        assert_eq!(decode_unverified(&token).map(|c| c.vxi), Ok(933_001));
    }

    #[test]
    fn two_keys_during_rotation() {
        let realm = realm();
        let user = realm.user("jerky").expect("valid");
        let options = MintOptions::new().vxi(1).expires_at(EXP);
        let mint = |k: &str| {
            Signer::new(realm.clone(), &key(k))
                .mint_with(&Grant::login(&user), options)
                .expect("mints")
        };
        let verifier = Verifier::new(&key("old"))
            .with_second_key(&key("new"))
            .with_clock(Arc::new(FixedClock::at_unix_secs(EXP - 1)));
        assert!(verifier.verify(mint("old").as_str()).is_ok());
        assert!(verifier.verify(mint("new").as_str()).is_ok());
        assert_eq!(
            verifier.verify(mint("other").as_str()),
            Err(VerifyError::BadSignature)
        );
        let shown = format!("{verifier:?}");
        assert!(!shown.contains("old") && !shown.contains("new"), "{shown}");
        assert!(shown.contains("<2 redacted>"), "{shown}");
    }

    #[test]
    fn expiry_and_leeway() {
        assert!(verifier_at(EXP - 1).verify(LOGIN).is_ok());
        let error = verifier_at(EXP).verify(LOGIN).unwrap_err();
        assert_eq!(
            error,
            VerifyError::Expired {
                expires_at: EXP,
                now: EXP,
                leeway_secs: 0
            }
        );
        assert_eq!(error.vivox_error_code(), Some(crate::codes::EXPIRED));
        let lenient = verifier_at(EXP + 29).with_leeway(Duration::from_secs(30));
        assert!(lenient.verify(LOGIN).is_ok());
        let lenient = verifier_at(EXP + 30).with_leeway(Duration::from_secs(30));
        assert!(matches!(
            lenient.verify(LOGIN),
            Err(VerifyError::Expired {
                leeway_secs: 30,
                ..
            })
        ));
    }

    #[test]
    fn issuer_is_checked_only_when_expected() {
        let expect =
            |issuer: &str| verifier_at(EXP - 1).expect_issuer(Issuer::new(issuer).expect("valid"));
        assert!(expect("blindmelon-AppName-dev").verify(LOGIN).is_ok());
        let error = expect("someone-else").verify(LOGIN).unwrap_err();
        assert_eq!(
            error,
            VerifyError::IssuerMismatch {
                expected: "someone-else".to_owned(),
                found: "blindmelon-AppName-dev".to_owned()
            }
        );
        assert_eq!(
            error.vivox_error_code(),
            Some(crate::codes::ISSUER_MISMATCH)
        );
    }

    #[test]
    fn bad_json_after_a_good_signature() {
        for payload in ["not json", "[1,2]", r#"{"iss":"i""#, r#"{"vxi":"1"}"#] {
            let token = signed(payload);
            assert!(
                matches!(
                    verifier_at(EXP - 1).verify(&token),
                    Err(VerifyError::BadJson { .. })
                ),
                "{payload}"
            );
        }
    }

    #[test]
    fn claim_errors_after_a_good_signature() {
        let verifier = verifier_at(EXP - 1);
        assert_eq!(
            verifier.verify(signed(
                r#"{"iss":"i","vxa":"shout","vxi":1,"exp":1600349400,"f":"u"}"#
            )),
            Err(VerifyError::UnknownAction {
                action: "shout".to_owned()
            })
        );
        assert_eq!(
            verifier.verify(signed(
                r#"{"iss":"i","vxa":"join","vxi":1,"exp":1600349400,"f":"u"}"#
            )),
            Err(VerifyError::MissingClaim {
                claim: "t",
                action: Some(Action::Join)
            })
        );
        assert!(matches!(
            verifier.verify(signed(
                r#"{"iss":"i","vxa":"trxn","vxi":1,"exp":1600349400,"f":"u","t":"c","sub":"s"}"#
            )),
            Err(VerifyError::UnexpectedClaim { claim, .. }) if claim == "sub"
        ));
    }

    #[test]
    fn every_error_has_a_vivox_code_and_a_helpful_message() {
        let errors = [
            VerifyError::Malformed { reason: "r" },
            VerifyError::BadBase64 {
                part: TokenPart::Payload,
                detail: "d".to_owned(),
            },
            VerifyError::UnexpectedHeader {
                found: "{x}".to_owned(),
            },
            VerifyError::BadJson {
                detail: "d".to_owned(),
            },
            VerifyError::BadSignature,
            VerifyError::Expired {
                expires_at: 1,
                now: 2,
                leeway_secs: 0,
            },
            VerifyError::UnknownAction {
                action: "x".to_owned(),
            },
            VerifyError::MissingClaim {
                claim: "t",
                action: Some(Action::Kick),
            },
            VerifyError::MissingClaim {
                claim: "vxa",
                action: None,
            },
            VerifyError::UnexpectedClaim {
                claim: "x".to_owned(),
                context: "is not a Vivox claim".to_owned(),
            },
            VerifyError::IssuerMismatch {
                expected: "a".to_owned(),
                found: "b".to_owned(),
            },
        ];
        for error in errors {
            let code = error
                .vivox_error_code()
                .expect("every variant maps to a code");
            assert!(crate::codes::describe(code).is_some());
            let message = error.to_string();
            assert!(message.len() > 30, "{message}");
            assert!(!message.contains("secret!"), "{message}");
        }
        assert_eq!(
            VerifyError::MissingClaim {
                claim: "t",
                action: Some(Action::Kick)
            }
            .to_string(),
            "the token has no `t` claim, which a kick token requires"
        );
    }

    #[test]
    fn positional_channel_tokens_round_trip() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let channel = realm
            .channel(
                "arena",
                ChannelKind::Positional(crate::channel::PositionalProperties::default()),
            )
            .expect("valid");
        let token = signer()
            .mint_with(
                &Grant::join(&user, &channel),
                MintOptions::new().vxi(5).expires_at(EXP),
            )
            .expect("mints");
        let claims = verifier_at(EXP - 1).verify(token.as_str()).expect("valid");
        assert_eq!(claims.to.as_deref(), Some(channel.as_str()));
    }
}
