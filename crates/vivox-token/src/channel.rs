//! Channel URIs: `sip:confctl-{g|e|d}-{iss}.{name}[.{environment_id}][!p-…]@{domain}`.

use std::fmt::{self, Write as _};

use crate::error::{Field, InputError, PositionalError};
use crate::name::check_characters;
use crate::realm::Realm;

/// The most characters Vivox allows in a channel name.
pub const MAX_CHANNEL_NAME_LEN: usize = 200;

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
    /// - `max_range`: audible distance, at least 1;
    /// - `clamping`: conversational distance, from 0 to `max_range`;
    /// - `rolloff`: how fast volume falls with distance, finite and at least 0.0;
    ///   written with exactly three decimals;
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
        let mut uri = String::with_capacity(64 + name.len());
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
        Ok(ChannelUri {
            realm: realm.clone(),
            uri,
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
    fn positional_error_messages_say_how_to_fix() {
        let message = positional(32, 33, 1.0, 1).unwrap_err().to_string();
        assert!(message.contains("from 0 to 32"), "{message}");
        let message = positional(32, 1, 1.0, 4).unwrap_err().to_string();
        assert!(message.contains("1 (inverse)"), "{message}");
    }
}
