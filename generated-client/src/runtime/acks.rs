//! Acknowledgements of incoming QoS 1 PUBLISHes, in the order they arrived
//! whatever order the application settles them in (MQTT 5 §4.6: PUBACKs in
//! the order of the PUBLISHes). The state machine keeps the order
//! ([`AckOrder`]); the application settles each message through its
//! [`Delivery`] handle, which sends the settlement to the driver. Settling
//! after the connection ended does nothing: the hub redelivers.

use std::collections::VecDeque;

use super::control::{Control, ControlSender};
use super::settlement::Settlement;

/// The QoS 1 messages of one connection waiting for their PUBACK, in
/// arrival order.
#[derive(Debug, Default)]
pub(crate) struct AckOrder {
    entries: VecDeque<(u16, Option<Settlement>)>,
}

impl AckOrder {
    /// A message arrived.
    pub(crate) fn push(&mut self, pkid: u16) {
        self.entries.push_back((pkid, None));
    }

    /// Settles the oldest unsettled message with this identifier (an
    /// identifier is reused only after its PUBACK, so there is at most
    /// one); false if there is none.
    pub(crate) fn settle(&mut self, pkid: u16, settlement: Settlement) -> bool {
        match self
            .entries
            .iter_mut()
            .find(|(id, s)| *id == pkid && s.is_none())
        {
            Some(entry) => {
                entry.1 = Some(settlement);
                true
            }
            None => false,
        }
    }

    /// The PUBACKs whose turn has come, in order.
    pub(crate) fn take_ready(&mut self) -> impl Iterator<Item = (u16, Settlement)> + '_ {
        std::iter::from_fn(|| match self.entries.front() {
            Some((_, Some(_))) => match self.entries.pop_front() {
                Some((pkid, Some(settlement))) => Some((pkid, settlement)),
                _ => None,
            },
            _ => None,
        })
    }

    /// How many messages wait for their PUBACK.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The acknowledgement of one incoming QoS 1 message. Settle it once; if it
/// is dropped unsettled, its route's default settlement is sent (so one
/// forgotten message never holds back the acknowledgements after it).
#[derive(Debug)]
pub struct Delivery {
    control: ControlSender,
    connection: u64,
    pkid: u16,
    on_drop: Option<Settlement>,
}

impl Delivery {
    pub(crate) fn new(
        control: ControlSender,
        connection: u64,
        pkid: u16,
        on_drop: Settlement,
    ) -> Self {
        Self {
            control,
            connection,
            pkid,
            on_drop: Some(on_drop),
        }
    }

    /// The connection the message arrived on.
    pub fn connection(&self) -> u64 {
        self.connection
    }

    /// Whether the connection it arrived on is still the current one (a
    /// message of an older connection will be delivered again, so it is not
    /// worth handing to the application).
    pub fn is_current(&self) -> bool {
        self.control.current() == self.connection
    }

    /// Sends `settlement` when every earlier message has been settled.
    pub fn settle(mut self, settlement: Settlement) {
        self.on_drop = None;
        self.send(settlement);
    }

    fn send(&self, settlement: Settlement) {
        self.control.send(Control::Settle {
            connection: self.connection,
            pkid: self.pkid,
            settlement,
        });
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some(settlement) = self.on_drop.take() {
            self.send(settlement);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Properties;

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
        let mut order = AckOrder::default();
        order.push(10);
        order.push(11);
        order.push(12);
        assert!(order.settle(11, Settlement::success()));
        assert_eq!(order.take_ready().count(), 0, "10 is not settled yet");
        assert!(order.settle(12, abandon()));
        assert!(order.settle(10, abandon()));
        assert!(!order.settle(10, Settlement::success()), "settled once");
        let ready: Vec<(u16, u8)> = order
            .take_ready()
            .map(|(id, s)| (id, s.reason_code))
            .collect();
        assert_eq!(ready, [(10, 131), (11, 0), (12, 131)]);
        assert_eq!(order.len(), 0);
    }

    #[test]
    fn a_delivery_settles_once_and_by_default_when_dropped() {
        let (control, mut receiver) = ControlSender::channel();
        control.set_current(3);
        let settled = Delivery::new(control.clone(), 3, 5, abandon());
        assert!(settled.is_current());
        settled.settle(Settlement::success());
        drop(Delivery::new(control.clone(), 2, 6, abandon()));
        let mut got = Vec::new();
        while let Ok(Control::Settle {
            connection,
            pkid,
            settlement,
        }) = receiver.try_recv()
        {
            got.push((connection, pkid, settlement.reason_code));
        }
        assert_eq!(got, [(3, 5, 0), (2, 6, 131)]);
    }
}
