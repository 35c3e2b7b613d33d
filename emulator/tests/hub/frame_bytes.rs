//! The packet framing the hub reads every peer with (shared with the device
//! client), and the packet handling behind it: any byte string is a
//! packet, a wait, or an error, never a panic; and streams of real packets
//! (the overview's CONNECT, SUBSCRIBE, PUBLISH to every operation, AUTH,
//! PUBACK…), mutated and truncated, go through CONNECT acceptance,
//! SUBSCRIBE rules, PUBLISH handling and command settlement without a
//! panic, each answer the hub would send encoding whole (see
//! `connection_harness`: the real connection's state machine, fed in
//! pieces with an explicit clock, shared with the `emulator_packets` fuzz
//! target).
//! Fixed seeds: the same cases on every run.

use crate::connection_harness;

use bytes::{Bytes, BytesMut};
use connection_harness::{DEVICE, HOST};
use iothub_emulator::mqtt::auth::AuthPacket;
use iothub_emulator::mqtt::frame::read;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{
    Connect, ConnectProperties, Disconnect, Filter, Packet, PingReq, PubAck, Publish,
    PublishProperties, Subscribe, SubscribeProperties, Unsubscribe,
};
use iothub_mqtt::ReasonCode;

/// A time the generated tokens were signed at.
const NOW_MS: u64 = 1_700_000_000_000;
/// An expiry far in the future (a token that is still valid).
const LATER_MS: u64 = 4_000_000_000_000;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2048,
        rng_seed: RngSeed::Fixed(0xF4A3E),
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

/// User properties a peer may put on a packet: the spec's, near misses,
/// application properties, values of every type valid and not.
fn user_properties() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("api-version"),
        Just("host"),
        Just("sas-at"),
        Just("sas-expiry"),
        Just("sas-policy"),
        Just("client-agent"),
        Just("if-version"),
        Just("message-id"),
        Just("creation-time"),
        Just("content-encoding"),
        Just("status"),
        Just("response-code"),
        Just("@kind"),
        Just("@"),
        Just("Trace-ID"),
        Just("unknown"),
    ];
    let value = prop_oneof![
        Just("2020-10-01-preview".to_owned()),
        Just("2020-10-10".to_owned()),
        Just(HOST.to_owned()),
        Just(NOW_MS.to_string()),
        Just((NOW_MS + 60_000).to_string()),
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("-1".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("0100".to_owned()),
        Just(String::new()),
        "\\PC{0,12}",
    ];
    proptest::collection::vec((name.prop_map(str::to_owned), value), 0..6)
}

/// The user properties of the overview's CONNECT.
fn connect_user() -> Vec<(String, String)> {
    vec![
        ("api-version".to_owned(), "2020-10-01-preview".to_owned()),
        ("host".to_owned(), HOST.to_owned()),
        ("sas-at".to_owned(), NOW_MS.to_string()),
        ("sas-expiry".to_owned(), LATER_MS.to_string()),
        ("client-agent".to_owned(), "proptest".to_owned()),
    ]
}

/// The user properties of the overview's CONNECT, some left out and some
/// added.
fn connect_properties() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        proptest::collection::vec(prop::bool::weighted(0.8), 5),
        prop_oneof![2 => Just(Vec::new()), 1 => user_properties()],
    )
        .prop_map(|(keep, extra)| {
            let mut user: Vec<(String, String)> = connect_user()
                .into_iter()
                .zip(keep)
                .filter(|(_, keep)| *keep)
                .map(|(p, _)| p)
                .collect();
            user.extend(extra);
            user
        })
}

fn connect() -> impl Strategy<Value = Packet> {
    let valid = Just((
        Some("SAS"),
        connect_user(),
        DEVICE.to_owned(),
        60,
        None,
        None,
    ));
    let changed = (
        prop_oneof![
            Just(Some("SAS")),
            Just(Some("X509")),
            Just(Some("sas")),
            Just(None)
        ],
        connect_properties(),
        prop_oneof![
            Just(DEVICE.to_owned()),
            Just(String::new()),
            "[a-z/#+]{1,8}"
        ],
        any::<u16>(),
        prop_oneof![Just(None), (0u16..4).prop_map(Some)],
        prop_oneof![Just(None), (0u32..300).prop_map(Some)],
    );
    prop_oneof![1 => valid, 2 => changed].prop_map(
        |(method, user, client_id, keep_alive, receive_max, max_packet_size)| {
            let mut properties = ConnectProperties::new();
            properties.authentication_method = method.map(str::to_owned);
            properties.authentication_data = Some(Bytes::from_static(&[0; 32]));
            properties.user_properties = user;
            properties.receive_maximum = receive_max;
            properties.max_packet_size = max_packet_size;
            Packet::Connect(
                Connect {
                    keep_alive,
                    client_id,
                    clean_start: true,
                    properties: Some(properties),
                },
                None,
                None,
            )
        },
    )
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn filter() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("$iothub/commands".to_owned()),
        Just("$iothub/twin/patch/desired".to_owned()),
        Just("$iothub/methods/+".to_owned()),
        Just("$iothub/responses".to_owned()),
        Just("$iothub/#".to_owned()),
        Just("$iothub/+".to_owned()),
        Just("$share/g/$iothub/commands".to_owned()),
        Just("$iothub/unknown".to_owned()),
        "\\$iothub/methods/[a-z+#]{0,4}",
    ]
}

fn subscribe() -> impl Strategy<Value = Packet> {
    (
        prop_oneof![
            8 => proptest::collection::vec((filter(), qos()), 1..6),
            1 => proptest::collection::vec((filter(), qos()), 45..60),
        ],
        any::<bool>(),
        1u16..4,
    )
        .prop_map(|(filters, identified, pkid)| {
            let filters = filters
                .into_iter()
                .map(|(path, qos)| Filter::new(path, qos));
            let properties = identified.then(|| SubscribeProperties {
                id: Some(1),
                user_properties: Vec::new(),
            });
            let mut subscribe = Subscribe::new_many(filters, properties);
            subscribe.pkid = pkid;
            Packet::Subscribe(subscribe)
        })
}

fn publish() -> impl Strategy<Value = Packet> {
    let topic = prop_oneof![
        Just("$iothub/telemetry"),
        Just("$iothub/twin/get"),
        Just("$iothub/twin/patch/reported"),
        Just("$iothub/responses"),
        Just("$iothub/twin/gett"),
        Just("$iothub/telemetry/"),
        Just("other/topic"),
        Just(""),
    ];
    let payload = prop_oneof![
        Just(Bytes::from_static(b"{\"fw\":\"1.0\"}")),
        Just(Bytes::from_static(b"{\"a\":{\"b\":null}}")),
        Just(Bytes::from_static(b"[]")),
        Just(Bytes::new()),
        proptest::collection::vec(any::<u8>(), 0..32).prop_map(Bytes::from),
    ];
    (
        topic,
        qos(),
        payload,
        prop_oneof![2 => Just(Vec::new()), 1 => user_properties()],
        prop_oneof![1 => Just(None), 2 => (0usize..20).prop_map(Some)],
        prop_oneof![Just(None), (0u16..12).prop_map(Some)],
        prop_oneof![Just(None), Just(Some("application/json".to_owned()))],
        any::<bool>(),
        1u16..4,
    )
        .prop_map(
            |(topic, qos, payload, user, correlation, alias, content_type, retain, pkid)| {
                let properties = PublishProperties {
                    user_properties: user,
                    correlation_data: correlation.map(|n| Bytes::from(vec![0xA5; n])),
                    topic_alias: alias,
                    content_type,
                    ..PublishProperties::default()
                };
                let mut publish = Publish::new(topic, qos, payload, Some(properties));
                publish.retain = retain;
                if qos != QoS::AtMostOnce {
                    publish.pkid = pkid;
                }
                Packet::Publish(publish)
            },
        )
}

/// One packet of any kind a client sends, as bytes.
fn packet() -> impl Strategy<Value = Vec<u8>> {
    let auth =
        (0u8..=0x19, user_properties(), any::<bool>()).prop_map(|(code, user, sas)| AuthPacket {
            reason_code: if code > 0x10 { 0x19 } else { code },
            method: sas.then(|| "SAS".to_owned()),
            data: Some(Bytes::from_static(&[1; 32])),
            reason_string: None,
            user_properties: user,
        });
    let other = prop_oneof![
        (1u16..4).prop_map(|pkid| Packet::PubAck(PubAck::new(pkid, None))),
        filter().prop_map(|f| Packet::Unsubscribe(Unsubscribe::new(f, None))),
        // None: a Protocol Error (found by the `emulator_packets` fuzz target).
        (1u16..4).prop_map(|pkid| Packet::Unsubscribe(Unsubscribe {
            pkid,
            filters: Vec::new(),
            properties: None,
        })),
        Just(Packet::PingReq(PingReq)),
        Just(Packet::Disconnect(Disconnect::new(
            ReasonCode::NORMAL_DISCONNECTION
        ))),
    ];
    let packet = prop_oneof![3 => connect(), 2 => subscribe(), 6 => publish(), 2 => other];
    prop_oneof![
        9 => packet.prop_map(|p| {
            let mut buffer = BytesMut::new();
            p.write(&mut buffer, None).expect("a packet the test built encodes");
            buffer.to_vec()
        }),
        1 => auth.prop_map(|a| {
            let mut buffer = BytesMut::new();
            a.write(&mut buffer).expect("an AUTH the test built encodes");
            buffer.to_vec()
        }),
    ]
}

/// A change to a byte stream: a byte set, bytes cut out, bytes put in, or
/// the stream cut short.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Remove(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Set(at, b)),
        (any::<usize>(), 1usize..8).prop_map(|(at, n)| Mutation::Remove(at, n)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |i: usize, len: usize| i % (len + 1);
    match mutation {
        Mutation::Set(i, b) => {
            if !bytes.is_empty() {
                let i = i % bytes.len();
                bytes[i] = *b;
            }
        }
        Mutation::Remove(i, n) => {
            let start = at(*i, bytes.len());
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Insert(i, b) => {
            let start = at(*i, bytes.len());
            bytes.splice(start..start, b.iter().copied());
        }
        Mutation::Truncate(i) => bytes.truncate(at(*i, bytes.len())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        rng_seed: RngSeed::Fixed(0x9ac_4e75),
        ..ProptestConfig::default()
    })]

    /// Real packets, as sent: the hub decides on each, and answers with
    /// packets that encode whole.
    #[test]
    fn real_packets_are_handled(packets in proptest::collection::vec(packet(), 1..8), resign in any::<bool>()) {
        connection_harness::feed(&packets.concat(), resign);
    }

    /// Real packets, mutated and truncated: handled or refused, never a panic.
    #[test]
    fn mutated_packets_are_handled(
        packets in proptest::collection::vec(packet(), 1..6),
        mutations in proptest::collection::vec(mutation(), 1..4),
        resign in any::<bool>(),
    ) {
        let mut bytes = packets.concat();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        connection_harness::feed(&bytes, resign);
    }
}

/// The harness's own check: a device it signs for gets through CONNECT,
/// subscribes, is sent its queued command, and has its telemetry
/// acknowledged, on the real connection.
#[test]
fn a_signed_device_goes_all_the_way_through_the_real_connection() {
    let mut connect = Connect {
        keep_alive: 60,
        client_id: DEVICE.to_owned(),
        clean_start: true,
        properties: Some(ConnectProperties::new()),
    };
    let props = connect.properties.as_mut().expect("properties");
    props.authentication_method = Some("SAS".to_owned());
    props.authentication_data = Some(Bytes::from_static(b"unsigned"));
    props.user_properties = connect_user();
    let mut telemetry = Publish::new(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        Bytes::from_static(b"t"),
        Some(PublishProperties::default()),
    );
    telemetry.pkid = 9;
    let packets = [
        Packet::Connect(connect, None, None),
        Packet::Subscribe(Subscribe::new(
            Filter::new("$iothub/commands", QoS::AtLeastOnce),
            None,
        )),
        Packet::Publish(telemetry),
    ];
    let bytes: Vec<u8> = packets.iter().flat_map(|p| encode(p.clone())).collect();
    let answers = connection_harness::feed(&bytes, true);
    assert!(
        matches!(answers.first(), Some(Packet::ConnAck(ack)) if ack.code == ReasonCode::Success),
        "{answers:?}"
    );
    assert!(
        answers.iter().any(|p| matches!(p, Packet::SubAck(_))),
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .any(|p| matches!(p, Packet::Publish(c) if c.topic.as_ref() == b"$iothub/commands")),
        "{answers:?}"
    );
    assert!(
        answers.iter().any(
            |p| matches!(p, Packet::PubAck(a) if a.pkid == 9 && a.reason == ReasonCode::Success)
        ),
        "{answers:?}"
    );
    // Unsigned, the same stream is refused at CONNECT.
    let refused = connection_harness::feed(&bytes, false);
    assert!(
        matches!(refused.first(), Some(Packet::ConnAck(ack)) if ack.code == ReasonCode::NotAuthorized),
        "{refused:?}"
    );
}

/// `packet`'s bytes.
fn encode(packet: Packet) -> Vec<u8> {
    let mut buffer = BytesMut::new();
    packet
        .write(&mut buffer, None)
        .expect("a packet the test built encodes");
    buffer.to_vec()
}
