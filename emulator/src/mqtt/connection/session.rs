//! An accepted connection's state: its session taken and CONNACK said
//! ([`Open::start`]), what it serves with until it ends, and its session
//! released ([`Open::release`]). Where the hub's events reach it (its
//! mailbox: taken over, method calls; desired changes, credential changes,
//! commands) is handed to the driver as [`Sources`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use iothub_mqtt::packet::{Connect, Packet, Publish};
use iothub_mqtt::Violation;

use super::context::{Clock, Shared, Transport, ACTIVITY_RESOLUTION};
use crate::mailbox::Mailbox;
use crate::methods::{MethodError, MethodResponse};
use crate::mqtt::commands::Delivery;
use crate::mqtt::connect;
use crate::mqtt::outbox::{Outbox, Sent};
use crate::mqtt::outcome;
use crate::mqtt::sessions::{Opened, Opening};
use crate::mqtt::subscriptions::Subscriptions;

/// Where the hub's events for an accepted connection come from; the
/// driver listens to them and hands what comes to the machine.
#[derive(Debug)]
pub struct Sources {
    /// Taken over, changed credentials, commands to deliver, desired-state
    /// changes and direct method calls for the device.
    pub mailbox: Arc<Mailbox>,
}

/// How a connection ends.
#[derive(Debug)]
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

/// A PUBLISH waiting for room in the state writer's queue.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) publish: Publish,
    pub(super) topic: String,
    /// Its answer not before this instant (an injected latency).
    pub(super) not_before: Option<Instant>,
}

/// An accepted connection's state.
pub(super) struct Open {
    pub(super) shared: Arc<Shared>,
    pub(super) transport: Transport,
    pub(super) accepted: connect::Accepted,
    /// Where it is told it was taken over and its method calls come.
    pub(super) mailbox: Arc<Mailbox>,
    /// Its hold on the session (subscriptions moved out).
    pub(super) opened: Opened,
    /// When its `lastActivityTime` was last advanced.
    pub(super) touched: Option<Instant>,
    /// When the client last sent something (only what the client sends
    /// counts for keep alive: the hub's own traffic does not).
    pub(super) heard: Instant,
    /// 1.5 × the keep alive in force.
    pub(super) silence: Duration,
    pub(super) subscriptions: Subscriptions,
    /// The Session Expiry Interval in force (the CONNECT's, or the one the
    /// client's DISCONNECT set).
    pub(super) session_expiry: u32,
    /// Topic aliases the client set, by alias number − 1.
    pub(super) aliases: Vec<Option<String>>,
    pub(super) delivery: Delivery,
    /// Direct method calls waiting for the device's answer, by Correlation
    /// Data.
    pub(super) calls:
        HashMap<Bytes, tokio::sync::oneshot::Sender<Result<MethodResponse, MethodError>>>,
    pub(super) next_call: u64,
    /// When the SAS expires.
    pub(super) expiry: Option<Instant>,
    /// A PUBLISH waiting for room in the state writer's queue.
    pub(super) pending: Option<Box<Pending>>,
}

impl Open {
    /// Takes the device's session and says CONNACK; then offers the
    /// commands waiting. `None` when the CONNACK could not be sent (larger
    /// than the client takes): the session is released again.
    pub(super) fn start(
        shared: Arc<Shared>,
        transport: Transport,
        connect: &Connect,
        accepted: connect::Accepted,
        out: &mut Outbox,
        clock: Clock,
    ) -> Option<(Box<Self>, Sources)> {
        let mailbox = Arc::new(Mailbox::default());
        let opening = Opening {
            device: &accepted.device,
            generation: accepted.generation,
            clean_start: accepted.clean_start,
            session_expiry: accepted.session_expiry,
        };
        let mut opened = shared
            .sessions
            .open(&shared.hub, opening, Arc::clone(&mailbox));
        tracing::info!(device = %accepted.device.as_str(), session_present = opened.session_present, "connected");
        let connack = connect::connack(connect, opened.session_present);
        if out.send(Packet::ConnAck(connack)) != Sent::Queued {
            shared.sessions.close(
                &shared.hub,
                &accepted.device,
                &opened,
                accepted.session_expiry,
            );
            tracing::info!(device = %accepted.device.as_str(), "disconnected");
            return None;
        }
        let device = &accepted.device;
        let hub = &shared.hub;
        hub.methods()
            .attach(device, opened.connection, Arc::clone(&mailbox));
        let sources = Sources {
            mailbox: Arc::clone(&mailbox),
        };
        let mut open = Box::new(Self {
            touched: None,
            heard: clock.instant,
            silence: Duration::from_millis(u64::from(accepted.keep_alive) * 1500),
            subscriptions: Subscriptions::new(std::mem::take(&mut opened.subscriptions)),
            session_expiry: accepted.session_expiry,
            aliases: Vec::new(),
            delivery: Delivery::new(accepted.client_receive_maximum),
            calls: HashMap::new(),
            next_call: 0,
            expiry: accepted.expiry_ms.map(|ms| clock.instant_of(ms)),
            pending: None,
            opened,
            mailbox,
            accepted,
            transport,
            shared,
        });
        open.deliver_commands(out);
        Some((open, sources))
    }

    /// Something came from the client at `clock`: keep alive starts again,
    /// and `lastActivityTime` advances (at most once a second).
    pub(super) fn heard(&mut self, clock: Clock) {
        self.heard = clock.instant;
        if self
            .touched
            .is_none_or(|at| clock.instant.duration_since(at) >= ACTIVITY_RESOLUTION)
        {
            self.touched = Some(clock.instant);
            self.shared
                .hub
                .connections()
                .touch(&self.accepted.device, self.opened.token);
        }
    }

    /// Whether the device's credentials are not the ones it connected
    /// with any more (new keys, or the device removed).
    pub(super) fn credentials_changed(&self) -> bool {
        self.shared.hub.registry().generation(&self.accepted.device)
            != Some(self.accepted.generation)
    }

    /// Releases the session: the method calls detached, what was left
    /// unsettled back to the queue (the live connection, if any, woken for
    /// it), the session released or ended.
    pub(super) fn release(&mut self) {
        let (hub, device) = (&self.shared.hub, &self.accepted.device);
        hub.methods().detach(device, self.opened.connection);
        self.mailbox.close();
        self.delivery.release_all(hub, device);
        // Calls still waiting hear that the device is unreachable.
        self.calls.clear();
        self.shared
            .sessions
            .close(hub, device, &self.opened, self.session_expiry);
        tracing::info!(device = %device.as_str(), "disconnected");
    }
}
