//! User URIs: `sip:.{iss}.{name}.@{domain}` and the Unity Authentication form.

use crate::error::{Field, InputError};
use crate::name::check_characters;
use crate::realm::Realm;

/// The most bytes Vivox allows in the account name `.{iss}.{name}.`.
pub const MAX_ACCOUNT_LEN: usize = 127;

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
    pub fn unity(realm: &Realm, player_id: &str, environment_id: &str) -> Result<Self, InputError> {
        check_characters(Field::PlayerId, player_id)?;
        check_characters(Field::EnvironmentId, environment_id)?;
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
            let room = MAX_ACCOUNT_LEN - (issuer.len() + 2 + parts.len());
            return Err(InputError::TooLong {
                field: Field::Account,
                value: account,
                len,
                max: MAX_ACCOUNT_LEN,
                unit: "bytes",
                hint: format!(
                    "with this issuer the name part may be at most {room} bytes; use a shorter name"
                ),
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
}

sip_uri_impls!(UserUri);

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
