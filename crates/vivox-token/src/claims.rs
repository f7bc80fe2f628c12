//! The claims of a decoded token, and the rules for which claims each action takes.

use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::action::Action;
use crate::error::VerifyError;

/// The claims of a token that decoded (and, from a [`Verifier`](crate::Verifier), verified).
///
/// Serializes to JSON with the claim names Vivox uses (`iss`, `exp`, `vxa`,
/// `vxi`, `f`, `t`, `sub`), leaving out `t` and `sub` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claims {
    /// `iss`: the issuer.
    #[serde(rename = "iss")]
    pub issuer: String,
    /// `exp`: expiry, Unix seconds.
    #[serde(rename = "exp")]
    pub expires_at: u64,
    /// `vxa`: the action.
    #[serde(rename = "vxa")]
    pub action: Action,
    /// `vxi`: the number that makes the token unique.
    #[serde(rename = "vxi")]
    pub vxi: u64,
    /// `f`: who acts (a user URI, or the admin URI).
    #[serde(rename = "f")]
    pub from: String,
    /// `t`: the channel URI, or the service URI for a server-wide kick; absent for login.
    #[serde(rename = "t", skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `sub`: the user acted upon (kick, mute, or the presenter of a mute-all).
    #[serde(rename = "sub", skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl Claims {
    /// Parses and checks a JSON payload: claims may come in any order, each at
    /// most once, and must be exactly those the action takes.
    pub(crate) fn from_json(payload: &[u8]) -> Result<Claims, VerifyError> {
        let raw: RawClaims =
            serde_json::from_slice(payload).map_err(|error| VerifyError::BadJson {
                detail: error.to_string(),
            })?;
        raw.into_claims()
    }
}

/// Claims as found, before the per-action rules are applied.
#[derive(Default)]
struct RawClaims {
    iss: Option<String>,
    exp: Option<u64>,
    vxa: Option<String>,
    vxi: Option<u64>,
    f: Option<String>,
    t: Option<String>,
    sub: Option<String>,
    /// The first claim Vivox does not define, if any.
    unknown: Option<String>,
}

impl RawClaims {
    fn into_claims(self) -> Result<Claims, VerifyError> {
        let action_text = self.vxa.ok_or(VerifyError::MissingClaim {
            claim: "vxa",
            action: None,
        })?;
        let action: Action = action_text
            .parse()
            .map_err(|_| VerifyError::UnknownAction {
                action: action_text.clone(),
            })?;
        if let Some(claim) = self.unknown {
            return Err(VerifyError::UnexpectedClaim {
                claim,
                context: "is not a Vivox claim".to_owned(),
            });
        }
        let missing = |claim| VerifyError::MissingClaim {
            claim,
            action: Some(action),
        };
        let unexpected = |claim: &str| VerifyError::UnexpectedClaim {
            claim: claim.to_owned(),
            context: format!("a {action} token does not take"),
        };
        let issuer = self.iss.ok_or_else(|| missing("iss"))?;
        let expires_at = self.exp.ok_or_else(|| missing("exp"))?;
        let vxi = self.vxi.ok_or_else(|| missing("vxi"))?;
        let from = self.f.ok_or_else(|| missing("f"))?;
        let takes_subject = matches!(action, Action::Kick | Action::Mute);
        let to = match (action, self.t) {
            (Action::Login, Some(_)) => return Err(unexpected("t")),
            (Action::Login, None) => None,
            (_, Some(to)) => Some(to),
            (_, None) => return Err(missing("t")),
        };
        if self.sub.is_some() && !takes_subject {
            return Err(unexpected("sub"));
        }
        Ok(Claims {
            issuer,
            expires_at,
            action,
            vxi,
            from,
            to,
            subject: self.sub,
        })
    }
}

impl<'de> Deserialize<'de> for RawClaims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawClaimsVisitor)
    }
}

struct RawClaimsVisitor;

/// Reads the value of claim `name` into `slot`, refusing a second occurrence.
fn read_claim<'de, M, T>(map: &mut M, slot: &mut Option<T>, name: &str) -> Result<(), M::Error>
where
    M: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::custom(format_args!(
            "claim `{name}` appears more than once"
        )));
    }
    let value = map
        .next_value()
        .map_err(|error| de::Error::custom(format_args!("claim `{name}`: {error}")))?;
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for RawClaimsVisitor {
    type Value = RawClaims;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object of Vivox claims")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawClaims, M::Error> {
        let mut raw = RawClaims::default();
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "iss" => read_claim(&mut map, &mut raw.iss, "iss")?,
                "exp" => read_claim(&mut map, &mut raw.exp, "exp")?,
                "vxa" => read_claim(&mut map, &mut raw.vxa, "vxa")?,
                "vxi" => read_claim(&mut map, &mut raw.vxi, "vxi")?,
                "f" => read_claim(&mut map, &mut raw.f, "f")?,
                "t" => read_claim(&mut map, &mut raw.t, "t")?,
                "sub" => read_claim(&mut map, &mut raw.sub, "sub")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    raw.unknown.get_or_insert(name);
                }
            }
        }
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Claims, VerifyError> {
        Claims::from_json(json.as_bytes())
    }

    #[test]
    fn accepts_claims_in_any_order() {
        let a = parse(r#"{"iss":"i","vxa":"login","vxi":1,"exp":2,"f":"u"}"#);
        let b = parse(r#"{"f":"u","exp":2,"vxi":1,"vxa":"login","iss":"i"}"#);
        assert!(a.is_ok());
        assert_eq!(a, b);
    }

    #[test]
    fn each_action_requires_its_claims() {
        let base = r#""iss":"i","vxi":1,"exp":2,"f":"u""#;
        for action in ["join", "join_muted", "kick", "mute", "trxn"] {
            assert_eq!(
                parse(&format!(r#"{{{base},"vxa":"{action}"}}"#)),
                Err(VerifyError::MissingClaim {
                    claim: "t",
                    action: action.parse().ok(),
                })
            );
            assert!(parse(&format!(r#"{{{base},"vxa":"{action}","t":"c"}}"#)).is_ok());
        }
        let login = [
            ("iss", r#""i""#),
            ("vxa", r#""login""#),
            ("vxi", "1"),
            ("exp", "2"),
            ("f", r#""u""#),
        ];
        for dropped in ["iss", "vxi", "exp", "f"] {
            let kept: Vec<String> = login
                .iter()
                .filter(|(name, _)| *name != dropped)
                .map(|(name, value)| format!(r#""{name}":{value}"#))
                .collect();
            let json = format!("{{{}}}", kept.join(","));
            assert_eq!(
                parse(&json),
                Err(VerifyError::MissingClaim {
                    claim: dropped,
                    action: Some(Action::Login),
                }),
                "{json}"
            );
        }
        assert_eq!(
            parse(r#"{"iss":"i","vxi":1,"exp":2,"f":"u"}"#),
            Err(VerifyError::MissingClaim {
                claim: "vxa",
                action: None
            })
        );
    }

    #[test]
    fn refuses_claims_the_action_does_not_take() {
        assert!(matches!(
            parse(r#"{"iss":"i","vxa":"login","vxi":1,"exp":2,"f":"u","t":"c"}"#),
            Err(VerifyError::UnexpectedClaim { claim, .. }) if claim == "t"
        ));
        assert!(matches!(
            parse(r#"{"iss":"i","vxa":"join","vxi":1,"exp":2,"f":"u","t":"c","sub":"s"}"#),
            Err(VerifyError::UnexpectedClaim { claim, .. }) if claim == "sub"
        ));
        assert!(matches!(
            parse(r#"{"iss":"i","vxa":"mute","vxi":1,"exp":2,"f":"u","t":"c","admin":true}"#),
            Err(VerifyError::UnexpectedClaim { claim, .. }) if claim == "admin"
        ));
        assert!(
            parse(r#"{"iss":"i","vxa":"mute","vxi":1,"exp":2,"f":"u","t":"c","sub":"s"}"#).is_ok()
        );
    }

    #[test]
    fn unknown_action_is_its_own_error() {
        assert_eq!(
            parse(r#"{"iss":"i","vxa":"dance","vxi":1,"exp":2,"f":"u"}"#),
            Err(VerifyError::UnknownAction {
                action: "dance".to_owned()
            })
        );
    }

    #[test]
    fn bad_json_and_bad_types_are_bad_json() {
        for json in [
            "",
            "[]",
            "{",
            "null",
            r#"{"iss":1,"vxa":"login","vxi":1,"exp":2,"f":"u"}"#,
            r#"{"iss":"i","vxa":"login","vxi":-1,"exp":2,"f":"u"}"#,
            r#"{"iss":"i","vxa":"login","vxi":1.5,"exp":2,"f":"u"}"#,
            r#"{"iss":"i","vxa":"login","vxi":1,"exp":"2","f":"u"}"#,
            r#"{"iss":"i","iss":"j","vxa":"login","vxi":1,"exp":2,"f":"u"}"#,
            r#"{"iss":"i","vxa":"login","vxi":1,"exp":2,"f":"u"} x"#,
        ] {
            assert!(
                matches!(parse(json), Err(VerifyError::BadJson { .. })),
                "{json:?} -> {:?}",
                parse(json)
            );
        }
        match parse(r#"{"iss":"i","vxa":"login","vxi":1,"exp":"2","f":"u"}"#) {
            Err(VerifyError::BadJson { detail }) => assert!(detail.contains("`exp`"), "{detail}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn serializes_with_vivox_names() {
        let claims = parse(r#"{"iss":"i","vxa":"kick","vxi":1,"exp":2,"f":"u","t":"c"}"#)
            .expect("valid claims");
        let json = serde_json::to_string(&claims).expect("serializable");
        assert_eq!(
            json,
            r#"{"iss":"i","exp":2,"vxa":"kick","vxi":1,"f":"u","t":"c"}"#
        );
    }
}
