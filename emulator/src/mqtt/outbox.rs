//! What a connection has to send, in the order it goes out, with no I/O:
//! each packet is made to fit the client's Maximum Packet Size first (see
//! [`super::packet_size`]); one that cannot fit is discarded without being
//! sent, and the sender goes on as if it had been (MQTT 5 §3.1.2.11.4,
//! [MQTT-3.1.2-25]), told so by [`Sent::Discarded`].
//!
//! Replies to the client's PUBLISHes that acknowledge a change wait for
//! its commit ([`Reply`]): they go out in the order the PUBLISHes came,
//! each once its change is durable (MQTT 5 §4.6), while other packets
//! (PINGRESP, SUBACK, the hub's own PUBLISHes) go on at once. Whoever
//! drives the connection takes the head reply's commit
//! ([`Outbox::poll_commit`]), waits on it and hands the outcome back
//! ([`Outbox::committed`]). A reply may also wait for an instant (an
//! injected latency: [`Outbox::release`] at the time,
//! [`Outbox::next_due`] says when). The Outbox also counts the client's
//! QoS 1 PUBLISHes the hub has not acknowledged yet, for the hub's Receive
//! Maximum.

use std::collections::VecDeque;
use std::time::Instant;

use bytes::Bytes;
use iothub_mqtt::packet::Packet;

use super::auth::AuthPacket;
use super::frame::{self, Frame};
use super::packet_size::PacketLimit;
use super::publish::Reply;
use crate::store::{Commit, StoreError};

/// What a connection writes (small: a frame goes boxed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// An MQTT 5 packet.
    Frame(Box<Frame>),
    /// Bytes encoded already (another protocol's refusal).
    Bytes(Bytes),
}

impl Outgoing {
    /// Whether it is a DISCONNECT (the last packet of a connection).
    pub fn is_disconnect(&self) -> bool {
        matches!(self, Self::Frame(frame) if matches!(&**frame, Frame::Packet(p) if matches!(**p, Packet::Disconnect(_))))
    }
}

/// What became of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Queued (whole, or without some optional properties).
    Queued,
    /// Too large for the client even without its optional properties: not
    /// sent.
    Discarded,
}

/// A connection's packets on their way out.
#[derive(Debug, Default)]
pub struct Outbox {
    limit: PacketLimit,
    ready: VecDeque<Outgoing>,
    /// Replies waiting for their commits, oldest first.
    waiting: VecDeque<Reply>,
    /// Whether the oldest waiting reply's commit was taken out.
    taken: bool,
    /// The client's QoS 1 PUBLISHes not acknowledged yet.
    unacknowledged: usize,
}

impl Outbox {
    /// Packets none larger than `limit`.
    pub fn new(limit: PacketLimit) -> Self {
        Self {
            limit,
            ..Self::default()
        }
    }

    /// The client's limit.
    pub fn limit(&self) -> PacketLimit {
        self.limit
    }

    /// Sets the client's limit (from its CONNECT).
    pub fn set_limit(&mut self, limit: PacketLimit) {
        self.limit = limit;
    }

    /// Counts a QoS 1 PUBLISH from the client; returns how many are now
    /// waiting for the hub's PUBACK.
    pub fn received(&mut self) -> usize {
        self.unacknowledged += 1;
        self.unacknowledged
    }

    /// Queues `packet`, cut to fit if it may be.
    pub fn send(&mut self, packet: Packet) -> Sent {
        if matches!(packet, Packet::PubAck(_)) {
            // Handed over (or discarded): no longer waiting.
            self.unacknowledged = self.unacknowledged.saturating_sub(1);
        }
        match self.limit.fit(packet) {
            Ok(packet) => {
                self.ready
                    .push_back(Outgoing::Frame(Box::new(Frame::Packet(Box::new(packet)))));
                Sent::Queued
            }
            Err(too_large) => {
                tracing::debug!(
                    size = too_large.size,
                    max = ?self.limit.max(),
                    "a packet larger than the client's Maximum Packet Size was not sent"
                );
                Sent::Discarded
            }
        }
    }

    /// Queues `auth` (which has no optional properties the hub sets).
    pub fn send_auth(&mut self, auth: AuthPacket) -> Sent {
        let frame = Frame::Auth(auth);
        let mut buffer = bytes::BytesMut::new();
        let size = frame::write(&frame, &mut buffer).map_or(usize::MAX, |()| buffer.len());
        if !self.limit.allows(size) {
            return Sent::Discarded;
        }
        self.ready.push_back(Outgoing::Frame(Box::new(frame)));
        Sent::Queued
    }

    /// Queues what is encoded already (another protocol's refusal).
    pub fn send_outgoing(&mut self, outgoing: Outgoing) {
        self.ready.push_back(outgoing);
    }

    /// Queues `reply`: at once if no reply waits and it waits for nothing,
    /// else behind the waiting ones.
    pub fn reply(&mut self, reply: Reply) {
        if self.waiting.is_empty() && !reply.waits() && reply.not_before.is_none() {
            for packet in reply.resolve(Ok(())) {
                self.send(packet);
            }
        } else {
            self.waiting.push_back(reply);
        }
    }

    /// The commit the oldest waiting reply waits for, once: wait on it and
    /// call [`committed`](Self::committed) with its outcome.
    pub fn poll_commit(&mut self) -> Option<Commit> {
        if self.taken {
            return None;
        }
        let commit = self.waiting.front_mut()?.take_commit()?;
        self.taken = true;
        Some(commit)
    }

    /// The outcome of the commit [`poll_commit`](Self::poll_commit) gave,
    /// at `now`: the oldest reply goes out (once its instant, if any, has
    /// come), and those behind it that wait for nothing more.
    pub fn committed(&mut self, written: Result<(), StoreError>, now: Instant) {
        if let Some(reply) = self.waiting.pop_front() {
            let not_before = reply.not_before;
            let packets = reply.resolve(written);
            self.waiting.push_front(Reply::ready(packets, not_before));
        }
        self.taken = false;
        self.release(now);
    }

    /// Sends the replies at the head that wait for nothing more at `now`.
    pub fn release(&mut self, now: Instant) {
        while self
            .waiting
            .front()
            .is_some_and(|reply| !reply.waits() && reply.not_before.is_none_or(|at| at <= now))
        {
            if let Some(reply) = self.waiting.pop_front() {
                for packet in reply.resolve(Ok(())) {
                    self.send(packet);
                }
            }
        }
    }

    /// When the oldest waiting reply's instant comes, if it waits for one
    /// (and no longer for its commit).
    pub fn next_due(&self) -> Option<Instant> {
        self.waiting
            .front()
            .filter(|reply| !reply.waits())
            .and_then(|reply| reply.not_before)
    }

    /// How many replies wait for their commits.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// How many packets are ready to be written.
    pub fn ready(&self) -> usize {
        self.ready.len()
    }

    /// The next packet to write.
    pub fn poll_transmit(&mut self) -> Option<Outgoing> {
        let next = self.ready.pop_front();
        if next.is_none() && self.ready.capacity() > 0 {
            // Everything was taken: an idle connection keeps no queue.
            self.ready = VecDeque::new();
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use iothub_mqtt::packet::{PingResp, PubAck};

    use super::*;

    fn puback(pkid: u16) -> Packet {
        Packet::PubAck(PubAck::new(pkid, None))
    }

    fn pkids(out: &mut Outbox) -> Vec<u16> {
        std::iter::from_fn(|| out.poll_transmit())
            .filter_map(|o| match o {
                Outgoing::Frame(frame) => match *frame {
                    Frame::Packet(packet) => match *packet {
                        Packet::PubAck(ack) => Some(ack.pkid),
                        _ => Some(0),
                    },
                    Frame::Auth(_) => None,
                },
                Outgoing::Bytes(_) => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn replies_go_out_in_order_each_after_its_commit() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut out = Outbox::default();
        let waiting = Reply::send(puback(1)).waiting_for(Commit::pending(rx));
        out.reply(waiting);
        out.reply(Reply::send(puback(2)));
        out.send(Packet::PingResp(PingResp));
        assert_eq!(out.received(), 1);
        assert_eq!(
            pkids(&mut out),
            vec![0],
            "PINGRESP goes on; the PUBACKs wait"
        );
        let commit = out.poll_commit().expect("the first reply's commit");
        assert!(out.poll_commit().is_none(), "taken once");
        tx.send(Ok(())).expect("sent");
        out.committed(commit.await, Instant::now());
        assert_eq!(pkids(&mut out), vec![1, 2]);
        assert_eq!(out.received(), 1, "two PUBACKs took the count to 0");
    }
}
