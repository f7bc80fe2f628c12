//! Decoding and verifying tokens: signature in constant time, one key or two,
//! the URIs of the claims, issuer, domain and expiry.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;
use subtle::{Choice, ConstantTimeEq};

use crate::action::Action;
use crate::channel::ChannelUri;
use crate::claims::Claims;
use crate::clock::{Clock, SystemClock};
use crate::error::{InputError, TokenPart, VerifyError};
use crate::key::{HmacSha256, SigningKey};
use crate::realm::{Domain, Issuer, Realm};
use crate::token::SIGNATURE_LEN;
use crate::uri_parse::UriFault;
use crate::user::UserUri;

/// The longest token accepted; real tokens are well under 2 KiB.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The longest leeway a [`Verifier`] accepts: 5 minutes, ample for clock skew
/// between servers and far below a token's useful life.
pub const MAX_LEEWAY: Duration = Duration::from_secs(5 * 60);

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

/// Decodes a token's claims **without** checking its signature, expiry,
/// issuer or the URIs in its claims.
///
/// For inspecting tokens only: anyone can write a token that decodes. Use a
/// [`Verifier`] before trusting the claims.
///
/// # Errors
/// The [`VerifyError`]s of the token's shape, base64, header and claim set;
/// never `BadSignature`, `Expired`, or an issuer, domain or URI error.
pub fn decode_unverified(token: impl AsRef<[u8]>) -> Result<Claims, VerifyError> {
    let raw = split(token.as_ref())?;
    Claims::from_json(&raw.payload)
}

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

const USER_URI: &str = "user URI sip:.{iss}.{name}.@{domain}";
const ACTOR_URI: &str =
    "user URI sip:.{iss}.{name}.@{domain} or admin URI sip:{iss}-Admin@{domain}";
const CHANNEL_URI: &str = "channel URI sip:confctl-{g|e|d}-{iss}.{name}[!p-…]@{domain}";
const KICK_TARGET_URI: &str = "channel URI sip:confctl-{g|e|d}-{iss}.{name}[!p-…]@{domain} \
                               or service URI sip:{iss}-service@{domain}";

/// Turns a [`UriFault`] of one claim into its [`VerifyError`].
fn uri_error(
    fault: UriFault,
    claim: &'static str,
    value: &str,
    expected: &'static str,
    realm: &Realm,
    domain_given: bool,
) -> VerifyError {
    match fault {
        UriFault::Shape(reason) => VerifyError::InvalidClaim {
            claim,
            value: value.to_owned(),
            expected,
            reason,
        },
        UriFault::Issuer => VerifyError::UriIssuerMismatch {
            claim,
            uri: value.to_owned(),
            issuer: realm.issuer().to_string(),
        },
        UriFault::Domain(found) => VerifyError::UriDomainMismatch {
            claim,
            uri: value.to_owned(),
            found,
            expected: realm.domain().to_string(),
            expected_given: domain_given,
        },
    }
}

/// Who a token's `f` names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Acting {
    User,
    Admin,
}

/// Checks that `f`, `t` and `sub` are the typed URIs of the action, in the
/// realm of the token's issuer and the expected domain (or that of `f`).
fn check_uris(claims: &Claims, domain: Option<&Domain>) -> Result<(), VerifyError> {
    let issuer =
        Issuer::new(claims.issuer.as_str()).map_err(|error| VerifyError::InvalidClaim {
            claim: "iss",
            value: claims.issuer.clone(),
            expected: "issuer",
            reason: error.to_string(),
        })?;
    let domain_given = domain.is_some();
    let domain = match domain {
        Some(domain) => domain.clone(),
        // No domain expected: the URIs must agree with the domain of `f`.
        None => crate::uri_parse::split(&claims.from)
            .and_then(|(_, found)| Domain::new(found).map_err(|error| error.to_string()))
            .map_err(|reason| VerifyError::InvalidClaim {
                claim: "f",
                value: claims.from.clone(),
                expected: if matches!(claims.action, Action::Kick | Action::Mute) {
                    ACTOR_URI
                } else {
                    USER_URI
                },
                reason,
            })?,
    };
    let realm = Realm::new(issuer, domain);
    let fail = |fault, claim, value: &str, expected| {
        uri_error(fault, claim, value, expected, &realm, domain_given)
    };
    let user = |claim, value: &str| {
        UserUri::parse(&realm, value)
            .map(drop)
            .map_err(|fault| fail(fault, claim, value, USER_URI))
    };
    let channel = |claim, value: &str, expected| {
        ChannelUri::parse(&realm, value)
            .map(drop)
            .map_err(|fault| fail(fault, claim, value, expected))
    };
    let actor = |value: &str| {
        if value == realm.admin().as_str() {
            return Ok(Acting::Admin);
        }
        UserUri::parse(&realm, value)
            .map(|_| Acting::User)
            .map_err(|fault| fail(fault, "f", value, ACTOR_URI))
    };
    let to = claims.to.as_deref();
    let subject = claims.subject.as_deref();
    let invalid = |reason| VerifyError::InvalidGrant {
        action: claims.action,
        reason,
    };
    match claims.action {
        Action::Login => user("f", &claims.from),
        Action::Join | Action::JoinMuted | Action::Transcription => {
            user("f", &claims.from)?;
            match to {
                Some(to) => channel("t", to, CHANNEL_URI),
                None => Err(invalid("it has no channel (`t`)")),
            }
        }
        Action::Mute => {
            actor(&claims.from)?;
            match to {
                Some(to) => channel("t", to, CHANNEL_URI)?,
                None => return Err(invalid("it has no channel (`t`)")),
            }
            subject.map_or(Ok(()), |subject| user("sub", subject))
        }
        Action::Kick => {
            let from = actor(&claims.from)?;
            let to = to.ok_or_else(|| invalid("it has no channel or service (`t`)"))?;
            if to == realm.service().as_str() {
                if from != Acting::Admin {
                    return Err(invalid(
                        "only the admin (sip:{iss}-Admin@{domain}) can kick a user off the server",
                    ));
                }
                return match subject {
                    Some(subject) => user("sub", subject),
                    None => Err(invalid(
                        "a kick off the server needs the user to kick (`sub`)",
                    )),
                };
            }
            channel("t", to, KICK_TARGET_URI)?;
            match subject {
                Some(subject) => user("sub", subject),
                None if from == Acting::Admin => Ok(()),
                None => Err(invalid(
                    "only the admin (sip:{iss}-Admin@{domain}) can remove everyone from a channel; \
                     a user's kick names the user to kick (`sub`)",
                )),
            }
        }
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
    fn a_from_claim_that_is_no_user_uri_is_rejected() {
        for (from, needle) in [
            ("garbage", "does not start with sip:"),
            (
                "sip:.blindmelon-AppName-dev.bad name.@tla.vivox.com",
                "user name",
            ),
            ("sip:.blindmelon-AppName-dev.jerky.", "@domain"),
            (
                "sip:blindmelon-AppName-dev-Admin@tla.vivox.com",
                ".{iss}.{name}.",
            ),
        ] {
            for verifier in [strict_verifier(), verifier_at(EXP - 1)] {
                match verifier.verify(login_from(from)) {
                    Err(
                        error @ VerifyError::InvalidClaim {
                            claim: "f",
                            expected,
                            ..
                        },
                    ) => {
                        assert!(expected.starts_with("user URI"), "{expected}");
                        let message = error.to_string();
                        assert!(message.contains(needle), "{from}: {message}");
                        assert_eq!(error.vivox_error_code(), Some(crate::codes::MALFORMED));
                    }
                    other => panic!("{from}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_uri_of_another_issuer_is_rejected() {
        let token = login_from("sip:.someone-else.jerky.@tla.vivox.com");
        for verifier in [strict_verifier(), verifier_at(EXP - 1)] {
            match verifier.verify(&token) {
                Err(error @ VerifyError::UriIssuerMismatch { claim: "f", .. }) => {
                    assert!(
                        error.to_string().contains("\"blindmelon-AppName-dev\""),
                        "{error}"
                    );
                    assert_eq!(
                        error.vivox_error_code(),
                        Some(crate::codes::ISSUER_MISMATCH)
                    );
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_uri_at_another_domain_is_rejected() {
        let token = login_from("sip:.blindmelon-AppName-dev.jerky.@evil.example.com");
        match strict_verifier().verify(&token) {
            Err(
                error @ VerifyError::UriDomainMismatch {
                    claim: "f",
                    expected_given: true,
                    ..
                },
            ) => {
                let message = error.to_string();
                assert!(message.contains("\"evil.example.com\""), "{message}");
                assert!(message.contains("\"tla.vivox.com\""), "{message}");
                assert_eq!(
                    error.vivox_error_code(),
                    Some(crate::codes::CLAIMS_MISMATCH)
                );
            }
            other => panic!("{other:?}"),
        }
        // Without an expected domain the token is consistent, so it verifies.
        assert!(verifier_at(EXP - 1).verify(&token).is_ok());
        // But its URIs must agree with each other.
        let join = signed(&format!(
            r#"{{"vxi":1,"f":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com","iss":"blindmelon-AppName-dev","vxa":"join","t":"sip:confctl-g-blindmelon-AppName-dev.lobby@other.vivox.com","exp":{EXP}}}"#
        ));
        assert!(matches!(
            verifier_at(EXP - 1).verify(&join),
            Err(VerifyError::UriDomainMismatch {
                claim: "t",
                expected_given: false,
                ..
            })
        ));
    }

    /// A correctly signed token with the given action and URIs, in the canonical order.
    fn token_with(action: &str, from: &str, to: &str, subject: Option<&str>) -> String {
        let subject = subject.map_or(String::new(), |s| format!(r#","sub":"{s}""#));
        signed(&format!(
            r#"{{"vxi":1{subject},"f":"{from}","iss":"blindmelon-AppName-dev","vxa":"{action}","t":"{to}","exp":{EXP}}}"#
        ))
    }

    #[test]
    fn every_uri_claim_is_read_as_the_type_the_action_takes() {
        let user = "sip:.blindmelon-AppName-dev.beef.@tla.vivox.com";
        let jerky = "sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com";
        let admin = "sip:blindmelon-AppName-dev-Admin@tla.vivox.com";
        let service = "sip:blindmelon-AppName-dev-service@tla.vivox.com";
        let channel = "sip:confctl-g-blindmelon-AppName-dev.lobby@tla.vivox.com";
        let positional = "sip:confctl-d-blindmelon-AppName-dev.arena!p-32-1-1.000-1@tla.vivox.com";
        let strict = strict_verifier();
        for (action, from, to, subject) in [
            ("join", user, channel, None),
            ("join_muted", user, positional, None),
            ("trxn", user, channel, None),
            ("kick", user, channel, Some(jerky)),
            ("kick", admin, channel, Some(jerky)),
            ("kick", admin, service, Some(jerky)),
            ("kick", admin, channel, None),
            ("mute", user, channel, Some(jerky)),
            ("mute", admin, channel, None),
            ("mute", user, channel, None),
        ] {
            let token = token_with(action, from, to, subject);
            assert!(
                strict.verify(&token).is_ok(),
                "{action} {from} {to} {subject:?}"
            );
        }
        let bad_channel = |to: &str| token_with("join", user, to, None);
        for (to, needle) in [
            ("garbage", "sip:"),
            (
                "sip:confctl-x-blindmelon-AppName-dev.lobby@tla.vivox.com",
                "g, e or d",
            ),
            ("sip:blindmelon-AppName-dev.lobby@tla.vivox.com", "confctl-"),
            (
                "sip:confctl-d-blindmelon-AppName-dev.arena@tla.vivox.com",
                "!p-",
            ),
            (
                "sip:confctl-d-blindmelon-AppName-dev.arena!p-0-0-1.000-1@tla.vivox.com",
                "at least 1",
            ),
            (
                "sip:confctl-d-blindmelon-AppName-dev.arena!p-32-1-1e308-1@tla.vivox.com",
                "decimal",
            ),
            (
                "sip:confctl-d-blindmelon-AppName-dev.arena!p-32-1-2000.0-1@tla.vivox.com",
                "limit is 1000",
            ),
            (
                "sip:confctl-d-blindmelon-AppName-dev.arena!p-99999999999-1-1.0-1@tla.vivox.com",
                "too large",
            ),
            (
                "sip:confctl-d-blindmelon-AppName-dev.arena!p-32-1-1.0-7@tla.vivox.com",
                "model 7",
            ),
            (
                "sip:confctl-g-blindmelon-AppName-dev.a b@tla.vivox.com",
                "channel name",
            ),
            (service, "confctl-"),
            (user, "confctl-"),
        ] {
            match strict.verify(bad_channel(to)) {
                Err(error @ VerifyError::InvalidClaim { claim: "t", .. }) => {
                    assert!(error.to_string().contains(needle), "{to}: {error}");
                }
                other => panic!("{to}: {other:?}"),
            }
        }
        assert!(matches!(
            strict.verify(bad_channel(
                "sip:confctl-g-someone-else.lobby@tla.vivox.com"
            )),
            Err(VerifyError::UriIssuerMismatch { claim: "t", .. })
        ));
        assert!(matches!(
            strict.verify(token_with("mute", user, channel, Some("garbage"))),
            Err(VerifyError::InvalidClaim { claim: "sub", .. })
        ));
        assert!(matches!(
            strict.verify(token_with("join", admin, channel, None)),
            Err(VerifyError::InvalidClaim { claim: "f", .. })
        ));
        let long = format!(
            "sip:confctl-g-blindmelon-AppName-dev.{}@tla.vivox.com",
            "c".repeat(crate::channel::MAX_URI_LEN)
        );
        match strict.verify(bad_channel(&long)) {
            Err(error @ VerifyError::InvalidClaim { claim: "t", .. }) => {
                assert!(error.to_string().contains("the limit is 1024"), "{error}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_the_admin_kicks_off_the_server_or_removes_everyone() {
        let user = "sip:.blindmelon-AppName-dev.beef.@tla.vivox.com";
        let jerky = "sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com";
        let admin = "sip:blindmelon-AppName-dev-Admin@tla.vivox.com";
        let service = "sip:blindmelon-AppName-dev-service@tla.vivox.com";
        let channel = "sip:confctl-g-blindmelon-AppName-dev.lobby@tla.vivox.com";
        let strict = strict_verifier();
        for (from, to, subject, needle) in [
            (user, service, Some(jerky), "only the admin"),
            (user, channel, None, "only the admin"),
            (admin, service, None, "needs the user to kick"),
        ] {
            match strict.verify(token_with("kick", from, to, subject)) {
                Err(error @ VerifyError::InvalidGrant { .. }) => {
                    assert!(error.to_string().contains(needle), "{error}");
                    assert_eq!(error.vivox_error_code(), Some(crate::codes::MALFORMED));
                }
                other => panic!("{from} {to} {subject:?}: {other:?}"),
            }
        }
        // Another issuer's admin is no admin here.
        let theirs = "sip:someone-else-Admin@tla.vivox.com";
        assert!(matches!(
            strict.verify(token_with("kick", theirs, channel, None)),
            Err(VerifyError::InvalidClaim { claim: "f", .. })
        ));
    }

    #[test]
    fn an_issuer_claim_that_is_no_issuer_is_rejected() {
        let token = signed(&format!(
            r#"{{"iss":"bad issuer","vxa":"login","vxi":1,"exp":{EXP},"f":"sip:.bad issuer.a.@tla.vivox.com"}}"#
        ));
        assert!(matches!(
            verifier_at(EXP - 1).verify(&token),
            Err(VerifyError::InvalidClaim { claim: "iss", .. })
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
            VerifyError::InvalidClaim {
                claim: "f",
                value: "garbage".to_owned(),
                expected: USER_URI,
                reason: "it does not start with sip:".to_owned(),
            },
            VerifyError::UriIssuerMismatch {
                claim: "f",
                uri: "sip:.b.u.@d".to_owned(),
                issuer: "a".to_owned(),
            },
            VerifyError::UriDomainMismatch {
                claim: "t",
                uri: "sip:confctl-g-a.c@e".to_owned(),
                found: "e".to_owned(),
                expected: "d".to_owned(),
                expected_given: false,
            },
            VerifyError::InvalidGrant {
                action: Action::Kick,
                reason: "only the admin can kick a user off the server",
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
