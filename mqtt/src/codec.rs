//! Between this crate's packets and rumqttc's, which encode and decode
//! them. Private: no rumqttc type crosses the crate's API.

use rumqttc::v5::mqttbytes::v5 as rq;
use rumqttc::v5::mqttbytes::QoS as RqQoS;

use bytes::BytesMut;

use crate::error::FrameError;
use crate::packet::*;
use crate::reason;
use crate::ReasonCode;

fn qos_to(qos: QoS) -> RqQoS {
    match qos {
        QoS::AtMostOnce => RqQoS::AtMostOnce,
        QoS::AtLeastOnce => RqQoS::AtLeastOnce,
        QoS::ExactlyOnce => RqQoS::ExactlyOnce,
    }
}

fn qos_from(qos: RqQoS) -> QoS {
    match qos {
        RqQoS::AtMostOnce => QoS::AtMostOnce,
        RqQoS::AtLeastOnce => QoS::AtLeastOnce,
        RqQoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

/// rumqttc's properties of an acknowledgement (`$ty`: one struct per
/// packet type, all with the same two fields) from ours.
macro_rules! ack_properties {
    ($($ty:ident)::+, $properties:expr) => {
        $properties.as_ref().map(|p: &AckProperties| $($ty)::+ {
            reason_string: p.reason_string.clone(),
            user_properties: p.user_properties.clone(),
        })
    };
}

impl Packet {
    /// Appends the packet's bytes to `buffer`; with `max_size`, a packet
    /// larger than it is refused. The number of bytes written.
    pub fn write(&self, buffer: &mut BytesMut, max_size: Option<u32>) -> Result<usize, FrameError> {
        to_codec(self)
            .write(buffer, max_size)
            .map_err(|e| FrameError::Malformed(e.to_string()))
    }
}

/// Ours → rumqttc's, for encoding.
pub(crate) fn to_codec(packet: &Packet) -> rq::Packet {
    match packet {
        Packet::Connect(c, will, login) => rq::Packet::Connect(
            rq::Connect {
                keep_alive: c.keep_alive,
                client_id: c.client_id.clone(),
                clean_start: c.clean_start,
                properties: c.properties.as_ref().map(|p| rq::ConnectProperties {
                    session_expiry_interval: p.session_expiry_interval,
                    receive_maximum: p.receive_maximum,
                    max_packet_size: p.max_packet_size,
                    topic_alias_max: p.topic_alias_max,
                    request_response_info: p.request_response_info,
                    request_problem_info: p.request_problem_info,
                    user_properties: p.user_properties.clone(),
                    authentication_method: p.authentication_method.clone(),
                    authentication_data: p.authentication_data.clone(),
                }),
            },
            will.as_ref().map(|w| rq::LastWill {
                topic: w.topic.clone(),
                message: w.message.clone(),
                qos: qos_to(w.qos),
                retain: w.retain,
                properties: w.properties.as_ref().map(|p| rq::LastWillProperties {
                    delay_interval: p.delay_interval,
                    payload_format_indicator: p.payload_format_indicator,
                    message_expiry_interval: p.message_expiry_interval,
                    content_type: p.content_type.clone(),
                    response_topic: p.response_topic.clone(),
                    correlation_data: p.correlation_data.clone(),
                    user_properties: p.user_properties.clone(),
                }),
            }),
            login.as_ref().map(|l| rq::Login {
                username: l.username.clone(),
                password: l.password.clone(),
            }),
        ),
        Packet::ConnAck(a) => rq::Packet::ConnAck(rq::ConnAck {
            session_present: a.session_present,
            code: reason::connack(a.code),
            properties: a.properties.as_ref().map(|p| rq::ConnAckProperties {
                session_expiry_interval: p.session_expiry_interval,
                receive_max: p.receive_max,
                max_qos: p.max_qos,
                retain_available: p.retain_available,
                max_packet_size: p.max_packet_size,
                assigned_client_identifier: p.assigned_client_identifier.clone(),
                topic_alias_max: p.topic_alias_max,
                reason_string: p.reason_string.clone(),
                user_properties: p.user_properties.clone(),
                wildcard_subscription_available: p.wildcard_subscription_available,
                subscription_identifiers_available: p.subscription_identifiers_available,
                shared_subscription_available: p.shared_subscription_available,
                server_keep_alive: p.server_keep_alive,
                response_information: p.response_information.clone(),
                server_reference: p.server_reference.clone(),
                authentication_method: p.authentication_method.clone(),
                authentication_data: p.authentication_data.clone(),
            }),
        }),
        Packet::Publish(p) => rq::Packet::Publish(publish_to(p)),
        Packet::PubAck(a) => rq::Packet::PubAck(rq::PubAck {
            pkid: a.pkid,
            reason: reason::puback(a.reason),
            properties: ack_properties!(rq::PubAckProperties, a.properties),
        }),
        Packet::PubRec(a) => rq::Packet::PubRec(rq::PubRec {
            pkid: a.pkid,
            reason: match reason::puback(a.reason) {
                rq::PubAckReason::Success => rq::PubRecReason::Success,
                _ => rq::PubRecReason::UnspecifiedError,
            },
            properties: ack_properties!(rq::PubRecProperties, a.properties),
        }),
        Packet::PubRel(a) => rq::Packet::PubRel(rq::PubRel {
            pkid: a.pkid,
            reason: match a.reason {
                ReasonCode::Success => rq::PubRelReason::Success,
                _ => rq::PubRelReason::PacketIdentifierNotFound,
            },
            properties: ack_properties!(rq::PubRelProperties, a.properties),
        }),
        Packet::PubComp(a) => rq::Packet::PubComp(rq::PubComp {
            pkid: a.pkid,
            reason: match a.reason {
                ReasonCode::Success => rq::PubCompReason::Success,
                _ => rq::PubCompReason::PacketIdentifierNotFound,
            },
            properties: ack_properties!(rq::PubCompProperties, a.properties),
        }),
        Packet::Subscribe(s) => rq::Packet::Subscribe(rq::Subscribe {
            pkid: s.pkid,
            filters: s
                .filters
                .iter()
                .map(|f| rq::Filter {
                    path: f.path.clone(),
                    qos: qos_to(f.qos),
                    nolocal: f.nolocal,
                    preserve_retain: f.preserve_retain,
                    retain_forward_rule: match f.retain_forward_rule {
                        RetainForwardRule::OnEverySubscribe => {
                            rq::RetainForwardRule::OnEverySubscribe
                        }
                        RetainForwardRule::OnNewSubscribe => rq::RetainForwardRule::OnNewSubscribe,
                        RetainForwardRule::Never => rq::RetainForwardRule::Never,
                    },
                })
                .collect(),
            properties: s.properties.as_ref().map(|p| rq::SubscribeProperties {
                id: p.id,
                user_properties: p.user_properties.clone(),
            }),
        }),
        Packet::SubAck(a) => rq::Packet::SubAck(rq::SubAck {
            pkid: a.pkid,
            return_codes: a.return_codes.iter().map(|c| reason::suback(*c)).collect(),
            properties: a.properties.as_ref().map(|p| rq::SubAckProperties {
                reason_string: p.reason_string.clone(),
                user_properties: p.user_properties.clone(),
            }),
        }),
        Packet::Unsubscribe(u) => rq::Packet::Unsubscribe(rq::Unsubscribe {
            pkid: u.pkid,
            filters: u.filters.clone(),
            properties: u.properties.as_ref().map(|p| rq::UnsubscribeProperties {
                user_properties: p.user_properties.clone(),
            }),
        }),
        Packet::UnsubAck(a) => rq::Packet::UnsubAck(rq::UnsubAck {
            pkid: a.pkid,
            reasons: a.reasons.iter().map(|c| reason::unsuback(*c)).collect(),
            properties: a.properties.as_ref().map(|p| rq::UnsubAckProperties {
                reason_string: p.reason_string.clone(),
                user_properties: p.user_properties.clone(),
            }),
        }),
        Packet::PingReq(_) => rq::Packet::PingReq(rq::PingReq),
        Packet::PingResp(_) => rq::Packet::PingResp(rq::PingResp),
        Packet::Disconnect(d) => rq::Packet::Disconnect(rq::Disconnect {
            reason_code: reason::disconnect(d.reason_code),
            properties: d.properties.as_ref().map(|p| rq::DisconnectProperties {
                session_expiry_interval: p.session_expiry_interval,
                reason_string: p.reason_string.clone(),
                user_properties: p.user_properties.clone(),
                server_reference: p.server_reference.clone(),
            }),
        }),
    }
}

fn publish_to(p: &Publish) -> rq::Publish {
    rq::Publish {
        dup: p.dup,
        qos: qos_to(p.qos),
        retain: p.retain,
        topic: p.topic.clone(),
        pkid: p.pkid,
        payload: p.payload.clone(),
        properties: p.properties.as_ref().map(|p| rq::PublishProperties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            topic_alias: p.topic_alias,
            response_topic: p.response_topic.clone(),
            correlation_data: p.correlation_data.clone(),
            user_properties: p.user_properties.clone(),
            subscription_identifiers: p.subscription_identifiers.clone(),
            content_type: p.content_type.clone(),
        }),
    }
}

fn ack_from(
    reason_string: Option<String>,
    user_properties: Vec<(String, String)>,
) -> AckProperties {
    AckProperties {
        reason_string,
        user_properties,
    }
}

/// rumqttc's → ours, after decoding. `None` for AUTH, which the framing
/// reads itself.
pub(crate) fn from_codec(packet: rq::Packet) -> Option<Packet> {
    Some(match packet {
        rq::Packet::Auth(_) => return None,
        rq::Packet::Connect(c, will, login) => Packet::Connect(
            Connect {
                keep_alive: c.keep_alive,
                client_id: c.client_id,
                clean_start: c.clean_start,
                properties: c.properties.map(|p| ConnectProperties {
                    session_expiry_interval: p.session_expiry_interval,
                    receive_maximum: p.receive_maximum,
                    max_packet_size: p.max_packet_size,
                    topic_alias_max: p.topic_alias_max,
                    request_response_info: p.request_response_info,
                    request_problem_info: p.request_problem_info,
                    user_properties: p.user_properties,
                    authentication_method: p.authentication_method,
                    authentication_data: p.authentication_data,
                }),
            },
            will.map(|w| LastWill {
                topic: w.topic,
                message: w.message,
                qos: qos_from(w.qos),
                retain: w.retain,
                properties: w.properties.map(|p| LastWillProperties {
                    delay_interval: p.delay_interval,
                    payload_format_indicator: p.payload_format_indicator,
                    message_expiry_interval: p.message_expiry_interval,
                    content_type: p.content_type,
                    response_topic: p.response_topic,
                    correlation_data: p.correlation_data,
                    user_properties: p.user_properties,
                }),
            }),
            login.map(|l| Login {
                username: l.username,
                password: l.password,
            }),
        ),
        rq::Packet::ConnAck(a) => Packet::ConnAck(ConnAck {
            session_present: a.session_present,
            code: reason::connack_code(a.code),
            properties: a.properties.map(|p| ConnAckProperties {
                session_expiry_interval: p.session_expiry_interval,
                receive_max: p.receive_max,
                max_qos: p.max_qos,
                retain_available: p.retain_available,
                max_packet_size: p.max_packet_size,
                assigned_client_identifier: p.assigned_client_identifier,
                topic_alias_max: p.topic_alias_max,
                reason_string: p.reason_string,
                user_properties: p.user_properties,
                wildcard_subscription_available: p.wildcard_subscription_available,
                subscription_identifiers_available: p.subscription_identifiers_available,
                shared_subscription_available: p.shared_subscription_available,
                server_keep_alive: p.server_keep_alive,
                response_information: p.response_information,
                server_reference: p.server_reference,
                authentication_method: p.authentication_method,
                authentication_data: p.authentication_data,
            }),
        }),
        rq::Packet::Publish(p) => Packet::Publish(Publish {
            dup: p.dup,
            qos: qos_from(p.qos),
            retain: p.retain,
            topic: p.topic,
            pkid: p.pkid,
            payload: p.payload,
            properties: p.properties.map(|p| PublishProperties {
                payload_format_indicator: p.payload_format_indicator,
                message_expiry_interval: p.message_expiry_interval,
                topic_alias: p.topic_alias,
                response_topic: p.response_topic,
                correlation_data: p.correlation_data,
                user_properties: p.user_properties,
                subscription_identifiers: p.subscription_identifiers,
                content_type: p.content_type,
            }),
        }),
        rq::Packet::PubAck(a) => Packet::PubAck(PubAck {
            pkid: a.pkid,
            reason: reason::puback_code(&a.reason),
            properties: a
                .properties
                .map(|p| ack_from(p.reason_string, p.user_properties)),
        }),
        rq::Packet::PubRec(a) => Packet::PubRec(PubRec {
            pkid: a.pkid,
            reason: match a.reason {
                rq::PubRecReason::Success => ReasonCode::Success,
                rq::PubRecReason::NoMatchingSubscribers => ReasonCode::NoMatchingSubscribers,
                rq::PubRecReason::UnspecifiedError => ReasonCode::UnspecifiedError,
                rq::PubRecReason::ImplementationSpecificError => {
                    ReasonCode::ImplementationSpecificError
                }
                rq::PubRecReason::NotAuthorized => ReasonCode::NotAuthorized,
                rq::PubRecReason::TopicNameInvalid => ReasonCode::TopicNameInvalid,
                rq::PubRecReason::PacketIdentifierInUse => ReasonCode::PacketIdentifierInUse,
                rq::PubRecReason::QuotaExceeded => ReasonCode::QuotaExceeded,
                rq::PubRecReason::PayloadFormatInvalid => ReasonCode::PayloadFormatInvalid,
            },
            properties: a
                .properties
                .map(|p| ack_from(p.reason_string, p.user_properties)),
        }),
        rq::Packet::PubRel(a) => Packet::PubRel(PubRel {
            pkid: a.pkid,
            reason: match a.reason {
                rq::PubRelReason::Success => ReasonCode::Success,
                rq::PubRelReason::PacketIdentifierNotFound => ReasonCode::PacketIdentifierNotFound,
            },
            properties: a
                .properties
                .map(|p| ack_from(p.reason_string, p.user_properties)),
        }),
        rq::Packet::PubComp(a) => Packet::PubComp(PubComp {
            pkid: a.pkid,
            reason: match a.reason {
                rq::PubCompReason::Success => ReasonCode::Success,
                rq::PubCompReason::PacketIdentifierNotFound => ReasonCode::PacketIdentifierNotFound,
            },
            properties: a
                .properties
                .map(|p| ack_from(p.reason_string, p.user_properties)),
        }),
        rq::Packet::Subscribe(s) => Packet::Subscribe(Subscribe {
            pkid: s.pkid,
            filters: s
                .filters
                .into_iter()
                .map(|f| Filter {
                    path: f.path,
                    qos: qos_from(f.qos),
                    nolocal: f.nolocal,
                    preserve_retain: f.preserve_retain,
                    retain_forward_rule: match f.retain_forward_rule {
                        rq::RetainForwardRule::OnEverySubscribe => {
                            RetainForwardRule::OnEverySubscribe
                        }
                        rq::RetainForwardRule::OnNewSubscribe => RetainForwardRule::OnNewSubscribe,
                        rq::RetainForwardRule::Never => RetainForwardRule::Never,
                    },
                })
                .collect(),
            properties: s.properties.map(|p| SubscribeProperties {
                id: p.id,
                user_properties: p.user_properties,
            }),
        }),
        rq::Packet::SubAck(a) => Packet::SubAck(SubAck {
            pkid: a.pkid,
            return_codes: a.return_codes.iter().map(reason::suback_code).collect(),
            properties: a.properties.map(|p| SubAckProperties {
                reason_string: p.reason_string,
                user_properties: p.user_properties,
            }),
        }),
        rq::Packet::Unsubscribe(u) => Packet::Unsubscribe(Unsubscribe {
            pkid: u.pkid,
            filters: u.filters,
            properties: u.properties.map(|p| UnsubscribeProperties {
                user_properties: p.user_properties,
            }),
        }),
        rq::Packet::UnsubAck(a) => Packet::UnsubAck(UnsubAck {
            pkid: a.pkid,
            reasons: a.reasons.iter().map(reason::unsuback_code).collect(),
            properties: a.properties.map(|p| UnsubAckProperties {
                reason_string: p.reason_string,
                user_properties: p.user_properties,
            }),
        }),
        rq::Packet::PingReq(_) => Packet::PingReq(PingReq),
        rq::Packet::PingResp(_) => Packet::PingResp(PingResp),
        rq::Packet::Disconnect(d) => Packet::Disconnect(Disconnect {
            reason_code: reason::disconnect_code(d.reason_code),
            properties: d.properties.map(|p| DisconnectProperties {
                session_expiry_interval: p.session_expiry_interval,
                reason_string: p.reason_string,
                user_properties: p.user_properties,
                server_reference: p.server_reference,
            }),
        }),
    })
}
