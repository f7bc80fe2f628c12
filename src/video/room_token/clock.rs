//! The time source of a session: the system clock, or a test clock.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

/// The time source of a [`RoomTokenSession`](super::RoomTokenSession): what time it is, and how to wait.
///
/// [`SystemClock`] is the real one. Tests can supply a clock that moves on command, which
/// makes the background driver's schedule deterministic. It is the only clock in the crate
/// that must also *wait*; the webhook verifier only reads the time (a plain function), and
/// `vivox-token`, a crate of its own, has its own.
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
