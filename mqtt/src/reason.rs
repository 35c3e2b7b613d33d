//! [`ReasonCode`]s as rumqttc's per-packet enums and back: the spec gives
//! numbers (`Status::reason_code()`, the CONNACK and DISCONNECT codes),
//! rumqttc's packets want enums, and it converts only DISCONNECT codes
//! itself. A code a packet type cannot carry becomes its Unspecified error.

use rumqttc::v5::mqttbytes::v5::{
    ConnectReturnCode, DisconnectReasonCode, PubAckReason, SubscribeReasonCode, UnsubAckReason,
};
use rumqttc::v5::mqttbytes::QoS;

use crate::ReasonCode;

/// The PUBACK reason of `code` (§3.4.2.1).
pub fn puback(code: impl Into<ReasonCode>) -> PubAckReason {
    match code.into() {
        ReasonCode::Success => PubAckReason::Success,
        ReasonCode::NoMatchingSubscribers => PubAckReason::NoMatchingSubscribers,
        ReasonCode::ImplementationSpecificError => PubAckReason::ImplementationSpecificError,
        ReasonCode::NotAuthorized => PubAckReason::NotAuthorized,
        ReasonCode::TopicNameInvalid => PubAckReason::TopicNameInvalid,
        ReasonCode::PacketIdentifierInUse => PubAckReason::PacketIdentifierInUse,
        ReasonCode::QuotaExceeded => PubAckReason::QuotaExceeded,
        ReasonCode::PayloadFormatInvalid => PubAckReason::PayloadFormatInvalid,
        _ => PubAckReason::UnspecifiedError,
    }
}

/// The code of a PUBACK reason.
pub fn puback_code(reason: &PubAckReason) -> ReasonCode {
    match reason {
        PubAckReason::Success => ReasonCode::Success,
        PubAckReason::NoMatchingSubscribers => ReasonCode::NoMatchingSubscribers,
        PubAckReason::UnspecifiedError => ReasonCode::UnspecifiedError,
        PubAckReason::ImplementationSpecificError => ReasonCode::ImplementationSpecificError,
        PubAckReason::NotAuthorized => ReasonCode::NotAuthorized,
        PubAckReason::TopicNameInvalid => ReasonCode::TopicNameInvalid,
        PubAckReason::PacketIdentifierInUse => ReasonCode::PacketIdentifierInUse,
        PubAckReason::QuotaExceeded => ReasonCode::QuotaExceeded,
        PubAckReason::PayloadFormatInvalid => ReasonCode::PayloadFormatInvalid,
    }
}

/// The SUBACK reason of `code` (§3.9.3): a granted QoS, or a failure.
pub fn suback(code: impl Into<ReasonCode>) -> SubscribeReasonCode {
    match code.into() {
        ReasonCode::Success => SubscribeReasonCode::Success(QoS::AtMostOnce),
        ReasonCode::GrantedQos1 => SubscribeReasonCode::Success(QoS::AtLeastOnce),
        ReasonCode::GrantedQos2 => SubscribeReasonCode::Success(QoS::ExactlyOnce),
        ReasonCode::ImplementationSpecificError => SubscribeReasonCode::ImplementationSpecific,
        ReasonCode::NotAuthorized => SubscribeReasonCode::NotAuthorized,
        ReasonCode::TopicFilterInvalid => SubscribeReasonCode::TopicFilterInvalid,
        ReasonCode::PacketIdentifierInUse => SubscribeReasonCode::PkidInUse,
        ReasonCode::QuotaExceeded => SubscribeReasonCode::QuotaExceeded,
        ReasonCode::SharedSubscriptionsNotSupported => {
            SubscribeReasonCode::SharedSubscriptionsNotSupported
        }
        ReasonCode::SubscriptionIdentifiersNotSupported => {
            SubscribeReasonCode::SubscriptionIdNotSupported
        }
        ReasonCode::WildcardSubscriptionsNotSupported => {
            SubscribeReasonCode::WildcardSubscriptionsNotSupported
        }
        _ => SubscribeReasonCode::Unspecified,
    }
}

/// The code of a SUBACK reason.
pub fn suback_code(reason: &SubscribeReasonCode) -> ReasonCode {
    match reason {
        SubscribeReasonCode::Success(qos) => ReasonCode::from(*qos as u8),
        SubscribeReasonCode::Failure | SubscribeReasonCode::Unspecified => {
            ReasonCode::UnspecifiedError
        }
        SubscribeReasonCode::ImplementationSpecific => ReasonCode::ImplementationSpecificError,
        SubscribeReasonCode::NotAuthorized => ReasonCode::NotAuthorized,
        SubscribeReasonCode::TopicFilterInvalid => ReasonCode::TopicFilterInvalid,
        SubscribeReasonCode::PkidInUse => ReasonCode::PacketIdentifierInUse,
        SubscribeReasonCode::QuotaExceeded => ReasonCode::QuotaExceeded,
        SubscribeReasonCode::SharedSubscriptionsNotSupported => {
            ReasonCode::SharedSubscriptionsNotSupported
        }
        SubscribeReasonCode::SubscriptionIdNotSupported => {
            ReasonCode::SubscriptionIdentifiersNotSupported
        }
        SubscribeReasonCode::WildcardSubscriptionsNotSupported => {
            ReasonCode::WildcardSubscriptionsNotSupported
        }
    }
}

/// The UNSUBACK reason of `code` (§3.11.3).
pub fn unsuback(code: impl Into<ReasonCode>) -> UnsubAckReason {
    match code.into() {
        ReasonCode::Success => UnsubAckReason::Success,
        ReasonCode::NoSubscriptionExisted => UnsubAckReason::NoSubscriptionExisted,
        ReasonCode::ImplementationSpecificError => UnsubAckReason::ImplementationSpecificError,
        ReasonCode::NotAuthorized => UnsubAckReason::NotAuthorized,
        ReasonCode::TopicFilterInvalid => UnsubAckReason::TopicFilterInvalid,
        ReasonCode::PacketIdentifierInUse => UnsubAckReason::PacketIdentifierInUse,
        _ => UnsubAckReason::UnspecifiedError,
    }
}

/// The code of an UNSUBACK reason.
pub fn unsuback_code(reason: &UnsubAckReason) -> ReasonCode {
    match reason {
        UnsubAckReason::Success => ReasonCode::Success,
        UnsubAckReason::NoSubscriptionExisted => ReasonCode::NoSubscriptionExisted,
        UnsubAckReason::UnspecifiedError => ReasonCode::UnspecifiedError,
        UnsubAckReason::ImplementationSpecificError => ReasonCode::ImplementationSpecificError,
        UnsubAckReason::NotAuthorized => ReasonCode::NotAuthorized,
        UnsubAckReason::TopicFilterInvalid => ReasonCode::TopicFilterInvalid,
        UnsubAckReason::PacketIdentifierInUse => ReasonCode::PacketIdentifierInUse,
    }
}

/// The CONNACK reason of `code` (§3.2.2.2).
pub fn connack(code: impl Into<ReasonCode>) -> ConnectReturnCode {
    match code.into() {
        ReasonCode::Success => ConnectReturnCode::Success,
        ReasonCode::MalformedPacket => ConnectReturnCode::MalformedPacket,
        ReasonCode::ProtocolError => ConnectReturnCode::ProtocolError,
        ReasonCode::ImplementationSpecificError => ConnectReturnCode::ImplementationSpecificError,
        ReasonCode::UnsupportedProtocolVersion => ConnectReturnCode::UnsupportedProtocolVersion,
        ReasonCode::ClientIdentifierNotValid => ConnectReturnCode::ClientIdentifierNotValid,
        ReasonCode::BadUserNameOrPassword => ConnectReturnCode::BadUserNamePassword,
        ReasonCode::NotAuthorized => ConnectReturnCode::NotAuthorized,
        ReasonCode::ServerUnavailable => ConnectReturnCode::ServerUnavailable,
        ReasonCode::ServerBusy => ConnectReturnCode::ServerBusy,
        ReasonCode::Banned => ConnectReturnCode::Banned,
        ReasonCode::BadAuthenticationMethod => ConnectReturnCode::BadAuthenticationMethod,
        ReasonCode::TopicNameInvalid => ConnectReturnCode::TopicNameInvalid,
        ReasonCode::PacketTooLarge => ConnectReturnCode::PacketTooLarge,
        ReasonCode::QuotaExceeded => ConnectReturnCode::QuotaExceeded,
        ReasonCode::PayloadFormatInvalid => ConnectReturnCode::PayloadFormatInvalid,
        ReasonCode::RetainNotSupported => ConnectReturnCode::RetainNotSupported,
        ReasonCode::QosNotSupported => ConnectReturnCode::QoSNotSupported,
        ReasonCode::UseAnotherServer => ConnectReturnCode::UseAnotherServer,
        ReasonCode::ServerMoved => ConnectReturnCode::ServerMoved,
        ReasonCode::ConnectionRateExceeded => ConnectReturnCode::ConnectionRateExceeded,
        _ => ConnectReturnCode::UnspecifiedError,
    }
}

/// The code of a CONNACK reason.
pub fn connack_code(reason: ConnectReturnCode) -> ReasonCode {
    (0..=u8::MAX)
        .find(|&code| connack(code) == reason)
        // Every variant but Unspecified error has its own code above; the
        // protocol-version refusal of MQTT 3.1.1 is the only one left.
        .map_or(ReasonCode::UnspecifiedError, |code| {
            if code == 0x01 {
                ReasonCode::UnspecifiedError
            } else {
                ReasonCode::from(code)
            }
        })
}

/// The DISCONNECT reason of `code` (§3.14.2.1).
pub fn disconnect(code: impl Into<ReasonCode>) -> DisconnectReasonCode {
    DisconnectReasonCode::try_from(u8::from(code.into()))
        .unwrap_or(DisconnectReasonCode::UnspecifiedError)
}

/// The code of a DISCONNECT reason.
pub fn disconnect_code(reason: DisconnectReasonCode) -> ReasonCode {
    ReasonCode::from(reason as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;
    use rumqttc::v5::mqttbytes::v5::{ConnAck, Packet, PubAck};

    /// Each mapping writes the code it was given (rumqttc's own encoder).
    #[test]
    fn codes_survive_the_encoder() {
        for code in [0x00u8, 0x10, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99] {
            let mut buffer = BytesMut::new();
            let mut ack = PubAck::new(1, None);
            ack.reason = puback(code);
            Packet::PubAck(ack)
                .write(&mut buffer, None)
                .expect("writes");
            // A success PUBACK without properties leaves the code out.
            assert_eq!(
                buffer.get(4).copied().unwrap_or(0),
                code,
                "PUBACK {code:#04x}"
            );
        }
        for code in [0x00u8, 0x83, 0x84, 0x87, 0x8C, 0x95, 0x97, 0x9F] {
            let mut buffer = BytesMut::new();
            let ack = ConnAck {
                session_present: false,
                code: connack(code),
                properties: None,
            };
            Packet::ConnAck(ack)
                .write(&mut buffer, None)
                .expect("writes");
            assert_eq!(buffer[3], code, "CONNACK {code:#04x}");
            assert_eq!(connack_code(connack(code)), ReasonCode::from(code));
        }
        assert_eq!(disconnect(142), DisconnectReasonCode::SessionTakenOver);
        assert_eq!(disconnect(0x01), DisconnectReasonCode::UnspecifiedError);
        for code in [0x00u8, 0x01, 0x02, 0x87, 0x8F, 0x97, 0x9E, 0xA1, 0xA2] {
            assert_eq!(
                suback_code(&suback(code)),
                ReasonCode::from(code),
                "SUBACK {code:#04x}"
            );
        }
    }
}
