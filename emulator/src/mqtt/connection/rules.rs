//! MQTT 5's rules on a connection: each packet dispatched (PINGREQ,
//! DISCONNECT, AUTH re-authentication, SUBSCRIBE and UNSUBSCRIBE, PUBACKs
//! of commands), and a PUBLISH checked (topic aliases, QoS, RETAIN, the
//! hub's Receive Maximum) before its operation handles it.

use iothub_client::api::connection::DisconnectReason;
use iothub_client::api::{self, limits};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, PingResp, Publish};
use iothub_mqtt::{ReasonCode, Violation};

use super::context::Clock;
use super::session::{End, Open, Pending};
use crate::hub::FaultAction;
use crate::mqtt::connect;
use crate::mqtt::frame::Frame;
use crate::mqtt::outbox::Outbox;
use crate::mqtt::outcome;
use crate::mqtt::publish::{self, Peer};
use crate::mqtt::subscribe::{self};
use crate::store::Reservation;

/// The stable name of the client-to-server operation of `topic`, if any.
fn operation_of(topic: &str) -> Option<&'static str> {
    use iothub_client::operation::Operation;
    if api::send_telemetry::is_topic(topic) {
        Some(api::SendTelemetry::NAME)
    } else if api::get_twin::is_topic(topic) {
        Some(api::GetTwin::NAME)
    } else if api::patch_twin_reported::is_topic(topic) {
        Some(api::PatchTwinReported::NAME)
    } else {
        None
    }
}

/// Queues `reply`, or ends the connection with it.
fn answer(out: &mut Outbox, mut reply: publish::Reply) -> Option<End> {
    if reply.close {
        return reply.packets.pop().map(End::hub).or(Some(End::Closed));
    }
    out.reply(reply);
    None
}

impl Open {
    /// Handles one packet; `Some` ends the connection.
    pub(super) fn on_frame(&mut self, out: &mut Outbox, frame: Frame, clock: Clock) -> Option<End> {
        let packet = match frame {
            Frame::Packet(packet) => *packet,
            Frame::Auth(auth) => {
                let ctx = self.shared.connect_context(&self.transport, clock);
                return match connect::reauthenticate(&self.accepted, &auth, &ctx) {
                    Ok(expiry_ms) => {
                        self.expiry = Some(clock.instant_of(expiry_ms));
                        let success = crate::mqtt::auth::AuthPacket {
                            method: auth.method.clone(),
                            ..crate::mqtt::auth::AuthPacket::default()
                        };
                        out.send_auth(success);
                        None
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
                out.send(Packet::PingResp(PingResp));
                None
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
            Packet::Publish(publish) => self.on_publish(out, publish, clock),
            Packet::Subscribe(subscribe) => {
                if let Err(violation) = subscribe::check(&subscribe) {
                    return Some(End::violation(&violation));
                }
                let ack = self.subscriptions.subscribe(&subscribe);
                self.shared.sessions.set_subscriptions(
                    &self.accepted.device,
                    self.opened.connection,
                    self.subscriptions.list(),
                );
                out.send(Packet::SubAck(ack));
                self.deliver_commands(out);
                None
            }
            Packet::Unsubscribe(unsubscribe) => {
                if let Err(violation) = subscribe::check_unsubscribe(&unsubscribe) {
                    return Some(End::violation(&violation));
                }
                let ack = self.subscriptions.unsubscribe(&unsubscribe);
                self.shared.sessions.set_subscriptions(
                    &self.accepted.device,
                    self.opened.connection,
                    self.subscriptions.list(),
                );
                out.send(Packet::UnsubAck(ack));
                None
            }
            // Acknowledgements of what the hub sends (commands) come later.
            Packet::PubAck(ack) => {
                let settled = self
                    .delivery
                    .settle(&self.shared.hub, &self.accepted.device, &ack);
                tracing::debug!(device = %self.accepted.device.as_str(), pkid = ack.pkid, ?settled, "command acknowledged");
                self.deliver_commands(out);
                None
            }
            _ => Some(End::hub(outcome::disconnect(
                ReasonCode::ProtocolError,
                None,
                "a client does not send this packet",
            ))),
        }
    }

    /// Handles a PUBLISH of the client; one that needs room in the state
    /// writer's queue and finds none waits in `pending`.
    pub(super) fn on_publish(
        &mut self,
        out: &mut Outbox,
        publish: Publish,
        clock: Clock,
    ) -> Option<End> {
        let topic = match self.topic_of(&publish) {
            Ok(topic) => topic,
            Err(violation) => return Some(End::violation(&violation)),
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
            let waiting = out.received();
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
                out.reply(publish::Reply::send(ack));
                return None;
            }
            return self.on_method_response(&publish);
        }
        // An injected fault: a status instead of the operation, or a
        // latency before its answer.
        let mut not_before = None;
        if let Some(operation) = operation_of(&topic) {
            match self
                .shared
                .hub
                .faults()
                .take(&self.accepted.device, operation)
            {
                Some(FaultAction::Status(status)) => {
                    let peer = Peer {
                        device: &self.accepted.device,
                        problem_information: self.accepted.problem_information,
                        limit: out.limit(),
                    };
                    let reply = publish::fault(&publish, &topic, peer, &self.shared.hub, status);
                    return answer(out, reply);
                }
                Some(FaultAction::Latency(delay)) => not_before = Some(clock.instant + delay),
                None => {}
            }
        }
        // Room in the state writer's queue first (QoS 0 too): a hub whose
        // disk falls behind stops reading from its publishers.
        let journal = self.shared.hub.journal();
        let reservation = if journal.is_durable() {
            match journal.try_reserve(publish::footprint(&publish)) {
                Some(reservation) => Some(reservation),
                None => {
                    self.pending = Some(Box::new(Pending {
                        publish,
                        topic,
                        not_before,
                    }));
                    return None;
                }
            }
        } else {
            None
        };
        self.handle_publish(out, &publish, &topic, reservation, not_before)
    }

    /// The room `pending`'s PUBLISH waited for: it is handled now.
    pub(super) fn reserved(&mut self, out: &mut Outbox, reservation: Reservation) -> Option<End> {
        let pending = self.pending.take()?;
        self.handle_publish(
            out,
            &pending.publish,
            &pending.topic,
            Some(reservation),
            pending.not_before,
        )
    }

    /// The PUBLISH's operation, its reply queued in order (not before
    /// `not_before`, if given).
    fn handle_publish(
        &mut self,
        out: &mut Outbox,
        publish: &Publish,
        topic: &str,
        reservation: Option<Reservation>,
        not_before: Option<std::time::Instant>,
    ) -> Option<End> {
        let peer = Peer {
            device: &self.accepted.device,
            problem_information: self.accepted.problem_information,
            limit: out.limit(),
        };
        let mut reply = publish::handle(publish, topic, peer, &self.shared.hub, reservation);
        reply.not_before = not_before;
        answer(out, reply)
    }

    /// The topic of `publish`, through the client's topic aliases; else the
    /// DISCONNECT reason code MQTT 5 gives and why: a topic that is not
    /// well-formed UTF-8 or holds U+0000 is a Malformed Packet (§1.5.4), an
    /// empty topic without an alias or with an alias never set a Protocol
    /// Error (§3.3.2.3.4, §3.3.4), an alias of 0 or above the maximum Topic
    /// Alias invalid.
    pub(super) fn topic_of(&mut self, publish: &Publish) -> Result<String, Violation> {
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
