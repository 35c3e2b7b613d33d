//! The framing as properties: any packet the API uses, written and read
//! back, is the same packet, whole or fed in pieces, alone or in a stream
//! of packets; no byte string makes the reader panic, consume part of a
//! packet, or hand out more than the Maximum Packet Size.

use bytes::{Bytes, BytesMut};
use iothub_mqtt::auth::AuthPacket;
use iothub_mqtt::frame::{self, Frame, FrameError};
use iothub_mqtt::packet::{Disconnect, Packet, PubAck, Publish, PublishProperties, QoS};
use iothub_mqtt::ReasonCode;
use proptest::prelude::*;

fn user_properties() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[@a-z-]{1,12}", "[ -~]{0,16}"), 0..4)
}

fn publish() -> impl Strategy<Value = Frame> {
    (
        "[a-z$][a-z/]{0,30}",
        any::<bool>(),
        1..=u16::MAX,
        prop::collection::vec(any::<u8>(), 0..300),
        prop::option::of(prop::collection::vec(any::<u8>(), 1..=16)),
        user_properties(),
    )
        .prop_map(|(topic, qos1, pkid, payload, correlation, user)| {
            let properties =
                (correlation.is_some() || !user.is_empty()).then(|| PublishProperties {
                    correlation_data: correlation.map(Bytes::from),
                    user_properties: user,
                    ..PublishProperties::default()
                });
            let qos = if qos1 {
                QoS::AtLeastOnce
            } else {
                QoS::AtMostOnce
            };
            let mut publish = Publish::new(topic, qos, payload, properties);
            publish.pkid = if qos1 { pkid } else { 0 };
            Frame::Packet(Box::new(Packet::Publish(publish)))
        })
}

fn puback() -> impl Strategy<Value = Frame> {
    (
        1..=u16::MAX,
        prop::sample::select(vec![0x00u8, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]),
    )
        .prop_map(|(pkid, code)| {
            let mut ack = PubAck::new(pkid, None);
            ack.reason = ReasonCode::from(code);
            Frame::Packet(Box::new(Packet::PubAck(ack)))
        })
}

fn auth() -> impl Strategy<Value = Frame> {
    (
        prop::sample::select(vec![0x00u8, 0x18, 0x19]),
        prop::option::of("[A-Z0-9]{1,8}"),
        prop::option::of(prop::collection::vec(any::<u8>(), 1..64)),
        user_properties(),
    )
        .prop_map(|(reason_code, method, data, user_properties)| {
            Frame::Auth(AuthPacket {
                reason_code,
                method,
                data: data.map(Bytes::from),
                reason_string: None,
                user_properties,
            })
        })
}

/// A DISCONNECT as a peer may send it: with no reason code (remaining
/// length 0), with only a reason code (remaining length 1), or whole.
fn disconnect() -> impl Strategy<Value = (Vec<u8>, u8)> {
    (
        prop::sample::select(vec![0x00u8, 0x81, 0x82, 0x87, 0x89, 0x8E, 0x93, 0x95, 0x9F]),
        0..3u8,
    )
        .prop_map(|(code, form)| match form {
            0 => (vec![0xE0, 0x00], 0x00),
            1 => (vec![0xE0, 0x01, code], code),
            _ => (vec![0xE0, 0x02, code, 0x00], code),
        })
}

fn any_frame() -> impl Strategy<Value = Frame> {
    prop_oneof![publish(), puback(), auth()]
}

fn written(frame: &Frame) -> BytesMut {
    let mut buffer = BytesMut::new();
    frame::write(frame, &mut buffer).expect("a valid packet encodes");
    buffer
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, rng_seed: proptest::test_runner::RngSeed::Fixed(16), ..ProptestConfig::default() })]

    #[test]
    fn what_is_written_reads_back_the_same(frames in prop::collection::vec(any_frame(), 1..6)) {
        let mut stream = BytesMut::new();
        for frame in &frames {
            stream.extend_from_slice(&written(frame));
        }
        for frame in &frames {
            prop_assert_eq!(frame::read(&mut stream, 1 << 20), Ok(Some(frame.clone())));
        }
        prop_assert!(stream.is_empty());
        prop_assert_eq!(frame::read(&mut stream, 1 << 20), Ok(None));
    }

    #[test]
    fn a_packet_fed_in_two_pieces_waits_then_reads_whole(frame in any_frame(), cut in any::<prop::sample::Index>()) {
        let bytes = written(&frame);
        let at = cut.index(bytes.len());
        let mut buffer = BytesMut::from(&bytes[..at]);
        prop_assert_eq!(frame::read(&mut buffer, 1 << 20), Ok(None));
        prop_assert_eq!(buffer.len(), at, "nothing consumed from a partial packet");
        buffer.extend_from_slice(&bytes[at..]);
        prop_assert_eq!(frame::read(&mut buffer, 1 << 20), Ok(Some(frame)));
    }

    #[test]
    fn every_form_of_disconnect_keeps_its_reason_code((bytes, code) in disconnect()) {
        let mut buffer = BytesMut::from(&bytes[..]);
        match frame::read(&mut buffer, 1024) {
            Ok(Some(Frame::Packet(packet))) => match *packet {
                Packet::Disconnect(Disconnect { reason_code, .. }) => prop_assert_eq!(u8::from(reason_code), code),
                other => prop_assert!(false, "read as {:?}", other),
            },
            other => prop_assert!(false, "{:02X?} read as {:?}", bytes, other),
        }
        prop_assert!(buffer.is_empty());
    }

    #[test]
    fn the_size_limit_is_the_whole_packets(frame in any_frame()) {
        let bytes = written(&frame);
        let size = u32::try_from(bytes.len()).expect("small");
        prop_assert!(frame::read(&mut bytes.clone(), size).is_ok_and(|f| f.is_some()));
        let over = matches!(
            frame::read(&mut bytes.clone(), size - 1),
            Err(FrameError::TooLarge { .. })
        );
        prop_assert!(over, "{} bytes read under a limit of {}", size, size - 1);
    }

    #[test]
    fn no_byte_string_panics_or_tears_a_packet(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut buffer = BytesMut::from(&bytes[..]);
        loop {
            let before = buffer.len();
            match frame::read(&mut buffer, 1 << 16) {
                Ok(Some(_)) => prop_assert!(buffer.len() + 2 <= before, "a packet is at least 2 bytes"),
                Ok(None) => {
                    prop_assert_eq!(buffer.len(), before, "a partial packet is left whole");
                    break;
                }
                Err(_) => break,
            }
        }
    }
}
