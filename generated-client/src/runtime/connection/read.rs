//! What the hub sends: frames read off the connection and what each means —
//! responses to their requests, PUBACKs to the messages in flight, the
//! SUBACK of this connection's SUBSCRIBE, server-to-client messages to
//! their routes (acknowledged in arrival order), DISCONNECT, AUTH.

use rumqttc::v5::mqttbytes::v5::{
    DisconnectReasonCode, Packet, Publish, SubscribeReasonCode, Unsubscribe,
};
use rumqttc::v5::mqttbytes::QoS;
use tokio::sync::mpsc::error::TrySendError;

use super::Connection;
use crate::api::{self, limits};
use crate::runtime::acks::Settlement;
use crate::runtime::connect::{self, CLIENT_RECEIVE_MAXIMUM};
use crate::runtime::correlation::Response;
use crate::runtime::inflight::{Acknowledgement, Inflight};
use crate::runtime::routes::{Incoming, Subscriptions};
use crate::runtime::state::DisconnectCause;
use crate::runtime::task::End;
use crate::transport::frame::{self, Frame, FrameError};
use crate::transport::reason;
use crate::wire::Properties;

fn protocol(message: impl Into<String>) -> End {
    End::Lost(DisconnectCause::Protocol(message.into()))
}

impl Connection<'_> {
    /// Handles every whole frame read so far.
    pub(super) fn on_bytes(
        &mut self,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
        subscribed: &mut bool,
    ) -> Result<(), End> {
        loop {
            let frame =
                frame::read(&mut self.link.read, limits::MAXIMUM_PACKET_SIZE).map_err(|e| {
                    self.violation = Some(match e {
                        FrameError::ProtocolError(_) => DisconnectReasonCode::ProtocolError,
                        _ => DisconnectReasonCode::MalformedPacket,
                    });
                    protocol(e.to_string())
                })?;
            match frame {
                None => return Ok(()),
                Some(Frame::Auth(auth)) if auth.reason_code == 0 && self.renewing.is_some() => {
                    self.renewed()
                }
                Some(Frame::Auth(auth)) => {
                    return Err(protocol(format!(
                        "unexpected AUTH with reason code 0x{:02X}",
                        auth.reason_code
                    )))
                }
                Some(Frame::Packet(packet)) => {
                    self.on_packet(*packet, subscriptions, inflight, subscribed)?
                }
            }
        }
    }

    fn on_packet(
        &mut self,
        packet: Packet,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
        subscribed: &mut bool,
    ) -> Result<(), End> {
        match packet {
            Packet::Publish(publish) => self.on_publish(publish, subscriptions, inflight),
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
                self.send_again(inflight)
            }
            Packet::SubAck(suback) if self.subscribe_pkid == Some(suback.pkid) => {
                self.subscribe_pkid = None;
                inflight.release(suback.pkid);
                let mut granted = suback.return_codes.len() == self.subscribe_filters.len();
                for (filter, code) in self.subscribe_filters.iter().zip(&suback.return_codes) {
                    if !matches!(code, SubscribeReasonCode::Success(_)) {
                        granted = false;
                        tracing::error!(
                            filter,
                            ?code,
                            "the hub refused a subscription; the next connection asks again"
                        );
                    }
                }
                *subscribed = granted;
                Ok(())
            }
            Packet::UnsubAck(unsuback) => {
                if let Some(at) = self
                    .unsubscribe_pkids
                    .iter()
                    .position(|p| *p == unsuback.pkid)
                {
                    self.unsubscribe_pkids.remove(at);
                    inflight.release(unsuback.pkid);
                }
                Ok(())
            }
            Packet::SubAck(suback) => {
                tracing::debug!(
                    pkid = suback.pkid,
                    "a SUBACK for no SUBSCRIBE of this connection"
                );
                Ok(())
            }
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
            other => Err(protocol(format!(
                "the hub sent {}, which a server does not send",
                connect::name(&other)
            ))),
        }
    }

    fn on_publish(
        &mut self,
        publish: Publish,
        subscriptions: &Subscriptions,
        inflight: &mut Inflight,
    ) -> Result<(), End> {
        let Ok(topic) = String::from_utf8(publish.topic.to_vec()) else {
            self.violation = Some(DisconnectReasonCode::TopicNameInvalid);
            return Err(protocol("a PUBLISH topic is not UTF-8"));
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
                self.violation = Some(DisconnectReasonCode::QoSNotSupported);
                return Err(protocol("a QoS 2 PUBLISH, above every subscription's QoS"));
            }
        };
        if qos1 && self.shared.acks.unsettled() >= usize::from(CLIENT_RECEIVE_MAXIMUM) {
            self.violation = Some(DisconnectReasonCode::ReceiveMaximumExceeded);
            return Err(protocol(format!(
                "more than the client's Receive Maximum ({CLIENT_RECEIVE_MAXIMUM}) QoS 1 messages unacknowledged"
            )));
        }
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
        match route.sender.try_send(incoming) {
            Ok(()) => {}
            Err(TrySendError::Full(incoming)) if incoming.delivery.is_some() => {
                // Held by the hub's count against the client's Receive
                // Maximum, so bounded: wait for the application off this loop.
                let sender = route.sender.clone();
                tokio::spawn(async move {
                    let _ = sender.send(incoming).await;
                });
            }
            Err(TrySendError::Full(_)) => {
                tracing::warn!(
                    filter = route.filter,
                    "the application is not keeping up; a message was dropped"
                );
                route.overflowed.notify_one();
            }
            Err(TrySendError::Closed(_)) => {
                // Nobody reads this operation any more: stop its messages
                // (a QoS 1 one is settled with its default, so the hub keeps it).
                if self.unsubscribed.insert(route.filter) {
                    tracing::info!(
                        filter = route.filter,
                        "its receiver was dropped; unsubscribing"
                    );
                    let pkid = inflight.reserve();
                    self.unsubscribe_pkids.push(pkid);
                    let mut unsubscribe = Unsubscribe::new(route.filter, None);
                    unsubscribe.pkid = pkid;
                    self.encode(&Packet::Unsubscribe(unsubscribe))?;
                }
            }
        }
        Ok(())
    }
}
