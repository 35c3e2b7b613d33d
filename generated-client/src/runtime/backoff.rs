//! When to try connecting again: exponential backoff with jitter.
//!
//! The n-th consecutive failed attempt waits `min(max, initial × 2ⁿ)`, of
//! which a random half is taken away ("equal jitter"), so a fleet that lost
//! its hub at once does not come back at once. The defaults, 100 ms doubling
//! to 30 s, sit between the Azure IoT device SDKs' and iot-operations-sdks'
//! (100–128 ms doubling to a 10–60 s cap). A connection that stayed up for
//! [`ReconnectPolicy::stable_after`] resets the sequence.
//!
//! Why the connection ended counts too: a hub that said it is busy or that
//! the device connects too often (DISCONNECT or CONNACK 0x89 Server busy,
//! 0x9F Connection rate exceeded) is given at least the ceiling, with
//! jitter on top, however long the connection lasted; and a hub that keeps
//! answering CONNACK 0x87 Not authorized is tried
//! [`ReconnectPolicy::not_authorized_retries`] times, then the client
//! closes with that refusal.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use iothub_mqtt::ReasonCode;

use super::state::DisconnectCause;

/// Reconnection backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    initial: Duration,
    max: Duration,
    stable_after: Duration,
    not_authorized_retries: u32,
}

impl Default for ReconnectPolicy {
    /// 100 ms doubling to 30 s, with jitter; reset after 30 s connected;
    /// CONNACK Not authorized retried 5 times.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(30),
            stable_after: Duration::from_secs(30),
            not_authorized_retries: 5,
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

    /// How many consecutive CONNACK 0x87 (Not authorized) refusals are
    /// retried (each CONNECT carries a fresh token, and a clock wrong at
    /// boot may be right later) before the client closes with the refusal
    /// (default 5).
    pub fn not_authorized_retries(mut self, retries: u32) -> Self {
        self.not_authorized_retries = retries;
        self
    }

    /// Whether the client gives up after `refusals` consecutive CONNACK Not
    /// authorized answers, the last one being `cause`.
    pub(crate) fn gives_up(&self, cause: &DisconnectCause, refusals: u32) -> bool {
        matches!(cause, DisconnectCause::Refused { reason_code, .. }
            if ReasonCode::from(*reason_code) == ReasonCode::NotAuthorized)
            && refusals > self.not_authorized_retries
    }

    /// The wait before the next attempt after a connection ended (or an
    /// attempt failed) for `cause`, the `failures`-th in a row (from 0).
    pub fn delay_after(&self, cause: &DisconnectCause, failures: u32) -> Duration {
        let reason_code = match cause {
            DisconnectCause::Hub { reason_code, .. }
            | DisconnectCause::Refused { reason_code, .. } => Some(*reason_code),
            _ => None,
        };
        if matches!(
            reason_code.map(ReasonCode::from),
            Some(ReasonCode::ServerBusy | ReasonCode::ConnectionRateExceeded)
        ) {
            // At least the ceiling, and up to half of it more at random.
            return self.max + jitter(self.max / 2, failures);
        }
        self.delay(failures)
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
        half + jitter(ceiling - half, failures)
    }
}

/// A random duration up to `span`.
pub(crate) fn jitter(span: Duration, salt: u32) -> Duration {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(salt);
    let random = hasher.finish();
    let span = u64::try_from(span.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(if span == 0 { 0 } else { random % span })
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

    #[test]
    fn a_busy_or_rate_limiting_hub_gets_at_least_the_ceiling() {
        let policy = ReconnectPolicy::new(Duration::from_millis(100), Duration::from_secs(20));
        for reason_code in [0x89, 0x9F] {
            for cause in [
                DisconnectCause::Hub {
                    reason_code,
                    status: None,
                    reason: None,
                },
                DisconnectCause::Refused {
                    reason_code,
                    status: None,
                    reason: None,
                },
            ] {
                // Even as the first failure after a long, stable connection.
                let delay = policy.delay_after(&cause, 0);
                assert!(
                    delay >= Duration::from_secs(20) && delay <= Duration::from_secs(30),
                    "{cause}: {delay:?}"
                );
            }
        }
        let lost = DisconnectCause::Network("reset".into());
        assert!(policy.delay_after(&lost, 0) <= Duration::from_millis(100));
    }

    #[test]
    fn not_authorized_is_retried_a_bounded_number_of_times() {
        let policy = ReconnectPolicy::default().not_authorized_retries(2);
        let refused = DisconnectCause::Refused {
            reason_code: 0x87,
            status: None,
            reason: None,
        };
        assert!(!policy.gives_up(&refused, 1));
        assert!(!policy.gives_up(&refused, 2));
        assert!(
            policy.gives_up(&refused, 3),
            "the third refusal in a row closes"
        );
        let lost = DisconnectCause::Network("reset".into());
        assert!(!policy.gives_up(&lost, 100));
    }
}
