//! Typed builders for every kind of token Vivox documents.
//!
//! Each constructor takes exactly the URIs its row of the Vivox table needs,
//! typed so that an admin-only action cannot be built for a user.

use crate::action::Action;
use crate::channel::ChannelUri;
use crate::realm::Realm;
use crate::service::{AdminUri, ServiceUri};
use crate::user::UserUri;

/// Who performs an action that either a user or the administrator may take
/// (the `f` claim of kick and mute tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A signed-in user, e.g. a channel moderator.
    User(&'a UserUri),
    /// The application's administrator, for server-side moderation.
    Admin(&'a AdminUri),
}

impl Actor<'_> {
    /// The actor's URI.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Actor::User(user) => user.as_str(),
            Actor::Admin(admin) => admin.as_str(),
        }
    }

    fn realm(&self) -> &Realm {
        match self {
            Actor::User(user) => user.realm(),
            Actor::Admin(admin) => admin.realm(),
        }
    }
}

impl<'a> From<&'a UserUri> for Actor<'a> {
    fn from(user: &'a UserUri) -> Self {
        Actor::User(user)
    }
}

impl<'a> From<&'a AdminUri> for Actor<'a> {
    fn from(admin: &'a AdminUri) -> Self {
        Actor::Admin(admin)
    }
}

/// Where an action takes place (the `t` claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination<'a> {
    Channel(&'a ChannelUri),
    Service(&'a ServiceUri),
}

impl Destination<'_> {
    fn as_str(&self) -> &str {
        match self {
            Destination::Channel(channel) => channel.as_str(),
            Destination::Service(service) => service.as_str(),
        }
    }

    fn realm(&self) -> &Realm {
        match self {
            Destination::Channel(channel) => channel.realm(),
            Destination::Service(service) => service.realm(),
        }
    }
}

/// What a token will allow: an action with the URIs it needs.
///
/// Build one with a constructor per row of Vivox's table, then mint it with
/// a [`Signer`](crate::Signer). A grant borrows its URIs, so minting the same
/// grant again costs no allocation for the URIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant<'a> {
    action: Action,
    from: Actor<'a>,
    subject: Option<&'a UserUri>,
    to: Option<Destination<'a>>,
}

impl<'a> Grant<'a> {
    /// Sign `user` in (`login`).
    #[must_use]
    pub fn login(user: &'a UserUri) -> Self {
        Grant {
            action: Action::Login,
            from: Actor::User(user),
            subject: None,
            to: None,
        }
    }

    /// Let `user` join `channel` (`join`).
    #[must_use]
    pub fn join(user: &'a UserUri, channel: &'a ChannelUri) -> Self {
        Grant::user_in_channel(Action::Join, user, channel)
    }

    /// Let `user` join `channel` listen-only, moderator-muted (`join_muted`).
    #[must_use]
    pub fn join_muted(user: &'a UserUri, channel: &'a ChannelUri) -> Self {
        Grant::user_in_channel(Action::JoinMuted, user, channel)
    }

    /// Let `by` (a user or the administrator) kick `target` out of `channel` (`kick`).
    #[must_use]
    pub fn kick(by: impl Into<Actor<'a>>, target: &'a UserUri, channel: &'a ChannelUri) -> Self {
        Grant {
            action: Action::Kick,
            from: by.into(),
            subject: Some(target),
            to: Some(Destination::Channel(channel)),
        }
    }

    /// Let the administrator kick `target` off the whole server (`kick` to the service URI).
    ///
    /// Only the administrator may: Vivox has no token for a user doing this.
    #[must_use]
    pub fn kick_from_server(
        admin: &'a AdminUri,
        target: &'a UserUri,
        service: &'a ServiceUri,
    ) -> Self {
        Grant {
            action: Action::Kick,
            from: Actor::Admin(admin),
            subject: Some(target),
            to: Some(Destination::Service(service)),
        }
    }

    /// Let the administrator remove everyone from `channel` (`kick` with no subject).
    ///
    /// Only the administrator may.
    #[must_use]
    pub fn kick_everyone(admin: &'a AdminUri, channel: &'a ChannelUri) -> Self {
        Grant {
            action: Action::Kick,
            from: Actor::Admin(admin),
            subject: None,
            to: Some(Destination::Channel(channel)),
        }
    }

    /// Let `by` mute or unmute `target` in `channel` (`mute`).
    ///
    /// Muting and unmuting use the same token; the request says which.
    #[must_use]
    pub fn mute(by: impl Into<Actor<'a>>, target: &'a UserUri, channel: &'a ChannelUri) -> Self {
        Grant {
            action: Action::Mute,
            from: by.into(),
            subject: Some(target),
            to: Some(Destination::Channel(channel)),
        }
    }

    /// Let `by` mute or unmute everyone in `channel` (`mute` with no subject).
    #[must_use]
    pub fn mute_everyone(by: impl Into<Actor<'a>>, channel: &'a ChannelUri) -> Self {
        Grant {
            action: Action::Mute,
            from: by.into(),
            subject: None,
            to: Some(Destination::Channel(channel)),
        }
    }

    /// Let `by` mute everyone in `channel` except `presenter` (presentation mode).
    ///
    /// The claims are those of [`Grant::mute`] with the presenter as subject;
    /// the mute-all request is what makes it presentation mode.
    #[must_use]
    pub fn mute_everyone_except(
        by: impl Into<Actor<'a>>,
        presenter: &'a UserUri,
        channel: &'a ChannelUri,
    ) -> Self {
        Grant {
            action: Action::Mute,
            from: by.into(),
            subject: Some(presenter),
            to: Some(Destination::Channel(channel)),
        }
    }

    /// Let `user` turn speech-to-text on or off in `channel` (`trxn`).
    #[must_use]
    pub fn transcription(user: &'a UserUri, channel: &'a ChannelUri) -> Self {
        Grant::user_in_channel(Action::Transcription, user, channel)
    }

    fn user_in_channel(action: Action, user: &'a UserUri, channel: &'a ChannelUri) -> Self {
        Grant {
            action,
            from: Actor::User(user),
            subject: None,
            to: Some(Destination::Channel(channel)),
        }
    }

    /// The action (`vxa`).
    #[must_use]
    pub fn action(&self) -> Action {
        self.action
    }

    /// The `f` claim: who acts.
    #[must_use]
    pub fn from(&self) -> Actor<'a> {
        self.from
    }

    /// The `f` claim as text.
    #[must_use]
    pub fn from_uri(&self) -> &str {
        self.from.as_str()
    }

    /// The `sub` claim, the user acted upon, if the action has one.
    #[must_use]
    pub fn subject_uri(&self) -> Option<&str> {
        self.subject.map(UserUri::as_str)
    }

    /// The `t` claim, the channel or service, if the action has one.
    #[must_use]
    pub fn to_uri(&self) -> Option<&str> {
        self.to.as_ref().map(Destination::as_str)
    }

    /// Each URI of the grant with its claim name and realm, to check against a signer's.
    pub(crate) fn uris(&self) -> impl Iterator<Item = (&'static str, &str, &Realm)> {
        let from = Some(("f", self.from.as_str(), self.from.realm()));
        let to = self.to.as_ref().map(|to| ("t", to.as_str(), to.realm()));
        let subject = self
            .subject
            .map(|subject| ("sub", subject.as_str(), subject.realm()));
        from.into_iter().chain(to).chain(subject)
    }
}
