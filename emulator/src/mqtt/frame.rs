//! Reading and writing MQTT 5 packets: rumqttc's codec for every packet it
//! knows, and what it lacks for a server: AUTH (packet type 15, for SAS
//! re-authentication; see [`super::auth`]), a DISCONNECT with remaining
//! length 0 (valid in MQTT 5 and what paho-mqtt sends; rumqttc reports
//! `PayloadRequired`), a CONNECT of another protocol version told apart
//! from a malformed one (see [`super::version`]), and the MQTT 3.1.1
//! CONNACK that refuses an MQTT 3.1 or 3.1.1 client.

use bytes::BytesMut;
use rumqttc::mqttbytes::v4::ConnAck as Mqtt3ConnAck;
use rumqttc::v5::mqttbytes::v5::{check, Disconnect, DisconnectReasonCode, Packet};
use rumqttc::v5::mqttbytes::Error as CodecError;

use super::auth::AuthPacket;
use super::version::{self, Requested};

/// The packet type number of CONNECT.
const CONNECT: u8 = 1;
/// The packet type number of AUTH.
const AUTH: u8 = 15;
/// The packet type number of DISCONNECT.
const DISCONNECT: u8 = 14;

/// Why the bytes on a connection are not a packet this server can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The packet is larger than the server's Maximum Packet Size.
    #[error("packet of {size} bytes exceeds the maximum packet size of {max} bytes")]
    TooLarge {
        /// Its remaining length.
        size: usize,
        /// The limit.
        max: u32,
    },
    /// The bytes are not a well-formed packet.
    #[error("malformed packet: {0}")]
    Malformed(String),
    /// A CONNECT asks for a protocol other than MQTT 5.
    #[error("the CONNECT asks for another protocol than MQTT 5: {0:?}")]
    UnsupportedProtocol(Requested),
}

/// One packet read from a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A packet rumqttc's codec knows (boxed: a CONNECT is large).
    Packet(Box<Packet>),
    /// An AUTH packet.
    Auth(AuthPacket),
    /// An MQTT 3.1.1 CONNACK (written only: it refuses an older client).
    Mqtt3ConnAck(Mqtt3ConnAck),
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
    let header_length = fixed_header_length(buffer);
    let (kind, flags) = (byte1 >> 4, byte1 & 0x0F);
    match kind {
        CONNECT => {
            let requested = buffer
                .get(header_length..frame_length)
                .and_then(version::requested);
            match requested {
                Some(Requested::Mqtt5) | None => Packet::read(buffer, Some(max_size))
                    .map(|p| Some(Frame::Packet(Box::new(p))))
                    .map_err(|e| FrameError::Malformed(e.to_string())),
                Some(other) => {
                    let _ = buffer.split_to(frame_length);
                    Err(FrameError::UnsupportedProtocol(other))
                }
            }
        }
        AUTH => {
            let mut frame = buffer.split_to(frame_length).freeze();
            if flags != 0 {
                return Err(FrameError::Malformed("AUTH with flags set".to_owned()));
            }
            let body = frame.split_off(header_length.min(frame.len()));
            AuthPacket::read(body).map(|auth| Some(Frame::Auth(auth)))
        }
        DISCONNECT if frame_length == header_length => {
            let _ = buffer.split_to(frame_length);
            if flags != 0 {
                return Err(FrameError::Malformed(
                    "DISCONNECT with flags set".to_owned(),
                ));
            }
            Ok(Some(Frame::Packet(Box::new(Packet::Disconnect(
                Disconnect::new(DisconnectReasonCode::NormalDisconnection),
            )))))
        }
        _ => Packet::read(buffer, Some(max_size))
            .map(|p| Some(Frame::Packet(Box::new(p))))
            .map_err(|e| FrameError::Malformed(e.to_string())),
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
        Frame::Packet(packet) => packet
            .write(buffer, None)
            .map(|_| ())
            .map_err(|e| FrameError::Malformed(e.to_string())),
        Frame::Auth(auth) => auth.write(buffer),
        Frame::Mqtt3ConnAck(ack) => ack
            .write(buffer)
            .map(|_| ())
            .map_err(|e| FrameError::Malformed(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_disconnect_without_reason_code_is_a_normal_disconnection() {
        let mut buffer = BytesMut::from(&b"\xE0\x00\xC0\x00"[..]);
        assert_eq!(
            read(&mut buffer, 1024),
            Ok(Some(Frame::Packet(Box::new(Packet::Disconnect(
                Disconnect::new(DisconnectReasonCode::NormalDisconnection)
            )))))
        );
        // The PINGREQ after it is still there.
        assert_eq!(
            read(&mut buffer, 1024),
            Ok(Some(Frame::Packet(Box::new(Packet::PingReq(
                rumqttc::v5::mqttbytes::v5::PingReq
            )))))
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn another_protocol_version_is_told_apart_from_a_malformed_connect() {
        // MQTT 3.1.1: "MQTT", level 4, clean session, keep alive 60, id "d1".
        let mut v311 =
            BytesMut::from(&b"\x10\x0E\x00\x04MQTT\x04\x02\x00\x3C\x00\x02d1\xC0\x00"[..]);
        assert_eq!(
            read(&mut v311, 1024),
            Err(FrameError::UnsupportedProtocol(Requested::Mqtt3 {
                level: 4
            }))
        );
        assert_eq!(&v311[..], b"\xC0\x00", "the CONNECT was consumed");
        let mut v6 = BytesMut::from(&b"\x10\x0F\x00\x04MQTT\x06\x02\x00\x3C\x00\x00\x02d1"[..]);
        assert_eq!(
            read(&mut v6, 1024),
            Err(FrameError::UnsupportedProtocol(Requested::Other {
                level: 6
            }))
        );
        let mut ack = BytesMut::new();
        write(
            &Frame::Mqtt3ConnAck(Mqtt3ConnAck::new(
                rumqttc::mqttbytes::v4::ConnectReturnCode::RefusedProtocolVersion,
                false,
            )),
            &mut ack,
        )
        .expect("writes");
        assert_eq!(&ack[..], b"\x20\x02\x00\x01");
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

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2048,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0xF4A3E),
            ..ProptestConfig::default()
        })]

        /// Whatever a peer sends: a packet, a wait, or an error; never a
        /// panic, and never a packet made of bytes that were not consumed.
        #[test]
        fn any_bytes_are_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut buffer = BytesMut::from(&bytes[..]);
            for _ in 0..8 {
                let before = buffer.len();
                match read(&mut buffer, 256) {
                    Ok(Some(_)) => prop_assert!(buffer.len() < before),
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }
}
