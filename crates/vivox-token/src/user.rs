//! User URIs: `sip:.{iss}.{name}.@{domain}` and the Unity Authentication form.

use crate::error::{Field, InputError};
use crate::name::check_characters;
use crate::realm::{MAX_ACCOUNT_LEN, Realm};
use crate::uri_parse::{UriFault, check_domain, split, strip_issuer};

/// A user's SIP URI, validated on construction.
///
/// Either `sip:.{iss}.{name}.@{domain}` ([`UserUri::new`]) or, for players
/// signed in with Unity Authentication, `sip:.{iss}.{player_id}.{environment_id}.@{domain}`
/// ([`UserUri::unity`]).
#[derive(Clone, PartialEq, Eq)]
pub struct UserUri {
    realm: Realm,
    uri: String,
}

impl UserUri {
    /// A user URI for the Vivox user name `name`.
    ///
    /// # Errors
    /// [`InputError`] if the name is empty, uses characters outside
    /// `0-9 A-Z a-z ! ( ) + - . = _ ~` and `%XX`, or makes `.{iss}.{name}.`
    /// longer than 127 bytes.
    pub fn new(realm: &Realm, name: &str) -> Result<Self, InputError> {
        check_characters(Field::UserName, name)?;
        UserUri::build(realm, &[name])
    }

    /// A Unity Authentication user URI for `player_id` in `environment_id`.
    ///
    /// # Errors
    /// [`InputError`] if either id is empty or uses characters outside the name
    /// set, or `.{iss}.{player_id}.{environment_id}.` is longer than 127 bytes.
    /// An environment id too long for any player id (longer than 127 bytes
    /// less the issuer, the four dots and one byte of player id) is reported
    /// as [`InputError::TooLong`] for [`Field::EnvironmentId`] with that limit;
    /// otherwise the account name as a whole is too long, and the hint says
    /// how long the player id may be.
    pub fn unity(realm: &Realm, player_id: &str, environment_id: &str) -> Result<Self, InputError> {
        check_characters(Field::PlayerId, player_id)?;
        check_characters(Field::EnvironmentId, environment_id)?;
        // `.` + issuer + `.` + player + `.` + environment + `.`
        let room = MAX_ACCOUNT_LEN.saturating_sub(realm.issuer().as_str().len() + 4);
        let environment_room = room.saturating_sub(1);
        if environment_id.len() > environment_room {
            return Err(InputError::TooLong {
                field: Field::EnvironmentId,
                value: environment_id.to_owned(),
                len: environment_id.len(),
                max: environment_room,
                unit: "bytes",
                hint: format!(
                    "with this issuer, the account name .{{iss}}.{{player_id}}.{{environment_id}}. \
                     leaves at most {environment_room} bytes for the environment id (even with a \
                     one-byte player id) within its {MAX_ACCOUNT_LEN}-byte limit; use a shorter \
                     environment id"
                ),
            });
        }
        UserUri::build(realm, &[player_id, environment_id])
    }

    fn build(realm: &Realm, parts: &[&str]) -> Result<Self, InputError> {
        let issuer = realm.issuer().as_str();
        let domain = realm.domain().as_str();
        let mut account = String::with_capacity(MAX_ACCOUNT_LEN + 1);
        account.push('.');
        account.push_str(issuer);
        account.push('.');
        for part in parts {
            account.push_str(part);
            account.push('.');
        }
        if account.len() > MAX_ACCOUNT_LEN {
            let len = account.len();
            let room = MAX_ACCOUNT_LEN.saturating_sub(issuer.len() + 2 + parts.len());
            let hint = match parts {
                [_, environment_id] => format!(
                    "with this issuer and this {}-byte environment id the player id may be at \
                     most {} bytes; use a shorter player id",
                    environment_id.len(),
                    room.saturating_sub(environment_id.len())
                ),
                _ => format!(
                    "with this issuer the name part may be at most {room} bytes; use a shorter name"
                ),
            };
            return Err(InputError::TooLong {
                field: Field::Account,
                value: account,
                len,
                max: MAX_ACCOUNT_LEN,
                unit: "bytes",
                hint,
            });
        }
        let mut uri = String::with_capacity(4 + account.len() + 1 + domain.len());
        uri.push_str("sip:");
        uri.push_str(&account);
        uri.push('@');
        uri.push_str(domain);
        Ok(UserUri {
            realm: realm.clone(),
            uri,
        })
    }

    /// Reads a user URI of `realm` back from a token's claim, plain or Unity.
    ///
    /// The part between `.{iss}.` and `.@` is checked as one name (a Unity
    /// player id and environment id cannot be told apart from a name with a
    /// dot), and the account name against [`MAX_ACCOUNT_LEN`].
    pub(crate) fn parse(realm: &Realm, text: &str) -> Result<Self, UriFault> {
        let (account, domain) = split(text).map_err(UriFault::Shape)?;
        let inner = account
            .strip_prefix('.')
            .and_then(|inner| inner.strip_suffix('.'))
            .filter(|inner| !inner.is_empty())
            .ok_or_else(|| {
                UriFault::Shape("the part before @ must be .{iss}.{name}.".to_owned())
            })?;
        let name = strip_issuer(inner, realm)?;
        check_characters(Field::UserName, name).map_err(|e| UriFault::Shape(e.to_string()))?;
        if account.len() > MAX_ACCOUNT_LEN {
            return Err(UriFault::Shape(format!(
                "the account name {account:?} is {} bytes long; the limit is {MAX_ACCOUNT_LEN}",
                account.len()
            )));
        }
        check_domain(realm, domain)?;
        Ok(UserUri {
            realm: realm.clone(),
            uri: text.to_owned(),
        })
    }
}

sip_uri_impls!(UserUri);

impl Realm {
    /// A user URI `sip:.{iss}.{name}.@{domain}`; see [`UserUri::new`].
    ///
    /// # Errors
    /// [`InputError`] if the name breaks Vivox's rules.
    pub fn user(&self, name: &str) -> Result<UserUri, InputError> {
        UserUri::new(self, name)
    }

    /// A Unity Authentication user URI `sip:.{iss}.{player_id}.{environment_id}.@{domain}`;
    /// see [`UserUri::unity`].
    ///
    /// # Errors
    /// [`InputError`] if either id breaks Vivox's rules.
    pub fn unity_user(&self, player_id: &str, environment_id: &str) -> Result<UserUri, InputError> {
        UserUri::unity(self, player_id, environment_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "blindmelon-AppName-dev";

    fn realm() -> Realm {
        Realm::parse(ISSUER, "tla.vivox.com").expect("test realm")
    }

    #[test]
    fn plain_user_uri() {
        let user = UserUri::new(&realm(), "jerky").expect("valid");
        assert_eq!(
            user.as_str(),
            "sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com"
        );
        assert_eq!(user.to_string(), user.as_str());
    }

    #[test]
    fn unity_user_uri() {
        let user = UserUri::unity(&realm(), "player42", "production-7f3c").expect("valid");
        assert_eq!(
            user.as_str(),
            "sip:.blindmelon-AppName-dev.player42.production-7f3c.@tla.vivox.com"
        );
    }

    #[test]
    fn account_name_limit_is_127_bytes_inclusive() {
        // `.` + issuer + `.` + name + `.`
        let fits = MAX_ACCOUNT_LEN - ISSUER.len() - 3;
        let user = UserUri::new(&realm(), &"n".repeat(fits)).expect("127 bytes fit");
        let account = user.as_str().trim_start_matches("sip:");
        let account = &account[..account.find('@').unwrap_or(0)];
        assert_eq!(account.len(), 127);

        match UserUri::new(&realm(), &"n".repeat(fits + 1)) {
            Err(InputError::TooLong {
                field: Field::Account,
                len: 128,
                max: 127,
                hint,
                ..
            }) => assert!(hint.contains(&format!("{fits} bytes")), "{hint}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unity_account_name_limit_counts_both_ids() {
        // `.` + issuer + `.` + player + `.` + env + `.`
        let room = MAX_ACCOUNT_LEN - ISSUER.len() - 4;
        let player = "p".repeat(room - 10);
        assert!(UserUri::unity(&realm(), &player, &"e".repeat(10)).is_ok());
        assert!(matches!(
            UserUri::unity(&realm(), &player, &"e".repeat(11)),
            Err(InputError::TooLong { len: 128, .. })
        ));
    }

    #[test]
    fn an_environment_id_too_long_for_any_player_is_named_with_its_own_limit() {
        // `.` + issuer + `.` + player + `.` + environment + `.` = 127 with a one-byte player.
        let limit = MAX_ACCOUNT_LEN - ISSUER.len() - 5;
        assert_eq!(limit, 100);
        assert!(UserUri::unity(&realm(), "p", &"e".repeat(limit)).is_ok());
        match UserUri::unity(&realm(), "p", &"e".repeat(limit + 1)) {
            Err(
                error @ InputError::TooLong {
                    field: Field::EnvironmentId,
                    len: 101,
                    max: 100,
                    ..
                },
            ) => {
                let message = error.to_string();
                assert!(message.starts_with("the environment id"), "{message}");
                assert!(message.contains("the limit is 100"), "{message}");
                assert!(!message.contains("101 bytes;"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // When both ids fit alone but not together, the hint gives the player id's room.
        match UserUri::unity(&realm(), &"p".repeat(60), &"e".repeat(60)) {
            Err(InputError::TooLong {
                field: Field::Account,
                hint,
                ..
            }) => assert!(hint.contains("player id may be at most 41 bytes"), "{hint}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_user_uris_of_its_realm() {
        let realm = realm();
        for text in [
            "sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com",
            "sip:.blindmelon-AppName-dev.player42.env1.@tla.vivox.com",
            "sip:.blindmelon-AppName-dev.a%2Fb.@tla.vivox.com",
        ] {
            assert_eq!(
                UserUri::parse(&realm, text).map(|u| u.to_string()),
                Ok(text.to_owned())
            );
        }
        assert_eq!(
            UserUri::parse(&realm, "sip:.someone-else.jerky.@tla.vivox.com"),
            Err(UriFault::Issuer)
        );
        assert_eq!(
            UserUri::parse(
                &realm,
                "sip:.blindmelon-AppName-dev.jerky.@evil.example.com"
            ),
            Err(UriFault::Domain("evil.example.com".to_owned()))
        );
        for bad in [
            "garbage",
            "sip:jerky@tla.vivox.com",
            "sip:.blindmelon-AppName-dev.@tla.vivox.com",
            "sip:.blindmelon-AppName-dev.bad name.@tla.vivox.com",
            "sip:.blindmelon-AppName-dev.jerky.@tla..vivox.com",
            &format!(
                "sip:.blindmelon-AppName-dev.{}.@tla.vivox.com",
                "n".repeat(103)
            ),
        ] {
            assert!(
                matches!(UserUri::parse(&realm, bad), Err(UriFault::Shape(_))),
                "{bad}: {:?}",
                UserUri::parse(&realm, bad)
            );
        }
    }

    #[test]
    fn names_are_checked() {
        assert!(matches!(
            UserUri::new(&realm(), ""),
            Err(InputError::Empty {
                field: Field::UserName
            })
        ));
        assert!(matches!(
            UserUri::new(&realm(), "bad name"),
            Err(InputError::InvalidCharacter { .. })
        ));
        assert!(matches!(
            UserUri::unity(&realm(), "p", ""),
            Err(InputError::Empty {
                field: Field::EnvironmentId
            })
        ));
        assert!(matches!(
            UserUri::unity(&realm(), "p@", "e"),
            Err(InputError::InvalidCharacter {
                field: Field::PlayerId,
                ..
            })
        ));
        assert!(UserUri::new(&realm(), "a%2Fb").is_ok());
        assert!(UserUri::new(&realm(), "a%2fb").is_err());
    }
}
