//! Outgoing QoS 1 PUBLISHes waiting for their PUBACK: packet identifiers
//! (never one in use), the hub's Receive Maximum, and what to send again
//! after a reconnect: oldest first, and never more unacknowledged on the
//! new connection than its Receive Maximum, which may be lower than the
//! last one's (the rest go as PUBACKs come, before anything new). Owned by
//! the session state machine alone, which holds each sender's token `T`
//! (opaque to it) and hands it back with the PUBACK or the failure.

use std::collections::BTreeMap;

use iothub_mqtt::packet::Publish;

use crate::wire::Properties;

/// A PUBACK as the sender sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The PUBACK Reason Code.
    pub reason_code: u8,
    /// Its properties (user properties carry `status`, `reason`, `trace-id`).
    pub properties: Properties,
}

#[derive(Debug)]
struct Entry<T> {
    publish: Publish,
    token: T,
    /// Sent on the current connection.
    sent: bool,
    /// Connections the hub ended with a DISCONNECT while it was sent and
    /// unacknowledged (see [`Inflight::count_hub_end`]).
    hub_ends: u32,
}

/// The PUBLISHes in flight.
#[derive(Debug)]
pub(crate) struct Inflight<T> {
    entries: BTreeMap<u16, Entry<T>>,
    /// Identifiers of SUBSCRIBE / UNSUBSCRIBE packets awaiting their ack
    /// (one identifier space for all of them, MQTT 5 §2.2.1).
    reserved: std::collections::BTreeSet<u16>,
    last: u16,
    limit: usize,
    /// Entries not (yet) sent on the current connection.
    unsent: usize,
}

impl<T> Inflight<T> {
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
    pub(crate) fn insert(&mut self, mut publish: Publish, token: T) -> Publish {
        let pkid = self.free_id();
        publish.pkid = pkid;
        publish.dup = false;
        self.entries.insert(
            pkid,
            Entry {
                publish: publish.clone(),
                token,
                sent: true,
                hub_ends: 0,
            },
        );
        publish
    }

    /// Takes `publish` in flight without sending it: it goes out with what
    /// is sent again ([`Inflight::resend`]), as soon as there is room.
    pub(crate) fn insert_waiting(&mut self, publish: Publish, token: T) {
        let publish = self.insert(publish, token);
        if let Some(entry) = self.entries.get_mut(&publish.pkid) {
            entry.sent = false;
            self.unsent += 1;
        }
    }

    /// Takes the PUBLISH a PUBACK (or a failure) names out of flight: its
    /// sender's token, or `None` if none was in flight.
    pub(crate) fn remove(&mut self, pkid: u16) -> Option<T> {
        self.take(pkid).map(|entry| entry.token)
    }

    fn take(&mut self, pkid: u16) -> Option<Entry<T>> {
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

    /// Takes every PUBLISH out of flight (the client closed): their tokens.
    pub(crate) fn drain(&mut self) -> Vec<T> {
        self.unsent = 0;
        std::mem::take(&mut self.entries)
            .into_values()
            .map(|entry| entry.token)
            .collect()
    }

    /// The connection ended with the hub's DISCONNECT: each PUBLISH that
    /// was sent on it and not acknowledged counts one such end. Those that
    /// reached `limit` are taken out of flight (the hub will never accept
    /// them, and MQTT 5 would have them sent again on every resumed
    /// session): their packet identifiers and tokens, oldest first.
    pub(crate) fn count_hub_end(&mut self, limit: u32) -> Vec<(u16, T)> {
        let mut poisoned = Vec::new();
        for (pkid, entry) in &mut self.entries {
            if entry.sent {
                entry.hub_ends += 1;
                if entry.hub_ends >= limit {
                    poisoned.push(*pkid);
                }
            }
        }
        poisoned
            .into_iter()
            .filter_map(|pkid| self.take(pkid).map(|entry| (pkid, entry.token)))
            .collect()
    }

    /// How many PUBLISHes are in flight.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iothub_mqtt::packet::QoS;

    fn publish() -> Publish {
        Publish::new("t", QoS::AtLeastOnce, "x", None)
    }

    #[test]
    fn identifiers_are_unique_limited_and_resent_oldest_first() {
        let mut inflight = Inflight::new(3);
        let ids: Vec<u16> = (0..3).map(|n| inflight.insert(publish(), n).pkid).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert!(!inflight.has_room());
        assert_eq!(inflight.remove(2), Some(1), "the sender's token");
        assert_eq!(inflight.remove(2), None);
        assert_eq!(
            inflight.insert(publish(), 3).pkid,
            4,
            "never an identifier in use"
        );
        let subscribe = inflight.reserve();
        assert_eq!(subscribe, 5, "SUBSCRIBE shares the identifier space");
        assert_eq!(
            inflight.insert(publish(), 4).pkid,
            6,
            "not the reserved one"
        );
        inflight.release(subscribe);
        inflight.new_connection();
        inflight.set_limit(4);
        let resent: Vec<(u16, bool)> = inflight.resend().iter().map(|p| (p.pkid, p.dup)).collect();
        assert_eq!(resent, [(1, true), (3, true), (4, true), (6, true)]);
        assert_eq!(inflight.drain(), [0, 2, 3, 4]);
        assert_eq!(inflight.len(), 0);
    }

    #[test]
    fn a_lower_receive_maximum_after_a_reconnect_holds_back_the_rest() {
        let mut inflight = Inflight::new(4);
        for n in 0..4 {
            let _ = inflight.insert(publish(), n);
        }
        inflight.new_connection();
        inflight.set_limit(2);
        let ids = |p: Vec<Publish>| p.iter().map(|p| p.pkid).collect::<Vec<_>>();
        assert_eq!(ids(inflight.resend()), [1, 2], "the two oldest");
        assert!(ids(inflight.resend()).is_empty(), "no room");
        assert!(!inflight.has_room(), "nothing new before the old ones");
        assert!(inflight.remove(2).is_some());
        assert_eq!(ids(inflight.resend()), [3]);
        assert!(!inflight.has_room());
        // A PUBLISH that could not be sent again frees its place too.
        assert!(inflight.remove(4).is_some());
        assert!(ids(inflight.resend()).is_empty());
        assert!(inflight.remove(1).is_some());
        assert!(inflight.has_room(), "all old ones out, room for one new");
        assert!(inflight.remove(3).is_some());
        assert_eq!(inflight.len(), 0);
    }

    #[test]
    fn a_publish_the_hub_keeps_disconnecting_over_leaves_at_the_limit() {
        let mut inflight = Inflight::new(4);
        let _ = inflight.insert(publish(), "bad");
        assert!(
            inflight.count_hub_end(2).is_empty(),
            "one end is not enough"
        );
        inflight.new_connection();
        let _ = inflight.resend();
        let _ = inflight.insert(publish(), "new");
        assert_eq!(inflight.count_hub_end(2), [(1, "bad")], "the second end");
        assert_eq!(inflight.len(), 1, "the newer one stays");
        // Not sent on a connection, not counted.
        inflight.new_connection();
        assert!(inflight.count_hub_end(1).is_empty());
    }
}
