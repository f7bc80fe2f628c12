//! The `vxi` claim: a number that makes each token unique.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A thread-safe, strictly increasing source of `vxi` values.
///
/// Each value is the larger of "one more than the last" and the current time
/// in microseconds since the Unix epoch. Starting from the clock means a
/// restarted process does not repeat the values it handed out before (unless
/// it minted faster than one token per microsecond); counting up means two
/// tokens minted in the same microsecond still differ, as Vivox requires
/// (it rejects a repeated token with error 20120).
///
/// Microsecond values stay below 2⁵³ until the year 2255, so they survive
/// JSON parsers that read numbers as doubles.
#[derive(Debug, Default)]
pub struct VxiCounter {
    last: AtomicU64,
}

impl VxiCounter {
    /// A counter that has handed out nothing yet; its first value comes from the clock.
    #[must_use]
    pub fn new() -> Self {
        VxiCounter::default()
    }

    /// A counter whose next value is more than `last`, e.g. one restored from storage.
    #[must_use]
    pub fn after(last: u64) -> Self {
        VxiCounter {
            last: AtomicU64::new(last),
        }
    }

    /// The next value, given the current time since the Unix epoch.
    pub fn next(&self, now: Duration) -> u64 {
        let clock = u64::try_from(now.as_micros()).unwrap_or(u64::MAX);
        let advance = |last: u64| last.saturating_add(1).max(clock);
        match self
            .last
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
                Some(advance(last))
            }) {
            Ok(previous) | Err(previous) => advance(previous),
        }
    }

    /// Records a value chosen by the caller, so later values are larger than it.
    pub fn observe(&self, vxi: u64) {
        self.last.fetch_max(vxi, Ordering::AcqRel);
    }

    /// The last value handed out or observed (0 if none).
    #[must_use]
    pub fn last(&self) -> u64 {
        self.last.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    #[test]
    fn starts_from_the_clock_in_microseconds() {
        let counter = VxiCounter::new();
        assert_eq!(counter.next(Duration::from_micros(1_000_000)), 1_000_000);
    }

    #[test]
    fn strictly_increases_when_the_clock_stands_still() {
        let counter = VxiCounter::new();
        let now = Duration::from_secs(1_600_349_310);
        let first = counter.next(now);
        let second = counter.next(now);
        let third = counter.next(now);
        assert!(first < second && second < third);
        assert_eq!(third - first, 2);
    }

    #[test]
    fn follows_the_clock_forward_and_never_back() {
        let counter = VxiCounter::new();
        let a = counter.next(Duration::from_micros(500));
        let b = counter.next(Duration::from_micros(900));
        let c = counter.next(Duration::from_micros(100));
        assert_eq!((a, b, c), (500, 900, 901));
    }

    #[test]
    fn observed_values_push_the_counter_forward() {
        let counter = VxiCounter::after(10);
        counter.observe(5_000);
        assert_eq!(counter.next(Duration::ZERO), 5_001);
        counter.observe(3);
        assert_eq!(counter.next(Duration::ZERO), 5_002);
        assert_eq!(counter.last(), 5_002);
    }

    #[test]
    fn threads_never_get_the_same_value() {
        let counter = Arc::new(VxiCounter::new());
        let now = Duration::from_secs(1);
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || (0..1000).map(|_| counter.next(now)).collect::<Vec<_>>())
            })
            .collect();
        let mut seen = HashSet::new();
        for handle in handles {
            for value in handle.join().expect("thread finished") {
                assert!(seen.insert(value), "duplicate vxi {value}");
            }
        }
        assert_eq!(seen.len(), 4000);
    }
}
