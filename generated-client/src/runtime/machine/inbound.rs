//! What the hub sends: frames read off the connection and what each means:
//! responses to their requests, PUBACKs to the messages in flight, the
//! SUBACK of this connection's SUBSCRIBE, server-to-client messages to
//! their routes (acknowledged in arrival order), DISCONNECT, AUTH.

use std::time::Instant;

use bytes::BytesMut;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, Publish};
use iothub_mqtt::ReasonCode;

use super::{End, Event, Message, SessionMachine};
use crate::runtime::correlation::Response;
use crate::runtime::inflight::Acknowledgement;
use crate::runtime::routes::matches;
use crate::runtime::settlement::Settlement;
use crate::runtime::state::DisconnectCause;
use crate::wire::Properties;
use iothub_mqtt::frame::{self, Frame, FrameError};

impl<T> SessionMachine<T> {
    /// Reads every whole packet in `buffer` (bytes just read, and any left
    /// from before), leaving a partial one for next time.
    pub(crate) fn handle_bytes(&mut self, now: Instant, buffer: &mut BytesMut) {
        let Some(link) = &mut self.link else {
            return;
        };
        link.read(now);
        while self.link.is_some() {
            match frame::read(buffer, self.config.maximum_packet_size) {
                Ok(None) => return,
                Ok(Some(Frame::Auth(auth))) => {
                    let renewed = auth.reason_code == 0
                        && self.link.as_mut().is_some_and(|link| link.renewed(now));
                    if renewed {
                        self.events.push_back(Event::Reauthenticated);
                    } else {
                        self.violation(
                            ReasonCode::ProtocolError,
                            format!(
                                "unexpected AUTH with reason code 0x{:02X}",
                                auth.reason_code
                            ),
                        );
                    }
                }
                Ok(Some(Frame::Packet(packet))) => self.on_packet(*packet),
                Err(e) => {
                    let code = match e {
                        FrameError::ProtocolError(_) => ReasonCode::ProtocolError,
                        FrameError::TooLarge { .. } => ReasonCode::PacketTooLarge,
                        FrameError::Malformed(_) => ReasonCode::MalformedPacket,
                    };
                    self.violation(code, e.to_string());
                }
            }
        }
    }

    /// The hub broke the protocol: DISCONNECT with `code`, and end.
    fn violation(&mut self, code: ReasonCode, message: String) {
        if let Some(link) = &mut self.link {
            link.violation.get_or_insert(code);
            let code = link.violation.unwrap_or(code);
            self.encode(&Packet::Disconnect(iothub_mqtt::packet::Disconnect::new(
                code,
            )));
        }
        self.finish(End::Lost(DisconnectCause::Protocol(message)));
    }

    fn on_packet(&mut self, packet: Packet) {
        match packet {
            Packet::Publish(publish) => self.on_publish(publish),
            Packet::PubAck(ack) => {
                let acknowledgement = Acknowledgement {
                    reason_code: ack.reason.into(),
                    properties: ack
                        .properties
                        .as_ref()
                        .map(Properties::from)
                        .unwrap_or_default(),
                };
                match self.inflight.remove(ack.pkid) {
                    Some(token) => self
                        .events
                        .push_back(Event::Acknowledged(token, acknowledgement)),
                    None => tracing::debug!(pkid = ack.pkid, "PUBACK for no PUBLISH in flight"),
                }
                self.send_again();
            }
            Packet::SubAck(suback) => self.on_suback(suback.pkid, &suback.return_codes),
            Packet::UnsubAck(unsuback) => {
                if let Some(link) = &mut self.link {
                    if let Some(at) = link.unsubscribes.iter().position(|p| *p == unsuback.pkid) {
                        link.unsubscribes.remove(at);
                        self.inflight.release(unsuback.pkid);
                    }
                }
            }
            Packet::PingResp(_) => {
                if let Some(link) = &mut self.link {
                    link.pong();
                }
            }
            Packet::Disconnect(disconnect) => {
                let user = disconnect
                    .properties
                    .as_ref()
                    .map(|p| p.user_properties.as_slice())
                    .unwrap_or_default();
                let status = crate::wire::user_property(user, self.config.status_property);
                let reason = self
                    .config
                    .reason_property
                    .and_then(|name| crate::wire::user_property(user, name))
                    .or_else(|| {
                        disconnect
                            .properties
                            .as_ref()
                            .and_then(|p| p.reason_string.clone())
                    });
                self.finish(End::Lost(DisconnectCause::Hub {
                    reason_code: u8::from(disconnect.reason_code),
                    status,
                    reason,
                }));
            }
            other => self.violation(
                ReasonCode::ProtocolError,
                format!(
                    "the hub sent {}, which a server does not send",
                    other.name()
                ),
            ),
        }
    }

    fn on_suback(&mut self, pkid: u16, codes: &[ReasonCode]) {
        let Some(link) = &mut self.link else {
            return;
        };
        let Some((_, routes)) = link.subscribe.take_if(|(id, _)| *id == pkid) else {
            tracing::debug!(pkid, "a SUBACK for no SUBSCRIBE of this connection");
            return;
        };
        self.inflight.release(pkid);
        let mut granted = codes.len() == routes.len();
        for (route, code) in routes.iter().zip(codes) {
            if let ReasonCode::Success | ReasonCode::GrantedQos1 | ReasonCode::GrantedQos2 = code {
                continue;
            }
            granted = false;
            let filter = self.config.routes[*route].0;
            let reason_code = u8::from(*code);
            tracing::error!(
                filter,
                reason_code,
                "the hub refused a subscription; the next connection asks again"
            );
            self.events.push_back(Event::SubscriptionRefused {
                filter,
                reason_code,
            });
        }
        self.subscribed = granted;
    }

    fn on_publish(&mut self, publish: Publish) {
        let Ok(topic) = String::from_utf8(publish.topic.to_vec()) else {
            return self.violation(
                ReasonCode::TopicNameInvalid,
                "a PUBLISH topic is not UTF-8".into(),
            );
        };
        let qos1 = match publish.qos {
            QoS::AtMostOnce => false,
            QoS::AtLeastOnce => true,
            QoS::ExactlyOnce => {
                return self.violation(
                    ReasonCode::QosNotSupported,
                    "a QoS 2 PUBLISH, above every subscription's QoS".into(),
                )
            }
        };
        let Some(link) = &mut self.link else {
            return;
        };
        if qos1 {
            if link.acks.len() >= usize::from(self.config.receive_maximum) {
                return self.violation(
                    ReasonCode::ReceiveMaximumExceeded,
                    format!(
                        "more than the client's Receive Maximum ({}) QoS 1 messages unacknowledged",
                        self.config.receive_maximum
                    ),
                );
            }
            link.acks.push(publish.pkid);
        }
        let properties = publish
            .properties
            .as_ref()
            .map(Properties::from)
            .unwrap_or_default();
        if topic == self.config.responses_topic {
            match properties.correlation_data.clone() {
                Some(correlation) => self.events.push_back(Event::Response {
                    correlation,
                    response: Response {
                        properties,
                        payload: publish.payload,
                    },
                }),
                None => tracing::warn!("a response without Correlation Data"),
            }
            if qos1 {
                self.settle(self.number, publish.pkid, Settlement::success());
            }
            return;
        }
        let route = self
            .config
            .routes
            .iter()
            .position(|(filter, _)| matches(filter, &topic));
        let Some(route) = route else {
            tracing::warn!(
                topic,
                "a PUBLISH on a topic the client did not subscribe to"
            );
            if qos1 {
                self.settle(self.number, publish.pkid, Settlement::unspecified_error());
            }
            return;
        };
        self.events.push_back(Event::Deliver {
            route,
            message: Message {
                topic,
                properties,
                payload: publish.payload,
                pkid: qos1.then_some(publish.pkid),
                connection: self.number,
            },
        });
    }
}
