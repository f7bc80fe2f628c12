//! Channel URIs: `sip:confctl-{g|e|d}-{iss}.{name}[.{environment_id}][!p-…]@{domain}`.

use std::fmt::Write as _;

use crate::error::{Field, InputError};
use crate::name::check_characters;
use crate::positional::PositionalProperties;
use crate::realm::Realm;
use crate::uri_parse::{MAX_URI_LEN, UriFault, check_domain, split, strip_issuer};

/// The most characters Vivox allows in a channel name.
pub const MAX_CHANNEL_NAME_LEN: usize = 200;

/// The kind of a channel, the letter after `confctl-`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ChannelKind {
    /// A group (non-positional) channel, `g`.
    #[default]
    Group,
    /// An echo channel that plays a user's audio back to them, `e`.
    Echo,
    /// A positional (3D) channel, `d`, with its audio properties.
    Positional(PositionalProperties),
}

impl ChannelKind {
    fn letter(self) -> char {
        match self {
            ChannelKind::Group => 'g',
            ChannelKind::Echo => 'e',
            ChannelKind::Positional(_) => 'd',
        }
    }
}

/// A channel's SIP URI, validated on construction.
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelUri {
    realm: Realm,
    uri: String,
}

impl ChannelUri {
    /// A channel URI for `name` of the given kind.
    ///
    /// # Errors
    /// [`InputError`] if the name is empty, longer than 200 characters or uses
    /// characters outside `0-9 A-Z a-z ! ( ) + - . = _ ~` and `%XX`.
    pub fn new(realm: &Realm, name: &str, kind: ChannelKind) -> Result<Self, InputError> {
        ChannelUri::build(realm, name, None, kind)
    }

    /// A channel URI for `name` in a Unity environment, written
    /// `sip:confctl-{g|e|d}-{iss}.{name}.{environment_id}[!p-…]@{domain}`.
    ///
    /// # Errors
    /// As [`ChannelUri::new`], and if the environment id is empty or uses
    /// characters outside the name set.
    pub fn in_environment(
        realm: &Realm,
        name: &str,
        environment_id: &str,
        kind: ChannelKind,
    ) -> Result<Self, InputError> {
        ChannelUri::build(realm, name, Some(environment_id), kind)
    }

    fn build(
        realm: &Realm,
        name: &str,
        environment_id: Option<&str>,
        kind: ChannelKind,
    ) -> Result<Self, InputError> {
        check_characters(Field::ChannelName, name)?;
        // Every accepted character is ASCII, so bytes count characters.
        if name.len() > MAX_CHANNEL_NAME_LEN {
            return Err(InputError::TooLong {
                field: Field::ChannelName,
                value: name.to_owned(),
                len: name.len(),
                max: MAX_CHANNEL_NAME_LEN,
                unit: "characters",
                hint: "use a shorter channel name".to_owned(),
            });
        }
        if let Some(environment_id) = environment_id {
            check_characters(Field::EnvironmentId, environment_id)?;
        }
        let mut uri = String::with_capacity(
            64 + name.len() + environment_id.map_or(0, str::len) + realm.domain().as_str().len(),
        );
        uri.push_str("sip:confctl-");
        uri.push(kind.letter());
        uri.push('-');
        uri.push_str(realm.issuer().as_str());
        uri.push('.');
        uri.push_str(name);
        if let Some(environment_id) = environment_id {
            uri.push('.');
            uri.push_str(environment_id);
        }
        if let ChannelKind::Positional(properties) = kind {
            // Writing to a String cannot fail.
            let _ = write!(uri, "{properties}");
        }
        uri.push('@');
        uri.push_str(realm.domain().as_str());
        if uri.len() > MAX_URI_LEN {
            let len = uri.len();
            return Err(InputError::TooLong {
                field: Field::ChannelUri,
                value: uri,
                len,
                max: MAX_URI_LEN,
                unit: "bytes",
                hint: "use a shorter channel name or environment id".to_owned(),
            });
        }
        Ok(ChannelUri {
            realm: realm.clone(),
            uri,
        })
    }

    /// Reads a channel URI of `realm` back from a token's claim.
    ///
    /// The name and environment id cannot be told apart (both may contain
    /// dots), so the part between `{iss}.` and `!p-…`/`@` is checked as one
    /// name; the whole URI is limited to [`MAX_URI_LEN`].
    pub(crate) fn parse(realm: &Realm, text: &str) -> Result<Self, UriFault> {
        const FORM: &str = "expected sip:confctl-{g|e|d}-{iss}.{name}[!p-…]@{domain}";
        let (local, domain) = split(text).map_err(UriFault::Shape)?;
        let typed = local.strip_prefix("confctl-").ok_or_else(|| {
            UriFault::Shape(format!("it does not start with sip:confctl-; {FORM}"))
        })?;
        let (letter, rest) = match typed.as_bytes() {
            [letter @ (b'g' | b'e' | b'd'), b'-', ..] => (*letter, &typed[2..]),
            _ => {
                return Err(UriFault::Shape(format!(
                    "the channel type after confctl- must be g, e or d followed by -; {FORM}"
                )));
            }
        };
        let name = strip_issuer(rest, realm)?;
        let name = if letter == b'd' {
            let (name, properties) = name.rsplit_once("!p-").ok_or_else(|| {
                UriFault::Shape(
                    "a positional (confctl-d-) channel needs !p-MAX-CLAMP-ROLLOFF-MODEL before the @"
                        .to_owned(),
                )
            })?;
            PositionalProperties::parse_uri_suffix(properties).map_err(UriFault::Shape)?;
            name
        } else {
            name
        };
        check_characters(Field::ChannelName, name).map_err(|e| UriFault::Shape(e.to_string()))?;
        check_domain(realm, domain)?;
        Ok(ChannelUri {
            realm: realm.clone(),
            uri: text.to_owned(),
        })
    }
}

sip_uri_impls!(ChannelUri);

impl Realm {
    /// A channel URI; see [`ChannelUri::new`].
    ///
    /// # Errors
    /// [`InputError`] if the name breaks Vivox's rules.
    pub fn channel(&self, name: &str, kind: ChannelKind) -> Result<ChannelUri, InputError> {
        ChannelUri::new(self, name, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positional::{AudioFadeModel, MAX_AUDIBLE_DISTANCE, MAX_ROLLOFF};

    fn realm() -> Realm {
        Realm::parse("blindmelon-AppName-dev", "tla.vivox.com").expect("test realm")
    }

    #[test]
    fn group_echo_and_positional_uris() {
        let realm = realm();
        let uri = |kind| ChannelUri::new(&realm, "testchannel", kind).map(|c| c.to_string());
        assert_eq!(
            uri(ChannelKind::Group).as_deref(),
            Ok("sip:confctl-g-blindmelon-AppName-dev.testchannel@tla.vivox.com")
        );
        assert_eq!(
            uri(ChannelKind::Echo).as_deref(),
            Ok("sip:confctl-e-blindmelon-AppName-dev.testchannel@tla.vivox.com")
        );
        assert_eq!(
            uri(ChannelKind::Positional(PositionalProperties::default())).as_deref(),
            Ok("sip:confctl-d-blindmelon-AppName-dev.testchannel!p-32-1-1.000-1@tla.vivox.com")
        );
        let custom =
            PositionalProperties::new(100, 10, 2.5, AudioFadeModel::Linear).expect("valid");
        assert_eq!(
            uri(ChannelKind::Positional(custom)).as_deref(),
            Ok("sip:confctl-d-blindmelon-AppName-dev.testchannel!p-100-10-2.500-2@tla.vivox.com")
        );
    }

    #[test]
    fn environment_id_goes_after_the_name() {
        let realm = realm();
        let group =
            ChannelUri::in_environment(&realm, "lobby", "env1", ChannelKind::Group).expect("valid");
        assert_eq!(
            group.as_str(),
            "sip:confctl-g-blindmelon-AppName-dev.lobby.env1@tla.vivox.com"
        );
        let positional = ChannelUri::in_environment(
            &realm,
            "lobby",
            "env1",
            ChannelKind::Positional(PositionalProperties::default()),
        )
        .expect("valid");
        assert_eq!(
            positional.as_str(),
            "sip:confctl-d-blindmelon-AppName-dev.lobby.env1!p-32-1-1.000-1@tla.vivox.com"
        );
        assert!(matches!(
            ChannelUri::in_environment(&realm, "lobby", "", ChannelKind::Group),
            Err(InputError::Empty {
                field: Field::EnvironmentId
            })
        ));
        assert!(matches!(
            ChannelUri::in_environment(&realm, "lobby", "e/1", ChannelKind::Group),
            Err(InputError::InvalidCharacter {
                field: Field::EnvironmentId,
                ..
            })
        ));
    }

    #[test]
    fn channel_name_limit_is_200_characters_inclusive() {
        let realm = realm();
        assert!(ChannelUri::new(&realm, &"c".repeat(200), ChannelKind::Group).is_ok());
        assert!(matches!(
            ChannelUri::new(&realm, &"c".repeat(201), ChannelKind::Group),
            Err(InputError::TooLong {
                field: Field::ChannelName,
                len: 201,
                max: 200,
                ..
            })
        ));
    }

    #[test]
    fn channel_names_are_checked() {
        let realm = realm();
        assert!(matches!(
            ChannelUri::new(&realm, "", ChannelKind::Group),
            Err(InputError::Empty {
                field: Field::ChannelName
            })
        ));
        assert!(ChannelUri::new(&realm, "a b", ChannelKind::Group).is_err());
        assert!(ChannelUri::new(&realm, "room%41", ChannelKind::Group).is_ok());
        assert!(ChannelUri::new(&realm, "room%4a", ChannelKind::Group).is_err());
        assert!(ChannelUri::new(&realm, "room%4", ChannelKind::Group).is_err());
    }

    #[test]
    fn the_longest_positional_channel_uri_is_bounded() {
        let realm = realm();
        let widest = PositionalProperties::new(
            MAX_AUDIBLE_DISTANCE,
            MAX_AUDIBLE_DISTANCE,
            MAX_ROLLOFF,
            AudioFadeModel::Exponential,
        )
        .expect("valid");
        let uri = ChannelUri::new(&realm, &"c".repeat(200), ChannelKind::Positional(widest))
            .expect("fits");
        assert!(
            uri.as_str()
                .ends_with("!p-2147483647-2147483647-1000.000-3@tla.vivox.com")
        );
        assert!(uri.as_str().len() <= MAX_URI_LEN);
    }

    #[test]
    fn a_channel_uri_longer_than_the_limit_is_refused() {
        let realm = realm();
        // Everything but the environment id: `sip:confctl-g-` + issuer + `.lobby.` + `@tla.vivox.com`.
        let fixed = 14 + 22 + 7 + 14;
        let fits = "e".repeat(MAX_URI_LEN - fixed);
        let uri = ChannelUri::in_environment(&realm, "lobby", &fits, ChannelKind::Group)
            .expect("exactly at the limit");
        assert_eq!(uri.as_str().len(), MAX_URI_LEN);
        let over = "e".repeat(MAX_URI_LEN - fixed + 1);
        match ChannelUri::in_environment(&realm, "lobby", &over, ChannelKind::Group) {
            Err(
                error @ InputError::TooLong {
                    field: Field::ChannelUri,
                    len: 1025,
                    max: 1024,
                    ..
                },
            ) => assert!(error.to_string().contains("the limit is 1024"), "{error}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_channel_uris_it_builds() {
        let realm = realm();
        let custom =
            PositionalProperties::new(100, 10, 2.5, AudioFadeModel::Linear).expect("valid");
        for (name, environment, kind) in [
            ("testchannel", None, ChannelKind::Group),
            ("testchannel", None, ChannelKind::Echo),
            ("a!p-1-1-1.000-1", None, ChannelKind::Positional(custom)),
            ("a!p-1-1-1.000-1", None, ChannelKind::Group),
            (
                "lobby",
                Some("env1"),
                ChannelKind::Positional(PositionalProperties::default()),
            ),
        ] {
            let built = match environment {
                Some(environment) => ChannelUri::in_environment(&realm, name, environment, kind),
                None => ChannelUri::new(&realm, name, kind),
            }
            .expect("valid");
            assert_eq!(ChannelUri::parse(&realm, built.as_str()), Ok(built));
        }
        assert_eq!(
            ChannelUri::parse(
                &realm,
                "sip:confctl-g-blindmelon-AppName-dev.c@other.vivox.com"
            ),
            Err(UriFault::Domain("other.vivox.com".to_owned()))
        );
        assert_eq!(
            ChannelUri::parse(&realm, "sip:confctl-g-other.c@tla.vivox.com"),
            Err(UriFault::Issuer)
        );
        for bad in [
            "sip:confctl-g-blindmelon-AppName-dev@tla.vivox.com",
            "sip:confctl-g-blindmelon-AppName-dev.@tla.vivox.com",
            "sip:confctl-d-blindmelon-AppName-dev.c!p-32-1-1.0@tla.vivox.com",
            "sip:confctl-d-blindmelon-AppName-dev.c!p-32--1-1.0-1@tla.vivox.com",
            "sip:confctl-d-blindmelon-AppName-dev.c!p-32-1-NaN-1@tla.vivox.com",
            "sip:confctl-d-blindmelon-AppName-dev.c!p-32-1-inf-1@tla.vivox.com",
            "sip:confctl-d-blindmelon-AppName-dev.c!p-32-1-1.0-300@tla.vivox.com",
            "sip:confctl-d-blindmelon-AppName-dev.c!p-32-33-1.0-1@tla.vivox.com",
        ] {
            assert!(
                matches!(ChannelUri::parse(&realm, bad), Err(UriFault::Shape(_))),
                "{bad}: {:?}",
                ChannelUri::parse(&realm, bad)
            );
        }
    }
}
