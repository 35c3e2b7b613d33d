//! Outgoing QoS 1 PUBLISHes waiting for their PUBACK: packet identifiers
//! (never one in use), the hub's Receive Maximum, and what to send again
//! after a reconnect: oldest first, and never more unacknowledged on the
//! new connection than its Receive Maximum, which may be lower than the
//! last one's (the rest go as PUBACKs come, before anything new). Owned by
//! the session task alone.

use std::collections::BTreeMap;

use rumqttc::v5::mqttbytes::v5::Publish;
use tokio::sync::oneshot;

use crate::wire::Properties;
use crate::Error;

/// A PUBACK as the sender sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The PUBACK Reason Code.
    pub reason_code: u8,
    /// Its properties (user properties carry `status`, `reason`, `trace-id`).
    pub properties: Properties,
}

/// Where a PUBACK goes.
pub(crate) type AckSender = oneshot::Sender<Result<Acknowledgement, Error>>;

#[derive(Debug)]
struct Entry {
    publish: Publish,
    reply: AckSender,
    /// Sent on the current connection.
    sent: bool,
}

/// The PUBLISHes in flight.
#[derive(Debug)]
pub(crate) struct Inflight {
    entries: BTreeMap<u16, Entry>,
    /// Identifiers of SUBSCRIBE / UNSUBSCRIBE packets awaiting their ack
    /// (one identifier space for all of them, MQTT 5 §2.2.1).
    reserved: std::collections::BTreeSet<u16>,
    last: u16,
    limit: usize,
    /// Entries not (yet) sent on the current connection.
    unsent: usize,
}

impl Inflight {
    pub(crate) fn new(limit: u16) -> Self {
        Self {
            entries: BTreeMap::new(),
            reserved: std::collections::BTreeSet::new(),
            last: 0,
            limit: usize::from(limit.max(1)),
            unsent: 0,
        }
    }

    /// The hub's Receive Maximum for this connection.
    pub(crate) fn set_limit(&mut self, limit: u16) {
        self.limit = usize::from(limit.max(1));
    }

    /// Whether a new PUBLISH may go out now: within the Receive Maximum,
    /// and none from an earlier connection still waits to be sent again.
    pub(crate) fn has_room(&self) -> bool {
        self.unsent == 0 && self.entries.len() < self.limit
    }

    /// A packet identifier no PUBLISH, SUBSCRIBE or UNSUBSCRIBE uses.
    fn free_id(&mut self) -> u16 {
        let mut pkid = self.last;
        loop {
            pkid = pkid.wrapping_add(1).max(1);
            if !self.entries.contains_key(&pkid) && !self.reserved.contains(&pkid) {
                break;
            }
        }
        self.last = pkid;
        pkid
    }

    /// Reserves an identifier for a SUBSCRIBE or UNSUBSCRIBE until
    /// [`Inflight::release`].
    pub(crate) fn reserve(&mut self) -> u16 {
        let pkid = self.free_id();
        self.reserved.insert(pkid);
        pkid
    }

    /// Frees a reserved identifier (its SUBACK or UNSUBACK came).
    pub(crate) fn release(&mut self, pkid: u16) {
        self.reserved.remove(&pkid);
    }

    /// Takes `publish` in flight under a free packet identifier; returns the
    /// PUBLISH to write.
    pub(crate) fn insert(&mut self, mut publish: Publish, reply: AckSender) -> Publish {
        let pkid = self.free_id();
        publish.pkid = pkid;
        publish.dup = false;
        self.entries.insert(
            pkid,
            Entry {
                publish: publish.clone(),
                reply,
                sent: true,
            },
        );
        publish
    }

    /// Resolves the PUBLISH a PUBACK names; false if none was in flight.
    pub(crate) fn acknowledge(&mut self, pkid: u16, ack: Acknowledgement) -> bool {
        match self.remove(pkid) {
            Some(entry) => {
                let _ = entry.reply.send(Ok(ack));
                true
            }
            None => false,
        }
    }

    /// Takes a PUBLISH out of flight, failing its sender with `error` (it
    /// could not be sent).
    pub(crate) fn fail(&mut self, pkid: u16, error: Error) {
        if let Some(entry) = self.remove(pkid) {
            let _ = entry.reply.send(Err(error));
        }
    }

    fn remove(&mut self, pkid: u16) -> Option<Entry> {
        let entry = self.entries.remove(&pkid)?;
        if !entry.sent {
            self.unsent -= 1;
        }
        Some(entry)
    }

    /// A new connection: identifiers reserved on the old one are free, and
    /// every PUBLISH in flight is to be sent again.
    pub(crate) fn new_connection(&mut self) {
        self.reserved.clear();
        for entry in self.entries.values_mut() {
            entry.sent = false;
        }
        self.unsent = self.entries.len();
    }

    /// The PUBLISHes to send again now, marked DUP: oldest first (in packet
    /// identifier order within a wrap), as many as the Receive Maximum
    /// leaves room for beside those already sent on this connection.
    pub(crate) fn resend(&mut self) -> Vec<Publish> {
        if self.unsent == 0 {
            return Vec::new();
        }
        let room = self.limit.saturating_sub(self.entries.len() - self.unsent);
        let oldest_first = self.last.wrapping_add(1);
        let mut waiting: Vec<u16> = self
            .entries
            .iter()
            .filter(|(_, e)| !e.sent)
            .map(|(pkid, _)| *pkid)
            .collect();
        // Identifiers after `last` were assigned before those up to it.
        waiting.sort_by_key(|pkid| pkid.wrapping_sub(oldest_first));
        waiting.truncate(room);
        self.unsent -= waiting.len();
        let mut publishes = Vec::with_capacity(waiting.len());
        for pkid in waiting {
            if let Some(entry) = self.entries.get_mut(&pkid) {
                entry.sent = true;
                let mut publish = entry.publish.clone();
                publish.dup = true;
                publishes.push(publish);
            }
        }
        publishes
    }

    /// Fails every PUBLISH in flight with `error` (the client closed).
    pub(crate) fn fail_all(&mut self, error: &Error) {
        self.unsent = 0;
        for (_, entry) in std::mem::take(&mut self.entries) {
            let _ = entry.reply.send(Err(error.clone()));
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumqttc::v5::mqttbytes::QoS;

    fn publish() -> Publish {
        Publish::new("t", QoS::AtLeastOnce, "x", None)
    }

    #[test]
    fn identifiers_are_unique_limited_and_resent_oldest_first() {
        let mut inflight = Inflight::new(3);
        let mut replies = Vec::new();
        let mut ids = Vec::new();
        for _ in 0..3 {
            let (tx, rx) = oneshot::channel();
            replies.push(rx);
            ids.push(inflight.insert(publish(), tx).pkid);
        }
        assert_eq!(ids, [1, 2, 3]);
        assert!(!inflight.has_room());
        let ack = Acknowledgement {
            reason_code: 0,
            properties: Properties::default(),
        };
        assert!(inflight.acknowledge(2, ack.clone()));
        assert!(!inflight.acknowledge(2, ack));
        let (tx, _rx) = oneshot::channel();
        assert_eq!(
            inflight.insert(publish(), tx).pkid,
            4,
            "never an identifier in use"
        );
        let subscribe = inflight.reserve();
        assert_eq!(subscribe, 5, "SUBSCRIBE shares the identifier space");
        let (tx, _rx6) = oneshot::channel();
        assert_eq!(
            inflight.insert(publish(), tx).pkid,
            6,
            "not the reserved one"
        );
        inflight.release(subscribe);
        inflight.new_connection();
        inflight.set_limit(4);
        let resent: Vec<(u16, bool)> = inflight.resend().iter().map(|p| (p.pkid, p.dup)).collect();
        assert_eq!(resent, [(1, true), (3, true), (4, true), (6, true)]);
        inflight.fail_all(&Error::Closed);
        assert_eq!(inflight.len(), 0);
    }

    #[test]
    fn a_lower_receive_maximum_after_a_reconnect_holds_back_the_rest() {
        let mut inflight = Inflight::new(4);
        let mut replies = Vec::new();
        for _ in 0..4 {
            let (tx, rx) = oneshot::channel();
            replies.push(rx);
            let _ = inflight.insert(publish(), tx);
        }
        inflight.new_connection();
        inflight.set_limit(2);
        let ids = |p: Vec<Publish>| p.iter().map(|p| p.pkid).collect::<Vec<_>>();
        assert_eq!(ids(inflight.resend()), [1, 2], "the two oldest");
        assert!(ids(inflight.resend()).is_empty(), "no room");
        assert!(!inflight.has_room(), "nothing new before the old ones");
        let ack = Acknowledgement {
            reason_code: 0,
            properties: Properties::default(),
        };
        assert!(inflight.acknowledge(2, ack.clone()));
        assert_eq!(ids(inflight.resend()), [3]);
        assert!(!inflight.has_room());
        // A PUBLISH that could not be sent again frees its place too.
        inflight.fail(4, Error::Closed);
        assert!(ids(inflight.resend()).is_empty());
        assert!(inflight.acknowledge(1, ack.clone()));
        assert!(inflight.has_room(), "all old ones out, room for one new");
        assert!(inflight.acknowledge(3, ack));
        assert_eq!(inflight.len(), 0);
    }
}
