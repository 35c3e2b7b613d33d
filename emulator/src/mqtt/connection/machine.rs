//! One connection as a state machine with no I/O and no clock of its own
//! (the shape of quinn-proto's connections and of the device client's
//! session): bytes, the hub's events and the time go in
//! ([`Machine::handle_bytes`], [`Machine::handle_event`],
//! [`Machine::handle_timeout`], each with the [`Clock`]); packets to write
//! ([`Machine::poll_transmit`]), the commits its replies wait for
//! ([`Machine::poll_commit`]), the room it needs in the state writer's
//! queue ([`Machine::poll_reservation`]) and when it next needs the time
//! ([`Machine::poll_timeout`]) come out. What it changes in the hub (the
//! telemetry log, twins, commands, sessions) it changes through the hub's
//! own calls, which hand their writes to the store's writer.
//!
//! Its phases: waiting for the CONNECT (until the spec's deadline), open
//! (until either side ends it), closing (the replies still waiting for
//! their commits go out as the commits come, then the hub's DISCONNECT if
//! it ends the connection: what was acknowledged durable is acknowledged
//! before the connection ends; every commit comes, with an error if the
//! writer is gone) and ended.

use std::sync::Arc;
use std::time::Instant;

use bytes::BytesMut;
use iothub_client::api::connection::DisconnectReason;
use iothub_client::api::limits;
use iothub_mqtt::packet::Packet;
use iothub_mqtt::ReasonCode;

use super::context::{Clock, Shared, Transport, REPLIES_WAITING, WRITE_QUEUE};
use super::handshake::{read_first, First};
use super::session::{End, Open, Sources};
use crate::hub::twin::DesiredUpdate;
use crate::mailbox::Mail;
use crate::methods::MethodCall;
use crate::mqtt::connect;
use crate::mqtt::frame::{self, FrameError};
use crate::mqtt::outbox::{Outbox, Outgoing};
use crate::mqtt::outcome;
use crate::mqtt::packet_size::PacketLimit;
use crate::mqtt::publish;
use crate::mqtt::subscribe::Target;
use crate::store::{Commit, Reservation, StoreError};

/// What the hub tells a connection, as it happens (see [`Sources`]).
#[derive(Debug)]
pub enum Event {
    /// A newer connection of the same device took over.
    TakenOver,
    /// The device's credentials changed, or it was removed (the registry
    /// says which).
    CredentialsChanged,
    /// The device's desired state changed.
    Desired(DesiredUpdate),
    /// The desired state changed more often than whoever listens kept up
    /// with: the whole desired state goes as one patch.
    DesiredLagged,
    /// A direct method call for the device.
    Call(Box<MethodCall>),
    /// The device's command queue has something new.
    CommandsReady,
    /// The hub ends the connection with this reason code (an injected
    /// fault).
    Disconnect(u8),
}

impl From<Mail> for Event {
    fn from(mail: Mail) -> Self {
        match mail {
            Mail::TakenOver => Self::TakenOver,
            Mail::CredentialsChanged => Self::CredentialsChanged,
            Mail::CommandsReady => Self::CommandsReady,
            Mail::Disconnect(reason_code) => Self::Disconnect(reason_code),
            Mail::Desired(update) => Self::Desired(update),
            Mail::DesiredLagged => Self::DesiredLagged,
            Mail::Call(call) => Self::Call(call),
        }
    }
}

enum Phase {
    /// Waiting for the CONNECT until `deadline`.
    Connecting { deadline: Instant },
    /// Accepted.
    Open(Box<Open>),
    /// Ending: the replies still waiting go out, then `last`.
    Closing { last: Option<Box<Packet>> },
    /// Nothing more but what is ready to be written.
    Ended,
}

/// One connection (see the module).
pub struct Machine {
    shared: Arc<Shared>,
    transport: Transport,
    out: Outbox,
    phase: Phase,
    sources: Option<Sources>,
    /// The time it was last given.
    clock: Clock,
}

impl std::fmt::Debug for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let phase = match &self.phase {
            Phase::Connecting { .. } => "connecting",
            Phase::Open(_) => "open",
            Phase::Closing { .. } => "closing",
            Phase::Ended => "ended",
        };
        f.debug_struct("Machine").field("phase", &phase).finish()
    }
}

impl Machine {
    /// A connection that has just been accepted at `clock`: it waits for
    /// the CONNECT for the spec's deadline.
    pub fn new(shared: Arc<Shared>, transport: Transport, clock: Clock) -> Self {
        let wait = std::time::Duration::from_secs(u64::from(limits::CONNECT_TIMEOUT_SECONDS));
        Self {
            shared,
            transport,
            out: Outbox::default(),
            phase: Phase::Connecting {
                deadline: clock.instant + wait,
            },
            sources: None,
            clock,
        }
    }

    /// Whether it still waits for its first packet.
    pub fn is_connecting(&self) -> bool {
        matches!(self.phase, Phase::Connecting { .. })
    }

    /// Whether it has ended and everything it had to say was taken
    /// ([`poll_transmit`](Self::poll_transmit)).
    pub fn is_ended(&self) -> bool {
        matches!(self.phase, Phase::Ended) && self.out.ready() == 0
    }

    /// Whether it reads the client's bytes now: not while a PUBLISH waits
    /// for room in the state writer's queue, nor while too much waits to
    /// be written or committed (then the client waits: back-pressure).
    pub fn wants_bytes(&self) -> bool {
        match &self.phase {
            Phase::Connecting { .. } => true,
            Phase::Open(open) => open.pending.is_none() && self.has_room(),
            Phase::Closing { .. } | Phase::Ended => false,
        }
    }

    /// Whether it takes the hub's events now (not while too much waits to
    /// be written, nor while a PUBLISH waits for room).
    pub fn wants_events(&self) -> bool {
        match &self.phase {
            Phase::Open(open) => open.pending.is_none() && self.out.ready() < WRITE_QUEUE,
            _ => false,
        }
    }

    fn has_room(&self) -> bool {
        self.out.ready() < WRITE_QUEUE && self.out.waiting() < REPLIES_WAITING
    }

    /// Where the hub's events for this connection come from, once it is
    /// accepted (taken once).
    pub fn take_sources(&mut self) -> Option<Sources> {
        self.sources.take()
    }

    /// Reads what it can of the client's bytes in `buffer` (what is not a
    /// whole packet yet stays there), as long as it
    /// [`wants_bytes`](Self::wants_bytes).
    pub fn handle_bytes(&mut self, buffer: &mut BytesMut, clock: Clock) {
        self.clock = clock;
        while self.wants_bytes() && !buffer.is_empty() {
            match &mut self.phase {
                Phase::Connecting { .. } => match read_first(buffer) {
                    First::More => return,
                    First::Connect(connect) => self.on_connect(&connect, clock),
                    First::Refuse(refusal) => {
                        self.out.send_outgoing(refusal);
                        self.phase = Phase::Ended;
                    }
                    First::Close => self.phase = Phase::Ended,
                },
                Phase::Open(open) => {
                    let frame = match frame::read(buffer, limits::MAXIMUM_PACKET_SIZE) {
                        Ok(Some(frame)) => frame,
                        Ok(None) => return,
                        Err(FrameError::TooLarge { size, max }) => {
                            let why = format!("packet of {size} bytes; the maximum is {max}");
                            let packet =
                                outcome::disconnect(ReasonCode::PacketTooLarge, None, &why);
                            self.end(End::hub(packet));
                            return;
                        }
                        Err(e) => {
                            let packet = outcome::disconnect(e.reason_code(), None, &e.to_string());
                            self.end(End::hub(packet));
                            return;
                        }
                    };
                    open.heard(clock);
                    if let Some(end) = open.on_frame(&mut self.out, frame, clock) {
                        self.end(end);
                    }
                }
                Phase::Closing { .. } | Phase::Ended => return,
            }
        }
    }

    /// The client closed its side (or the connection broke).
    pub fn handle_eof(&mut self, clock: Clock) {
        self.clock = clock;
        match self.phase {
            Phase::Connecting { .. } => self.phase = Phase::Ended,
            Phase::Open(_) => self.end(End::Closed),
            Phase::Closing { .. } | Phase::Ended => {}
        }
    }

    /// An event of the hub (see [`Event`]).
    pub fn handle_event(&mut self, event: Event, clock: Clock) {
        self.clock = clock;
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        let device = &open.accepted.device;
        let end = match event {
            Event::TakenOver => Some(End::hub(outcome::disconnect(
                DisconnectReason::SessionTakenOver.reason_code(),
                None,
                "a new connection of this device took over",
            ))),
            // New keys, or the device removed: this connection's
            // authentication no longer holds.
            Event::CredentialsChanged => open.credentials_changed().then(|| {
                End::hub(outcome::disconnect(
                    DisconnectReason::NotAuthorized.reason_code(),
                    None,
                    "the device's credentials changed",
                ))
            }),
            Event::Desired(update) => {
                if open.subscribed(Target::Desired) {
                    open.notify_desired(&mut self.out, update);
                }
                None
            }
            Event::DesiredLagged => {
                if open.subscribed(Target::Desired) {
                    let state = open.shared.hub.twins().get(device).desired;
                    let update = DesiredUpdate {
                        version: state.version,
                        patch: serde_json::Value::Object(state.properties),
                    };
                    open.notify_desired(&mut self.out, update);
                }
                None
            }
            Event::Call(call) => {
                open.invoke(&mut self.out, *call);
                None
            }
            Event::CommandsReady => {
                open.deliver_commands(&mut self.out);
                None
            }
            Event::Disconnect(reason_code) => Some(End::hub(outcome::disconnect(
                reason_code,
                None,
                "an injected fault",
            ))),
        };
        if let Some(end) = end {
            self.end(end);
        }
    }

    /// When it next needs the time ([`handle_timeout`](Self::handle_timeout)).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let own = match &self.phase {
            Phase::Connecting { deadline } => Some(*deadline),
            Phase::Open(open) => [
                Some(open.heard + open.silence),
                open.expiry,
                open.redelivery_at(self.clock),
            ]
            .into_iter()
            .flatten()
            .min(),
            Phase::Closing { .. } | Phase::Ended => None,
        };
        [own, self.out.next_due()].into_iter().flatten().min()
    }

    /// The time passed `clock`: what was due by then happens.
    pub fn handle_timeout(&mut self, clock: Clock) {
        self.clock = clock;
        let now = clock.instant;
        // Replies whose injected latency is over.
        self.out.release(now);
        self.close_when_drained();
        match &mut self.phase {
            Phase::Connecting { deadline } if now >= *deadline => {
                tracing::debug!("no CONNECT in time; closing");
                self.phase = Phase::Ended;
            }
            Phase::Open(open) => {
                if now >= open.heard + open.silence {
                    self.end(End::hub(outcome::disconnect(
                        ReasonCode::KeepAliveTimeout,
                        None,
                        "no packet within 1.5 × keep alive",
                    )));
                } else if open.expiry.is_some_and(|at| now >= at) {
                    self.end(End::hub(outcome::disconnect(
                        DisconnectReason::NotAuthorized.reason_code(),
                        None,
                        "the SAS token expired",
                    )));
                } else {
                    // An abandoned command's redelivery delay is over (the
                    // hub no longer says when: it is deliverable now).
                    open.deliver_commands(&mut self.out);
                }
            }
            _ => {}
        }
    }

    /// The bytes of room the PUBLISH it holds needs in the state writer's
    /// queue: wait for them ([`crate::store::Journal::reserve`]) and hand
    /// them over ([`handle_reservation`](Self::handle_reservation)).
    pub fn poll_reservation(&self) -> Option<usize> {
        match &self.phase {
            Phase::Open(open) => open
                .pending
                .as_ref()
                .map(|pending| publish::footprint(&pending.publish)),
            _ => None,
        }
    }

    /// The room [`poll_reservation`](Self::poll_reservation) asked for.
    pub fn handle_reservation(&mut self, reservation: Reservation, clock: Clock) {
        self.clock = clock;
        if let Phase::Open(open) = &mut self.phase {
            if let Some(end) = open.reserved(&mut self.out, reservation) {
                self.end(end);
            }
        }
    }

    /// The commit the oldest reply waiting waits for (once): wait for it
    /// and hand its outcome over ([`handle_commit`](Self::handle_commit)).
    pub fn poll_commit(&mut self) -> Option<Commit> {
        self.out.poll_commit()
    }

    /// The outcome of the commit [`poll_commit`](Self::poll_commit) gave.
    pub fn handle_commit(&mut self, written: Result<(), StoreError>, clock: Clock) {
        self.clock = clock;
        self.out.committed(written, clock.instant);
        self.close_when_drained();
    }

    /// The next thing to write.
    pub fn poll_transmit(&mut self) -> Option<Outgoing> {
        self.out.poll_transmit()
    }

    fn on_connect(&mut self, connect: &iothub_mqtt::packet::Connect, clock: Clock) {
        let max = connect.properties.as_ref().and_then(|p| p.max_packet_size);
        self.out.set_limit(PacketLimit::new(max));
        let ctx = self.shared.connect_context(&self.transport, clock);
        match connect::accept(connect, &ctx) {
            Ok(accepted) => {
                let transport = std::mem::take(&mut self.transport);
                let shared = Arc::clone(&self.shared);
                match Open::start(shared, transport, connect, accepted, &mut self.out, clock) {
                    Some((open, sources)) => {
                        self.sources = Some(sources);
                        self.phase = Phase::Open(open);
                    }
                    None => self.phase = Phase::Ended,
                }
                // Keys changed between the CONNECT's check and the session
                // being taken: the connection ends as it would have a moment
                // later.
                if let Phase::Open(open) = &self.phase {
                    if open.credentials_changed() {
                        self.handle_event(Event::CredentialsChanged, clock);
                    }
                }
            }
            Err(refusal) => {
                tracing::info!(client = %connect.client_id, reason = %refusal.reason, "connection refused");
                let connack = refusal.connack(connect::problem_information(connect));
                self.out.send(Packet::ConnAck(connack));
                self.phase = Phase::Ended;
            }
        }
    }

    /// Ends an open connection: the session is released now; the replies
    /// still waiting go out as their commits come (then the hub's
    /// DISCONNECT, if it ends the connection).
    fn end(&mut self, end: End) {
        if let Phase::Open(open) = &mut self.phase {
            open.release();
        }
        self.sources = None;
        let last = match end {
            End::Closed => None,
            End::Disconnect(packet) => Some(packet),
        };
        self.phase = Phase::Closing { last };
        self.close_when_drained();
    }

    fn close_when_drained(&mut self) {
        if self.out.waiting() > 0 {
            return;
        }
        if let Phase::Closing { last, .. } = &mut self.phase {
            if let Some(packet) = last.take() {
                self.out.send(*packet);
            }
            self.phase = Phase::Ended;
        }
    }
}
