//! One client connection, in its own task: CONNECT within the spec's
//! deadline, then packets until either side ends it. Writes go through the
//! [`Outbox`] (which keeps to the client's Maximum Packet Size) and a
//! bounded queue to a writer task, so a client that stops reading holds up
//! only its own connection; silence past 1.5 × keep alive ends it. The
//! stream is plain TCP or TLS; what TLS learnt (SNI, the client
//! certificate's thumbprint) comes in a [`Transport`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use iothub_client::api::connection::DisconnectReason;
use iothub_client::api::{self, limits};
use iothub_client::operation::Operation;
use iothub_client::wire::MqttProperties;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, PingResp, Publish, PublishProperties};
use iothub_mqtt::{ReasonCode, Violation};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::acks;
use super::admission::Admitted;
use super::commands::Delivery;
use super::connect::{self, ConnectContext};
use super::frame::{self, Frame, FrameError};
use super::outbox::{Outbox, Outgoing, Sent};
use super::outcome;
use super::packet_size::PacketLimit;
use super::publish::{self, Peer};
use super::sessions::{Control, Opening, Sessions};
use super::subscribe::{self, Target};
use super::subscriptions::Subscriptions;
use super::version::{self, Requested};
use crate::hub::Hub;
use crate::methods::{MethodCall, MethodError, MethodResponse};
use crate::registry::Thumbprint;

/// How often a busy connection advances its device's `lastActivityTime`.
const ACTIVITY_RESOLUTION: Duration = Duration::from_secs(1);

/// Direct method calls a connection keeps waiting before it forgets
/// abandoned ones.
const CALLS_WAITING: usize = 1024;
/// How long one write to a peer may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Buffers larger than this are given back once empty (bytes).
const IDLE_BUFFER: usize = 4096;
/// Packets queued for a connection's writer before the reader waits.
const WRITE_QUEUE: usize = 64;

/// What every connection shares.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The hub's state.
    pub hub: Hub,
    /// The sessions.
    pub sessions: Sessions,
    /// The host name the hub accepts, if only one.
    pub hostname: Option<String>,
}

/// What the transport tells about the client: nothing over plain TCP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transport {
    /// The host name the client gave in TLS SNI.
    pub sni: Option<String>,
    /// The SHA-256 thumbprint of the client's TLS certificate.
    pub thumbprint: Option<Thumbprint>,
}

/// The instant of `expiry_ms` (ms since the epoch).
fn deadline(expiry_ms: u64) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_millis(expiry_ms.saturating_sub(now_ms()))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Reads the next frame, waiting for bytes as needed; `None` when the
/// peer closed the connection.
async fn next_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
) -> Result<Option<Frame>, FrameError> {
    loop {
        if let Some(frame) = frame::read(buffer, limits::MAXIMUM_PACKET_SIZE)? {
            // A buffer read empty is given back: an idle connection keeps
            // none (a busy one reads its next packets into a new one).
            if buffer.is_empty() {
                *buffer = BytesMut::new();
            }
            return Ok(Some(frame));
        }
        match reader.read_buf(buffer).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// Why the first packet is not one to go on with.
enum FirstError {
    /// Not a packet this server reads.
    Frame(FrameError),
    /// A CONNECT of another protocol version.
    Version(Requested),
}

/// [`next_frame`] for the first packet, which is refused before the codec
/// reads it when it is a CONNECT of another protocol version.
async fn first_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
) -> Result<Option<Frame>, FirstError> {
    loop {
        match version::of_first_packet(buffer) {
            Some(Requested::Mqtt5) | None => {}
            Some(other) => return Err(FirstError::Version(other)),
        }
        if let Some(frame) =
            frame::read(buffer, limits::MAXIMUM_PACKET_SIZE).map_err(FirstError::Frame)?
        {
            return Ok(Some(frame));
        }
        match reader.read_buf(buffer).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// The writer task: encodes and sends queued packets; a DISCONNECT is the
/// last one.
async fn write_loop<W: AsyncWrite + Unpin>(mut writer: W, mut queue: mpsc::Receiver<Outgoing>) {
    let mut buffer = BytesMut::new();
    while let Some(outgoing) = queue.recv().await {
        buffer.clear();
        let last = matches!(&outgoing, Outgoing::Frame(frame) if matches!(&**frame, Frame::Packet(p) if matches!(**p, Packet::Disconnect(_))));
        match &outgoing {
            Outgoing::Frame(frame) => {
                if frame::write(frame, &mut buffer).is_err() {
                    break;
                }
            }
            Outgoing::Bytes(bytes) => buffer.extend_from_slice(bytes),
        }
        // A peer that stops reading for this long is gone: the connection
        // ends rather than hold its task forever.
        let written = tokio::time::timeout(WRITE_TIMEOUT, writer.write_all(&buffer)).await;
        if !matches!(written, Ok(Ok(()))) {
            break;
        }
        if last {
            break;
        }
        // An idle connection keeps no buffer; a busy one keeps its own.
        if queue.is_empty() || buffer.capacity() > IDLE_BUFFER {
            buffer = BytesMut::new();
        }
    }
    let _ = writer.shutdown().await;
}

/// Serves one connection (plain TCP or TLS) until it ends; its slot among
/// the connections waiting for CONNECT is given back once the first packet
/// is in.
pub async fn serve<S>(stream: S, shared: Arc<Shared>, transport: Transport, admitted: Admitted)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut reader, writer) = tokio::io::split(stream);
    let (tx, queue) = mpsc::channel::<Outgoing>(WRITE_QUEUE);
    let writer = tokio::spawn(write_loop(writer, queue));
    let mut buffer = BytesMut::new();
    let connect = read_connect(&mut reader, &mut buffer, &tx).await;
    drop(admitted);
    match connect {
        Some(connect) => {
            let max = connect.properties.as_ref().and_then(|p| p.max_packet_size);
            let out = Outbox::new(tx, PacketLimit::new(max));
            let ctx = ConnectContext {
                registry: shared.hub.registry(),
                hostname: shared.hostname.as_deref(),
                sni: transport.sni.as_deref(),
                thumbprint: transport.thumbprint.as_ref(),
                now_ms: now_ms(),
            };
            match connect::accept(&connect, &ctx) {
                Ok(accepted) => {
                    let session = Session {
                        shared: &shared,
                        transport: &transport,
                        connect: &connect,
                        accepted: &accepted,
                        out: &out,
                    };
                    session.run(&mut reader, &mut buffer).await;
                }
                Err(refusal) => {
                    tracing::info!(client = %connect.client_id, reason = %refusal.reason, "connection refused");
                    let connack = refusal.connack(connect::problem_information(&connect));
                    let _ = out.send(Packet::ConnAck(connack)).await;
                }
            }
        }
        None => drop(tx),
    }
    let _ = writer.await;
}

/// Reads the first packet, which must be a CONNECT of MQTT 5 in time; else
/// says why not (when there is something to say) and returns `None`.
async fn read_connect<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
    tx: &mpsc::Sender<Outgoing>,
) -> Option<iothub_mqtt::packet::Connect> {
    let deadline = Duration::from_secs(u64::from(limits::CONNECT_TIMEOUT_SECONDS));
    let first = tokio::time::timeout(deadline, first_frame(reader, buffer)).await;
    let refusal = match first {
        Ok(Ok(Some(Frame::Packet(packet)))) => match *packet {
            Packet::Connect(connect, _, _) => return Some(connect),
            _ => {
                tracing::debug!("first packet is not CONNECT; closing");
                return None;
            }
        },
        Ok(Err(FirstError::Version(requested))) => {
            tracing::debug!(?requested, "CONNECT of another protocol version; refused");
            version::refusal(requested)
        }
        Ok(Err(FirstError::Frame(e))) => {
            tracing::debug!(error = %e, "unreadable CONNECT");
            Outgoing::Frame(Box::new(Frame::Packet(Box::new(Packet::ConnAck(
                connect::Refusal {
                    reason_code: ReasonCode::MalformedPacket,
                    status: None,
                    reason: e.to_string(),
                }
                .connack(true),
            )))))
        }
        _ => {
            tracing::debug!("no CONNECT in time; closing");
            return None;
        }
    };
    let _ = tx.send(refusal).await;
    None
}

/// An accepted connection, from its CONNACK to its end.
struct Session<'a> {
    shared: &'a Shared,
    transport: &'a Transport,
    connect: &'a iothub_mqtt::packet::Connect,
    accepted: &'a connect::Accepted,
    out: &'a Outbox,
}

impl Session<'_> {
    /// Takes the device's session, says CONNACK, serves the connection,
    /// and releases the session.
    async fn run<R: AsyncRead + Unpin>(self, reader: &mut R, buffer: &mut BytesMut) {
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
enum End {
    /// The peer went away or said DISCONNECT.
    Closed,
    /// The hub ends it with this packet (boxed: packets are large).
    Disconnect(Box<Packet>),
}

impl End {
    /// The hub ends the connection with `packet`.
    fn hub(packet: Packet) -> Self {
        Self::Disconnect(Box::new(packet))
    }
}

struct Connection<'a> {
    shared: &'a Shared,
    accepted: &'a connect::Accepted,
    transport: &'a Transport,
    connection: u64,
    /// Its connection state token (for `lastActivityTime`).
    token: crate::hub::ConnectionToken,
    /// When its `lastActivityTime` was last advanced.
    touched: tokio::time::Instant,
    subscriptions: Subscriptions,
    /// The Session Expiry Interval in force (the CONNECT's, or the one the
    /// client's DISCONNECT set).
    session_expiry: u32,
    /// Topic aliases the client set, by alias number − 1.
    aliases: Vec<Option<String>>,
    delivery: Delivery,
    /// Direct method calls waiting for the device's answer, by Correlation Data.
    calls: HashMap<Bytes, tokio::sync::oneshot::Sender<Result<MethodResponse, MethodError>>>,
    next_call: u64,
    /// When the SAS expires.
    expiry: Option<tokio::time::Instant>,
    out: &'a Outbox,
    /// With durable state: where replies to PUBLISHes wait for their commit.
    acks: Option<acks::Acks>,
}

impl Connection<'_> {
    /// Sends `packet` (cut to the client's Maximum Packet Size, or not
    /// sent when it cannot be); `false` if the connection is gone.
    async fn send(&self, packet: Packet) -> bool {
        self.out.send(packet).await.goes_on()
    }

    async fn run<R: AsyncRead + Unpin>(
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
        if !self.deliver_commands().await {
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
                            if let Some(end) = self.on_frame(frame).await {
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
                        if self.subscribed(Target::Desired) && !self.notify_desired(update).await {
                            break End::Closed;
                        }
                    }
                }
                Some(call) = calls.recv() => {
                    if !self.invoke(*call).await {
                        break End::Closed;
                    }
                }
                () = commands.notified() => {
                    if !self.deliver_commands().await {
                        break End::Closed;
                    }
                }
                () = redeliver => {
                    if !self.deliver_commands().await {
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

    /// How long until an abandoned command of this device may be delivered
    /// again, if one waits and the device takes commands.
    fn redelivery_wait(&self) -> Option<Duration> {
        let offered = subscribe::qos_of(api::ReceiveCommands::QOS);
        self.subscriptions.delivery_qos(Target::Commands, offered)?;
        let now = iothub_client::wire::Timestamp::now();
        let at = self
            .shared
            .hub
            .commands()
            .next_redelivery(&self.accepted.device, now)?;
        Some(Duration::from_millis(
            at.as_millis().saturating_sub(now.as_millis()),
        ))
    }

    /// Sends the commands that may go out now, if the device subscribed to
    /// them; `false` if the connection is gone.
    async fn deliver_commands(&mut self) -> bool {
        let offered = subscribe::qos_of(api::ReceiveCommands::QOS);
        let Some(qos) = self.subscriptions.delivery_qos(Target::Commands, offered) else {
            return true;
        };
        // A connection that was taken over delivers nothing more: its
        // successor does, and gets the wake-up this one took.
        if !self
            .shared
            .sessions
            .is_live(&self.accepted.device, self.connection)
        {
            self.shared
                .hub
                .commands()
                .notifier(&self.accepted.device)
                .notify_one();
            return true;
        }
        while let Some(packet) = self.delivery.next(
            &self.shared.hub,
            &self.accepted.device,
            qos,
            self.out.limit(),
        ) {
            if !self.send(packet).await {
                return false;
            }
        }
        true
    }

    /// Sends the desired-state change `update`; `false` if the connection
    /// is gone. One larger than the client's Maximum Packet Size is not
    /// sent (MQTT 5 [MQTT-3.1.2-25], as for any QoS 0 message): the device
    /// sees the version skip on the next change it gets and can read the
    /// twin (Get Twin) to catch up.
    async fn notify_desired(&self, update: crate::hub::twin::DesiredUpdate) -> bool {
        let version = update.version;
        match self.out.send(desired_publish(update)).await {
            Sent::Queued => true,
            Sent::Discarded => {
                tracing::info!(
                    device = %self.accepted.device.as_str(),
                    version,
                    max = ?self.out.limit().max(),
                    "desired-state change larger than the device's Maximum Packet Size; not sent"
                );
                true
            }
            Sent::Gone => false,
        }
    }

    /// Sends direct method call `call` to the device, if it subscribed to
    /// the method; `false` if the connection is gone.
    async fn invoke(&mut self, call: MethodCall) -> bool {
        let topic = api::receive_direct_methods::topic(&call.name);
        let subscribed = topic
            .as_ref()
            .is_ok_and(|topic| self.subscriptions.has_method(topic));
        let Ok(topic) = topic.map_err(|e| e.to_string()) else {
            let _ = call.reply.send(Err(MethodError::Failed(
                "the method name cannot be a topic segment".to_owned(),
            )));
            return true;
        };
        if !subscribed {
            let _ = call.reply.send(Err(MethodError::Unreachable(call.name)));
            return true;
        }
        // Calls never answered are forgotten past a bound.
        if self.calls.len() >= CALLS_WAITING {
            self.calls.retain(|_, reply| !reply.is_closed());
        }
        self.next_call += 1;
        let correlation = Bytes::copy_from_slice(&self.next_call.to_be_bytes());
        let mut properties =
            api::receive_direct_methods::Request::default().to_publish_properties();
        properties.correlation_data = Some(correlation.clone());
        let request = Packet::Publish(Publish::new(
            topic,
            QoS::AtMostOnce,
            call.payload,
            Some(properties),
        ));
        // A request larger than the device takes cannot reach it: the
        // caller hears so now (Target Unavailable) rather than at its
        // timeout.
        if !self.out.limit().fits(&request) {
            tracing::info!(
                device = %self.accepted.device.as_str(),
                method = %call.name,
                size = super::packet_size::size(&request),
                max = ?self.out.limit().max(),
                "method request larger than the device's Maximum Packet Size; not sent"
            );
            let _ = call.reply.send(Err(MethodError::Unreachable(call.name)));
            return true;
        }
        self.calls.insert(correlation, call.reply);
        self.send(request).await
    }

    /// The device's answer to a direct method call (a PUBLISH on the
    /// responses topic). An answer the spec does not allow (a property it
    /// does not name and that is not an `@` application property, a
    /// `response-code` that is not one) ends the call as Target Failed and
    /// the connection with DISCONNECT Bad Request, as the overview has it
    /// for a bad QoS 0 message.
    fn on_method_response(&mut self, publish: &Publish) -> Option<End> {
        let Some(properties) = publish.properties.as_ref() else {
            return Some(End::hub(outcome::disconnect_status(
                api::Status::BadRequest,
                "`Correlation Data` property is missing",
            )));
        };
        let Some(correlation) = properties.correlation_data.clone() else {
            return Some(End::hub(outcome::disconnect_status(
                api::Status::BadRequest,
                "`Correlation Data` property is missing",
            )));
        };
        if correlation.len() > usize::from(limits::CORRELATION_DATA_MAX_BYTES) {
            return Some(End::hub(outcome::disconnect_status(
                api::Status::BadRequest,
                &format!(
                    "`Correlation Data` has {} bytes; at most {} are allowed",
                    correlation.len(),
                    limits::CORRELATION_DATA_MAX_BYTES
                ),
            )));
        }
        // An answer to no call (or to one that timed out) is dropped.
        let reply = self.calls.remove(&correlation)?;
        let result = match api::receive_direct_methods::outcome(
            &iothub_client::wire::Properties::from(properties),
        ) {
            Ok(iothub_client::operation::Outcome::Success(response)) => Ok(MethodResponse {
                response_code: response.response_code,
                payload: publish.payload.clone(),
            }),
            Ok(iothub_client::operation::Outcome::Alternative { status, .. }) => Err(
                MethodError::Unreachable(format!("the device answered {status}")),
            ),
            Err(e) => {
                let why = e.to_string();
                let _ = reply.send(Err(MethodError::Failed(why.clone())));
                return Some(End::hub(outcome::disconnect_status(
                    api::Status::BadRequest,
                    &format!("the method response is not valid: {why}"),
                )));
            }
        };
        let _ = reply.send(result);
        None
    }

    fn subscribed(&self, target: Target) -> bool {
        self.subscriptions
            .delivery_qos(target, iothub_mqtt::packet::QoS::AtMostOnce)
            .is_some()
    }

    /// Handles one packet; `Some` ends the connection.
    async fn on_frame(&mut self, frame: Frame) -> Option<End> {
        let packet = match frame {
            Frame::Packet(packet) => *packet,
            Frame::Auth(auth) => {
                let ctx = ConnectContext {
                    registry: self.shared.hub.registry(),
                    hostname: self.shared.hostname.as_deref(),
                    sni: self.transport.sni.as_deref(),
                    thumbprint: self.transport.thumbprint.as_ref(),
                    now_ms: now_ms(),
                };
                return match connect::reauthenticate(self.accepted, &auth, &ctx) {
                    Ok(expiry_ms) => {
                        self.expiry = Some(deadline(expiry_ms));
                        let success = super::auth::AuthPacket {
                            method: auth.method.clone(),
                            ..super::auth::AuthPacket::default()
                        };
                        (!self.out.send_auth(success).await.goes_on()).then_some(End::Closed)
                    }
                    Err(refusal) => {
                        tracing::info!(device = %self.accepted.device.as_str(), reason = %refusal.reason, "re-authentication failed");
                        Some(End::hub(outcome::disconnect(
                            DisconnectReason::NotAuthorized.reason_code(),
                            None,
                            &refusal.reason,
                        )))
                    }
                };
            }
        };
        match packet {
            Packet::PingReq(_) => {
                (!self.send(Packet::PingResp(PingResp)).await).then_some(End::Closed)
            }
            Packet::Disconnect(disconnect) => {
                let expiry = disconnect
                    .properties
                    .as_ref()
                    .and_then(|p| p.session_expiry_interval);
                match expiry {
                    // MQTT 5 §3.14.2.2.2: a session that was to end with
                    // the connection cannot be kept by DISCONNECT.
                    Some(expiry) if self.session_expiry == 0 && expiry != 0 => {
                        Some(End::hub(outcome::disconnect(
                            ReasonCode::ProtocolError,
                            None,
                            "the CONNECT's Session Expiry Interval was 0",
                        )))
                    }
                    Some(expiry) => {
                        self.session_expiry = expiry;
                        Some(End::Closed)
                    }
                    None => Some(End::Closed),
                }
            }
            Packet::Publish(publish) => self.on_publish(publish).await,
            Packet::Subscribe(subscribe) => {
                if let Err(violation) = subscribe::check(&subscribe) {
                    return Some(End::hub(outcome::disconnect(
                        violation.reason_code,
                        None,
                        &violation.message,
                    )));
                }
                let ack = self.subscriptions.subscribe(&subscribe);
                self.shared.sessions.set_subscriptions(
                    &self.accepted.device,
                    self.connection,
                    self.subscriptions.list(),
                );
                if !self.send(Packet::SubAck(ack)).await || !self.deliver_commands().await {
                    return Some(End::Closed);
                }
                None
            }
            Packet::Unsubscribe(unsubscribe) => {
                if let Err(violation) = subscribe::check_unsubscribe(&unsubscribe) {
                    return Some(End::hub(outcome::disconnect(
                        violation.reason_code,
                        None,
                        &violation.message,
                    )));
                }
                let ack = self.subscriptions.unsubscribe(&unsubscribe);
                self.shared.sessions.set_subscriptions(
                    &self.accepted.device,
                    self.connection,
                    self.subscriptions.list(),
                );
                (!self.send(Packet::UnsubAck(ack)).await).then_some(End::Closed)
            }
            // Acknowledgements of what the hub sends (commands) come later.
            Packet::PubAck(ack) => {
                let settled = self
                    .delivery
                    .settle(&self.shared.hub, &self.accepted.device, &ack);
                tracing::debug!(device = %self.accepted.device.as_str(), pkid = ack.pkid, ?settled, "command acknowledged");
                (!self.deliver_commands().await).then_some(End::Closed)
            }
            _ => Some(End::hub(outcome::disconnect(
                ReasonCode::ProtocolError,
                None,
                "a client does not send this packet",
            ))),
        }
    }

    async fn on_publish(&mut self, publish: Publish) -> Option<End> {
        let topic = match self.topic_of(&publish) {
            Ok(topic) => topic,
            Err(violation) => {
                return Some(End::hub(outcome::disconnect(
                    violation.reason_code,
                    None,
                    &violation.message,
                )))
            }
        };
        if publish.qos == QoS::ExactlyOnce {
            return Some(End::hub(outcome::disconnect(
                ReasonCode::QosNotSupported,
                None,
                &format!("QoS 2 is above the Maximum QoS {}", limits::MAXIMUM_QOS),
            )));
        }
        if publish.retain && !limits::RETAIN_AVAILABLE {
            return Some(End::hub(outcome::disconnect(
                ReasonCode::RetainNotSupported,
                None,
                "RETAIN is not supported",
            )));
        }
        // The hub's Receive Maximum (its CONNACK's), in memory and durable
        // mode alike: QoS 1 PUBLISHes the hub has not acknowledged yet.
        if publish.qos == QoS::AtLeastOnce {
            let waiting = self.out.received();
            if waiting > usize::from(limits::RECEIVE_MAXIMUM) {
                return Some(End::hub(outcome::disconnect(
                    ReasonCode::ReceiveMaximumExceeded,
                    None,
                    &format!(
                        "{waiting} QoS 1 PUBLISHes waiting for their PUBACK; the Receive Maximum is {}",
                        limits::RECEIVE_MAXIMUM
                    ),
                )));
            }
        }
        if topic == api::topics::RESPONSES {
            if publish.qos != QoS::AtMostOnce {
                let ack = outcome::puback(
                    publish.pkid,
                    Some((
                        api::Status::BadRequest,
                        "request–response operations use QoS 0",
                    )),
                    self.accepted.problem_information,
                );
                // After the PUBACKs still waiting, in order.
                let sent = acks::send(self.acks.as_ref(), self.out, publish::Reply::send(ack));
                return (!sent.await).then_some(End::Closed);
            }
            return self.on_method_response(&publish);
        }
        // Room in the state writer's queue first (QoS 0 too): a hub whose
        // disk falls behind stops reading from its publishers.
        let journal = self.shared.hub.journal();
        let reservation = if journal.is_durable() {
            Some(journal.reserve(publish::footprint(&publish)).await)
        } else {
            None
        };
        let peer = Peer {
            device: &self.accepted.device,
            problem_information: self.accepted.problem_information,
            limit: self.out.limit(),
        };
        let mut reply = publish::handle(&publish, &topic, peer, &self.shared.hub, reservation);
        if reply.close {
            return reply.packets.pop().map(End::hub).or(Some(End::Closed));
        }
        let sent = acks::send(self.acks.as_ref(), self.out, reply).await;
        (!sent).then_some(End::Closed)
    }

    /// The topic of `publish`, through the client's topic aliases; else the
    /// DISCONNECT reason code MQTT 5 gives and why: a topic that is not
    /// well-formed UTF-8 or holds U+0000 is a Malformed Packet (§1.5.4), an
    /// empty topic without an alias or with an alias never set a Protocol
    /// Error (§3.3.2.3.4, §3.3.4), an alias of 0 or above the maximum Topic
    /// Alias invalid.
    fn topic_of(&mut self, publish: &Publish) -> Result<String, Violation> {
        let topic = std::str::from_utf8(&publish.topic)
            .map_err(|_| Violation::new(ReasonCode::MalformedPacket, "the topic is not UTF-8"))?;
        if topic.contains('\0') {
            return Err(Violation::new(
                ReasonCode::MalformedPacket,
                "the topic holds U+0000",
            ));
        }
        let topic = topic.to_owned();
        let alias = publish.properties.as_ref().and_then(|p| p.topic_alias);
        let Some(alias) = alias else {
            return if topic.is_empty() {
                Err(Violation::new(
                    ReasonCode::ProtocolError,
                    "an empty topic without a topic alias",
                ))
            } else {
                Ok(topic)
            };
        };
        if alias == 0 || alias > limits::TOPIC_ALIAS_MAXIMUM {
            return Err(Violation::new(
                ReasonCode::TopicAliasInvalid,
                format!(
                    "topic alias {alias} is outside 1..={}",
                    limits::TOPIC_ALIAS_MAXIMUM
                ),
            ));
        }
        let slot = usize::from(alias - 1);
        if self.aliases.len() <= slot {
            self.aliases.resize(slot + 1, None);
        }
        let Some(entry) = self.aliases.get_mut(slot) else {
            return Err(Violation::new(
                ReasonCode::TopicAliasInvalid,
                format!("topic alias {alias}"),
            ));
        };
        if topic.is_empty() {
            entry.clone().ok_or_else(|| {
                Violation::new(
                    ReasonCode::ProtocolError,
                    format!("topic alias {alias} was never set"),
                )
            })
        } else {
            *entry = Some(topic.clone());
            Ok(topic)
        }
    }
}

/// The notification of a desired state change.
fn desired_publish(update: crate::hub::twin::DesiredUpdate) -> Packet {
    let message = api::receive_twin_desired_state_changes::Message {
        version: update.version,
        other_properties: Vec::new(),
    };
    let payload = serde_json::to_vec(&update.patch).unwrap_or_default();
    let properties: PublishProperties = message.to_publish_properties();
    Packet::Publish(Publish::new(
        api::receive_twin_desired_state_changes::TOPIC,
        QoS::AtMostOnce,
        payload,
        Some(properties),
    ))
}
