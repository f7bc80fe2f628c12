//! Channel URIs: `sip:confctl-{g|e|d}-{iss}.{name}[.{environment_id}][!p-…]@{domain}`.

use std::fmt::{self, Write as _};

use crate::error::{Field, InputError, PositionalError};
use crate::name::check_characters;
use crate::realm::Realm;
use crate::uri_parse::{UriFault, check_domain, split, strip_issuer};

/// The most characters Vivox allows in a channel name.
pub const MAX_CHANNEL_NAME_LEN: usize = 200;

/// The largest audible distance (`max_range`) accepted: 2³¹ − 1, the largest
/// value of the 32-bit signed integer Vivox's SDKs take for it.
pub const MAX_AUDIBLE_DISTANCE: u32 = i32::MAX as u32;

/// The largest rolloff (audio fade intensity) accepted. Vivox's scale has 1.0
/// as normal strength and 2.0 as double; 1000 leaves room for any real use
/// while keeping the URI short.
pub const MAX_ROLLOFF: f64 = 1000.0;

/// The longest URI accepted in bytes, whole, from `sip:` to the domain.
///
/// Only channel URIs can come near it (a user URI is at most 385 bytes: the
/// 127-byte account and a 253-byte domain); a channel URI is bounded by its
/// name, issuer, domain and properties, and an environment id may use what
/// is left. Three URIs of this size still fit in a token of
/// [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN).
pub const MAX_URI_LEN: usize = 1024;

/// How distance changes loudness in a positional channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AudioFadeModel {
    /// Inverse by distance (model 1, the default).
    #[default]
    Inverse,
    /// Linear by distance (model 2).
    Linear,
    /// Exponential by distance (model 3).
    Exponential,
}

impl AudioFadeModel {
    /// The number written in the channel URI.
    #[must_use]
    pub fn number(self) -> u8 {
        match self {
            AudioFadeModel::Inverse => 1,
            AudioFadeModel::Linear => 2,
            AudioFadeModel::Exponential => 3,
        }
    }
}

impl TryFrom<u8> for AudioFadeModel {
    type Error = PositionalError;

    fn try_from(model: u8) -> Result<Self, Self::Error> {
        match model {
            1 => Ok(AudioFadeModel::Inverse),
            2 => Ok(AudioFadeModel::Linear),
            3 => Ok(AudioFadeModel::Exponential),
            _ => Err(PositionalError::UnknownModel { model }),
        }
    }
}

/// The 3D audio properties of a positional channel, written `!p-{max_range}-{clamping}-{rolloff}-{model}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionalProperties {
    max_range: u32,
    clamping: u32,
    rolloff: f64,
    model: AudioFadeModel,
}

impl PositionalProperties {
    /// Validates positional properties.
    ///
    /// - `max_range`: audible distance, from 1 to [`MAX_AUDIBLE_DISTANCE`];
    /// - `clamping`: conversational distance, from 0 to `max_range`;
    /// - `rolloff`: how fast volume falls with distance, from 0.0 to
    ///   [`MAX_ROLLOFF`]; written with exactly three decimals;
    /// - `model`: the audio fade model.
    ///
    /// # Errors
    /// [`PositionalError`] naming the first property out of range.
    pub fn new(
        max_range: u32,
        clamping: u32,
        rolloff: f64,
        model: AudioFadeModel,
    ) -> Result<Self, PositionalError> {
        if max_range == 0 {
            return Err(PositionalError::MaxRangeZero);
        }
        if max_range > MAX_AUDIBLE_DISTANCE {
            return Err(PositionalError::MaxRangeTooLarge {
                max_range,
                limit: MAX_AUDIBLE_DISTANCE,
            });
        }
        if clamping > max_range {
            return Err(PositionalError::ClampingAboveMaxRange {
                clamping,
                max_range,
            });
        }
        if !rolloff.is_finite() {
            return Err(PositionalError::RolloffNotFinite);
        }
        if rolloff < 0.0 {
            return Err(PositionalError::RolloffNegative { rolloff });
        }
        if rolloff > MAX_ROLLOFF {
            return Err(PositionalError::RolloffTooLarge {
                rolloff,
                limit: MAX_ROLLOFF,
            });
        }
        Ok(PositionalProperties {
            max_range,
            clamping,
            // Adding +0.0 turns -0.0 into 0.0, which would otherwise print as "-0.000".
            rolloff: rolloff + 0.0,
            model,
        })
    }

    /// The audible distance.
    #[must_use]
    pub fn max_range(&self) -> u32 {
        self.max_range
    }

    /// The conversational distance.
    #[must_use]
    pub fn clamping(&self) -> u32 {
        self.clamping
    }

    /// The rolloff.
    #[must_use]
    pub fn rolloff(&self) -> f64 {
        self.rolloff
    }

    /// The audio fade model.
    #[must_use]
    pub fn model(&self) -> AudioFadeModel {
        self.model
    }

    /// Reads `{max_range}-{clamping}-{rolloff}-{model}`, the part of a channel
    /// URI after `!p-`, with the same limits as [`PositionalProperties::new`].
    fn parse_uri_suffix(text: &str) -> Result<Self, String> {
        const FORM: &str = "positional properties are written !p-MAX-CLAMP-ROLLOFF-MODEL, \
                            e.g. !p-32-1-1.000-1";
        let fields: Vec<&str> = text.split('-').collect();
        let [max_range, clamping, rolloff, model] = fields.as_slice() else {
            return Err(format!("{FORM}; found !p-{text}"));
        };
        let whole = |what: &str, value: &str| {
            if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                value
                    .parse::<u32>()
                    .map_err(|_| format!("{what} {value} is too large"))
            } else {
                Err(format!("{what} {value:?} is not a whole number; {FORM}"))
            }
        };
        let max_range = whole("MAX", max_range)?;
        let clamping = whole("CLAMP", clamping)?;
        let model = whole("MODEL", model)?;
        let rolloff: f64 = rolloff
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
            .then(|| rolloff.parse().ok())
            .flatten()
            .ok_or_else(|| format!("ROLLOFF {rolloff:?} is not a decimal number; {FORM}"))?;
        let model = u8::try_from(model)
            .ok()
            .and_then(|number| AudioFadeModel::try_from(number).ok())
            .ok_or_else(|| {
                format!("audio fade model {model} is unknown; use 1 (inverse), 2 (linear) or 3 (exponential)")
            })?;
        PositionalProperties::new(max_range, clamping, rolloff, model)
            .map_err(|error| error.to_string())
    }
}

impl Default for PositionalProperties {
    /// Vivox's defaults: `!p-32-1-1.000-1`.
    fn default() -> Self {
        PositionalProperties {
            max_range: 32,
            clamping: 1,
            rolloff: 1.0,
            model: AudioFadeModel::Inverse,
        }
    }
}

impl fmt::Display for PositionalProperties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "!p-{}-{}-{:.3}-{}",
            self.max_range,
            self.clamping,
            self.rolloff,
            self.model.number()
        )
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn realm() -> Realm {
        Realm::parse("blindmelon-AppName-dev", "tla.vivox.com").expect("test realm")
    }

    fn positional(
        max_range: u32,
        clamping: u32,
        rolloff: f64,
        model: u8,
    ) -> Result<PositionalProperties, PositionalError> {
        PositionalProperties::new(
            max_range,
            clamping,
            rolloff,
            AudioFadeModel::try_from(model)?,
        )
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
        let custom = positional(100, 10, 2.5, 2).expect("valid");
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
    fn max_range_must_be_at_least_one() {
        assert_eq!(positional(0, 0, 1.0, 1), Err(PositionalError::MaxRangeZero));
        let one = positional(1, 0, 1.0, 1).expect("max_range 1 is valid");
        assert_eq!(one.to_string(), "!p-1-0-1.000-1");
    }

    #[test]
    fn clamping_ranges_from_zero_to_max_range() {
        assert!(positional(32, 0, 1.0, 1).is_ok());
        assert!(positional(32, 32, 1.0, 1).is_ok());
        assert_eq!(
            positional(32, 33, 1.0, 1),
            Err(PositionalError::ClampingAboveMaxRange {
                clamping: 33,
                max_range: 32
            })
        );
    }

    #[test]
    fn rolloff_is_finite_and_not_negative() {
        assert_eq!(
            positional(32, 1, 0.0, 1).map(|p| p.to_string()),
            Ok("!p-32-1-0.000-1".to_owned())
        );
        assert_eq!(
            positional(32, 1, -0.0, 1).map(|p| p.to_string()),
            Ok("!p-32-1-0.000-1".to_owned())
        );
        assert_eq!(
            positional(32, 1, -0.5, 1),
            Err(PositionalError::RolloffNegative { rolloff: -0.5 })
        );
        assert_eq!(
            positional(32, 1, f64::NAN, 1),
            Err(PositionalError::RolloffNotFinite)
        );
        assert_eq!(
            positional(32, 1, f64::INFINITY, 1),
            Err(PositionalError::RolloffNotFinite)
        );
        assert_eq!(
            positional(32, 1, 1.23456, 1).map(|p| p.to_string()),
            Ok("!p-32-1-1.235-1".to_owned())
        );
    }

    #[test]
    fn models_are_one_to_three() {
        assert_eq!(
            AudioFadeModel::try_from(0),
            Err(PositionalError::UnknownModel { model: 0 })
        );
        assert_eq!(AudioFadeModel::try_from(1), Ok(AudioFadeModel::Inverse));
        assert_eq!(AudioFadeModel::try_from(2), Ok(AudioFadeModel::Linear));
        assert_eq!(AudioFadeModel::try_from(3), Ok(AudioFadeModel::Exponential));
        assert_eq!(
            AudioFadeModel::try_from(4),
            Err(PositionalError::UnknownModel { model: 4 })
        );
        assert_eq!(
            positional(32, 1, 1.0, 3).map(|p| p.to_string()),
            Ok("!p-32-1-1.000-3".to_owned())
        );
    }

    #[test]
    fn audible_distance_is_at_most_the_largest_32_bit_signed_integer() {
        assert!(positional(MAX_AUDIBLE_DISTANCE, MAX_AUDIBLE_DISTANCE, 1.0, 1).is_ok());
        assert_eq!(
            positional(MAX_AUDIBLE_DISTANCE + 1, 0, 1.0, 1),
            Err(PositionalError::MaxRangeTooLarge {
                max_range: 2_147_483_648,
                limit: 2_147_483_647
            })
        );
        assert!(positional(u32::MAX, 0, 1.0, 1).is_err());
    }

    #[test]
    fn rolloff_is_at_most_a_thousand() {
        assert_eq!(
            positional(32, 1, MAX_ROLLOFF, 1).map(|p| p.to_string()),
            Ok("!p-32-1-1000.000-1".to_owned())
        );
        for rolloff in [1000.001, 1e308, f64::MAX] {
            match positional(32, 1, rolloff, 1) {
                Err(error @ PositionalError::RolloffTooLarge { limit, .. }) => {
                    assert_eq!(limit, 1000.0);
                    let message = error.to_string();
                    assert!(message.contains("the limit is 1000"), "{message}");
                    assert!(message.len() < 120, "{message}");
                }
                other => panic!("{rolloff}: {other:?}"),
            }
        }
        let message = positional(32, 1, 1e308, 1).unwrap_err().to_string();
        assert!(message.contains("1e308"), "{message}");
    }

    #[test]
    fn the_longest_positional_channel_uri_is_bounded() {
        let realm = realm();
        let widest =
            positional(MAX_AUDIBLE_DISTANCE, MAX_AUDIBLE_DISTANCE, MAX_ROLLOFF, 3).expect("valid");
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
        let custom = positional(100, 10, 2.5, 2).expect("valid");
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

    #[test]
    fn positional_error_messages_say_how_to_fix() {
        let message = positional(32, 33, 1.0, 1).unwrap_err().to_string();
        assert!(message.contains("from 0 to 32"), "{message}");
        let message = positional(32, 1, 1.0, 4).unwrap_err().to_string();
        assert!(message.contains("1 (inverse)"), "{message}");
    }
}
