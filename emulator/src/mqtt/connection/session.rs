//! An accepted connection: its session taken, CONNACK said, then the
//! packet loop (the client's packets, the hub's own events and the timers)
//! until either side ends it, and the session released.

use std::collections::HashMap;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use iothub_client::api::connection::DisconnectReason;
use iothub_mqtt::packet::Packet;
use iothub_mqtt::{ReasonCode, Violation};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::context::{deadline, Shared, Transport, ACTIVITY_RESOLUTION};
use super::io::next_frame;
use crate::methods::{MethodCall, MethodError, MethodResponse};
use crate::mqtt::acks;
use crate::mqtt::commands::Delivery;
use crate::mqtt::connect;
use crate::mqtt::frame::FrameError;
use crate::mqtt::outbox::{Outbox, Sent};
use crate::mqtt::outcome;
use crate::mqtt::sessions::{Control, Opening};
use crate::mqtt::subscribe::Target;
use crate::mqtt::subscriptions::Subscriptions;

/// An accepted connection, from its CONNACK to its end.
pub(super) struct Session<'a> {
    pub(super) shared: &'a Shared,
    pub(super) transport: &'a Transport,
    pub(super) connect: &'a iothub_mqtt::packet::Connect,
    pub(super) accepted: &'a connect::Accepted,
    pub(super) out: &'a Outbox,
}

impl Session<'_> {
    /// Takes the device's session, says CONNACK, serves the connection,
    /// and releases the session.
    pub(super) async fn run<R: AsyncRead + Unpin>(self, reader: &mut R, buffer: &mut BytesMut) {
        let (shared, accepted) = (self.shared, self.accepted);
        let (control_tx, control) = mpsc::channel(1);
        let opening = Opening {
            device: &accepted.device,
            generation: accepted.generation,
            clean_start: accepted.clean_start,
            session_expiry: accepted.session_expiry,
        };
        let opened = shared.sessions.open(&shared.hub, opening, control_tx);
        let mut session_expiry = accepted.session_expiry;
        tracing::info!(device = %accepted.device.as_str(), session_present = opened.session_present, "connected");
        let connack = connect::connack(self.connect, opened.session_present);
        if self.out.send(Packet::ConnAck(connack)).await == Sent::Queued {
            let mut connection = Connection {
                shared,
                accepted,
                transport: self.transport,
                connection: opened.connection,
                token: opened.token,
                // So that the first packet after CONNECT counts.
                touched: tokio::time::Instant::now()
                    .checked_sub(ACTIVITY_RESOLUTION)
                    .unwrap_or_else(tokio::time::Instant::now),
                subscriptions: Subscriptions::new(opened.subscriptions.clone()),
                session_expiry,
                aliases: Vec::new(),
                delivery: Delivery::new(accepted.client_receive_maximum),
                calls: HashMap::new(),
                next_call: 0,
                expiry: None,
                out: self.out,
                acks: shared
                    .hub
                    .journal()
                    .is_durable()
                    .then(|| acks::Acks::spawn(self.out.clone())),
            };
            let calls = shared
                .hub
                .methods()
                .attach(&accepted.device, opened.connection);
            connection.run(reader, buffer, control, calls).await;
            shared
                .hub
                .methods()
                .detach(&accepted.device, opened.connection);
            // What this connection left unsettled goes back to the queue,
            // taken over or not, and the live connection (if any) is woken
            // for it.
            connection
                .delivery
                .release_all(&shared.hub, &accepted.device);
            session_expiry = connection.session_expiry;
        }
        shared
            .sessions
            .close(&shared.hub, &accepted.device, &opened, session_expiry);
        tracing::info!(device = %accepted.device.as_str(), "disconnected");
    }
}

/// How a connection's packet loop ended.
pub(super) enum End {
    /// The peer went away or said DISCONNECT.
    Closed,
    /// The hub ends it with this packet (boxed: packets are large).
    Disconnect(Box<Packet>),
}

impl End {
    /// The hub ends the connection with `packet`.
    pub(super) fn hub(packet: Packet) -> Self {
        Self::Disconnect(Box::new(packet))
    }

    /// The hub ends the connection with the DISCONNECT MQTT 5 gives for
    /// `violation`.
    pub(super) fn violation(violation: &Violation) -> Self {
        Self::hub(outcome::disconnect(
            violation.reason_code,
            None,
            &violation.message,
        ))
    }
}

pub(super) struct Connection<'a> {
    pub(super) shared: &'a Shared,
    pub(super) accepted: &'a connect::Accepted,
    pub(super) transport: &'a Transport,
    pub(super) connection: u64,
    /// Its connection state token (for `lastActivityTime`).
    pub(super) token: crate::hub::ConnectionToken,
    /// When its `lastActivityTime` was last advanced.
    pub(super) touched: tokio::time::Instant,
    pub(super) subscriptions: Subscriptions,
    /// The Session Expiry Interval in force (the CONNECT's, or the one the
    /// client's DISCONNECT set).
    pub(super) session_expiry: u32,
    /// Topic aliases the client set, by alias number − 1.
    pub(super) aliases: Vec<Option<String>>,
    pub(super) delivery: Delivery,
    /// Direct method calls waiting for the device's answer, by Correlation Data.
    pub(super) calls:
        HashMap<Bytes, tokio::sync::oneshot::Sender<Result<MethodResponse, MethodError>>>,
    pub(super) next_call: u64,
    /// When the SAS expires.
    pub(super) expiry: Option<tokio::time::Instant>,
    pub(super) out: &'a Outbox,
    /// With durable state: where replies to PUBLISHes wait for their commit.
    pub(super) acks: Option<acks::Acks>,
}

impl Connection<'_> {
    /// Sends `packet` (cut to the client's Maximum Packet Size, or not
    /// sent when it cannot be); `false` if the connection is gone.
    pub(super) async fn send(&self, packet: Packet) -> bool {
        self.out.send(packet).await.goes_on()
    }

    pub(super) async fn run<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut R,
        buffer: &mut BytesMut,
        mut control: mpsc::Receiver<Control>,
        mut calls: mpsc::Receiver<Box<MethodCall>>,
    ) {
        let keep_alive = Duration::from_millis(u64::from(self.accepted.keep_alive) * 1500);
        let mut desired = self
            .shared
            .hub
            .twins()
            .subscribe_desired(&self.accepted.device);
        let commands = self.shared.hub.commands().notifier(&self.accepted.device);
        if !Box::pin(self.deliver_commands()).await {
            return;
        }
        self.expiry = self.accepted.expiry_ms.map(deadline);
        let mut credentials = self.shared.hub.registry().changes();
        // Only what the client sends counts for keep alive: the hub's own
        // traffic (commands, desired changes, calls) does not reset it.
        let mut heard = tokio::time::Instant::now();
        let end = loop {
            let silence = tokio::time::sleep_until(heard + keep_alive);
            let expiry = self.expiry;
            let expired = async {
                match expiry {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            // An abandoned command waiting out its redelivery delay.
            let redelivery = self.redelivery_wait();
            let redeliver = async {
                match redelivery {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = silence => {
                    break End::hub(outcome::disconnect(ReasonCode::KeepAliveTimeout, None, "no packet within 1.5 × keep alive"));
                }
                frame = next_frame(reader, buffer) => {
                    match frame {
                        Ok(None) => break End::Closed,
                        Err(FrameError::TooLarge { size, max }) => break End::hub(outcome::disconnect(
                            ReasonCode::PacketTooLarge, None, &format!("packet of {size} bytes; the maximum is {max}"))),
                        Err(e) => break End::hub(outcome::disconnect(e.reason_code(), None, &e.to_string())),
                        Ok(Some(frame)) => {
                            heard = tokio::time::Instant::now();
                            // `lastActivityTime`, at most once a second.
                            if heard.duration_since(self.touched) >= ACTIVITY_RESOLUTION {
                                self.touched = heard;
                                self.shared.hub.connections().touch(&self.accepted.device, self.token);
                            }
                            // The handlers' futures are boxed: allocated
                            // while one runs, not carried in every idle
                            // connection's task (5,048 to 3,424 bytes).
                            if let Some(end) = Box::pin(self.on_frame(frame)).await {
                                break end;
                            }
                        }
                    }
                }
                Some(Control::TakenOver) = control.recv() => {
                    break End::hub(outcome::disconnect(
                        DisconnectReason::SessionTakenOver.reason_code(),
                        None,
                        "a new connection of this device took over",
                    ));
                }
                change = credentials.recv() => {
                    // New keys, or the device removed: this connection's
                    // authentication no longer holds.
                    let current = match change {
                        Ok(change) if change.id == self.accepted.device => Some(change.generation),
                        Ok(_) => None,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            Some(self.shared.hub.registry().generation(&self.accepted.device))
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
                    };
                    if current.is_some_and(|g| g != Some(self.accepted.generation)) {
                        break End::hub(outcome::disconnect(
                            DisconnectReason::NotAuthorized.reason_code(),
                            None,
                            "the device's credentials changed",
                        ));
                    }
                }
                update = desired.recv() => {
                    let update = match update {
                        Ok(update) => Some(update),
                        // Too far behind to send each patch: the whole
                        // desired state at its version, as one patch.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            let state = self.shared.hub.twins().get(&self.accepted.device).desired;
                            Some(crate::hub::twin::DesiredUpdate {
                                version: state.version,
                                patch: serde_json::Value::Object(state.properties),
                            })
                        }
                        // The twin was removed: listen to the new one.
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                            desired = self.shared.hub.twins().subscribe_desired(&self.accepted.device);
                            None
                        }
                    };
                    if let Some(update) = update {
                        if self.subscribed(Target::Desired) && !Box::pin(self.notify_desired(update)).await {
                            break End::Closed;
                        }
                    }
                }
                Some(call) = calls.recv() => {
                    if !Box::pin(self.invoke(*call)).await {
                        break End::Closed;
                    }
                }
                () = commands.notified() => {
                    if !Box::pin(self.deliver_commands()).await {
                        break End::Closed;
                    }
                }
                () = redeliver => {
                    if !Box::pin(self.deliver_commands()).await {
                        break End::Closed;
                    }
                }
                () = expired => {
                    break End::hub(outcome::disconnect(
                        DisconnectReason::NotAuthorized.reason_code(),
                        None,
                        "the SAS token expired",
                    ));
                }
            }
        };
        if let End::Disconnect(packet) = end {
            match self.acks.take() {
                // Behind the PUBACKs still waiting for their commit: a
                // DISCONNECT must not overtake them.
                Some(acks) => acks.finish(*packet).await,
                None => {
                    let _ = self.send(*packet).await;
                }
            }
        }
    }
}
