//! The session: minting a join token, and refreshing it before it expires.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;
use uuid::Uuid;

use crate::prelude::*;
use crate::types;

use super::*;

pub(super) const CREATE: &str = "CreateRoomClientToken";
pub(super) const REFRESH: &str = "RefreshRoomClientToken";

/// A room's join token and the refresh token that renews it; see the
/// [module documentation](super).
///
/// `Debug` output shows the room and the expiry times, never the tokens.
pub struct RoomTokenSession {
    pub(super) client: Client,
    pub(super) room_id: Uuid,
    pub(super) token: RoomToken,
    /// When the current token was received: the start of its lifetime, as far as we know.
    pub(super) obtained_at: DateTime<Utc>,
    pub(super) refresh_token: Arc<str>,
    pub(super) refresh_token_expires_at: DateTime<Utc>,
    pub(super) options: RoomTokenOptions,
}

impl fmt::Debug for RoomTokenSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomTokenSession")
            .field("room_id", &self.room_id)
            .field("token", &self.token)
            .field("refresh_token", &REDACTED)
            .field("refresh_token_expires_at", &self.refresh_token_expires_at)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl RoomTokenSession {
    /// Mints a join token and a refresh token for `room_id` (`CreateRoomClientToken`; the
    /// client needs an API key).
    ///
    /// When the answer omits an expiry time, the requested lifetime is assumed.
    pub async fn start(
        client: &Client,
        room_id: Uuid,
        options: RoomTokenOptions,
    ) -> Result<Self, RoomTokenError> {
        options.check()?;
        let token_ttl = options.token_ttl_secs()?;
        let refresh_ttl = whole_seconds("refresh_token_ttl", options.refresh_token_ttl, 60, 86400)?;
        let response = client
            .create_room_client_token()
            .room_id(room_id)
            .body(
                types::CreateRoomClientTokenRequest::builder()
                    .token_ttl_secs(token_ttl)
                    .refresh_token_ttl_secs(refresh_ttl),
            )
            .send()
            .await
            .map_err(|e| client_failure(CREATE, room_id, e.into()))?;
        let now = options.clock.now();
        let data = response.into_inner().data.unwrap_or_default();
        let unusable = |problem: &str| RoomTokenError::UnusableResponse {
            operation: CREATE,
            room_id,
            problem: problem.to_owned(),
        };
        let refresh_token = data
            .refresh_token
            .ok_or_else(|| unusable("it has no `data.refresh_token`"))?;
        let token = received_token(
            CREATE,
            room_id,
            data.token,
            data.token_expires_at.and_then(Timestamp::into_utc),
            now,
            options.token_ttl,
        )?;
        let requested_refresh_expiry = now + delta(options.refresh_token_ttl);
        let refresh_token_expires_at =
            match data.refresh_token_expires_at.and_then(Timestamp::into_utc) {
                // Already past on arrival (a clock problem or a mock's static example): the
                // requested lifetime is the better guess.
                Some(at) if at > now => at,
                _ => requested_refresh_expiry,
            };
        tracing::debug!(%room_id, expires_at = %token.expires_at, "minted a room join token");
        Ok(Self {
            client: client.clone(),
            room_id,
            token,
            obtained_at: now,
            refresh_token: refresh_token.into(),
            refresh_token_expires_at,
            options,
        })
    }

    /// Resumes from a refresh token minted elsewhere (for example by a service that holds the
    /// API key): exchanges it for a first join token right away. The client needs no API key.
    pub async fn from_refresh_token(
        client: &Client,
        room_id: Uuid,
        refresh_token: impl Into<String>,
        refresh_token_expires_at: DateTime<Utc>,
        options: RoomTokenOptions,
    ) -> Result<Self, RoomTokenError> {
        options.check()?;
        let refresh_token: Arc<str> = refresh_token.into().into();
        let (token, now) = request_refresh(
            client,
            room_id,
            &refresh_token,
            refresh_token_expires_at,
            &options,
        )
        .await?;
        Ok(Self {
            client: client.clone(),
            room_id,
            token,
            obtained_at: now,
            refresh_token,
            refresh_token_expires_at,
            options,
        })
    }

    /// The room.
    pub fn room_id(&self) -> Uuid {
        self.room_id
    }

    /// The current join token.
    pub fn current(&self) -> &RoomToken {
        &self.token
    }

    /// The refresh token. Like the join token it is a bearer credential (anyone holding it can
    /// obtain join tokens for the room until it expires); do not log it.
    pub fn refresh_token(&self) -> &str {
        &self.refresh_token
    }

    /// When the refresh token expires; after that the join token cannot be refreshed.
    pub fn refresh_token_expires_at(&self) -> DateTime<Utc> {
        self.refresh_token_expires_at
    }

    /// When the current join token should be refreshed: the options' margin before it
    /// expires, but not before half of its lifetime has passed.
    pub fn refresh_due_at(&self) -> DateTime<Utc> {
        let lifetime = (self.token.expires_at - self.obtained_at).max(TimeDelta::zero());
        let margin = delta(self.options.refresh_margin).min(lifetime / 2);
        self.token.expires_at - margin
    }

    /// Whether the join token is due for a refresh at `now`.
    pub fn is_refresh_due(&self, now: DateTime<Utc>) -> bool {
        now >= self.refresh_due_at()
    }

    /// Refreshes the join token if it is due at `now` (see
    /// [`refresh_due_at`](Self::refresh_due_at)); returns whether it did.
    pub async fn refresh_if_due(&mut self, now: DateTime<Utc>) -> Result<bool, RoomTokenError> {
        if !self.is_refresh_due(now) {
            return Ok(false);
        }
        self.refresh().await?;
        Ok(true)
    }

    /// Exchanges the refresh token for a new join token now (`RefreshRoomClientToken`; sent
    /// without the API key). Fails with [`RoomTokenError::RefreshTokenExpired`], sending
    /// nothing, once the refresh token has expired. On failure the current token is kept.
    pub async fn refresh(&mut self) -> Result<&RoomToken, RoomTokenError> {
        let (token, now) = request_refresh(
            &self.client,
            self.room_id,
            &self.refresh_token,
            self.refresh_token_expires_at,
            &self.options,
        )
        .await?;
        tracing::debug!(room_id = %self.room_id, expires_at = %token.expires_at, "refreshed a room join token");
        self.token = token;
        self.obtained_at = now;
        Ok(&self.token)
    }

    /// Keeps the join token fresh until that is no longer possible, publishing the current
    /// token and then every new one on `updates`; returns why it stopped.
    ///
    /// It sleeps (on the options' clock) until [`refresh_due_at`](Self::refresh_due_at),
    /// refreshes, and repeats. A refresh that fails for a passing reason
    /// ([`RoomTokenError::is_transient`]) is retried every
    /// [`retry_interval`](RoomTokenOptions::retry_interval) while the current token is still
    /// valid. It stops with [`RoomTokenError::RefreshTokenExpired`] when a refresh is due
    /// after the refresh token expired, or with the refresh error otherwise. Drop the future to
    /// stop it early.
    pub async fn run(mut self, updates: watch::Sender<RoomToken>) -> RoomTokenError {
        loop {
            // Only a different token counts as an update (the channel may already hold this one).
            updates.send_if_modified(|published| {
                let changed = *published != self.token;
                if changed {
                    *published = self.token.clone();
                }
                changed
            });
            self.sleep_until_due().await;
            if let Err(error) = self.refresh_retrying().await {
                tracing::warn!(room_id = %self.room_id, %error, "stopped keeping the room join token fresh");
                return error;
            }
        }
    }

    /// Runs [`run`](Self::run) on a new Tokio task. Must be called within a Tokio runtime.
    pub fn spawn(self) -> RoomTokenDriver {
        let room_id = self.room_id;
        let (sender, receiver) = watch::channel(self.token.clone());
        RoomTokenDriver {
            room_id,
            receiver,
            task: Some(tokio::spawn(self.run(sender))),
        }
    }

    pub(super) async fn sleep_until_due(&self) {
        loop {
            let now = self.options.clock.now();
            let due = self.refresh_due_at();
            if now >= due {
                return;
            }
            let wait = (due - now).to_std().unwrap_or_default().min(MAX_SLEEP);
            self.options.clock.sleep(wait).await;
        }
    }

    pub(super) async fn refresh_retrying(&mut self) -> Result<(), RoomTokenError> {
        loop {
            let error = match self.refresh().await {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            let clock = &self.options.clock;
            let retry_at = clock.now() + delta(self.options.retry_interval);
            // Retrying only makes sense while the current token still covers the wait.
            if !error.is_transient() || retry_at >= self.token.expires_at {
                return Err(error);
            }
            tracing::warn!(room_id = %self.room_id, %error, "refreshing the room join token failed; trying again");
            clock.sleep(self.options.retry_interval).await;
        }
    }
}

/// Sends `RefreshRoomClientToken` unless the refresh token has expired; returns the new token
/// and the time it arrived.
pub(super) async fn request_refresh(
    client: &Client,
    room_id: Uuid,
    refresh_token: &str,
    refresh_token_expires_at: DateTime<Utc>,
    options: &RoomTokenOptions,
) -> Result<(RoomToken, DateTime<Utc>), RoomTokenError> {
    if options.clock.now() >= refresh_token_expires_at {
        return Err(RoomTokenError::RefreshTokenExpired {
            room_id,
            expired_at: refresh_token_expires_at,
        });
    }
    let response = client
        .refresh_room_client_token()
        .room_id(room_id)
        .body(
            types::RefreshRoomClientTokenRequest::builder()
                .refresh_token(refresh_token.to_owned())
                .token_ttl_secs(options.token_ttl_secs()?),
        )
        .send()
        .await
        .map_err(|e| client_failure(REFRESH, room_id, e.into()))?;
    let now = options.clock.now();
    let data = response.into_inner().data.unwrap_or_default();
    let token = received_token(
        REFRESH,
        room_id,
        data.token,
        data.token_expires_at.and_then(Timestamp::into_utc),
        now,
        options.token_ttl,
    )?;
    Ok((token, now))
}

/// Checks a token from an answer received at `now`. A missing expiry means the requested
/// lifetime; so does an expiry already past on arrival (a local clock far off, or a mock's
/// static example), which is kept in [`RoomToken::past_server_expiry`] and logged.
pub(super) fn received_token(
    operation: &'static str,
    room_id: Uuid,
    token: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<RoomToken, RoomTokenError> {
    let unusable = |problem: String| RoomTokenError::UnusableResponse {
        operation,
        room_id,
        problem,
    };
    let secret = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unusable("it has no `data.token`".to_owned()))?;
    let requested = now + delta(ttl);
    let (expires_at, past_server_expiry) = match expires_at {
        Some(at) if at > now => (at, None),
        Some(at) => {
            tracing::warn!(
                %room_id,
                server_expiry = %at,
                local_time = %now,
                "the join token's expiry is already past on arrival (check the system clock); \
                 using the requested lifetime"
            );
            (requested, Some(at))
        }
        None => (requested, None),
    };
    Ok(RoomToken {
        secret: secret.into(),
        expires_at,
        past_server_expiry,
    })
}

/// A `Duration` as a chrono `TimeDelta`, saturating (only absurd settings overflow).
pub(super) fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
