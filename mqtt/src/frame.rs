//! Reading and writing MQTT 5 packets: rumqttc's codec for every packet it
//! knows, and what it lacks: AUTH (packet type 15, for SAS
//! re-authentication; see [`super::auth`]) and a DISCONNECT with remaining
//! length 0 (valid in MQTT 5 and what paho-mqtt sends; rumqttc reports
//! `PayloadRequired`). The client and the emulator both frame with it.

use bytes::BytesMut;
use rumqttc::v5::mqttbytes::v5::check;
use rumqttc::v5::mqttbytes::Error as CodecError;

use super::auth::AuthPacket;
pub use crate::error::FrameError;
use crate::packet::{Disconnect, Packet};
use crate::ReasonCode;

/// The packet type number of AUTH.
const AUTH: u8 = 15;
/// The packet type number of DISCONNECT.
const DISCONNECT: u8 = 14;

/// One packet read from a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Any packet but AUTH (boxed: a CONNECT is large).
    Packet(Box<Packet>),
    /// An AUTH packet.
    Auth(AuthPacket),
}

/// The packet type number of PUBLISH.
const PUBLISH: u8 = 3;
/// The packet type numbers of PUBREL, SUBSCRIBE and UNSUBSCRIBE.
const PUBREL: u8 = 6;
const SUBSCRIBE: u8 = 8;
const UNSUBSCRIBE: u8 = 10;

/// The fixed-header flags MQTT 5 requires of a packet type (§2.1.3), or
/// `None` for PUBLISH, whose flags carry DUP, QoS and RETAIN.
fn required_flags(kind: u8) -> Option<u8> {
    match kind {
        PUBLISH => None,
        PUBREL | SUBSCRIBE | UNSUBSCRIBE => Some(0b0010),
        _ => Some(0),
    }
}

/// The packet type's name, for errors.
fn kind_name(kind: u8) -> &'static str {
    const NAMES: [&str; 16] = [
        "reserved packet type 0",
        "CONNECT",
        "CONNACK",
        "PUBLISH",
        "PUBACK",
        "PUBREC",
        "PUBREL",
        "PUBCOMP",
        "SUBSCRIBE",
        "SUBACK",
        "UNSUBSCRIBE",
        "UNSUBACK",
        "PINGREQ",
        "PINGRESP",
        "DISCONNECT",
        "AUTH",
    ];
    NAMES[usize::from(kind & 0x0F)]
}

/// Checks the fixed header's flags: a reserved flag set otherwise than
/// MQTT 5 lists it, or a PUBLISH with both QoS bits set, is a Malformed
/// Packet (§2.1.3, §3.3.1.2).
fn check_flags(kind: u8, flags: u8) -> Result<(), FrameError> {
    match required_flags(kind) {
        Some(required) if flags != required => Err(FrameError::Malformed(format!(
            "{} with fixed-header flags {flags:04b}; MQTT 5 requires {required:04b}",
            kind_name(kind)
        ))),
        None if (flags >> 1) & 0b11 == 0b11 => Err(FrameError::Malformed(
            "PUBLISH with both QoS bits set".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Takes the next whole packet off the front of `buffer`: `Ok(None)` when
/// more bytes are needed (nothing is consumed then).
pub fn read(buffer: &mut BytesMut, max_size: u32) -> Result<Option<Frame>, FrameError> {
    let header = match check(buffer.iter(), Some(max_size)) {
        Ok(header) => header,
        Err(CodecError::InsufficientBytes(_)) => return Ok(None),
        Err(CodecError::PayloadSizeLimitExceeded { pkt_size, max }) => {
            return Err(FrameError::TooLarge {
                size: pkt_size,
                max,
            })
        }
        Err(e) => return Err(FrameError::Malformed(e.to_string())),
    };
    let Some(&byte1) = buffer.first() else {
        return Ok(None);
    };
    let frame_length = header.frame_length();
    // MQTT 5 §3.1.2.11.4: the Maximum Packet Size is the whole packet's,
    // fixed header included (the codec checks only the remaining length).
    if u32::try_from(frame_length).map_or(true, |size| size > max_size) {
        return Err(FrameError::TooLarge {
            size: frame_length,
            max: max_size,
        });
    }
    let header_length = fixed_header_length(buffer);
    let (kind, flags) = (byte1 >> 4, byte1 & 0x0F);
    check_flags(kind, flags)?;
    match kind {
        AUTH => {
            let mut frame = buffer.split_to(frame_length).freeze();
            let body = frame.split_off(header_length.min(frame.len()));
            AuthPacket::read(body).map(|auth| Some(Frame::Auth(auth)))
        }
        // A DISCONNECT with a reason code and no property length (MQTT 5
        // §3.14.2.2.1 allows it); rumqttc reads it as malformed.
        DISCONNECT if frame_length == header_length + 1 => {
            let frame = buffer.split_to(frame_length);
            let code = frame[header_length];
            Ok(Some(Frame::Packet(Box::new(Packet::Disconnect(
                Disconnect::new(ReasonCode::from(code)),
            )))))
        }
        DISCONNECT if frame_length == header_length => {
            let _ = buffer.split_to(frame_length);
            Ok(Some(Frame::Packet(Box::new(Packet::Disconnect(
                Disconnect::new(ReasonCode::NORMAL_DISCONNECTION),
            )))))
        }
        _ => rumqttc::v5::mqttbytes::v5::Packet::read(buffer, Some(max_size))
            .map_err(|e| match e {
                CodecError::EmptySubscription => {
                    FrameError::ProtocolError("a SUBSCRIBE without a topic filter".to_owned())
                }
                e => FrameError::Malformed(e.to_string()),
            })
            .and_then(|packet| {
                crate::codec::from_codec(packet)
                    .map(|p| Some(Frame::Packet(Box::new(p))))
                    .ok_or_else(|| FrameError::Malformed("an AUTH the codec read".to_owned()))
            }),
    }
}

/// The length of the fixed header at the front of `buffer` (which `check`
/// found whole): the first byte and the remaining length's 1 to 4 bytes.
fn fixed_header_length(buffer: &BytesMut) -> usize {
    1 + buffer
        .iter()
        .skip(1)
        .take(4)
        .position(|b| b & 0x80 == 0)
        .map_or(4, |i| i + 1)
}

/// Appends `frame` to `buffer`.
pub fn write(frame: &Frame, buffer: &mut BytesMut) -> Result<(), FrameError> {
    match frame {
        Frame::Packet(packet) => packet.write(buffer, None).map(|_| ()),
        Frame::Auth(auth) => auth.write(buffer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disconnect_without_reason_code_is_a_normal_disconnection() {
        let mut buffer = BytesMut::from(&b"\xE0\x00\xC0\x00"[..]);
        assert_eq!(
            read(&mut buffer, 1024),
            Ok(Some(Frame::Packet(Box::new(Packet::Disconnect(
                Disconnect::new(ReasonCode::NORMAL_DISCONNECTION)
            )))))
        );
        // The PINGREQ after it is still there.
        assert_eq!(
            read(&mut buffer, 1024),
            Ok(Some(Frame::Packet(Box::new(Packet::PingReq(
                crate::packet::PingReq
            )))))
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn a_disconnect_with_only_a_reason_code_keeps_it() {
        let mut buffer = BytesMut::from(&b"\xE0\x01\x8E"[..]);
        assert_eq!(
            read(&mut buffer, 1024),
            Ok(Some(Frame::Packet(Box::new(Packet::Disconnect(
                Disconnect::new(ReasonCode::SessionTakenOver)
            )))))
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn auth_packets_are_read() {
        let auth = AuthPacket {
            reason_code: 0x19,
            method: Some("SAS".into()),
            ..AuthPacket::default()
        };
        let mut buffer = BytesMut::new();
        auth.write(&mut buffer).expect("writes");
        let mut empty_auth = BytesMut::from(&b"\xF0\x00"[..]);
        assert_eq!(read(&mut buffer, 1024), Ok(Some(Frame::Auth(auth))));
        assert_eq!(
            read(&mut empty_auth, 1024),
            Ok(Some(Frame::Auth(AuthPacket::default())))
        );
    }

    #[test]
    fn reserved_flags_and_qos_3_are_malformed() {
        // Each packet is whole and well formed but for its first byte.
        let cases: [(&[u8], &str); 6] = [
            (
                b"\x80\x05\x00\x01\x00\x00\x01",
                "SUBSCRIBE with fixed-header flags 0000",
            ),
            (
                b"\xA0\x03\x00\x01\x00",
                "UNSUBSCRIBE with fixed-header flags 0000",
            ),
            (b"\x41\x02\x00\x01", "PUBACK with fixed-header flags 0001"),
            (b"\xC8\x00", "PINGREQ with fixed-header flags 1000"),
            (b"\xE4\x00", "DISCONNECT with fixed-header flags 0100"),
            (
                b"\x36\x05\x00\x01t\x00\x01",
                "PUBLISH with both QoS bits set",
            ),
        ];
        for (bytes, problem) in cases {
            let mut buffer = BytesMut::from(bytes);
            match read(&mut buffer, 1024) {
                Err(FrameError::Malformed(message)) => {
                    assert!(message.starts_with(problem), "{message:?} for {bytes:02X?}")
                }
                other => panic!("{bytes:02X?} read as {other:?}"),
            }
        }
        // The flags MQTT 5 requires pass the check.
        let mut fine = BytesMut::from(&b"\x82\x05\x00\x01\x00\x00\x01"[..]);
        assert!(!matches!(
            read(&mut fine, 1024),
            Err(FrameError::Malformed(m)) if m.contains("fixed-header flags")
        ));
        let mut pingreq = BytesMut::from(&b"\xC0\x00"[..]);
        assert!(matches!(read(&mut pingreq, 1024), Ok(Some(_))));
    }

    #[test]
    fn a_subscribe_without_a_topic_filter_is_a_protocol_error() {
        let mut buffer = BytesMut::from(&b"\x82\x03\x00\x01\x00"[..]);
        assert_eq!(
            read(&mut buffer, 1024),
            Err(FrameError::ProtocolError(
                "a SUBSCRIBE without a topic filter".to_owned()
            ))
        );
    }

    #[test]
    fn the_maximum_packet_size_counts_the_whole_packet() {
        // A PUBLISH of remaining length 8 is 10 bytes on the wire.
        let publish = b"\x30\x08\x00\x01t\x00abcd".to_vec();
        let mut whole = BytesMut::from(&publish[..]);
        assert!(matches!(read(&mut whole, 10), Ok(Some(_))), "10 fits 10");
        let mut over = BytesMut::from(&publish[..]);
        assert_eq!(
            read(&mut over, 9),
            Err(FrameError::TooLarge { size: 10, max: 9 }),
            "the remaining length (8) fits 9, the packet does not"
        );
    }

    #[test]
    fn partial_packets_wait_and_large_ones_are_refused() {
        let mut partial = BytesMut::from(&b"\x30\x0A\x00"[..]);
        assert_eq!(read(&mut partial, 1024), Ok(None));
        assert_eq!(partial.len(), 3, "nothing consumed");
        let mut large = BytesMut::from(&b"\x30\xFF\x7F"[..]);
        assert!(matches!(
            read(&mut large, 1024),
            Err(FrameError::TooLarge { max: 1024, .. })
        ));
    }
}
