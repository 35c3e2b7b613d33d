//! Delivering a device's commands over one connection: PUBLISHes on the
//! commands topic at the lower of the operation's QoS and the QoS granted
//! to the device's commands subscription (MQTT 5 §3.8.4).
//!
//! - At QoS 1, no more in flight than the client's Receive Maximum, each
//!   settled by its PUBACK as the spec's outcomes say (success completes,
//!   Abandon redelivers, Reject drops it). What the connection leaves
//!   unsettled goes back to the queue.
//! - At QoS 0 (a device that subscribed at QoS 0: the overview makes the
//!   acknowledgement optional) there is no PUBACK to wait for: a command is
//!   completed when it is handed to the connection (at most once), and the
//!   Receive Maximum, which counts only QoS 1 and 2 PUBLISHes, does not
//!   apply.

use std::collections::HashMap;

use iothub_client::api::receive_commands::{self, Alternative};
use iothub_client::operation::Outcome;
use iothub_client::wire::{MqttProperties, Properties};
use rumqttc::v5::mqttbytes::v5::{Packet, PubAck, Publish};
use rumqttc::v5::mqttbytes::QoS;

use super::reason;
use crate::hub::Hub;
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
    /// The PUBACK answers no command in flight.
    Unknown,
}

impl Delivery {
    /// Delivery within the client's Receive Maximum.
    pub fn new(client_receive_maximum: Option<u16>) -> Self {
        Self {
            in_flight: HashMap::new(),
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

    /// The PUBLISH of the next command that may go out now at `qos`, if
    /// any (a QoS 0 one is completed already).
    pub fn next(&mut self, hub: &Hub, device: &DeviceId, qos: QoS) -> Option<Packet> {
        let at_most_once = qos == QoS::AtMostOnce;
        if !at_most_once && self.in_flight.len() >= self.limit {
            return None;
        }
        let command = hub.commands().deliver_next(device)?;
        let properties = command.to_message().to_publish_properties();
        let mut publish = Publish::new(
            receive_commands::TOPIC,
            qos,
            command.command.payload.clone(),
            Some(properties),
        );
        if at_most_once {
            // Delivered just now by this connection: completing cannot fail
            // but for a removed device, which needs it no more.
            let _ = hub.commands().complete(device, command.sequence_no);
        } else {
            let pkid = self.pkid();
            self.in_flight.insert(pkid, command.sequence_no);
            publish.pkid = pkid;
        }
        Some(Packet::Publish(publish))
    }

    /// Puts every command still in flight on this connection back in the
    /// queue (the connection ended); returns how many.
    pub fn release_all(&mut self, hub: &Hub, device: &DeviceId) -> usize {
        self.in_flight
            .drain()
            .filter(|(_, sequence_no)| hub.commands().release(device, *sequence_no))
            .count()
    }

    /// Settles the command `ack` answers. A PUBACK that does not read as
    /// one of the operation's outcomes abandons the command (it is
    /// delivered again rather than lost).
    pub fn settle(&mut self, hub: &Hub, device: &DeviceId, ack: &PubAck) -> Settled {
        let Some(sequence_no) = self.in_flight.remove(&ack.pkid) else {
            return Settled::Unknown;
        };
        let properties = ack
            .properties
            .as_ref()
            .map(Properties::from)
            .unwrap_or_default();
        let outcome = receive_commands::outcome(reason::puback_code(&ack.reason), &properties);
        let commands = hub.commands();
        // A command settled after a takeover released it is no longer
        // this connection's to settle: the error is expected then.
        let settled = match outcome {
            Ok(Outcome::Success(_)) => {
                let _ = commands.complete(device, sequence_no);
                Settled::Completed
            }
            Ok(Outcome::Alternative {
                status: Alternative::Reject,
                ..
            }) => {
                let _ = commands.reject(device, sequence_no);
                Settled::Rejected
            }
            Ok(Outcome::Alternative { .. }) | Err(_) => {
                if let Err(e) = &outcome {
                    tracing::debug!(device = %device.as_str(), error = %e, "unreadable command acknowledgement; abandoned");
                }
                let _ = commands.abandon(device, sequence_no);
                Settled::Abandoned
            }
        };
        settled
    }
}
