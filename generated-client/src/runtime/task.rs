//! The session task: the one owner of the connection. It connects (with
//! backoff), subscribes when the hub has no session, writes what the
//! application queues, reads what the hub sends, keeps the connection alive,
//! renews the SAS token with AUTH, and on every exit path resolves what
//! waits on it. Nothing here awaits the application: it only `try_send`s
//! to bounded channels, so a slow application never stalls the connection
//! (rumqttc's event loop deadlocks when its poller publishes into a full
//! channel, rumqttc #1025 / #263; this loop has no such path).
//!
//! Every `select!` branch is cancel safe: `read_buf` into a buffer that
//! survives, `mpsc::Receiver::recv`, `Notify::notified`, sleeps. Writes
//! happen outside the `select!`.

use bytes::{Bytes, BytesMut};
use rumqttc::v5::mqttbytes::v5::{
    Disconnect, DisconnectReasonCode, Filter, Packet, PubAck, Publish, Subscribe,
    SubscribeReasonCode,
};
use rumqttc::v5::mqttbytes::QoS;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep, sleep_until, timeout, Instant};

use super::acks::{AckQueue, Settlement};
use super::connect::{self, Failure, Link};
use super::correlation::{Correlations, Response};
use super::inflight::{AckSender, Acknowledgement, Inflight};
use super::routes::{Incoming, Subscriptions};
use super::state::{ConnectionState, DisconnectCause};
use crate::api::{self, limits};
use crate::credentials::SasToken;
use crate::options::ClientOptions;
use crate::transport::frame::{self, Frame};
use crate::transport::reason;
use crate::wire::Properties;
use crate::Error;

/// What the session shares with the client handles.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) options: ClientOptions,
    pub(crate) correlations: Arc<Correlations>,
    pub(crate) acks: Arc<AckQueue>,
    pub(crate) state: watch::Sender<ConnectionState>,
}

/// A QoS 1 PUBLISH to send and the sender waiting for its PUBACK.
#[derive(Debug)]
pub(crate) struct AckedPublish {
    pub(crate) publish: Publish,
    pub(crate) reply: AckSender,
}

/// A QoS 0 PUBLISH to send.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) publish: Publish,
    /// The request's Correlation Data (request–response requests).
    pub(crate) correlation: Option<Bytes>,
    /// Send only on this connection (answers to the hub's requests).
    pub(crate) connection: Option<u64>,
    /// Told when the PUBLISH is written (or why it was not).
    pub(crate) written: Option<oneshot::Sender<Result<(), Error>>>,
}

/// The session's inputs.
#[derive(Debug)]
pub(crate) struct Inputs {
    pub(crate) acked: mpsc::Receiver<AckedPublish>,
    pub(crate) outgoing: mpsc::Receiver<Outgoing>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

enum End {
    Shutdown,
    Lost(DisconnectCause),
}

/// Runs the session until the client shuts down (or is refused for good).
pub(crate) async fn run(shared: Arc<Shared>, mut inputs: Inputs, subscriptions: Subscriptions) {
    let mut inflight = Inflight::new(limits::RECEIVE_MAXIMUM);
    let mut failures = 0u32;
    let mut number = 0u64;
    let policy = shared.options.reconnect;
    let closing_cause = loop {
        if *inputs.shutdown.borrow() {
            break None;
        }
        shared.state.send_replace(ConnectionState::Connecting {
            attempt: failures + 1,
        });
        let attempt = tokio::select! {
            biased;
            _ = inputs.shutdown.changed() => break None,
            attempt = timeout(shared.options.connect_timeout, connect::open(&shared.options)) => attempt,
        };
        let cause = match attempt {
            Ok(Ok(link)) => {
                number += 1;
                shared.acks.reset(number);
                inflight.set_limit(link.receive_maximum.min(limits::RECEIVE_MAXIMUM));
                shared.state.send_replace(ConnectionState::Connected {
                    session_present: link.session_present,
                    connection: number,
                });
                tracing::info!(
                    connection = number,
                    session_present = link.session_present,
                    "connected"
                );
                let started = Instant::now();
                let mut connection = Connection::new(&shared, link, number);
                let end = connection
                    .serve(&mut inputs, &subscriptions, &mut inflight)
                    .await;
                shared.acks.reset(number + 1);
                if started.elapsed() >= policy.stable_duration() {
                    failures = 0;
                }
                match end {
                    End::Shutdown => {
                        shared
                            .correlations
                            .fail_sent_on(number, "the client shut down");
                        break None;
                    }
                    End::Lost(cause) => {
                        shared.correlations.fail_sent_on(number, &cause.to_string());
                        cause
                    }
                }
            }
            Ok(Err(Failure { cause, fatal: true })) => {
                tracing::error!(%cause, "the hub refused the connection; not retrying");
                break Some(cause);
            }
            Ok(Err(Failure { cause, .. })) => cause,
            Err(_) => DisconnectCause::Network(format!(
                "no CONNACK within {:?}",
                shared.options.connect_timeout
            )),
        };
        let retry_in = policy.delay(failures);
        failures = failures.saturating_add(1);
        tracing::warn!(%cause, ?retry_in, "disconnected");
        shared
            .state
            .send_replace(ConnectionState::Disconnected { cause, retry_in });
        tokio::select! {
            biased;
            _ = inputs.shutdown.changed() => break None,
            () = sleep(retry_in) => {}
        }
    };
    close(&shared, &mut inputs, &mut inflight, closing_cause);
}

/// Resolves everything still waiting with [`Error::Closed`] (or the
/// refusal) and publishes the final state.
fn close(
    shared: &Shared,
    inputs: &mut Inputs,
    inflight: &mut Inflight,
    cause: Option<DisconnectCause>,
) {
    let error = match &cause {
        Some(DisconnectCause::Refused {
            reason_code,
            status,
            reason,
        }) => Error::ConnectionRefused {
            reason_code: *reason_code,
            status: status.clone(),
            reason: reason.clone(),
        },
        _ => Error::Closed,
    };
    inputs.acked.close();
    inputs.outgoing.close();
    inflight.fail_all(&error);
    while let Ok(acked) = inputs.acked.try_recv() {
        let _ = acked.reply.send(Err(error.clone()));
    }
    while let Ok(outgoing) = inputs.outgoing.try_recv() {
        if let Some(written) = outgoing.written {
            let _ = written.send(Err(error.clone()));
        }
    }
    shared.correlations.fail_all(&error);
    shared.state.send_replace(ConnectionState::Closed { cause });
}

/// Up to this many queued PUBLISHes are written together.
const BATCH: usize = 64;

/// One connection's loop.
struct Connection<'a> {
    shared: &'a Shared,
    link: Link,
    number: u64,
    write: BytesMut,
    last_write: Instant,
    ping_sent: Option<Instant>,
    renew_at: Option<Instant>,
    renewing: Option<SasToken>,
}

impl<'a> Connection<'a> {
    fn new(shared: &'a Shared, link: Link, number: u64) -> Self {
        let renew_at = link
            .token
            .as_ref()
            .map(|_| Instant::now() + shared.options.token.renew_after());
        Self {
            shared,
            link,
            number,
            write: BytesMut::with_capacity(8192),
            last_write: Instant::now(),
            ping_sent: None,
            renew_at,
            renewing: None,
        }
    }

    async fn serve(
        &mut self,
        inputs: &mut Inputs,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
    ) -> End {
        if !self.link.session_present && !subscriptions.routes.is_empty() {
            // One SUBSCRIBE for everything, so Session Present means all of it.
            let filters = subscriptions
                .routes
                .iter()
                .map(|r| Filter::new(r.filter, qos(r.qos)))
                .collect::<Vec<_>>();
            let mut subscribe = Subscribe::new_many(filters, None);
            subscribe.pkid = 1;
            if let Err(end) = self.encode(&Packet::Subscribe(subscribe)) {
                return end;
            }
        }
        for mut publish in inflight.resend() {
            publish.dup = self.link.session_present;
            if let Err(end) = self.encode(&Packet::Publish(publish)) {
                return end;
            }
        }
        // Bytes that came with the CONNACK.
        if let Err(end) = self.on_bytes(subscriptions, inflight) {
            return end;
        }
        loop {
            if let Err(cause) = self.flush().await {
                return End::Lost(cause);
            }
            let keep_alive = self.link.keep_alive;
            let ping_deadline = match self.ping_sent {
                Some(sent) => sent + keep_alive,
                None => self.last_write + keep_alive,
            };
            let renew_at = self.renew_at;
            let step = tokio::select! {
                biased;
                _ = inputs.shutdown.changed() => {
                    let _ = self.encode(&Packet::Disconnect(Disconnect::new(
                        DisconnectReasonCode::NormalDisconnection,
                    )));
                    let _ = self.flush().await;
                    return End::Shutdown;
                }
                read = self.link.stream.read_buf(&mut self.link.read) => match read {
                    Ok(0) => Err(End::Lost(DisconnectCause::Network(
                        "the hub closed the connection".into(),
                    ))),
                    Ok(_) => self.on_bytes(subscriptions, inflight),
                    Err(e) => Err(End::Lost(DisconnectCause::Network(e.to_string()))),
                },
                () = self.shared.acks.ready() => self.write_acks(),
                Some(first) = inputs.acked.recv(), if inflight.has_room() => {
                    let mut result = self.send_acked(first, inflight);
                    while result.is_ok() && inflight.has_room() && self.write.len() < 65536 {
                        match inputs.acked.try_recv() {
                            Ok(next) => result = self.send_acked(next, inflight),
                            Err(_) => break,
                        }
                    }
                    result
                }
                Some(first) = inputs.outgoing.recv() => {
                    let mut result = self.send(first);
                    for _ in 1..BATCH {
                        match inputs.outgoing.try_recv() {
                            Ok(next) if result.is_ok() => result = self.send(next),
                            _ => break,
                        }
                    }
                    result
                }
                () = sleep_until(ping_deadline) => {
                    if self.ping_sent.is_some() {
                        Err(End::Lost(DisconnectCause::KeepAliveTimeout))
                    } else {
                        self.ping_sent = Some(Instant::now());
                        self.encode(&Packet::PingReq(rumqttc::v5::mqttbytes::v5::PingReq))
                    }
                }
                () = sleep_until(renew_at.unwrap_or_else(Instant::now)), if renew_at.is_some() => {
                    self.renew()
                }
            };
            if let Err(end) = step {
                // Say why, if it was our side's protocol decision.
                if let End::Lost(DisconnectCause::Protocol(_)) = &end {
                    let _ = self.encode(&Packet::Disconnect(Disconnect::new(
                        DisconnectReasonCode::ProtocolError,
                    )));
                    let _ = self.flush().await;
                }
                return end;
            }
        }
    }

    /// Writes what is queued. A hub that does not read for a whole keep
    /// alive is gone.
    async fn flush(&mut self) -> Result<(), DisconnectCause> {
        if self.write.is_empty() {
            return Ok(());
        }
        let write = async {
            self.link.stream.write_all(&self.write).await?;
            self.link.stream.flush().await
        };
        match timeout(self.link.keep_alive, write).await {
            Ok(Ok(())) => {
                self.write.clear();
                self.last_write = Instant::now();
                Ok(())
            }
            Ok(Err(e)) => Err(DisconnectCause::Network(e.to_string())),
            Err(_) => Err(DisconnectCause::Network(
                "the hub stopped reading (write timed out)".into(),
            )),
        }
    }

    fn encode(&mut self, packet: &Packet) -> Result<(), End> {
        packet
            .write(&mut self.write, None)
            .map(|_| ())
            .map_err(|e| End::Lost(DisconnectCause::Protocol(format!("cannot encode: {e}"))))
    }

    /// Encodes `publish` if it fits the hub's Maximum Packet Size.
    fn encode_publish(&mut self, publish: Publish) -> Result<Result<(), Error>, End> {
        let before = self.write.len();
        self.encode(&Packet::Publish(publish))?;
        let size = self.write.len() - before;
        let max = self.link.maximum_packet_size;
        if u32::try_from(size).map_or(true, |s| s > max) {
            self.write.truncate(before);
            return Ok(Err(Error::TooLarge { size, max }));
        }
        Ok(Ok(()))
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
                Ok(()) => Ok(()),
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

    fn write_acks(&mut self) -> Result<(), End> {
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

    fn renew(&mut self) -> Result<(), End> {
        self.renew_at = None;
        match connect::reauthenticate(&self.shared.options) {
            Some((auth, token)) => {
                auth.write(&mut self.write).map_err(|e| {
                    End::Lost(DisconnectCause::Protocol(format!(
                        "cannot encode AUTH: {e}"
                    )))
                })?;
                tracing::debug!(expiry = %token.expiry, "re-authenticating");
                self.renewing = Some(token);
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn on_bytes(
        &mut self,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
    ) -> Result<(), End> {
        loop {
            let frame = frame::read(&mut self.link.read, limits::MAXIMUM_PACKET_SIZE)
                .map_err(|e| End::Lost(DisconnectCause::Protocol(e.to_string())))?;
            match frame {
                None => return Ok(()),
                Some(Frame::Auth(auth)) if auth.reason_code == 0 => {
                    if let Some(token) = self.renewing.take() {
                        tracing::debug!(expiry = %token.expiry, "re-authenticated");
                        self.link.token = Some(token);
                        self.renew_at =
                            Some(Instant::now() + self.shared.options.token.renew_after());
                    }
                }
                Some(Frame::Auth(auth)) => {
                    return Err(End::Lost(DisconnectCause::Protocol(format!(
                        "unexpected AUTH with reason code 0x{:02X}",
                        auth.reason_code
                    ))))
                }
                Some(Frame::Packet(packet)) => self.on_packet(*packet, subscriptions, inflight)?,
            }
        }
    }

    fn on_packet(
        &mut self,
        packet: Packet,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
    ) -> Result<(), End> {
        match packet {
            Packet::Publish(publish) => self.on_publish(publish, subscriptions),
            Packet::PubAck(ack) => {
                let acknowledgement = Acknowledgement {
                    reason_code: reason::puback_code(&ack.reason),
                    properties: ack
                        .properties
                        .as_ref()
                        .map(Properties::from)
                        .unwrap_or_default(),
                };
                if !inflight.acknowledge(ack.pkid, acknowledgement) {
                    tracing::debug!(pkid = ack.pkid, "PUBACK for no PUBLISH in flight");
                }
                Ok(())
            }
            Packet::SubAck(suback) => {
                for (route, code) in subscriptions.routes.iter().zip(&suback.return_codes) {
                    if !matches!(code, SubscribeReasonCode::Success(_)) {
                        tracing::error!(
                            filter = route.filter,
                            ?code,
                            "the hub refused a subscription"
                        );
                    }
                }
                Ok(())
            }
            Packet::UnsubAck(_) => Ok(()),
            Packet::PingResp(_) => {
                self.ping_sent = None;
                Ok(())
            }
            Packet::Disconnect(disconnect) => {
                let user = disconnect
                    .properties
                    .as_ref()
                    .map(|p| p.user_properties.as_slice())
                    .unwrap_or_default();
                let status = connect::user_property(user, api::RESPONSE_PROPERTIES.status);
                let reason = api::RESPONSE_PROPERTIES
                    .reason
                    .and_then(|name| connect::user_property(user, name))
                    .or_else(|| {
                        disconnect
                            .properties
                            .as_ref()
                            .and_then(|p| p.reason_string.clone())
                    });
                Err(End::Lost(DisconnectCause::Hub {
                    reason_code: disconnect.reason_code as u8,
                    status,
                    reason,
                }))
            }
            other => Err(End::Lost(DisconnectCause::Protocol(format!(
                "the hub sent {}, which a server does not send",
                connect::name(&other)
            )))),
        }
    }

    fn on_publish(&mut self, publish: Publish, subscriptions: &Subscriptions) -> Result<(), End> {
        let Ok(topic) = String::from_utf8(publish.topic.to_vec()) else {
            return Err(End::Lost(DisconnectCause::Protocol(
                "a PUBLISH topic is not UTF-8".into(),
            )));
        };
        let properties = publish
            .properties
            .as_ref()
            .map(Properties::from)
            .unwrap_or_default();
        let qos1 = match publish.qos {
            QoS::AtMostOnce => false,
            QoS::AtLeastOnce => true,
            QoS::ExactlyOnce => {
                return Err(End::Lost(DisconnectCause::Protocol(
                    "a QoS 2 PUBLISH, above every subscription's QoS".into(),
                )))
            }
        };
        if topic == api::topics::RESPONSES {
            match &properties.correlation_data {
                Some(key) => {
                    let key = key.clone();
                    let response = Response {
                        properties,
                        payload: publish.payload,
                    };
                    if !self.shared.correlations.resolve(&key, response) {
                        tracing::debug!("a response no request waits for (timed out or dropped)");
                    }
                }
                None => tracing::warn!("a response without Correlation Data"),
            }
            if qos1 {
                self.shared
                    .acks
                    .push(publish.pkid, Settlement::success())
                    .settle(Settlement::success());
            }
            return Ok(());
        }
        let Some(route) = subscriptions.find(&topic) else {
            tracing::warn!(
                topic,
                "a PUBLISH on a topic the client did not subscribe to"
            );
            if qos1 {
                self.shared
                    .acks
                    .push(publish.pkid, Settlement::success())
                    .settle(Settlement::unspecified_error());
            }
            return Ok(());
        };
        let delivery = qos1.then(|| self.shared.acks.push(publish.pkid, route.on_drop.clone()));
        let incoming = Incoming {
            topic,
            properties,
            payload: publish.payload,
            delivery,
            connection: self.number,
            snapshot: false,
        };
        if let Err(e) = route.sender.try_send(incoming) {
            // The receiver is gone or behind: the message is dropped, and a
            // QoS 1 one is settled with its route's default.
            tracing::warn!(filter = route.filter, "no receiver took a message: {e}");
        }
        Ok(())
    }
}

/// MQTT QoS from the spec's number (the API's maximum is 1).
fn qos(n: u8) -> QoS {
    if n == 0 {
        QoS::AtMostOnce
    } else {
        QoS::AtLeastOnce
    }
}
