//! Where "now" comes from, so expiry can be tested and reproduced.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, as a duration since the Unix epoch.
///
/// This crate keeps its own clock because it is a standalone library with no
/// dependency on the Telnyx client, and its tests inject the time through it.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The time elapsed since 1970-01-01T00:00:00Z.
    fn since_unix_epoch(&self) -> Duration;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn since_unix_epoch(&self) -> Duration {
        // A clock set before 1970 reads as the epoch: tokens then expire early, never late.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
    }
}

/// A clock stopped at one instant, for tests and for reproducing a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(Duration);

impl FixedClock {
    /// A clock stopped at `secs` seconds after the Unix epoch.
    #[must_use]
    pub fn at_unix_secs(secs: u64) -> Self {
        FixedClock(Duration::from_secs(secs))
    }

    /// A clock stopped at `since_epoch` after the Unix epoch.
    #[must_use]
    pub fn at(since_epoch: Duration) -> Self {
        FixedClock(since_epoch)
    }
}

impl Clock for FixedClock {
    fn since_unix_epoch(&self) -> Duration {
        self.0
    }
}
