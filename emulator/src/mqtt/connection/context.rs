//! What every connection of the hub shares and knows from the start: the
//! hub, the sessions and the accepted host name, what TLS learnt, the
//! clock a connection is driven with and the connection's limits.

use std::time::{Duration, Instant};

use iothub_client::wire::Timestamp;

use crate::hub::Hub;
use crate::mqtt::connect::ConnectContext;
use crate::mqtt::sessions::Sessions;
use crate::registry::Thumbprint;

/// How often a busy connection advances its device's `lastActivityTime`.
pub(super) const ACTIVITY_RESOLUTION: Duration = Duration::from_secs(1);

/// Direct method calls a connection keeps waiting before it forgets
/// abandoned ones.
pub(super) const CALLS_WAITING: usize = 1024;
/// How long one write to a peer may take.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Packets ready to be written before the connection stops reading.
pub(super) const WRITE_QUEUE: usize = 64;
/// Replies waiting for their commits before the connection stops reading
/// (beyond the client's in-flight window).
pub(super) const REPLIES_WAITING: usize = 64;

/// What every connection shares.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The hub's state.
    pub hub: Hub,
    /// The sessions.
    pub sessions: Sessions,
    /// The host name the hub accepts, if only one.
    pub hostname: Option<String>,
}

/// What the transport tells about the client: nothing over plain TCP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transport {
    /// The host name the client gave in TLS SNI.
    pub sni: Option<String>,
    /// The SHA-256 thumbprint of the client's TLS certificate.
    pub thumbprint: Option<Thumbprint>,
}

impl Shared {
    /// What a CONNECT or an AUTH over `transport` is judged with at
    /// `clock`.
    pub(super) fn connect_context<'a>(
        &'a self,
        transport: &'a Transport,
        clock: Clock,
    ) -> ConnectContext<'a> {
        ConnectContext {
            registry: self.hub.registry(),
            hostname: self.hostname.as_deref(),
            sni: transport.sni.as_deref(),
            thumbprint: transport.thumbprint.as_ref(),
            now_ms: clock.wall.as_millis(),
        }
    }
}

/// The time a connection is driven with: a monotonic instant for its
/// timers (keep alive, the CONNECT deadline) and the wall clock for what
/// the hub stamps in wall time (SAS expiry, command redelivery). The
/// connection has no clock of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Now, for timers.
    pub instant: Instant,
    /// Now, on the wall.
    pub wall: Timestamp,
}

impl Clock {
    /// The time now (tokio's clock for the instant, so that a test with a
    /// paused clock controls it).
    pub fn now() -> Self {
        Self {
            instant: tokio::time::Instant::now().into_std(),
            wall: Timestamp::now(),
        }
    }

    /// This clock `by` later, on both.
    pub fn advanced(self, by: Duration) -> Self {
        Self {
            instant: self.instant + by,
            wall: Timestamp(
                self.wall
                    .as_millis()
                    .saturating_add(u64::try_from(by.as_millis()).unwrap_or(u64::MAX)),
            ),
        }
    }

    /// The instant of wall time `at_ms` (ms since the epoch), now if it
    /// has passed.
    pub fn instant_of(self, at_ms: u64) -> Instant {
        self.instant + Duration::from_millis(at_ms.saturating_sub(self.wall.as_millis()))
    }
}
