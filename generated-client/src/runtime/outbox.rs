//! The bytes the state machine gave the driver that the socket has not yet
//! taken, the QoS 0 senders told once their bytes are written, and when the
//! writing last made progress (a hub that takes no byte for long is gone).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::machine::Transmit;
use super::shared::Waiter;
use crate::Error;

/// The write side's pending bytes.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    bytes: BytesMut,
    /// Bytes ever queued and ever written, to place the waiters.
    queued: u64,
    written: u64,
    /// Each waiter and the byte count after which it is written.
    waiters: VecDeque<(u64, Waiter)>,
    /// Written but not flushed (a TLS stream holds records until flushed).
    unflushed: bool,
    /// Since when the socket has taken nothing while bytes wait.
    stalled_since: Option<Instant>,
}

/// What one turn of [`Outbox::io`] did.
pub(crate) enum Io {
    Wrote(usize),
    Flushed,
}

impl Outbox {
    /// Takes what the machine has to write.
    pub(crate) fn push(&mut self, transmit: Transmit<Waiter>, now: Instant) {
        self.queued += transmit.bytes.len() as u64;
        if self.bytes.is_empty() {
            self.stalled_since = Some(now);
            self.bytes = transmit.bytes;
        } else {
            self.bytes.extend_from_slice(&transmit.bytes);
        }
        for waiter in transmit.written {
            self.waiters.push_back((self.queued, waiter));
        }
    }

    /// Bytes waiting to be written.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether a write or a flush is due.
    pub(crate) fn has_work(&self) -> bool {
        !self.bytes.is_empty() || self.unflushed
    }

    /// One write (or, once all is written, one flush): cancel safe, as each
    /// of tokio's `write` and `flush` is.
    pub(crate) async fn io<W: AsyncWrite + Unpin>(&self, writer: &mut W) -> std::io::Result<Io> {
        if self.bytes.is_empty() {
            writer.flush().await.map(|()| Io::Flushed)
        } else {
            writer.write(&self.bytes).await.map(Io::Wrote)
        }
    }

    /// Records what [`Outbox::io`] did; QoS 0 senders whose bytes are all
    /// written are told.
    pub(crate) fn done(&mut self, io: Io, now: Instant) {
        match io {
            Io::Wrote(n) => {
                self.bytes.advance(n);
                self.written += n as u64;
                self.unflushed = true;
                self.stalled_since = (!self.bytes.is_empty()).then_some(now);
                while self
                    .waiters
                    .front()
                    .is_some_and(|(end, _)| *end <= self.written)
                {
                    match self.waiters.pop_front() {
                        Some((_, Waiter::Written(sender))) => {
                            let _ = sender.send(Ok(()));
                        }
                        Some((_, Waiter::Ack(_) | Waiter::Request(_))) | None => {}
                    }
                }
            }
            Io::Flushed => self.unflushed = false,
        }
    }

    /// When the writing counts as stalled, if bytes wait.
    pub(crate) fn stall_deadline(&self, stall: Duration) -> Option<Instant> {
        self.stalled_since.map(|since| since + stall)
    }

    /// The connection ended: what was not written never will be.
    pub(crate) fn clear(&mut self, cause: &str) {
        self.bytes.clear();
        self.unflushed = false;
        self.stalled_since = None;
        for (_, waiter) in self.waiters.drain(..) {
            waiter.fail(Error::ConnectionLost {
                cause: cause.to_owned(),
            });
        }
    }
}
