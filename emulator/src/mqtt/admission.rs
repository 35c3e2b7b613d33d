//! A bound on the connections that wait for their CONNECT (TLS handshake
//! included): each holds a slot from its accept until its first packet
//! arrives (or it ends), and a socket accepted while every slot is taken is
//! closed at once. Sockets that never send CONNECT then cost at most this
//! many tasks for the spec's CONNECT deadline, however many arrive.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connections that may wait for their CONNECT at once, by default: a
/// fleet of 10,000 devices connecting at once then waits rather than
/// being closed and retrying (p99 to CONNACK 1,114 ms with 1,024 slots,
/// 738–780 ms with 4,096, in `iothub-bench connections --devices 10000`).
pub const DEFAULT_PENDING_CONNECTIONS: usize = 4096;

/// The slots of connections waiting for CONNECT.
#[derive(Debug, Clone)]
pub struct Admission {
    slots: Arc<Semaphore>,
}

/// A connection's slot while it waits for its CONNECT; dropping it frees
/// the slot.
#[derive(Debug)]
pub struct Admitted {
    _slot: OwnedSemaphorePermit,
}

impl Admission {
    /// `limit` slots (0: every connection is closed at once).
    pub fn new(limit: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(limit.min(Semaphore::MAX_PERMITS))),
        }
    }

    /// A slot for a new connection, if one is free.
    pub fn admit(&self) -> Option<Admitted> {
        Arc::clone(&self.slots)
            .try_acquire_owned()
            .ok()
            .map(|slot| Admitted { _slot: slot })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_and_given_back() {
        let admission = Admission::new(2);
        let first = admission.admit().expect("a slot");
        let _second = admission.admit().expect("a slot");
        assert!(admission.admit().is_none(), "all taken");
        drop(first);
        assert!(admission.admit().is_some(), "given back");
        assert!(Admission::new(0).admit().is_none());
    }
}
