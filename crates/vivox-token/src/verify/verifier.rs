//! The [`Verifier`]: the keys, the expectations and the clock a token is checked against.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hmac::Mac as _;
use subtle::{Choice, ConstantTimeEq};

use super::decode::split;
use super::uri_checks::check_uris;
use crate::claims::Claims;
use crate::clock::{Clock, SystemClock};
use crate::error::{InputError, VerifyError};
use crate::key::{HmacSha256, SigningKey};
use crate::realm::{Domain, Issuer};
use crate::token::SIGNATURE_LEN;

/// The longest leeway a [`Verifier`] accepts: 5 minutes, ample for clock skew
/// between servers and far below a token's useful life.
pub const MAX_LEEWAY: Duration = Duration::from_secs(5 * 60);

/// Checks tokens as the Vivox server would: signature, claims, the URIs in
/// them, issuer, domain and expiry.
///
/// Holds one key, or two while an issuer rotates keys. Its `Debug` output
/// never contains a key.
pub struct Verifier {
    primary: HmacSha256,
    secondary: Option<HmacSha256>,
    leeway: Duration,
    issuer: Option<Issuer>,
    domain: Option<Domain>,
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
            domain: None,
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
    ///
    /// # Errors
    /// [`InputError::LeewayTooLong`] if `leeway` is over [`MAX_LEEWAY`] (5 minutes).
    pub fn with_leeway(mut self, leeway: Duration) -> Result<Self, InputError> {
        if leeway > MAX_LEEWAY {
            return Err(InputError::LeewayTooLong {
                leeway,
                max: MAX_LEEWAY,
            });
        }
        self.leeway = leeway;
        Ok(self)
    }

    /// Requires `iss`, and the issuer of every URI in the token, to be `issuer`.
    #[must_use]
    pub fn expect_issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Requires every URI in the token to be at `domain`.
    ///
    /// Without it the URIs must still agree with each other: `t` and `sub`
    /// must be at the domain of `f`.
    #[must_use]
    pub fn expect_domain(mut self, domain: Domain) -> Self {
        self.domain = Some(domain);
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
    /// the issuer if one is expected, the URIs, and expiry: a token is expired
    /// once now ≥ `exp` + leeway.
    ///
    /// The URIs are read as the typed URIs of the action: `f` is a user URI
    /// (or, for kick and mute, the admin URI), `t` a channel URI (or, for the
    /// admin's server-wide kick, the service URI) and `sub` a user URI. Each
    /// must belong to the token's issuer and be at the expected domain (or,
    /// with none expected, the domain of `f`), and together they must form
    /// one of the tokens [`Grant`](crate::Grant) can build: only the admin may
    /// remove everyone from a channel or kick a user off the server.
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
        check_uris(&claims, self.domain.as_ref())?;
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
            .field("domain", &self.domain)
            .field("clock", &self.clock)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;
    use crate::action::Action;
    use crate::clock::FixedClock;
    use crate::token::encode_signed;
    use crate::verify::decode::decode_unverified;

    const EXP: u64 = 1_600_349_400;
    const LOGIN: &str = "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI";

    fn key(text: &str) -> SigningKey {
        SigningKey::new(text).expect("non-empty")
    }

    fn verifier_at(now: u64) -> Verifier {
        Verifier::new(&key("secret!")).with_clock(Arc::new(FixedClock::at_unix_secs(now)))
    }

    /// `payload` as a token signed with the key `key_text`, whatever the payload holds.
    fn signed_with(key_text: &str, payload: &str) -> String {
        let mut token = String::new();
        encode_signed(&key(key_text).keyed_mac(), payload.as_bytes(), &mut token);
        token
    }

    fn signed(payload: &str) -> String {
        signed_with("secret!", payload)
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
        let login = format!(
            r#"{{"iss":"blindmelon-AppName-dev","vxa":"login","vxi":1,"exp":{EXP},"f":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com"}}"#
        );
        let verifier = Verifier::new(&key("old"))
            .with_second_key(&key("new"))
            .with_clock(Arc::new(FixedClock::at_unix_secs(EXP - 1)));
        assert!(verifier.verify(signed_with("old", &login)).is_ok());
        assert!(verifier.verify(signed_with("new", &login)).is_ok());
        assert_eq!(
            verifier.verify(signed_with("other", &login)),
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
        let lenient = verifier_at(EXP + 29)
            .with_leeway(Duration::from_secs(30))
            .expect("within the limit");
        assert!(lenient.verify(LOGIN).is_ok());
        let lenient = verifier_at(EXP + 30)
            .with_leeway(Duration::from_secs(30))
            .expect("within the limit");
        assert!(matches!(
            lenient.verify(LOGIN),
            Err(VerifyError::Expired {
                leeway_secs: 30,
                ..
            })
        ));
    }

    #[test]
    fn leeway_is_at_most_five_minutes() {
        assert!(verifier_at(EXP).with_leeway(MAX_LEEWAY).is_ok());
        for leeway in [
            MAX_LEEWAY + Duration::from_secs(1),
            Duration::from_secs(u64::MAX),
        ] {
            match verifier_at(EXP).with_leeway(leeway) {
                Err(error @ InputError::LeewayTooLong { .. }) => {
                    assert!(error.to_string().contains("at most 300 seconds"), "{error}");
                }
                other => panic!("{leeway:?}: {other:?}"),
            }
        }
        // The largest leeway still rejects a token long expired.
        let lenient = verifier_at(EXP + 301)
            .with_leeway(MAX_LEEWAY)
            .expect("within the limit");
        assert!(matches!(
            lenient.verify(LOGIN),
            Err(VerifyError::Expired { .. })
        ));
    }

    /// A correctly signed login token whose `f` is `from`.
    fn login_from(from: &str) -> String {
        signed(&format!(
            r#"{{"iss":"blindmelon-AppName-dev","vxa":"login","vxi":1,"exp":{EXP},"f":"{from}"}}"#
        ))
    }

    fn strict_verifier() -> Verifier {
        verifier_at(EXP - 1)
            .expect_issuer(Issuer::new("blindmelon-AppName-dev").expect("valid"))
            .expect_domain(Domain::new("tla.vivox.com").expect("valid"))
    }

    #[test]
    fn an_expected_domain_holds_for_every_uri() {
        let token = login_from("sip:.blindmelon-AppName-dev.jerky.@evil.example.com");
        assert!(matches!(
            strict_verifier().verify(&token),
            Err(VerifyError::UriDomainMismatch {
                claim: "f",
                expected_given: true,
                ..
            })
        ));
        // Without an expected domain the token is consistent, so it verifies.
        assert!(verifier_at(EXP - 1).verify(&token).is_ok());
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
}
