//! The ordered channel from the application's handles to the session
//! driver: settlements of incoming messages and the request to shut down.
//! One channel, so a settlement made before `disconnect()` (or before the
//! last handle is dropped) is always handled before the shutdown, and its
//! PUBACK written before the DISCONNECT.
//!
//! It is unbounded without holding unbounded memory: each [`Delivery`]
//! settles once, and deliveries exist only for QoS 1 messages the hub sent,
//! at most the client's Receive Maximum per connection.
//!
//! [`Delivery`]: super::Delivery

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use super::settlement::Settlement;

/// A command from a handle to the driver.
#[derive(Debug)]
pub(crate) enum Control {
    /// Settle the QoS 1 message `pkid` of connection `connection`.
    Settle {
        connection: u64,
        pkid: u16,
        settlement: Settlement,
    },
    /// Write what is queued, say DISCONNECT and end the session.
    Shutdown,
}

/// The handles' end of the channel, and the number of the current
/// connection (0 while there is none).
#[derive(Debug, Clone)]
pub(crate) struct ControlSender {
    sender: mpsc::UnboundedSender<Control>,
    current: Arc<AtomicU64>,
}

impl ControlSender {
    /// A channel; the driver keeps the receiver.
    pub(crate) fn channel() -> (Self, mpsc::UnboundedReceiver<Control>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let current = Arc::new(AtomicU64::new(0));
        (Self { sender, current }, receiver)
    }

    /// Sends `control` (nothing happens once the session has ended).
    pub(crate) fn send(&self, control: Control) {
        let _ = self.sender.send(control);
    }

    /// The current connection's number (0: none).
    pub(crate) fn current(&self) -> u64 {
        self.current.load(Ordering::Acquire)
    }

    /// Sets the current connection's number (the driver, on each change).
    pub(crate) fn set_current(&self, connection: u64) {
        self.current.store(connection, Ordering::Release);
    }
}
