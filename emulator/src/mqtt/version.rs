//! The protocol a CONNECT asks for (MQTT 5 §3.1.2.1 Protocol Name, §3.1.2.2
//! Protocol Version), read from the first packet's first bytes before the
//! codec reads it: rumqttc's MQTT 5 codec calls any other version a
//! malformed packet, but a client of another version must be refused in
//! words it can read. MQTT 5 lets a server refuse another version with
//! CONNACK 0x84 (Unsupported Protocol Version) and close the connection
//! [MQTT-3.1.2-2]; an MQTT 3.1 or 3.1.1 client (protocol level 3 or 4)
//! reads only its own CONNACK, where the refusal is return code 0x01
//! (unacceptable protocol version, MQTT 3.1.1 [MQTT-3.1.2-2]), so it gets
//! that one, written by rumqttc's MQTT 3.1.1 codec.

use bytes::{Bytes, BytesMut};
use iothub_mqtt::packet::{ConnAck, Packet};
use rumqttc::mqttbytes::v4::{ConnAck as Mqtt3ConnAck, ConnectReturnCode as Mqtt3Code};

use super::frame::Frame;
use super::outbox::Outgoing;
use iothub_mqtt::ReasonCode;

/// The packet type number of CONNECT.
const CONNECT: u8 = 1;
/// The protocol name of MQTT 3.1.1 and 5.
const MQTT: &[u8] = b"MQTT";
/// The protocol name of MQTT 3.1.
const MQISDP: &[u8] = b"MQIsdp";
/// The protocol level of MQTT 5.
const LEVEL_5: u8 = 5;
/// The protocol levels of MQTT 3.1 and 3.1.1.
const LEVELS_3: [u8; 2] = [3, 4];

/// What a CONNECT asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// MQTT 5: the hub's protocol.
    Mqtt5,
    /// MQTT 3.1 or 3.1.1 (protocol level 3 or 4): refused with their CONNACK.
    Mqtt3 {
        /// The protocol level.
        level: u8,
    },
    /// Another name or level: refused with an MQTT 5 CONNACK 0x84.
    Other {
        /// The protocol level.
        level: u8,
    },
}

/// The protocol of the CONNECT whose variable header starts `body` (the
/// bytes after the fixed header); `None` when `body` is too short to say.
pub fn requested(body: &[u8]) -> Option<Requested> {
    let name_length = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
    let name = body.get(2..2 + name_length)?;
    let level = *body.get(2 + name_length)?;
    Some(match (name, level) {
        (MQTT, LEVEL_5) => Requested::Mqtt5,
        (MQTT | MQISDP, level) if LEVELS_3.contains(&level) => Requested::Mqtt3 { level },
        _ => Requested::Other { level },
    })
}

/// What the first packet in `buffer` asks for, if it is a CONNECT whose
/// protocol name and level are in already.
pub fn of_first_packet(buffer: &[u8]) -> Option<Requested> {
    if buffer.first()? >> 4 != CONNECT {
        return None;
    }
    // The remaining length: one to four bytes, the last without bit 7.
    let length_bytes = buffer.iter().skip(1).take(4).position(|b| b & 0x80 == 0)? + 1;
    requested(buffer.get(1 + length_bytes..)?)
}

/// The CONNACK that refuses a client which asked for `requested` (not
/// MQTT 5): MQTT 3.1.1's return code 0x01 for a level 3 or 4 client, MQTT
/// 5's 0x84 for any other.
pub fn refusal(requested: Requested) -> Outgoing {
    match requested {
        Requested::Mqtt3 { .. } => {
            let mut buffer = BytesMut::new();
            let ack = Mqtt3ConnAck::new(Mqtt3Code::RefusedProtocolVersion, false);
            // Two fixed bytes after the header: writing cannot fail.
            match ack.write(&mut buffer) {
                Ok(_) => Outgoing::Bytes(buffer.freeze()),
                Err(_) => Outgoing::Bytes(Bytes::new()),
            }
        }
        Requested::Mqtt5 | Requested::Other { .. } => Outgoing::Frame(Box::new(Frame::Packet(
            Box::new(Packet::ConnAck(ConnAck {
                session_present: false,
                code: ReasonCode::UnsupportedProtocolVersion,
                properties: None,
            })),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_levels() {
        assert_eq!(requested(b"\x00\x04MQTT\x05\x02"), Some(Requested::Mqtt5));
        assert_eq!(
            requested(b"\x00\x04MQTT\x04\x02"),
            Some(Requested::Mqtt3 { level: 4 })
        );
        assert_eq!(
            requested(b"\x00\x06MQIsdp\x03\x02"),
            Some(Requested::Mqtt3 { level: 3 })
        );
        assert_eq!(
            requested(b"\x00\x04MQTT\x06"),
            Some(Requested::Other { level: 6 })
        );
        assert_eq!(
            requested(b"\x00\x04HTTP\x05"),
            Some(Requested::Other { level: 5 })
        );
        assert_eq!(requested(b"\x00\x04MQTT"), None);
        assert_eq!(requested(b"\x00"), None);
        assert_eq!(requested(b"\xFF\xFFMQTT\x05"), None);
    }

    #[test]
    fn the_first_packet_is_read_once_its_level_is_in() {
        let v311 = b"\x10\x0E\x00\x04MQTT\x04\x02\x00\x3C\x00\x02d1";
        assert_eq!(of_first_packet(v311), Some(Requested::Mqtt3 { level: 4 }));
        assert_eq!(of_first_packet(&v311[..8]), None, "the level is not in yet");
        assert_eq!(of_first_packet(b"\x10"), None);
        assert_eq!(of_first_packet(b"\x30\x00"), None, "not a CONNECT");
        assert_eq!(
            of_first_packet(b"\x10\x80\x01\x00\x04MQTT\x06"),
            Some(Requested::Other { level: 6 }),
            "a two-byte remaining length"
        );
        assert_eq!(
            refusal(Requested::Mqtt3 { level: 4 }),
            Outgoing::Bytes(Bytes::from_static(b"\x20\x02\x00\x01"))
        );
    }
}
