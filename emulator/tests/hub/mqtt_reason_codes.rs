//! Reason codes where the overview is silent and MQTT 5 decides, each
//! asserted on the exact packet the hub sends: a CONNECT of another
//! protocol version (MQTT 3.1 / 3.1.1 get their own CONNACK with return
//! code 0x01; any other version CONNACK 0x84), a PUBLISH topic that is not
//! well-formed UTF-8 (0x81 Malformed Packet), topic alias errors (0x82,
//! 0x94), a shared subscription (SUBACK 0x9E), a Subscription
//! Identifier (DISCONNECT 0xA1) and an UNSUBSCRIBE without a topic filter
//! (DISCONNECT 0x82).

use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{
    Disconnect, Filter, Packet, Publish, PublishProperties, SubAck, Subscribe, SubscribeProperties,
};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};

/// A CONNECT with protocol name `name` and level `level`, clean start, keep
/// alive 60, client id `d1`, and (for level 5) an empty property list.
fn connect_bytes(name: &[u8], level: u8) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&u16::try_from(name.len()).expect("short").to_be_bytes());
    body.extend_from_slice(name);
    body.extend_from_slice(&[level, 0x02, 0x00, 0x3C]);
    if level == 5 {
        body.push(0x00);
    }
    body.extend_from_slice(b"\x00\x02d1");
    let mut packet = vec![0x10, u8::try_from(body.len()).expect("short")];
    packet.extend_from_slice(&body);
    packet
}

#[tokio::test]
async fn mqtt_3_clients_get_the_mqtt_3_1_1_refusal() {
    let hub = emulator(&["d1"]).await;
    for (name, level) in [(&b"MQTT"[..], 4u8), (b"MQIsdp", 3)] {
        let mut raw = RawPeer::open(&hub).await;
        raw.send_bytes(&connect_bytes(name, level)).await;
        assert_eq!(
            raw.recv_until_closed().await,
            [0x20, 0x02, 0x00, 0x01],
            "CONNACK return code 0x01 (unacceptable protocol version), then close, for level {level}"
        );
    }
}

#[tokio::test]
async fn other_versions_get_unsupported_protocol_version() {
    let hub = emulator(&["d1"]).await;
    for (name, level) in [(&b"MQTT"[..], 6u8), (b"MQTT", 0), (b"NOTMQTT", 5)] {
        let mut raw = RawPeer::open(&hub).await;
        raw.send_bytes(&connect_bytes(name, level)).await;
        assert_eq!(
            raw.recv_until_closed().await,
            [0x20, 0x03, 0x00, 0x84, 0x00],
            "MQTT 5 CONNACK 0x84, then close, for {name:?} level {level}"
        );
    }
}

/// The DISCONNECT reason code after `bytes` on a connected client.
async fn disconnect_after(bytes: &[u8]) -> ReasonCode {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    raw.send_bytes(bytes).await;
    let code = match raw.recv().await {
        Some(Packet::Disconnect(d)) => d.reason_code,
        other => panic!("expected DISCONNECT, got {other:?}"),
    };
    assert!(raw.recv().await.is_none(), "closed after the DISCONNECT");
    code
}

#[tokio::test]
async fn a_topic_that_is_not_well_formed_utf8_is_a_malformed_packet() {
    // PUBLISH QoS 0, topic 0xFF 0xFE, no properties, no payload.
    assert_eq!(
        disconnect_after(&[0x30, 0x05, 0x00, 0x02, 0xFF, 0xFE, 0x00]).await,
        ReasonCode::MalformedPacket
    );
    // A topic holding U+0000 is malformed too (§1.5.4).
    assert_eq!(
        disconnect_after(&[0x30, 0x05, 0x00, 0x02, b'a', 0x00, 0x00]).await,
        ReasonCode::MalformedPacket
    );
}

fn publish(topic: &str, alias: Option<u16>) -> Vec<u8> {
    let properties = PublishProperties {
        topic_alias: alias,
        ..PublishProperties::default()
    };
    let packet = Packet::Publish(Publish::new(
        topic,
        QoS::AtMostOnce,
        &b"{}"[..],
        Some(properties),
    ));
    let mut buffer = bytes::BytesMut::new();
    packet.write(&mut buffer, None).expect("encodes");
    buffer.to_vec()
}

#[tokio::test]
async fn topic_alias_errors_are_protocol_errors_or_topic_alias_invalid() {
    assert_eq!(
        disconnect_after(&publish("", None)).await,
        ReasonCode::ProtocolError,
        "an empty topic without an alias"
    );
    assert_eq!(
        disconnect_after(&publish("", Some(3))).await,
        ReasonCode::ProtocolError,
        "an alias never set"
    );
    assert_eq!(
        disconnect_after(&publish("$iothub/telemetry", Some(11))).await,
        ReasonCode::TopicAliasInvalid,
        "an alias above the Topic Alias Maximum of 10"
    );
}

#[tokio::test]
async fn a_shared_subscription_is_not_supported() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let mut subscribe = Subscribe::new_many(
        [
            Filter::new("$share/group/$iothub/commands", QoS::AtLeastOnce),
            Filter::new("$iothub/commands", QoS::AtLeastOnce),
        ],
        None,
    );
    subscribe.pkid = 7;
    raw.send(Packet::Subscribe(subscribe)).await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::SubAck(SubAck {
            pkid: 7,
            return_codes: vec![
                ReasonCode::SharedSubscriptionsNotSupported,
                ReasonCode::granted(QoS::AtLeastOnce),
            ],
            properties: None,
        }))
    );
}

#[tokio::test]
async fn a_subscription_identifier_ends_the_connection() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let subscribe = Subscribe::new(
        Filter::new("$iothub/commands", QoS::AtLeastOnce),
        Some(SubscribeProperties {
            id: Some(5),
            user_properties: Vec::new(),
        }),
    );
    raw.send(Packet::Subscribe(subscribe)).await;
    match raw.recv().await {
        Some(Packet::Disconnect(Disconnect { reason_code, .. })) => {
            assert_eq!(reason_code, ReasonCode::SubscriptionIdentifiersNotSupported)
        }
        other => panic!("expected DISCONNECT 0xA1, got {other:?}"),
    }
    assert!(raw.recv().await.is_none());
}

#[tokio::test]
async fn an_unsubscribe_without_a_topic_filter_ends_the_connection() {
    // Found by the `emulator_packets` fuzz target: the hub answered with an
    // UNSUBACK of no reason codes, which is malformed. MQTT 5 §3.10.3: an
    // UNSUBSCRIBE with no payload is a Protocol Error.
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    // UNSUBSCRIBE, packet identifier 8, no properties, no filters.
    raw.send_bytes(b"\xA2\x03\x00\x08\x00").await;
    match raw.recv().await {
        Some(Packet::Disconnect(Disconnect { reason_code, .. })) => {
            assert_eq!(reason_code, ReasonCode::ProtocolError)
        }
        other => panic!("expected DISCONNECT 0x82, got {other:?}"),
    }
    assert!(raw.recv().await.is_none());
}
