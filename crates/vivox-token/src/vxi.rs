//! The `vxi` claim: a number that makes each token unique.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The largest `vxi` a [`VxiCounter`] hands out: 2⁵³ − 1.
///
/// Every integer up to it is exact as an IEEE 754 double, so automatic values
/// survive JSON parsers that read numbers as doubles (the interoperable range
/// of RFC 7493, I-JSON), and it is far inside the signed 64-bit integer that
/// Vivox's own SDKs use for the serial number.
pub const MAX_VXI: u64 = (1 << 53) - 1;

/// How far above 0 a fresh counter may start: 2⁵², leaving 2⁵² values of
/// headroom below [`MAX_VXI`].
const START_SPAN: u64 = 1 << 52;

/// The operating system's random number generator could not be read, so a
/// [`VxiCounter`] could not be seeded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot read the operating system's random number generator to seed vxi ({detail}); \
     check that the OS entropy source (getrandom, /dev/urandom) is available, or pass vxi explicitly"
)]
pub struct VxiSeedError {
    /// What the random number generator reported.
    detail: String,
}

/// A thread-safe source of `vxi` values that do not repeat within a counter
/// and, with overwhelming probability, not across processes or hosts either.
///
/// Vivox refuses a token as already used (error 20120) when all its claims,
/// `vxi` included, equal those of a token it has seen. A counter from
/// [`VxiCounter::new`] starts at a point drawn uniformly from `0..2⁵²` with the
/// operating system's random number generator and counts up by one per token,
/// so:
///
/// - one counter never repeats a value (until it has handed out 2⁵² of them);
/// - two tokens from different counters (two processes, two hosts, or two
///   signers in one process) share a `vxi` with probability at most 2⁻⁵²,
///   whatever the clock says and however many tokens each counter minted;
/// - so among any N tokens from independently started counters, the chance
///   that some two share a `vxi` is at most N·(N − 1) / 2⁵³, about
///   N² × 1.1 × 10⁻¹⁶: below 10⁻⁹ for N = 3,000 (one CLI run each), and below
///   10⁻⁶ for N = 90,000 (1,000 tokens per second over a 90-second expiry
///   window). A repeat only matters if the two tokens also agree on every
///   other claim, `exp` included, so the chance of a rejection is smaller still.
///
/// Values never exceed [`MAX_VXI`]. The bound assumes the counters only hand
/// out automatic values; [`VxiCounter::observe`] and [`VxiCounter::after`]
/// put the caller in charge.
#[derive(Debug)]
pub struct VxiCounter {
    last: AtomicU64,
}

impl VxiCounter {
    /// A counter seeded from the operating system's random number generator.
    ///
    /// Should that generator be unreadable (it practically never is), the
    /// counter is seeded from a hash of the clock, the process id and the
    /// counter's address instead, which separates processes far less
    /// reliably; use [`VxiCounter::try_new`] to refuse instead.
    #[must_use]
    pub fn new() -> Self {
        VxiCounter::try_new().unwrap_or_else(|_| VxiCounter::starting_at(fallback_seed()))
    }

    /// A counter seeded from the operating system's random number generator.
    ///
    /// # Errors
    /// [`VxiSeedError`] if the generator cannot be read.
    pub fn try_new() -> Result<Self, VxiSeedError> {
        let seed = getrandom::u64().map_err(|error| VxiSeedError {
            detail: error.to_string(),
        })?;
        Ok(VxiCounter::starting_at(seed))
    }

    /// A counter whose first value is `seed` reduced into `0..2⁵²`, plus one.
    fn starting_at(seed: u64) -> Self {
        VxiCounter {
            last: AtomicU64::new(seed % START_SPAN),
        }
    }

    /// A counter whose next value is `last + 1`, e.g. one restored from storage.
    ///
    /// Values are then predictable and the cross-process bound of
    /// [`VxiCounter`] does not apply. A `last` at or above [`MAX_VXI`] starts
    /// the counter over at 0.
    #[must_use]
    pub fn after(last: u64) -> Self {
        VxiCounter {
            last: AtomicU64::new(last),
        }
    }

    /// The next value: one more than the last, or 0 after [`MAX_VXI`].
    pub fn next(&self) -> u64 {
        let advance = |last: u64| if last >= MAX_VXI { 0 } else { last + 1 };
        match self
            .last
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
                Some(advance(last))
            }) {
            Ok(previous) | Err(previous) => advance(previous),
        }
    }

    /// Records a value chosen by the caller, so later values are larger than it.
    ///
    /// Values above [`MAX_VXI`] are ignored: automatic values never reach them.
    pub fn observe(&self, vxi: u64) {
        if vxi <= MAX_VXI {
            self.last.fetch_max(vxi, Ordering::AcqRel);
        }
    }

    /// The last value handed out or observed; before the first, the starting point.
    #[must_use]
    pub fn last(&self) -> u64 {
        self.last.load(Ordering::Acquire)
    }
}

impl Default for VxiCounter {
    /// Same as [`VxiCounter::new`].
    fn default() -> Self {
        VxiCounter::new()
    }
}

/// A seed for when the OS random number generator is unreadable: a hash of
/// what differs between processes and between counters.
fn fallback_seed() -> u64 {
    let mut hasher = DefaultHasher::new();
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    let marker = 0u8;
    std::ptr::addr_of!(marker).addr().hash(&mut hasher);
    std::thread::current().id().hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    #[test]
    fn counters_started_at_the_same_instant_differ() {
        // Before vxi was seeded from OS randomness, both counters took the
        // clock's microseconds and agreed.
        let values: HashSet<u64> = (0..64).map(|_| VxiCounter::new().next()).collect();
        assert_eq!(values.len(), 64);
    }

    #[test]
    fn fresh_counters_start_within_the_documented_range() {
        for _ in 0..64 {
            let counter = VxiCounter::try_new().expect("the test machine has an OS RNG");
            let first = counter.next();
            assert!((1..=START_SPAN).contains(&first), "{first}");
        }
    }

    #[test]
    fn strictly_increases() {
        let counter = VxiCounter::new();
        let first = counter.next();
        let second = counter.next();
        let third = counter.next();
        assert!(first < second && second < third);
        assert_eq!(third - first, 2);
    }

    #[test]
    fn after_continues_from_the_given_value() {
        let counter = VxiCounter::after(41);
        assert_eq!((counter.next(), counter.next()), (42, 43));
        assert_eq!(counter.last(), 43);
    }

    #[test]
    fn never_exceeds_the_largest_exact_double() {
        assert_eq!(MAX_VXI, 9_007_199_254_740_991);
        let counter = VxiCounter::after(MAX_VXI - 1);
        assert_eq!(counter.next(), MAX_VXI);
        assert_eq!(counter.next(), 0);
        let saturated = VxiCounter::after(u64::MAX);
        assert_eq!(saturated.next(), 0);
    }

    #[test]
    fn observed_values_push_the_counter_forward() {
        let counter = VxiCounter::after(10);
        counter.observe(5_000);
        assert_eq!(counter.next(), 5_001);
        counter.observe(3);
        assert_eq!(counter.next(), 5_002);
        assert_eq!(counter.last(), 5_002);
        // A value no automatic vxi can reach does not push the counter to the top.
        counter.observe(u64::MAX);
        assert_eq!(counter.next(), 5_003);
    }

    #[test]
    fn the_fallback_seed_differs_between_counters() {
        let seeds: HashSet<u64> = (0..16)
            .map(|_| {
                std::thread::spawn(fallback_seed)
                    .join()
                    .expect("thread finished")
            })
            .collect();
        assert!(seeds.len() > 1);
    }

    #[test]
    fn threads_never_get_the_same_value() {
        let counter = Arc::new(VxiCounter::new());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || (0..1000).map(|_| counter.next()).collect::<Vec<_>>())
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
