//! MQTT 5's reason codes (the MQTT 5.0 specification's tables, not this
//! API's) as rumqttc's packet enums: the spec gives numbers
//! (`Status::reason_code()`, the CONNACK and DISCONNECT codes), rumqttc's
//! packets want enums, and it converts only DISCONNECT codes itself.

use rumqttc::v5::mqttbytes::v5::{
    ConnectReturnCode, DisconnectReasonCode, PubAckReason, SubscribeReasonCode,
};

/// The PUBACK reason of MQTT 5 code `code` (§3.4.2.1); codes PUBACK cannot
/// carry become Unspecified error.
pub fn puback(code: u8) -> PubAckReason {
    match code {
        0x00 => PubAckReason::Success,
        0x10 => PubAckReason::NoMatchingSubscribers,
        0x83 => PubAckReason::ImplementationSpecificError,
        0x87 => PubAckReason::NotAuthorized,
        0x90 => PubAckReason::TopicNameInvalid,
        0x91 => PubAckReason::PacketIdentifierInUse,
        0x97 => PubAckReason::QuotaExceeded,
        0x99 => PubAckReason::PayloadFormatInvalid,
        _ => PubAckReason::UnspecifiedError,
    }
}

/// The MQTT 5 code of a PUBACK reason.
pub fn puback_code(reason: &PubAckReason) -> u8 {
    match reason {
        PubAckReason::Success => 0x00,
        PubAckReason::NoMatchingSubscribers => 0x10,
        PubAckReason::UnspecifiedError => 0x80,
        PubAckReason::ImplementationSpecificError => 0x83,
        PubAckReason::NotAuthorized => 0x87,
        PubAckReason::TopicNameInvalid => 0x90,
        PubAckReason::PacketIdentifierInUse => 0x91,
        PubAckReason::QuotaExceeded => 0x97,
        PubAckReason::PayloadFormatInvalid => 0x99,
    }
}

/// The MQTT 5 code of a SUBACK reason (§3.9.3).
pub fn suback_code(reason: &SubscribeReasonCode) -> u8 {
    match reason {
        SubscribeReasonCode::Success(qos) => *qos as u8,
        SubscribeReasonCode::Failure | SubscribeReasonCode::Unspecified => 0x80,
        SubscribeReasonCode::ImplementationSpecific => 0x83,
        SubscribeReasonCode::NotAuthorized => 0x87,
        SubscribeReasonCode::TopicFilterInvalid => 0x8F,
        SubscribeReasonCode::PkidInUse => 0x91,
        SubscribeReasonCode::QuotaExceeded => 0x97,
        SubscribeReasonCode::SharedSubscriptionsNotSupported => 0x9E,
        SubscribeReasonCode::SubscriptionIdNotSupported => 0xA1,
        SubscribeReasonCode::WildcardSubscriptionsNotSupported => 0xA2,
    }
}

/// The CONNACK reason of MQTT 5 code `code` (§3.2.2.2); codes CONNACK
/// cannot carry become Unspecified error.
pub fn connack(code: u8) -> ConnectReturnCode {
    match code {
        0x00 => ConnectReturnCode::Success,
        0x81 => ConnectReturnCode::MalformedPacket,
        0x82 => ConnectReturnCode::ProtocolError,
        0x83 => ConnectReturnCode::ImplementationSpecificError,
        0x84 => ConnectReturnCode::UnsupportedProtocolVersion,
        0x85 => ConnectReturnCode::ClientIdentifierNotValid,
        0x86 => ConnectReturnCode::BadUserNamePassword,
        0x87 => ConnectReturnCode::NotAuthorized,
        0x88 => ConnectReturnCode::ServerUnavailable,
        0x89 => ConnectReturnCode::ServerBusy,
        0x8A => ConnectReturnCode::Banned,
        0x8C => ConnectReturnCode::BadAuthenticationMethod,
        0x90 => ConnectReturnCode::TopicNameInvalid,
        0x95 => ConnectReturnCode::PacketTooLarge,
        0x97 => ConnectReturnCode::QuotaExceeded,
        0x99 => ConnectReturnCode::PayloadFormatInvalid,
        0x9A => ConnectReturnCode::RetainNotSupported,
        0x9B => ConnectReturnCode::QoSNotSupported,
        0x9C => ConnectReturnCode::UseAnotherServer,
        0x9D => ConnectReturnCode::ServerMoved,
        0x9F => ConnectReturnCode::ConnectionRateExceeded,
        _ => ConnectReturnCode::UnspecifiedError,
    }
}

/// The MQTT 5 code of a CONNACK reason.
pub fn connack_code(reason: ConnectReturnCode) -> u8 {
    (0..=u8::MAX)
        .find(|&code| connack(code) == reason)
        // Every variant but Unspecified error has its own code above; the
        // protocol-version refusal of MQTT 3.1.1 is the only one left.
        .map(|code| if code == 0x01 { 0x80 } else { code })
        .unwrap_or(0x80)
}

/// The DISCONNECT reason of MQTT 5 code `code` (§3.14.2.1); codes
/// DISCONNECT cannot carry become Unspecified error.
pub fn disconnect(code: u8) -> DisconnectReasonCode {
    DisconnectReasonCode::try_from(code).unwrap_or(DisconnectReasonCode::UnspecifiedError)
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
            assert_eq!(connack_code(connack(code)), code);
        }
        assert_eq!(disconnect(142), DisconnectReasonCode::SessionTakenOver);
        assert_eq!(disconnect(0x01), DisconnectReasonCode::UnspecifiedError);
    }
}
