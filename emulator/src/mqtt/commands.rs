//! Delivering a device's commands over one connection: PUBLISHes on the
//! commands topic at the lower of the operation's QoS and the QoS granted
//! to the device's commands subscription (MQTT 5 §3.8.4).
//!
//! - At QoS 1, no more in flight than the client's Receive Maximum, each
//!   settled by its PUBACK as the spec's outcomes say (success completes,
//!   Abandon redelivers after a delay, Reject drops it; see
//!   [`Delivery::settle`]). What the connection leaves unsettled goes back
//!   to the queue. A command delivered the maximum number of times without
//!   being completed or rejected is dead-lettered.
//! - At QoS 0 (a device that subscribed at QoS 0: the overview makes the
//!   acknowledgement optional) there is no PUBACK to wait for: a command is
//!   completed when it is handed to the connection (at most once), and the
//!   Receive Maximum, which counts only QoS 1 and 2 PUBLISHes, does not
//!   apply.
//! - A command larger than the client's Maximum Packet Size is not sent and
//!   not lost: it stays queued (not delivered, its delivery count
//!   unchanged) and this connection passes over it to the commands after
//!   it; a connection with a larger limit gets it. MQTT 5 would have the
//!   server drop it as if sent ([MQTT-3.1.2-25]); a command must not vanish
//!   unseen, so the hub keeps it, where the service side can see it.

use std::collections::{HashMap, HashSet};

use iothub_client::api::receive_commands::{self, Alternative};
use iothub_client::api::{self};
use iothub_client::wire::{user_property, MqttProperties, WireValue as _};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, PubAck, Publish};
use iothub_mqtt::ReasonCode;

use super::packet_size::{self, PacketLimit};
use crate::hub::{CommandState, Hub, QueuedCommand};
use crate::registry::DeviceId;

/// MQTT 5's default Receive Maximum when the client states none.
const DEFAULT_RECEIVE_MAXIMUM: u16 = u16::MAX;

/// The commands in flight on one connection.
#[derive(Debug)]
pub struct Delivery {
    /// Packet id → command sequence number.
    in_flight: HashMap<u16, u64>,
    next_pkid: u16,
    limit: usize,
    /// Commands too large for this client, passed over (sequence numbers).
    oversized: HashSet<u64>,
}

/// What a PUBACK did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Completed.
    Completed,
    /// Abandoned: it will be delivered again.
    Abandoned,
    /// Rejected.
    Rejected,
    /// Abandoned (or failed) for the last time it may be delivered:
    /// dead-lettered.
    DeadLettered,
    /// The PUBACK answers no command in flight.
    Unknown,
}

impl Delivery {
    /// Delivery within the client's Receive Maximum.
    pub fn new(client_receive_maximum: Option<u16>) -> Self {
        Self {
            in_flight: HashMap::new(),
            oversized: HashSet::new(),
            next_pkid: 0,
            limit: usize::from(
                client_receive_maximum
                    .unwrap_or(DEFAULT_RECEIVE_MAXIMUM)
                    .max(1),
            ),
        }
    }

    fn pkid(&mut self) -> u16 {
        loop {
            self.next_pkid = self.next_pkid.checked_add(1).unwrap_or(1);
            if !self.in_flight.contains_key(&self.next_pkid) {
                return self.next_pkid;
            }
        }
    }

    /// The PUBLISH of the next command that may go out now at `qos` and
    /// fits `limit`, if any (a QoS 0 one is completed already).
    pub fn next(
        &mut self,
        hub: &Hub,
        device: &DeviceId,
        qos: QoS,
        limit: PacketLimit,
    ) -> Option<Packet> {
        let at_most_once = qos == QoS::AtMostOnce;
        if !at_most_once && self.in_flight.len() >= self.limit {
            return None;
        }
        loop {
            let mut candidate = self.candidate(hub, device)?;
            let sequence_no = candidate.sequence_no;
            // Measured as it will go out: delivered once more.
            candidate.delivery_count = candidate.delivery_count.saturating_add(1);
            if !limit.fits(&publish(&candidate, qos)) {
                self.pass_over(device, &candidate, qos, limit);
                continue;
            }
            // Another connection may have taken it meanwhile: the next one.
            let Ok(command) = hub.commands().mark_delivered(device, sequence_no) else {
                continue;
            };
            let mut packet = publish(&command, qos);
            if !limit.fits(&packet) {
                let _ = hub.commands().release(device, sequence_no);
                self.pass_over(device, &command, qos, limit);
                continue;
            }
            if at_most_once {
                // Delivered just now by this connection: completing cannot
                // fail but for a removed device, which needs it no more.
                let _ = hub.commands().complete(device, sequence_no);
            } else {
                let pkid = self.pkid();
                self.in_flight.insert(pkid, sequence_no);
                if let Packet::Publish(publish) = &mut packet {
                    publish.pkid = pkid;
                }
            }
            return Some(packet);
        }
    }

    /// The first deliverable command this connection did not pass over.
    fn candidate(&self, hub: &Hub, device: &DeviceId) -> Option<QueuedCommand> {
        let first = hub.commands().next_deliverable(device)?;
        if !self.oversized.contains(&first.sequence_no) {
            return Some(first);
        }
        hub.commands()
            .list(device)
            .into_iter()
            .find(|c| c.state.is_deliverable() && !self.oversized.contains(&c.sequence_no))
    }

    fn pass_over(
        &mut self,
        device: &DeviceId,
        command: &QueuedCommand,
        qos: QoS,
        limit: PacketLimit,
    ) {
        tracing::info!(
            device = %device.as_str(),
            sequence_no = command.sequence_no,
            size = packet_size::size(&publish(command, qos)),
            max = ?limit.max(),
            "command larger than the device's Maximum Packet Size; kept queued"
        );
        self.oversized.insert(command.sequence_no);
    }

    /// Puts every command still in flight on this connection back in the
    /// queue (the connection ended); returns how many.
    pub fn release_all(&mut self, hub: &Hub, device: &DeviceId) -> usize {
        self.in_flight
            .drain()
            .filter(|(_, sequence_no)| hub.commands().release(device, *sequence_no))
            .count()
    }

    /// Settles the command `ack` answers, as the overview reads a PUBACK:
    /// Success completes it; a failure reason code is settled by its
    /// `status` when that names one of the operation's alternatives
    /// (Reject rejects, Abandon abandons), and otherwise (no `status`, one
    /// the operation does not list, or one that is not a status at all)
    /// by the reason code alone, as a failed delivery: abandoned, which
    /// counts toward the maximum delivery count. Other properties (a
    /// `reason`, a `trace-id`, anything a device adds) never change the
    /// outcome.
    pub fn settle(&mut self, hub: &Hub, device: &DeviceId, ack: &PubAck) -> Settled {
        let Some(sequence_no) = self.in_flight.remove(&ack.pkid) else {
            return Settled::Unknown;
        };
        let commands = hub.commands();
        // A command settled after a takeover released it is no longer
        // this connection's to settle: the error is expected then.
        if ack.reason == ReasonCode::Success {
            let _ = commands.complete(device, sequence_no);
            return Settled::Completed;
        }
        let status = ack
            .properties
            .as_ref()
            .and_then(|p| user_property(&p.user_properties, api::RESPONSE_PROPERTIES.status))
            .and_then(|text| Alternative::from_wire(&text));
        if status == Some(Alternative::Reject) {
            let _ = commands.reject(device, sequence_no);
            return Settled::Rejected;
        }
        if status != Some(Alternative::Abandon) {
            tracing::debug!(device = %device.as_str(), sequence_no, reason = ?ack.reason, "a failed delivery without an alternative's status; abandoned");
        }
        match commands.abandon(device, sequence_no) {
            Ok(CommandState::DeadLettered) => {
                tracing::info!(device = %device.as_str(), sequence_no, "command delivered the maximum number of times; dead-lettered");
                Settled::DeadLettered
            }
            _ => Settled::Abandoned,
        }
    }
}

/// The PUBLISH of `command` at `qos` (its packet identifier still 0).
fn publish(command: &QueuedCommand, qos: QoS) -> Packet {
    let properties = command.to_message().to_publish_properties();
    Packet::Publish(Publish::new(
        receive_commands::TOPIC,
        qos,
        command.command.payload.clone(),
        Some(properties),
    ))
}
