//! Acknowledgements of incoming QoS 1 PUBLISHes, in the order they arrived
//! whatever order the application settles them in (MQTT 5 §4.6: PUBACKs in
//! the order of the PUBLISHes). Each delivery is settled through its
//! [`Delivery`] handle; the session task writes the PUBACKs whose turn has
//! come. Settling after the connection ended does nothing: the hub redelivers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use crate::wire::Properties;

/// How an incoming message is acknowledged: a PUBACK reason code and its
/// properties (e.g. `status`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settlement {
    /// The PUBACK Reason Code (0 success).
    pub reason_code: u8,
    /// The PUBACK's properties.
    pub properties: Properties,
}

impl Settlement {
    /// A success PUBACK.
    pub fn success() -> Self {
        Self::default()
    }

    /// A PUBACK with reason code 0x80 (Unspecified error): for a message no
    /// part of the client takes.
    pub fn unspecified_error() -> Self {
        Self {
            reason_code: 0x80,
            properties: Properties::default(),
        }
    }
}

#[derive(Debug, Default)]
struct Queue {
    connection: u64,
    entries: VecDeque<(u16, Option<Settlement>)>,
}

/// The queue of acknowledgements of the current connection.
#[derive(Debug, Default)]
pub(crate) struct AckQueue {
    queue: Mutex<Queue>,
    ready: Notify,
}

impl AckQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new connection: what was not acknowledged on the old one is
    /// forgotten (the hub redelivers it).
    pub(crate) fn reset(&self, connection: u64) {
        let mut queue = self.lock();
        queue.connection = connection;
        queue.entries.clear();
    }

    /// Takes a QoS 1 PUBLISH's packet identifier into the queue.
    pub(crate) fn push(self: &Arc<Self>, pkid: u16, on_drop: Settlement) -> Delivery {
        let mut queue = self.lock();
        queue.entries.push_back((pkid, None));
        Delivery {
            queue: Arc::clone(self),
            connection: queue.connection,
            pkid,
            on_drop: Some(on_drop),
            settled: false,
        }
    }

    fn settle(&self, connection: u64, pkid: u16, settlement: Settlement) {
        let mut queue = self.lock();
        if queue.connection != connection {
            return;
        }
        // The oldest unsettled entry with this identifier (an identifier is
        // reused only after its PUBACK, so there is at most one).
        if let Some(entry) = queue
            .entries
            .iter_mut()
            .find(|(id, s)| *id == pkid && s.is_none())
        {
            entry.1 = Some(settlement);
        }
        if queue.entries.front().is_some_and(|(_, s)| s.is_some()) {
            self.ready.notify_one();
        }
    }

    /// How many messages of the current connection wait for their PUBACK.
    pub(crate) fn unsettled(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether `connection` is still the current one.
    fn is_current(&self, connection: u64) -> bool {
        self.lock().connection == connection
    }

    /// Waits until a PUBACK may be due.
    pub(crate) async fn ready(&self) {
        self.ready.notified().await;
    }

    /// The PUBACKs whose turn has come, in order.
    pub(crate) fn take_ready(&self) -> Vec<(u16, Settlement)> {
        let mut queue = self.lock();
        let mut out = Vec::new();
        while queue.entries.front().is_some_and(|(_, s)| s.is_some()) {
            if let Some((pkid, Some(settlement))) = queue.entries.pop_front() {
                out.push((pkid, settlement));
            }
        }
        out
    }
}

/// The acknowledgement of one incoming QoS 1 message. Settle it once; if it
/// is dropped unsettled, its route's default settlement is sent (so one
/// forgotten message never holds back the acknowledgements after it).
#[derive(Debug)]
pub struct Delivery {
    queue: Arc<AckQueue>,
    connection: u64,
    pkid: u16,
    on_drop: Option<Settlement>,
    settled: bool,
}

impl Delivery {
    /// The connection the message arrived on.
    pub fn connection(&self) -> u64 {
        self.connection
    }

    /// Whether the connection it arrived on is still the current one (a
    /// message of an older connection will be delivered again, so it is not
    /// worth handing to the application).
    pub fn is_current(&self) -> bool {
        self.queue.is_current(self.connection)
    }

    /// Sends `settlement` when every earlier message has been settled.
    pub fn settle(mut self, settlement: Settlement) {
        self.settled = true;
        self.queue.settle(self.connection, self.pkid, settlement);
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if !self.settled {
            if let Some(settlement) = self.on_drop.take() {
                self.queue.settle(self.connection, self.pkid, settlement);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abandon() -> Settlement {
        Settlement {
            reason_code: 131,
            properties: Properties {
                user: vec![("status".into(), "0603".into())],
                ..Properties::default()
            },
        }
    }

    #[test]
    fn pubacks_leave_in_arrival_order() {
        let queue = Arc::new(AckQueue::default());
        queue.reset(1);
        let first = queue.push(10, Settlement::success());
        let second = queue.push(11, Settlement::success());
        let third = queue.push(12, abandon());
        second.settle(Settlement::success());
        assert!(queue.take_ready().is_empty(), "10 is not settled yet");
        drop(third);
        first.settle(abandon());
        let ready: Vec<(u16, u8)> = queue
            .take_ready()
            .into_iter()
            .map(|(id, s)| (id, s.reason_code))
            .collect();
        assert_eq!(ready, [(10, 131), (11, 0), (12, 131)]);
    }

    #[test]
    fn settling_after_the_connection_ended_does_nothing() {
        let queue = Arc::new(AckQueue::default());
        queue.reset(1);
        let old = queue.push(5, Settlement::success());
        queue.reset(2);
        let new = queue.push(5, Settlement::success());
        old.settle(Settlement::success());
        assert!(queue.take_ready().is_empty());
        new.settle(Settlement::success());
        assert_eq!(queue.take_ready().len(), 1);
    }
}
