//! A room's join token, minted once and kept fresh with its refresh token.
//!
//! [`RoomTokenSession::start`] mints a join token (`CreateRoomClientToken`, needs the API key)
//! together with a refresh token. The session then exchanges the refresh token for a new join
//! token (`RefreshRoomClientToken`, no API key: the refresh token is the credential) a little
//! before the current one expires, until the refresh token itself expires.
//!
//! Refresh explicitly ([`refresh`](RoomTokenSession::refresh),
//! [`refresh_if_due`](RoomTokenSession::refresh_if_due)) or let a background task do it
//! ([`spawn`](RoomTokenSession::spawn)), which publishes every new token on a
//! [`tokio::sync::watch`] channel and stops with a [`RoomTokenError`] saying why.
//!
//! Join tokens and refresh tokens are bearer credentials: [`RoomToken`] and
//! [`RoomTokenSession`] never show them in `Debug` output, and no error message contains them.
//!
//! ```no_run
//! use telnyx_client::prelude::*;
//! use telnyx_client::{RoomTokenOptions, RoomTokenSession};
//!
//! # async fn run(client: &Client, room_id: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let session = RoomTokenSession::start(client, room_id, RoomTokenOptions::default()).await?;
//! let driver = session.spawn();
//! let mut tokens = driver.subscribe();
//! // Hand `tokens.borrow().secret()` to the SDK that joins the room; whenever
//! // `tokens.changed()` fires there is a fresh one.
//! while tokens.changed().await.is_ok() {
//!     let expires_at = tokens.borrow().expires_at();
//!     println!("new join token, valid until {expires_at}");
//! }
//! // The channel closed: the driver stopped. Find out why.
//! eprintln!("{}", driver.wait().await);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::prelude::*;
use crate::types;

/// Shown instead of a secret in `Debug` output.
const REDACTED: &str = "<redacted>";

/// Longest single sleep of the background driver. It sleeps in steps of at most this long and
/// re-reads the clock, so a suspended machine or a wall-clock jump delays a refresh by at most
/// this much.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// The time source of a [`RoomTokenSession`]: what time it is, and how to wait.
///
/// [`SystemClock`] is the real one. Tests can supply a clock that moves on command, which
/// makes the background driver's schedule deterministic.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// Completes after `duration` has passed on this clock.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The system's wall clock ([`Utc::now`]) and Tokio's timer ([`tokio::time::sleep`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A join token: the credential a client SDK presents to join a room, and when it expires.
///
/// Cheap to clone. Its `Debug` output shows the expiry but not the token.
#[derive(Clone, PartialEq, Eq)]
pub struct RoomToken {
    secret: Arc<str>,
    expires_at: DateTime<Utc>,
    /// The expiry the server sent when it was already past on arrival.
    past_server_expiry: Option<DateTime<Utc>>,
}

impl RoomToken {
    /// The token itself. It is a bearer credential: hand it to the SDK that joins the room,
    /// but do not log it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When the token stops being accepted (`token_expires_at`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// The `token_expires_at` the server sent, when it was already in the past on arrival;
    /// [`expires_at`](Self::expires_at) is then the requested lifetime from the local time.
    /// That happens when the local clock is far off, or with a mock server that answers with a
    /// static example (a token that "expired" years ago).
    pub fn past_server_expiry(&self) -> Option<DateTime<Utc>> {
        self.past_server_expiry
    }
}

/// A timestamp as the generated types hold it: a `DateTime<Utc>` where the document says
/// `format: date-time`, a string (RFC 3339) where it does not.
trait Timestamp {
    fn into_utc(self) -> Option<DateTime<Utc>>;
}

impl Timestamp for DateTime<Utc> {
    fn into_utc(self) -> Option<DateTime<Utc>> {
        Some(self)
    }
}

impl Timestamp for String {
    fn into_utc(self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

impl fmt::Debug for RoomToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomToken")
            .field("secret", &REDACTED)
            .field("expires_at", &self.expires_at)
            .field("past_server_expiry", &self.past_server_expiry)
            .finish()
    }
}

/// Settings of a [`RoomTokenSession`].
///
/// ```
/// use std::time::Duration;
/// use telnyx_client::RoomTokenOptions;
///
/// let options = RoomTokenOptions::default()
///     .token_ttl(Duration::from_secs(300))
///     .refresh_margin(Duration::from_secs(30));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct RoomTokenOptions {
    token_ttl: Duration,
    refresh_token_ttl: Duration,
    refresh_margin: Duration,
    retry_interval: Duration,
    clock: Arc<dyn Clock>,
}

impl Default for RoomTokenOptions {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(600),
            refresh_token_ttl: Duration::from_secs(3600),
            refresh_margin: Duration::from_secs(60),
            retry_interval: Duration::from_secs(5),
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for RoomTokenOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomTokenOptions")
            .field("token_ttl", &self.token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("refresh_margin", &self.refresh_margin)
            .field("retry_interval", &self.retry_interval)
            .finish_non_exhaustive()
    }
}

impl RoomTokenOptions {
    /// Sets how long each join token lives (`token_ttl_secs`, whole seconds from 10 to 3600;
    /// default 600).
    #[must_use]
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Sets how long the refresh token lives (`refresh_token_ttl_secs`, whole seconds from 60
    /// to 86400; default 3600), and so how long the session can keep its join token fresh.
    #[must_use]
    pub fn refresh_token_ttl(mut self, ttl: Duration) -> Self {
        self.refresh_token_ttl = ttl;
        self
    }

    /// Sets how long before a join token's expiry it is refreshed (default 60 s). A token is
    /// never refreshed before half of its lifetime has passed, whatever the margin.
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Sets how long the background driver waits before trying again after a refresh failed
    /// for a reason that may pass (a timeout, a lost connection, a 5xx or 429 answer; default
    /// 5 s). It keeps trying while the current join token is still valid.
    #[must_use]
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// Sets the time source (default [`SystemClock`]).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// `token_ttl_secs` as sent, after checking the bounds.
    fn token_ttl_secs(&self) -> Result<i64, RoomTokenError> {
        whole_seconds("token_ttl", self.token_ttl, 10, 3600)
    }

    /// Checks everything except the refresh token's lifetime, which only matters for minting.
    fn check(&self) -> Result<(), RoomTokenError> {
        self.token_ttl_secs()?;
        if self.retry_interval.is_zero() {
            return Err(RoomTokenError::InvalidOptions {
                problem: "retry_interval must be greater than zero".to_owned(),
            });
        }
        Ok(())
    }
}

fn whole_seconds(name: &str, value: Duration, min: u64, max: u64) -> Result<i64, RoomTokenError> {
    let secs = value.as_secs();
    if (min..=max).contains(&secs) {
        // In range, so it fits in an i64.
        Ok(secs as i64)
    } else {
        Err(RoomTokenError::InvalidOptions {
            problem: format!("{name} must be between {min} and {max} seconds, not {secs}"),
        })
    }
}

/// Why minting, refreshing or keeping a join token fresh failed.
///
/// No variant or message contains a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoomTokenError {
    /// A [`RoomTokenOptions`] value is out of range. Nothing was sent.
    #[error("invalid room token options: {problem}")]
    InvalidOptions {
        /// What is wrong and the allowed range.
        problem: String,
    },

    /// `CreateRoomClientToken` failed.
    #[error("could not mint a join token for room {room_id}: {source}")]
    Mint {
        /// The room.
        room_id: Uuid,
        /// What the client reported.
        source: Error,
    },

    /// `RefreshRoomClientToken` failed (the server rejected the refresh token, could not be
    /// reached, …). The background driver retries the passing kinds of failure first.
    #[error("could not refresh the join token for room {room_id}: {source}")]
    Refresh {
        /// The room.
        room_id: Uuid,
        /// What the client reported.
        source: Error,
    },

    /// A refresh was due but the refresh token has expired, so no new join token can be
    /// obtained from it. Nothing was sent.
    #[error(
        "the refresh token for room {room_id} expired at {expired_at}, so the join token can no \
         longer be refreshed; start a new RoomTokenSession (needs the API key) to mint a new one"
    )]
    RefreshTokenExpired {
        /// The room.
        room_id: Uuid,
        /// When the refresh token expired.
        expired_at: DateTime<Utc>,
    },

    /// Telnyx answered with success, but the answer cannot be used (a field is missing, the
    /// token has already expired, or the body does not match the API description).
    #[error("Telnyx's {operation} answer for room {room_id} cannot be used: {problem}")]
    UnusableResponse {
        /// `CreateRoomClientToken` or `RefreshRoomClientToken`.
        operation: &'static str,
        /// The room.
        room_id: Uuid,
        /// What is wrong with it (never the body itself: it holds tokens).
        problem: String,
    },

    /// The background driver's task ended without a result, because its Tokio runtime shut
    /// down.
    #[error("the join token driver for room {room_id} was stopped by its runtime shutting down")]
    DriverStopped {
        /// The room.
        room_id: Uuid,
    },
}

impl RoomTokenError {
    /// The client error behind a [`Mint`](Self::Mint) or [`Refresh`](Self::Refresh) failure,
    /// for example to read its HTTP status.
    pub fn client_error(&self) -> Option<&Error> {
        match self {
            RoomTokenError::Mint { source, .. } | RoomTokenError::Refresh { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }

    /// Whether trying again later may succeed: a timeout, a connection problem, or a 408,
    /// 429 or 5xx answer.
    pub fn is_transient(&self) -> bool {
        match self.client_error() {
            Some(Error::Timeout { .. } | Error::Connect { .. } | Error::Http { .. }) => true,
            Some(error) => error.status().is_some_and(|status| {
                status.is_server_error() || matches!(status.as_u16(), 408 | 429)
            }),
            None => false,
        }
    }
}

const CREATE: &str = "CreateRoomClientToken";
const REFRESH: &str = "RefreshRoomClientToken";

/// A room's join token and the refresh token that renews it; see the
/// [module documentation](self).
///
/// `Debug` output shows the room and the expiry times, never the tokens.
pub struct RoomTokenSession {
    client: Client,
    room_id: Uuid,
    token: RoomToken,
    /// When the current token was received: the start of its lifetime, as far as we know.
    obtained_at: DateTime<Utc>,
    refresh_token: Arc<str>,
    refresh_token_expires_at: DateTime<Utc>,
    options: RoomTokenOptions,
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

    async fn sleep_until_due(&self) {
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

    async fn refresh_retrying(&mut self) -> Result<(), RoomTokenError> {
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

/// A background task keeping a [`RoomTokenSession`]'s join token fresh; made by
/// [`RoomTokenSession::spawn`]. Dropping it stops the task.
#[derive(Debug)]
pub struct RoomTokenDriver {
    room_id: Uuid,
    receiver: watch::Receiver<RoomToken>,
    task: Option<JoinHandle<RoomTokenError>>,
}

impl RoomTokenDriver {
    /// The latest join token.
    pub fn current(&self) -> RoomToken {
        self.receiver.borrow().clone()
    }

    /// A receiver that sees every new join token; its `changed()` fails once the driver has
    /// stopped (then [`wait`](Self::wait) says why).
    pub fn subscribe(&self) -> watch::Receiver<RoomToken> {
        self.receiver.clone()
    }

    /// Whether the driver has stopped.
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits until the driver stops and returns why.
    pub async fn wait(mut self) -> RoomTokenError {
        let stopped = RoomTokenError::DriverStopped {
            room_id: self.room_id,
        };
        let Some(task) = self.task.take() else {
            return stopped;
        };
        match task.await {
            Ok(error) => error,
            Err(join_error) if join_error.is_panic() => {
                std::panic::resume_unwind(join_error.into_panic())
            }
            Err(_) => stopped,
        }
    }

    /// Stops the driver.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for RoomTokenDriver {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Sends `RefreshRoomClientToken` unless the refresh token has expired; returns the new token
/// and the time it arrived.
async fn request_refresh(
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
fn received_token(
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

/// Wraps a client error, except that a success body that did not decode is described without
/// quoting it: it holds tokens.
fn client_failure(operation: &'static str, room_id: Uuid, error: Error) -> RoomTokenError {
    match error {
        Error::InvalidResponse { source, .. } => RoomTokenError::UnusableResponse {
            operation,
            room_id,
            problem: format!(
                "the body does not match the API description ({:?} error at line {}, column {}; \
                 not shown because it holds tokens). The vendored OpenAPI document may be out \
                 of date",
                source.classify(),
                source.line(),
                source.column()
            ),
        },
        source if operation == CREATE => RoomTokenError::Mint { room_id, source },
        source => RoomTokenError::Refresh { room_id, source },
    }
}

/// A `Duration` as a chrono `TimeDelta`, saturating (only absurd settings overflow).
fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_tokens() {
        let token = RoomToken {
            secret: "join-secret".into(),
            expires_at: DateTime::UNIX_EPOCH,
            past_server_expiry: None,
        };
        let text = format!("{token:?}");
        assert!(!text.contains("join-secret"), "{text}");
        assert!(text.contains(REDACTED));
    }

    #[test]
    fn options_are_checked() {
        let error = RoomTokenOptions::default()
            .token_ttl(Duration::from_secs(5))
            .check()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid room token options: token_ttl must be between 10 and 3600 seconds, not 5"
        );
        assert!(
            RoomTokenOptions::default()
                .retry_interval(Duration::ZERO)
                .check()
                .is_err()
        );
        assert!(RoomTokenOptions::default().check().is_ok());
    }

    #[test]
    fn tokens_expiring_on_arrival_get_the_requested_lifetime() {
        let now = DateTime::UNIX_EPOCH + TimeDelta::seconds(100);
        let id = Uuid::nil();
        let ttl = Duration::from_secs(600);
        let ok = received_token(CREATE, id, Some("t".into()), None, now, ttl).unwrap();
        assert_eq!(ok.expires_at(), now + TimeDelta::seconds(600));
        assert_eq!(ok.past_server_expiry(), None);
        let past = now - TimeDelta::seconds(5);
        let adjusted = received_token(CREATE, id, Some("t".into()), Some(past), now, ttl).unwrap();
        assert_eq!(adjusted.expires_at(), now + TimeDelta::seconds(600));
        assert_eq!(adjusted.past_server_expiry(), Some(past));
        assert!(received_token(CREATE, id, Some(String::new()), None, now, ttl).is_err());
    }

    #[test]
    fn timestamps_decode_from_either_generated_type() {
        let at = DateTime::UNIX_EPOCH + TimeDelta::seconds(60);
        assert_eq!(at.into_utc(), Some(at));
        assert_eq!("1970-01-01T00:01:00Z".to_owned().into_utc(), Some(at));
        assert_eq!("soon".to_owned().into_utc(), None);
    }
}
