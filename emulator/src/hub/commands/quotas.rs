//! The limits of cloud-to-device commands, defaulting to the real
//! service's quotas (Azure IoT Hub, "IoT Hub quotas and throttling" and
//! "Send cloud-to-device messages"):
//!
//! | quota | default | the service |
//! | --- | --- | --- |
//! | [`queue_depth`](CommandQuotas::queue_depth) | 50 | "up to 50 messages" in a device's queue; the 51st is refused with `DeviceMaximumQueueDepthExceeded` (403004) |
//! | [`ttl`](CommandQuotas::ttl) | 1 hour | the hub's default time to live of a cloud-to-device message; past it, the message expires |
//! | [`max_delivery_count`](CommandQuotas::max_delivery_count) | 10 | the default maximum delivery count; past it, the message is dead-lettered |
//! | [`max_payload`](CommandQuotas::max_payload) | 64 KB (65,536 bytes) | the maximum size of a cloud-to-device message |
//! | [`redelivery_delay`](CommandQuotas::redelivery_delay) | 1 s | (the emulator's own) how long an abandoned or failed delivery waits before the next |

use std::time::Duration;

/// The command quotas (see the module's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandQuotas {
    /// Unfinished commands (queued, delivered, abandoned) a device's queue
    /// may hold.
    pub queue_depth: usize,
    /// How long a command may wait to be completed, from its enqueueing.
    pub ttl: Duration,
    /// Deliveries after which a command that was not completed or rejected
    /// is dead-lettered.
    pub max_delivery_count: u32,
    /// Largest payload, in bytes.
    pub max_payload: usize,
    /// The wait between an abandoned (or failed) delivery and the next.
    pub redelivery_delay: Duration,
}

impl Default for CommandQuotas {
    fn default() -> Self {
        Self {
            queue_depth: 50,
            ttl: Duration::from_secs(3600),
            max_delivery_count: 10,
            max_payload: 65_536,
            redelivery_delay: Duration::from_secs(1),
        }
    }
}

impl CommandQuotas {
    /// Sets [`queue_depth`](Self::queue_depth).
    #[must_use]
    pub fn queue_depth(mut self, commands: usize) -> Self {
        self.queue_depth = commands;
        self
    }

    /// Sets [`ttl`](Self::ttl).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sets [`max_delivery_count`](Self::max_delivery_count) (at least 1).
    #[must_use]
    pub fn max_delivery_count(mut self, deliveries: u32) -> Self {
        self.max_delivery_count = deliveries.max(1);
        self
    }

    /// Sets [`max_payload`](Self::max_payload).
    #[must_use]
    pub fn max_payload(mut self, bytes: usize) -> Self {
        self.max_payload = bytes;
        self
    }

    /// Sets [`redelivery_delay`](Self::redelivery_delay).
    #[must_use]
    pub fn redelivery_delay(mut self, delay: Duration) -> Self {
        self.redelivery_delay = delay;
        self
    }
}
