//! What every connection of the hub shares and knows from the start: the
//! hub, the sessions and the accepted host name, what TLS learnt, the
//! time helpers and the connection's limits.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::hub::Hub;
use crate::mqtt::sessions::Sessions;
use crate::registry::Thumbprint;

/// How often a busy connection advances its device's `lastActivityTime`.
pub(super) const ACTIVITY_RESOLUTION: Duration = Duration::from_secs(1);

/// Direct method calls a connection keeps waiting before it forgets
/// abandoned ones.
pub(super) const CALLS_WAITING: usize = 1024;
/// How long one write to a peer may take.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Buffers larger than this are given back once empty (bytes).
pub(super) const IDLE_BUFFER: usize = 4096;
/// Packets queued for a connection's writer before the reader waits.
pub(super) const WRITE_QUEUE: usize = 64;

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

/// The instant of `expiry_ms` (ms since the epoch).
pub(super) fn deadline(expiry_ms: u64) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_millis(expiry_ms.saturating_sub(now_ms()))
}

pub(super) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
