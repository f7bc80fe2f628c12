//! The settings of a session, checked against the API's limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::*;

/// Settings of a [`RoomTokenSession`].
///
/// ```
/// use std::time::Duration;
/// use telnyx_client::room_token::RoomTokenOptions;
///
/// let options = RoomTokenOptions::default()
///     .token_ttl(Duration::from_secs(300))
///     .refresh_margin(Duration::from_secs(30));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct RoomTokenOptions {
    pub(super) token_ttl: Duration,
    pub(super) refresh_token_ttl: Duration,
    pub(super) refresh_margin: Duration,
    pub(super) retry_interval: Duration,
    pub(super) clock: Arc<dyn Clock>,
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
    pub(super) fn token_ttl_secs(&self) -> Result<i64, RoomTokenError> {
        whole_seconds("token_ttl", self.token_ttl, 10, 3600)
    }

    /// Checks everything except the refresh token's lifetime, which only matters for minting.
    pub(super) fn check(&self) -> Result<(), RoomTokenError> {
        self.token_ttl_secs()?;
        if self.retry_interval.is_zero() {
            return Err(RoomTokenError::InvalidOptions {
                problem: "retry_interval must be greater than zero".to_owned(),
            });
        }
        Ok(())
    }
}

pub(super) fn whole_seconds(
    name: &str,
    value: Duration,
    min: u64,
    max: u64,
) -> Result<i64, RoomTokenError> {
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
