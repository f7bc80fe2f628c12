//! The 3D audio properties of a positional channel, the `!p-…` part of its URI.

use std::fmt;

use crate::error::PositionalError;

/// The largest audible distance (`max_range`) accepted: 2³¹ − 1, the largest
/// value of the 32-bit signed integer Vivox's SDKs take for it.
pub const MAX_AUDIBLE_DISTANCE: u32 = i32::MAX as u32;

/// The largest rolloff (audio fade intensity) accepted. Vivox's scale has 1.0
/// as normal strength and 2.0 as double; 1000 leaves room for any real use
/// while keeping the URI short.
pub const MAX_ROLLOFF: f64 = 1000.0;

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
    pub(crate) fn parse_uri_suffix(text: &str) -> Result<Self, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn positional_error_messages_say_how_to_fix() {
        let message = positional(32, 33, 1.0, 1).unwrap_err().to_string();
        assert!(message.contains("from 0 to 32"), "{message}");
        let message = positional(32, 1, 1.0, 4).unwrap_err().to_string();
        assert!(message.contains("1 (inverse)"), "{message}");
    }
}
