//! What can go wrong when building URIs or verifying tokens (minting's error is in `mint_error`).

use std::fmt;
use std::time::Duration;

use crate::action::Action;
use crate::codes;

/// Which piece of input a validation error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The issuer Vivox assigned to the application (`iss`).
    Issuer,
    /// The Vivox domain, e.g. `tla.vivox.com`.
    Domain,
    /// A user name (the `{name}` in `sip:.{iss}.{name}.@{domain}`).
    UserName,
    /// A Unity Authentication player id.
    PlayerId,
    /// A Unity environment id, on a user or a channel.
    EnvironmentId,
    /// The account part of a user URI, `.{iss}.{name}.`, measured as a whole.
    Account,
    /// A channel name.
    ChannelName,
    /// A whole channel URI, measured against [`MAX_URI_LEN`](crate::MAX_URI_LEN).
    ChannelUri,
}

impl Field {
    /// The field as a reader would name it in an error message.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Field::Issuer => "issuer",
            Field::Domain => "domain",
            Field::UserName => "user name",
            Field::PlayerId => "player id",
            Field::EnvironmentId => "environment id",
            Field::Account => "account name",
            Field::ChannelName => "channel name",
            Field::ChannelUri => "channel URI",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Why a positional (3D) channel property was refused.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PositionalError {
    /// `max_range` was 0.
    #[error("max_range (audible distance) must be at least 1, got 0")]
    MaxRangeZero,
    /// `max_range` was above [`MAX_AUDIBLE_DISTANCE`](crate::MAX_AUDIBLE_DISTANCE).
    #[error(
        "max_range (audible distance) {max_range} is too large; the limit is {limit} \
         (Vivox's SDKs take a 32-bit signed integer)"
    )]
    MaxRangeTooLarge {
        /// The audible distance given.
        max_range: u32,
        /// The largest accepted.
        limit: u32,
    },
    /// `clamping` was larger than `max_range`.
    #[error(
        "clamping (conversational distance) {clamping} is larger than max_range {max_range}; \
         use a value from 0 to {max_range}"
    )]
    ClampingAboveMaxRange {
        /// The clamping distance given.
        clamping: u32,
        /// The audible distance it must not exceed.
        max_range: u32,
    },
    /// `rolloff` was negative.
    #[error("rolloff {} is negative; use 0.0 or more (the default is 1.0)", number(*.rolloff))]
    RolloffNegative {
        /// The rolloff given.
        rolloff: f64,
    },
    /// `rolloff` was NaN or infinite.
    #[error("rolloff must be a finite number of 0.0 or more (the default is 1.0)")]
    RolloffNotFinite,
    /// `rolloff` was above [`MAX_ROLLOFF`](crate::MAX_ROLLOFF).
    #[error(
        "rolloff {} is too large; the limit is {limit} (1.0 is normal strength, 2.0 double)",
        number(*.rolloff)
    )]
    RolloffTooLarge {
        /// The rolloff given.
        rolloff: f64,
        /// The largest accepted.
        limit: f64,
    },
    /// The audio fade model number was not 1, 2 or 3.
    #[error("audio fade model {model} is unknown; use 1 (inverse), 2 (linear) or 3 (exponential)")]
    UnknownModel {
        /// The model number given.
        model: u8,
    },
}

/// `value` for a message: as written when short, in scientific notation when
/// it would take more than a dozen digits (`1e308` rather than 309 digits).
fn number(value: f64) -> String {
    if value.abs() < 1e12 {
        value.to_string()
    } else {
        format!("{value:e}")
    }
}

/// `duration` in seconds for a message: `90 s`, `0.5 s`.
fn seconds(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

/// A name, issuer, domain, key or channel property that Vivox would not accept,
/// or a token lifetime or verification leeway out of range.
///
/// Every message says what was wrong and how to fix it. None of them contains
/// the signing key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The value was empty.
    #[error("the {field} is empty; give at least one character")]
    Empty {
        /// What was empty.
        field: Field,
    },
    /// The value contains a character outside the allowed set.
    #[error(
        "the {field} {value:?} contains {character:?} at byte {index}, which is not allowed; {allowed}"
    )]
    InvalidCharacter {
        /// What was checked.
        field: Field,
        /// The whole value, to find the character in.
        value: String,
        /// The offending character.
        character: char,
        /// Its byte offset in `value`.
        index: usize,
        /// Which characters are allowed.
        allowed: &'static str,
    },
    /// A `%` is not followed by two uppercase hexadecimal digits.
    #[error(
        "the {field} {value:?} has a bad escape at byte {index}: `%` must be followed by two \
         UPPERCASE hex digits, as in %2F (write %25 for a literal percent sign)"
    )]
    BadPercentEscape {
        /// What was checked.
        field: Field,
        /// The whole value.
        value: String,
        /// Byte offset of the `%`.
        index: usize,
    },
    /// The value is longer than Vivox allows.
    #[error("the {field} {value:?} is {len} {unit} long; the limit is {max}: {hint}")]
    TooLong {
        /// What was checked.
        field: Field,
        /// The value measured.
        value: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
        /// `"bytes"` or `"characters"`.
        unit: &'static str,
        /// How to get under the limit.
        hint: String,
    },
    /// The domain is not a host name.
    #[error(
        "the domain {value:?} is not a host name ({reason}); give the Vivox domain of your \
         application, e.g. tla.vivox.com"
    )]
    InvalidDomain {
        /// The domain given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The signing key is empty.
    #[error("the signing key is empty; give the token signing key from the Vivox developer portal")]
    EmptyKey,
    /// A positional channel property is out of range.
    #[error("invalid positional channel properties: {0}")]
    Positional(#[from] PositionalError),
    /// A token lifetime outside [`MIN_TTL`](crate::MIN_TTL)`..=`[`MAX_TTL`](crate::MAX_TTL).
    #[error(
        "a token lifetime of {} is out of range; use {} to {} seconds (Vivox recommends 90)",
        seconds(*.ttl),
        .min.as_secs(),
        .max.as_secs()
    )]
    TtlOutOfRange {
        /// The lifetime given.
        ttl: Duration,
        /// The shortest accepted.
        min: Duration,
        /// The longest accepted.
        max: Duration,
    },
    /// A verification leeway above [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    #[error(
        "a leeway of {} is too long; use at most {} seconds, enough for clock skew \
         between servers",
        seconds(*.leeway),
        .max.as_secs()
    )]
    LeewayTooLong {
        /// The leeway given.
        leeway: Duration,
        /// The longest accepted.
        max: Duration,
    },
}

impl InputError {
    /// The piece of input the error is about, where it is one of the [`Field`]s.
    #[must_use]
    pub fn field(&self) -> Option<Field> {
        match self {
            InputError::Empty { field }
            | InputError::InvalidCharacter { field, .. }
            | InputError::BadPercentEscape { field, .. }
            | InputError::TooLong { field, .. } => Some(*field),
            InputError::InvalidDomain { .. } => Some(Field::Domain),
            InputError::EmptyKey
            | InputError::Positional(_)
            | InputError::TtlOutOfRange { .. }
            | InputError::LeewayTooLong { .. } => None,
        }
    }
}

/// One of the three dot-separated parts of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPart {
    /// The first part, always `e30` (`{}`).
    Header,
    /// The second part, the claims.
    Payload,
    /// The third part, the HMAC-SHA256 signature.
    Signature,
}

impl fmt::Display for TokenPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenPart::Header => "header",
            TokenPart::Payload => "payload",
            TokenPart::Signature => "signature",
        })
    }
}

/// Why a token did not decode or verify.
///
/// Each variant is a distinct failure; [`VerifyError::vivox_error_code`] names the
/// error the Vivox server reports for the same fault, where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is not three non-empty parts separated by dots, or is too long.
    #[error("malformed token: {reason}; a Vivox token is e30.<payload>.<signature>")]
    Malformed {
        /// What is wrong with its shape.
        reason: &'static str,
    },
    /// A part is not unpadded URL-safe base64.
    #[error(
        "the {part} is not valid base64url: {detail}; tokens use the URL-safe alphabet \
         (- and _) without = padding"
    )]
    BadBase64 {
        /// Which part.
        part: TokenPart,
        /// What the decoder reported.
        detail: String,
    },
    /// The header is not `{}`.
    #[error("unexpected header {found:?}; Vivox tokens always have the header {{}} (e30)")]
    UnexpectedHeader {
        /// The decoded header, lossily as text.
        found: String,
    },
    /// The payload is not a JSON object of claims with the expected types.
    #[error(
        "the payload is not valid claims JSON: {detail}; it must be one JSON object with string \
         and non-negative integer claims"
    )]
    BadJson {
        /// What the parser reported.
        detail: String,
    },
    /// The signature does not match under any of the keys.
    #[error(
        "bad signature: the token was signed with another key or changed after signing; \
         check that the signing key matches the issuer's current key"
    )]
    BadSignature,
    /// `exp` is in the past (beyond the leeway).
    #[error(
        "the token expired at {expires_at} (Unix seconds); it is now {now} and the leeway is \
         {leeway_secs} s; mint a new token (the recommended lifetime is 90 s)"
    )]
    Expired {
        /// The token's `exp`.
        expires_at: u64,
        /// The time the check used.
        now: u64,
        /// The leeway allowed.
        leeway_secs: u64,
    },
    /// `vxa` names no Vivox action.
    #[error(
        "unknown action {action:?}; vxa must be one of login, join, join_muted, kick, mute, trxn"
    )]
    UnknownAction {
        /// The `vxa` value found.
        action: String,
    },
    /// A claim the action needs is absent.
    #[error("the token has no `{claim}` claim, which {} requires", requirer(*.action))]
    MissingClaim {
        /// The claim name.
        claim: &'static str,
        /// The token's action, unless the missing claim is `vxa` itself.
        action: Option<Action>,
    },
    /// A claim is present that the action does not take, or that Vivox does not know.
    #[error(
        "the token has a `{claim}` claim, which {context}; Vivox rejects tokens with extra claims"
    )]
    UnexpectedClaim {
        /// The claim name.
        claim: String,
        /// Why it does not belong.
        context: String,
    },
    /// `iss` is not the expected issuer.
    #[error("the token was issued by {found:?}, but {expected:?} was expected")]
    IssuerMismatch {
        /// The expected issuer.
        expected: String,
        /// The token's `iss`.
        found: String,
    },
    /// `iss` is not a valid issuer, or `f`, `t` or `sub` is not a URI of the
    /// kind the action takes.
    #[error("the `{claim}` claim {value:?} is not a valid {expected}: {reason}")]
    InvalidClaim {
        /// The claim name.
        claim: &'static str,
        /// The claim's value.
        value: String,
        /// What the claim must hold, with its form.
        expected: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A URI in `f`, `t` or `sub` belongs to another issuer than the token's `iss`.
    #[error(
        "the `{claim}` claim {uri:?} is not a URI of issuer {issuer:?}, the token's issuer; \
         every URI of a token is built from its issuer"
    )]
    UriIssuerMismatch {
        /// The claim name.
        claim: &'static str,
        /// The claim's value.
        uri: String,
        /// The issuer the URI must belong to.
        issuer: String,
    },
    /// A URI in `f`, `t` or `sub` is at another domain than the expected one.
    #[error(
        "the `{claim}` claim {uri:?} is at domain {found:?}, but {expected:?} was expected{}",
        if *.expected_given { "" } else { " (the domain of `f`)" }
    )]
    UriDomainMismatch {
        /// The claim name.
        claim: &'static str,
        /// The claim's value.
        uri: String,
        /// The domain found in the URI.
        found: String,
        /// The domain expected.
        expected: String,
        /// Whether `expected` was given to the verifier (or else taken from `f`).
        expected_given: bool,
    },
    /// The URIs are each valid, but together they are no token Vivox has.
    #[error("not a valid {action} token: {reason}")]
    InvalidGrant {
        /// The token's action.
        action: Action,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Who needs a missing claim, for [`VerifyError::MissingClaim`]'s message.
fn requirer(action: Option<Action>) -> String {
    match action {
        Some(action) => format!("a {action} token"),
        None => "every token".to_owned(),
    }
}

impl VerifyError {
    /// The Vivox server error code for the same fault, if Vivox has one.
    ///
    /// See [`codes`](crate::codes) for the list.
    #[must_use]
    pub fn vivox_error_code(&self) -> Option<u32> {
        match self {
            VerifyError::Malformed { .. }
            | VerifyError::BadBase64 { .. }
            | VerifyError::UnexpectedHeader { .. }
            | VerifyError::BadJson { .. }
            | VerifyError::UnknownAction { .. }
            | VerifyError::MissingClaim { .. }
            | VerifyError::UnexpectedClaim { .. }
            | VerifyError::InvalidClaim { .. }
            | VerifyError::InvalidGrant { .. } => Some(codes::MALFORMED),
            VerifyError::BadSignature => Some(codes::BAD_SIGNATURE),
            VerifyError::Expired { .. } => Some(codes::EXPIRED),
            VerifyError::IssuerMismatch { .. } | VerifyError::UriIssuerMismatch { .. } => {
                Some(codes::ISSUER_MISMATCH)
            }
            VerifyError::UriDomainMismatch { .. } => Some(codes::CLAIMS_MISMATCH),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                expected: "user URI sip:.{iss}.{name}.@{domain}",
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
            assert!(codes::describe(code).is_some());
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
}
