//! The Vivox action claim (`vxa`).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// What a token allows, as written in its `vxa` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Action {
    /// Sign in (`login`).
    #[serde(rename = "login")]
    Login,
    /// Join a channel (`join`).
    #[serde(rename = "join")]
    Join,
    /// Join a channel listen-only, moderator-muted (`join_muted`).
    #[serde(rename = "join_muted")]
    JoinMuted,
    /// Remove one user or everyone from a channel or the server (`kick`).
    #[serde(rename = "kick")]
    Kick,
    /// Mute or unmute one user or everyone in a channel (`mute`).
    #[serde(rename = "mute")]
    Mute,
    /// Turn speech-to-text on or off for a channel (`trxn`).
    #[serde(rename = "trxn")]
    Transcription,
}

impl Action {
    /// Every action, in the order the Vivox documentation lists them.
    pub const ALL: [Action; 6] = [
        Action::Login,
        Action::Join,
        Action::JoinMuted,
        Action::Kick,
        Action::Mute,
        Action::Transcription,
    ];

    /// The `vxa` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::Join => "join",
            Action::JoinMuted => "join_muted",
            Action::Kick => "kick",
            Action::Mute => "mute",
            Action::Transcription => "trxn",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `vxa` value named no Vivox action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Vivox action {0:?}; use one of login, join, join_muted, kick, mute, trxn")]
pub struct UnknownActionError(pub String);

impl FromStr for Action {
    type Err = UnknownActionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| UnknownActionError(s.to_owned()))
    }
}
