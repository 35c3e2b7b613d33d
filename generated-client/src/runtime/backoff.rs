//! When to try connecting again: exponential backoff with jitter.
//!
//! The n-th consecutive failed attempt waits `min(max, initial × 2ⁿ)`, of
//! which a random half is taken away ("equal jitter"), so a fleet that lost
//! its hub at once does not come back at once. The defaults, 100 ms doubling
//! to 30 s, sit between the Azure IoT device SDKs' and iot-operations-sdks'
//! (100–128 ms doubling to a 10–60 s cap). A connection that stayed up for
//! [`ReconnectPolicy::stable_after`] resets the sequence.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Reconnection backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    initial: Duration,
    max: Duration,
    stable_after: Duration,
}

impl Default for ReconnectPolicy {
    /// 100 ms doubling to 30 s, with jitter; reset after 30 s connected.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(30),
            stable_after: Duration::from_secs(30),
        }
    }
}

impl ReconnectPolicy {
    /// Backoff starting at `initial` (at least 1 ms), doubling to `max`.
    pub fn new(initial: Duration, max: Duration) -> Self {
        let initial = initial.max(Duration::from_millis(1));
        Self {
            initial,
            max: max.max(initial),
            ..Self::default()
        }
    }

    /// A connection up this long resets the backoff (default 30 s).
    pub fn stable_after(mut self, duration: Duration) -> Self {
        self.stable_after = duration;
        self
    }

    /// How long a connection must stay up to reset the backoff.
    pub fn stable_duration(&self) -> Duration {
        self.stable_after
    }

    /// The ceiling of the wait after `failures` consecutive failures (from 0).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let factor = 1u32.checked_shl(failures.min(31)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }

    /// The wait after `failures` consecutive failures: between half the
    /// ceiling and the ceiling, at random.
    pub fn delay(&self, failures: u32) -> Duration {
        let ceiling = self.ceiling(failures);
        let half = ceiling / 2;
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(failures);
        let random = hasher.finish();
        let span = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(if span == 0 { 0 } else { random % span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_with_jitter_in_the_upper_half() {
        let policy = ReconnectPolicy::default();
        assert_eq!(policy.ceiling(0), Duration::from_millis(100));
        assert_eq!(policy.ceiling(3), Duration::from_millis(800));
        assert_eq!(policy.ceiling(40), Duration::from_secs(30));
        for failures in 0..12 {
            let delay = policy.delay(failures);
            let ceiling = policy.ceiling(failures);
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "{failures}: {delay:?}"
            );
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| policy.delay(5)).collect();
        assert!(spread.len() > 1, "jitter varies");
    }
}
