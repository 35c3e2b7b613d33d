//! What the client sends: PUBLISHes taken from the application's queues
//! (QoS 1 ones within the hub's Receive Maximum, each checked against its
//! Maximum Packet Size), PUBACKs whose turn has come, and the writing of
//! the encoded bytes, with a timeout that restarts whenever the hub takes
//! some (a slow link is not a dead one).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::BytesMut;
use rumqttc::v5::mqttbytes::v5::{Packet, PubAck, Publish};
use tokio::io::AsyncWriteExt;
use tokio::time::error::Elapsed;
use tokio::time::{timeout, Instant};

use super::Connection;
use crate::runtime::inflight::Inflight;
use crate::runtime::state::DisconnectCause;
use crate::runtime::task::{AckedPublish, End, Inputs, Outgoing};
use crate::transport::reason;
use crate::wire::Properties;
use crate::Error;

/// Bytes of queued PUBLISHes encoded before they are written.
const BATCH_BYTES: usize = 64 * 1024;

/// The least time a write may make no progress before the hub counts as gone.
const WRITE_STALL: Duration = Duration::from_secs(10);

/// Runs `io` for at most `stall`. The timer is armed only when `io` cannot
/// finish at once: a write the socket takes straight away (nearly every one)
/// costs no timer, whose arming would wake the runtime's driver.
async fn within<T>(stall: Duration, io: impl Future<Output = T>) -> Result<T, Elapsed> {
    let mut io = pin!(io);
    // Polled again, with the task's waker, by `timeout` if not ready.
    if let Poll::Ready(done) = io.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        return Ok(done);
    }
    timeout(stall, io).await
}

impl Connection<'_> {
    /// Writes what is encoded, then tells the senders of QoS 0 PUBLISHes.
    /// A hub that takes no byte for a keep alive (at least 10 s) is gone.
    pub(super) async fn flush(&mut self) -> Result<(), DisconnectCause> {
        if self.write.is_empty() {
            return Ok(());
        }
        let stall = self.link.keep_alive.max(WRITE_STALL);
        let mut result = Ok(());
        while !self.write.is_empty() {
            match within(stall, self.link.stream.write(&self.write)).await {
                Ok(Ok(0)) => {
                    result = Err(DisconnectCause::Network(
                        "the connection takes no more bytes".into(),
                    ));
                    break;
                }
                Ok(Ok(n)) => {
                    let _ = self.write.split_to(n);
                }
                Ok(Err(e)) => {
                    result = Err(DisconnectCause::Network(e.to_string()));
                    break;
                }
                Err(_) => {
                    result = Err(DisconnectCause::Network(format!(
                        "the hub took no byte for {stall:?}"
                    )));
                    break;
                }
            }
        }
        if result.is_ok() {
            result = match within(stall, self.link.stream.flush()).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(DisconnectCause::Network(e.to_string())),
                Err(_) => Err(DisconnectCause::Network(format!(
                    "the hub took no byte for {stall:?}"
                ))),
            };
        }
        self.write.clear();
        self.last_write = Instant::now();
        for written in self.written.drain(..) {
            let _ = written.send(match &result {
                Ok(()) => Ok(()),
                Err(cause) => Err(Error::ConnectionLost {
                    cause: cause.to_string(),
                }),
            });
        }
        result
    }

    /// Appends `packet`, encoded whole or not at all.
    pub(super) fn encode(&mut self, packet: &Packet) -> Result<(), End> {
        let mut scratch = BytesMut::new();
        packet
            .write(&mut scratch, None)
            .map_err(|e| End::Lost(DisconnectCause::Protocol(format!("cannot encode: {e}"))))?;
        self.write.extend_from_slice(&scratch);
        Ok(())
    }

    /// Appends `publish` if it fits the hub's Maximum Packet Size; the error
    /// is the sender's, not the connection's.
    pub(super) fn encode_publish(&mut self, publish: Publish) -> Result<Result<(), Error>, End> {
        let mut scratch = BytesMut::new();
        if let Err(e) = Packet::Publish(publish).write(&mut scratch, None) {
            return Ok(Err(Error::InvalidPayload {
                problem: format!("the message cannot be encoded: {e}"),
            }));
        }
        let (size, max) = (scratch.len(), self.link.maximum_packet_size);
        if u32::try_from(size).map_or(true, |s| s > max) {
            return Ok(Err(Error::TooLarge { size, max }));
        }
        self.write.extend_from_slice(&scratch);
        Ok(Ok(()))
    }

    /// Takes QoS 1 PUBLISHes into flight, as many as the hub's Receive
    /// Maximum and a batch allow.
    pub(super) fn take_acked(
        &mut self,
        first: AckedPublish,
        inputs: &mut Inputs,
        inflight: &mut Inflight,
    ) -> Result<(), End> {
        self.send_acked(first, inflight)?;
        while inflight.has_room() && self.write.len() < BATCH_BYTES {
            match inputs.acked.try_recv() {
                Ok(next) => self.send_acked(next, inflight)?,
                Err(_) => break,
            }
        }
        Ok(())
    }

    fn send_acked(&mut self, acked: AckedPublish, inflight: &mut Inflight) -> Result<(), End> {
        if acked.reply.is_closed() {
            // Its sender gave up (timed out or dropped) before it went out.
            return Ok(());
        }
        let publish = inflight.insert(acked.publish, acked.reply);
        let pkid = publish.pkid;
        if let Err(error) = self.encode_publish(publish)? {
            inflight.fail(pkid, error);
        }
        Ok(())
    }

    /// Takes QoS 0 PUBLISHes, as many as a batch allows.
    pub(super) fn take_outgoing(
        &mut self,
        first: Outgoing,
        inputs: &mut Inputs,
    ) -> Result<(), End> {
        self.send(first)?;
        while self.write.len() < BATCH_BYTES {
            match inputs.outgoing.try_recv() {
                Ok(next) => self.send(next)?,
                Err(_) => break,
            }
        }
        Ok(())
    }

    fn send(&mut self, outgoing: Outgoing) -> Result<(), End> {
        let Outgoing {
            publish,
            correlation,
            connection,
            written,
        } = outgoing;
        let result = if connection.is_some_and(|c| c != self.number) {
            Err(Error::ConnectionLost {
                cause: "the connection the message belongs to has ended".into(),
            })
        } else if correlation
            .as_ref()
            .is_some_and(|key| !self.shared.correlations.sent(key, self.number))
        {
            // Its requester gave up before it went out.
            Ok(())
        } else {
            match self.encode_publish(publish)? {
                Ok(()) => {
                    // Told once the bytes are written.
                    if let Some(written) = written {
                        self.written.push(written);
                    }
                    return Ok(());
                }
                Err(error) => {
                    if let Some(key) = &correlation {
                        self.shared.correlations.fail(key, error.clone());
                    }
                    Err(error)
                }
            }
        };
        if let Some(written) = written {
            let _ = written.send(result);
        }
        Ok(())
    }

    /// Encodes the PUBACKs whose turn has come.
    pub(super) fn write_acks(&mut self) -> Result<(), End> {
        for (pkid, settlement) in self.shared.acks.take_ready() {
            let properties = (settlement.properties != Properties::default())
                .then(|| settlement.properties.to_puback());
            let ack = PubAck {
                pkid,
                reason: reason::puback(settlement.reason_code),
                properties,
            };
            self.encode(&Packet::PubAck(ack))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn within_finishes_what_is_ready_and_gives_up_on_what_stalls() {
        assert_eq!(within(WRITE_STALL, async { 7 }).await.ok(), Some(7));
        // Ready only on its second poll: the first (no timer) must not lose it.
        let mut polled = false;
        let second = std::future::poll_fn(|cx| {
            if polled {
                Poll::Ready("done")
            } else {
                polled = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        });
        assert_eq!(within(WRITE_STALL, second).await.ok(), Some("done"));
        let stalled = within(Duration::from_millis(20), std::future::pending::<()>()).await;
        assert!(stalled.is_err());
    }
}
