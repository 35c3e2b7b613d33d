//! Where a connection's packets go on their way to its writer: each is made
//! to fit the client's Maximum Packet Size first (see
//! [`super::packet_size`]); one that cannot fit is discarded without being
//! sent, and the sender goes on as if it had been (MQTT 5 §3.1.2.11.4,
//! [MQTT-3.1.2-25]), told so by [`Sent::Discarded`].

use bytes::Bytes;
use iothub_mqtt::packet::Packet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use super::auth::AuthPacket;
use super::frame::{self, Frame};
use super::packet_size::PacketLimit;

/// What the writer of a connection writes (small: the writer's queue
/// allocates its slots ahead, so a frame goes boxed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// An MQTT 5 packet.
    Frame(Box<Frame>),
    /// Bytes encoded already (another protocol's refusal).
    Bytes(Bytes),
}

/// What became of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Queued for the writer (whole, or without some optional properties).
    Queued,
    /// Too large for the client even without its optional properties: not
    /// sent.
    Discarded,
    /// The connection is gone.
    Gone,
}

impl Sent {
    /// Whether the connection goes on (queued or discarded).
    pub fn goes_on(self) -> bool {
        self != Self::Gone
    }
}

/// The sending half of a connection, with the client's limit. It also
/// counts the client's QoS 1 PUBLISHes the hub has not acknowledged yet
/// ([`received`](Self::received) adds one, each PUBACK sent takes one),
/// for the hub's Receive Maximum.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::Sender<Outgoing>,
    limit: PacketLimit,
    unacknowledged: Arc<AtomicUsize>,
}

impl Outbox {
    /// Packets for `tx`, none larger than `limit`.
    pub fn new(tx: mpsc::Sender<Outgoing>, limit: PacketLimit) -> Self {
        Self {
            tx,
            limit,
            unacknowledged: Arc::default(),
        }
    }

    /// Counts a QoS 1 PUBLISH from the client; returns how many are now
    /// waiting for the hub's PUBACK.
    pub fn received(&self) -> usize {
        self.unacknowledged.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// The client's limit.
    pub fn limit(&self) -> PacketLimit {
        self.limit
    }

    /// Sends `packet`, cut to fit if it may be.
    pub async fn send(&self, packet: Packet) -> Sent {
        if matches!(packet, Packet::PubAck(_)) {
            // Handed over (or discarded): no longer waiting.
            let _ = self
                .unacknowledged
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        }
        match self.limit.fit(packet) {
            Ok(packet) => self.queue(Frame::Packet(Box::new(packet))).await,
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

    /// Sends `auth` (which has no optional properties the hub sets).
    pub async fn send_auth(&self, auth: AuthPacket) -> Sent {
        let frame = Frame::Auth(auth);
        let mut buffer = bytes::BytesMut::new();
        let size = frame::write(&frame, &mut buffer).map_or(usize::MAX, |()| buffer.len());
        if !self.limit.allows(size) {
            return Sent::Discarded;
        }
        self.queue(frame).await
    }

    async fn queue(&self, frame: Frame) -> Sent {
        if self.tx.send(Outgoing::Frame(Box::new(frame))).await.is_ok() {
            Sent::Queued
        } else {
            Sent::Gone
        }
    }
}
