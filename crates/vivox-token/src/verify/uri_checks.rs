//! The URI claims of a token, read as the typed URIs its action takes: `f`, `t`
//! and `sub` in the realm of its issuer, at one domain, forming a token that
//! [`Grant`](crate::Grant) could build.

use crate::action::Action;
use crate::channel::ChannelUri;
use crate::claims::Claims;
use crate::error::VerifyError;
use crate::realm::{Domain, Issuer, Realm};
use crate::uri_parse::{self, UriFault};
use crate::user::UserUri;

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
pub(super) fn check_uris(claims: &Claims, domain: Option<&Domain>) -> Result<(), VerifyError> {
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
        None => uri_parse::split(&claims.from)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uri_parse::MAX_URI_LEN;

    const EXP: u64 = 1_600_349_400;
    const USER: &str = "sip:.blindmelon-AppName-dev.beef.@tla.vivox.com";
    const JERKY: &str = "sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com";
    const ADMIN: &str = "sip:blindmelon-AppName-dev-Admin@tla.vivox.com";
    const SERVICE: &str = "sip:blindmelon-AppName-dev-service@tla.vivox.com";
    const CHANNEL: &str = "sip:confctl-g-blindmelon-AppName-dev.lobby@tla.vivox.com";

    fn claims(json: &str) -> Claims {
        Claims::from_json(json.as_bytes()).expect("well-formed claims")
    }

    /// Login claims whose `f` is `from`.
    fn login_from(from: &str) -> Claims {
        claims(&format!(
            r#"{{"iss":"blindmelon-AppName-dev","vxa":"login","vxi":1,"exp":{EXP},"f":"{from}"}}"#
        ))
    }

    /// Claims with the given action and URIs.
    fn claims_with(action: &str, from: &str, to: &str, subject: Option<&str>) -> Claims {
        let subject = subject.map_or(String::new(), |s| format!(r#","sub":"{s}""#));
        claims(&format!(
            r#"{{"vxi":1{subject},"f":"{from}","iss":"blindmelon-AppName-dev","vxa":"{action}","t":"{to}","exp":{EXP}}}"#
        ))
    }

    /// The checks with the domain expected.
    fn strict(claims: &Claims) -> Result<(), VerifyError> {
        check_uris(claims, Some(&Domain::new("tla.vivox.com").expect("valid")))
    }

    /// The checks with no domain expected: the URIs must agree with `f`.
    fn lenient(claims: &Claims) -> Result<(), VerifyError> {
        check_uris(claims, None)
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
            for check in [strict, lenient] {
                match check(&login_from(from)) {
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
        for check in [strict, lenient] {
            match check(&token) {
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
        match strict(&token) {
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
        // Without an expected domain the URIs are consistent, so they pass.
        assert_eq!(lenient(&token), Ok(()));
        // But its URIs must agree with each other.
        let join = claims(&format!(
            r#"{{"vxi":1,"f":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com","iss":"blindmelon-AppName-dev","vxa":"join","t":"sip:confctl-g-blindmelon-AppName-dev.lobby@other.vivox.com","exp":{EXP}}}"#
        ));
        assert!(matches!(
            lenient(&join),
            Err(VerifyError::UriDomainMismatch {
                claim: "t",
                expected_given: false,
                ..
            })
        ));
    }

    #[test]
    fn every_uri_claim_is_read_as_the_type_the_action_takes() {
        let positional = "sip:confctl-d-blindmelon-AppName-dev.arena!p-32-1-1.000-1@tla.vivox.com";
        for (action, from, to, subject) in [
            ("join", USER, CHANNEL, None),
            ("join_muted", USER, positional, None),
            ("trxn", USER, CHANNEL, None),
            ("kick", USER, CHANNEL, Some(JERKY)),
            ("kick", ADMIN, CHANNEL, Some(JERKY)),
            ("kick", ADMIN, SERVICE, Some(JERKY)),
            ("kick", ADMIN, CHANNEL, None),
            ("mute", USER, CHANNEL, Some(JERKY)),
            ("mute", ADMIN, CHANNEL, None),
            ("mute", USER, CHANNEL, None),
        ] {
            let claims = claims_with(action, from, to, subject);
            assert!(strict(&claims).is_ok(), "{action} {from} {to} {subject:?}");
        }
        let bad_channel = |to: &str| claims_with("join", USER, to, None);
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
            (SERVICE, "confctl-"),
            (USER, "confctl-"),
        ] {
            match strict(&bad_channel(to)) {
                Err(error @ VerifyError::InvalidClaim { claim: "t", .. }) => {
                    assert!(error.to_string().contains(needle), "{to}: {error}");
                }
                other => panic!("{to}: {other:?}"),
            }
        }
        assert!(matches!(
            strict(&bad_channel(
                "sip:confctl-g-someone-else.lobby@tla.vivox.com"
            )),
            Err(VerifyError::UriIssuerMismatch { claim: "t", .. })
        ));
        assert!(matches!(
            strict(&claims_with("mute", USER, CHANNEL, Some("garbage"))),
            Err(VerifyError::InvalidClaim { claim: "sub", .. })
        ));
        assert!(matches!(
            strict(&claims_with("join", ADMIN, CHANNEL, None)),
            Err(VerifyError::InvalidClaim { claim: "f", .. })
        ));
        let long = format!(
            "sip:confctl-g-blindmelon-AppName-dev.{}@tla.vivox.com",
            "c".repeat(MAX_URI_LEN)
        );
        match strict(&bad_channel(&long)) {
            Err(error @ VerifyError::InvalidClaim { claim: "t", .. }) => {
                assert!(error.to_string().contains("the limit is 1024"), "{error}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_the_admin_kicks_off_the_server_or_removes_everyone() {
        for (from, to, subject, needle) in [
            (USER, SERVICE, Some(JERKY), "only the admin"),
            (USER, CHANNEL, None, "only the admin"),
            (ADMIN, SERVICE, None, "needs the user to kick"),
        ] {
            match strict(&claims_with("kick", from, to, subject)) {
                Err(error @ VerifyError::InvalidGrant { .. }) => {
                    assert!(error.to_string().contains(needle), "{error}");
                    assert_eq!(error.vivox_error_code(), Some(crate::codes::MALFORMED));
                }
                other => panic!("{from} {to} {subject:?}: {other:?}"),
            }
        }
        // Another issuer's ADMIN is no ADMIN here.
        let theirs = "sip:someone-else-Admin@tla.vivox.com";
        assert!(matches!(
            strict(&claims_with("kick", theirs, CHANNEL, None)),
            Err(VerifyError::InvalidClaim { claim: "f", .. })
        ));
    }

    #[test]
    fn an_issuer_claim_that_is_no_issuer_is_rejected() {
        let token = claims(&format!(
            r#"{{"iss":"bad issuer","vxa":"login","vxi":1,"exp":{EXP},"f":"sip:.bad issuer.a.@tla.vivox.com"}}"#
        ));
        assert!(matches!(
            lenient(&token),
            Err(VerifyError::InvalidClaim { claim: "iss", .. })
        ));
    }
}
