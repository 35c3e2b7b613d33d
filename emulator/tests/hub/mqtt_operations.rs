//! The operations a device starts, and their error rules, driven with raw
//! MQTT 5 packets: Send Telemetry (PUBACK, stored in order with its
//! properties), Get Twin and Patch Twin Reported (responses on
//! `$iothub/responses` without any subscription, matched by Correlation
//! Data), desired-state notifications, SUBSCRIBE rules, and the overview's
//! outcomes for unknown topics, unknown properties and bad Correlation Data.

use bytes::Bytes;
use iothub_emulator::registry::DeviceId;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, Publish, PublishProperties, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key, user};

fn publish(
    topic: &str,
    qos: QoS,
    pkid: u16,
    properties: PublishProperties,
    payload: &'static [u8],
) -> Packet {
    let mut p = Publish::new(topic, qos, Bytes::from_static(payload), Some(properties));
    p.pkid = pkid;
    Packet::Publish(p)
}

fn user_properties(list: &[(&str, &str)]) -> PublishProperties {
    PublishProperties {
        user_properties: list
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        ..PublishProperties::default()
    }
}

fn request(correlation: &'static [u8], list: &[(&str, &str)]) -> PublishProperties {
    PublishProperties {
        correlation_data: Some(Bytes::from_static(correlation)),
        ..user_properties(list)
    }
}

#[tokio::test]
async fn telemetry_is_acknowledged_and_stored_in_order_with_its_properties() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let mut properties = user_properties(&[
        ("@unit", "C"),
        ("creation-time", "1600987195320"),
        ("@ No_Rules", "x"),
    ]);
    properties.content_type = Some("application/json".into());
    raw.send(publish(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        3,
        properties,
        b"{\"t\":21}",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => assert_eq!((ack.pkid, ack.reason), (3, ReasonCode::Success)),
        other => panic!("expected PUBACK, got {other:?}"),
    }
    raw.send(publish(
        "$iothub/telemetry",
        QoS::AtMostOnce,
        0,
        PublishProperties::default(),
        b"second",
    ))
    .await;
    // A ping after it: once answered, the QoS 0 message was handled.
    raw.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert!(matches!(raw.recv().await, Some(Packet::PingResp(_))));
    let events = hub.hub().telemetry().read(0, 10);
    assert_eq!(events.len(), 2);
    let first = &events[0];
    assert_eq!(first.device_id.as_str(), "d1");
    assert_eq!(first.record.body.as_ref(), b"{\"t\":21}");
    assert_eq!(
        first.record.properties.content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        first
            .record
            .properties
            .application
            .iter()
            .collect::<Vec<_>>(),
        [("unit", "C"), (" No_Rules", "x")]
    );
    assert_eq!(events[1].record.body.as_ref(), b"second");
    assert!(events[0].sequence_no < events[1].sequence_no);
}

#[tokio::test]
async fn an_unknown_property_is_bad_request_by_puback_or_disconnect() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    raw.send(publish(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        7,
        user_properties(&[("test", "1")]),
        b"",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => {
            assert_eq!(ack.reason, ReasonCode::ImplementationSpecificError);
            let p = ack.properties.expect("status");
            assert_eq!(user(&p.user_properties, "status"), Some("0100"));
            assert!(user(&p.user_properties, "reason")
                .expect("reason")
                .contains("test"));
        }
        other => panic!("expected PUBACK 131, got {other:?}"),
    }
    raw.send(publish(
        "$iothub/telemetry",
        QoS::AtMostOnce,
        0,
        user_properties(&[("test", "1")]),
        b"",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::ImplementationSpecificError);
            let p = d.properties.expect("status");
            assert_eq!(user(&p.user_properties, "status"), Some("0100"));
        }
        other => panic!("expected DISCONNECT 131, got {other:?}"),
    }
    assert!(
        hub.hub().telemetry().read(0, 10).is_empty(),
        "nothing refused is stored"
    );
}

#[tokio::test]
async fn an_unknown_topic_is_not_found_or_topic_name_invalid() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    raw.send(publish(
        "$iothub/telemetry/",
        QoS::AtLeastOnce,
        9,
        PublishProperties::default(),
        b"",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => {
            assert_eq!(ack.reason, ReasonCode::ImplementationSpecificError);
            assert_eq!(
                user(&ack.properties.expect("props").user_properties, "status"),
                Some("0504")
            );
        }
        other => panic!("expected PUBACK Not Found, got {other:?}"),
    }
    raw.send(publish(
        "$iothub/twin/gett",
        QoS::AtMostOnce,
        0,
        request(b"\x0a\x10", &[]),
        b"",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::TopicNameInvalid);
            let p = d.properties.expect("reason");
            assert_eq!(
                user(&p.user_properties, "reason"),
                Some("Unsupported topic: `$iothub/twin/gett`")
            );
        }
        other => panic!("expected DISCONNECT 144, got {other:?}"),
    }
}

/// A response on `$iothub/responses`: its Correlation Data, user
/// properties and payload.
struct Response {
    correlation: Option<Bytes>,
    user: Vec<(String, String)>,
    payload: Bytes,
}

impl Response {
    fn user(&self, name: &str) -> Option<&str> {
        user(&self.user, name)
    }
}

/// Sends a request on `topic` with Correlation Data `correlation`, user
/// properties `list` and `payload`; the response it gets.
async fn ask(
    raw: &mut RawPeer,
    topic: &str,
    correlation: &'static [u8],
    list: &[(&str, &str)],
    payload: &'static [u8],
) -> Response {
    raw.send(publish(
        topic,
        QoS::AtMostOnce,
        0,
        request(correlation, list),
        payload,
    ))
    .await;
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.topic.as_ref(), b"$iothub/responses");
            let props = p.properties.expect("properties");
            Response {
                correlation: props.correlation_data,
                user: props.user_properties,
                payload: p.payload,
            }
        }
        other => panic!("expected the response to {topic}, got {other:?}"),
    }
}

#[tokio::test]
async fn twins_are_read_and_patched_on_the_responses_topic_without_subscribing() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let patched = ask(
        &mut raw,
        "$iothub/twin/patch/reported",
        b"\x01",
        &[],
        b"{\"fw\":\"1.0\"}",
    )
    .await;
    assert_eq!(patched.correlation.as_deref(), Some(&b"\x01"[..]));
    assert_eq!(patched.user("status"), None, "success has no status");
    let version = patched
        .user("version")
        .expect("version")
        .parse::<u64>()
        .expect("u64");

    let twin = ask(&mut raw, "$iothub/twin/get", b"\x01\xfa", &[], b"").await;
    assert_eq!(twin.correlation.as_deref(), Some(&b"\x01\xfa"[..]));
    let twin: serde_json::Value = serde_json::from_slice(&twin.payload).expect("JSON");
    assert_eq!(twin["reported"]["fw"], "1.0");
    assert_eq!(twin["reported"]["$version"], version);
    assert!(twin["desired"].is_object());

    // A stale if-version: Precondition Failed.
    let stale = (version + 5).to_string();
    let refused = ask(
        &mut raw,
        "$iothub/twin/patch/reported",
        b"\x02",
        &[("if-version", &stale)],
        b"{\"fw\":\"2.0\"}",
    )
    .await;
    assert_eq!(refused.correlation.as_deref(), Some(&b"\x02"[..]));
    assert_eq!(refused.user("status"), Some("0104"));

    // A payload that is not JSON: Bad Request, the connection stays.
    let bad = ask(
        &mut raw,
        "$iothub/twin/patch/reported",
        b"\x03",
        &[],
        b"not json",
    )
    .await;
    assert_eq!(bad.user("status"), Some("0100"));
}

#[tokio::test]
async fn correlation_data_is_required_and_short_and_requests_use_qos_0() {
    for (properties, what) in [
        (PublishProperties::default(), "missing"),
        (request(b"0123456789abcdefX", &[]), "17 bytes"),
    ] {
        let hub = emulator(&["d1"]).await;
        let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
        raw.send(publish(
            "$iothub/twin/get",
            QoS::AtMostOnce,
            0,
            properties,
            b"",
        ))
        .await;
        match raw.recv().await {
            Some(Packet::Disconnect(d)) => {
                assert_eq!(
                    d.reason_code,
                    ReasonCode::ImplementationSpecificError,
                    "{what}"
                );
                assert_eq!(
                    user(&d.properties.expect("props").user_properties, "status"),
                    Some("0100"),
                    "{what}"
                );
            }
            other => panic!("{what}: expected DISCONNECT Bad Request, got {other:?}"),
        }
    }
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    raw.send(publish(
        "$iothub/twin/get",
        QoS::AtLeastOnce,
        4,
        request(b"\x01", &[]),
        b"",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => {
            assert_eq!(
                (ack.pkid, ack.reason),
                (4, ReasonCode::ImplementationSpecificError)
            );
            assert_eq!(
                user(&ack.properties.expect("props").user_properties, "status"),
                Some("0100")
            );
        }
        other => panic!("expected PUBACK Bad Request, got {other:?}"),
    }
}

#[tokio::test]
async fn subscribe_follows_the_overviews_rules_and_desired_changes_arrive() {
    let hub = emulator(&["d1", "d2"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let filters = [
        ("$iothub/twin/patch/desired", QoS::AtMostOnce),
        ("$iothub/methods/+", QoS::AtMostOnce),
        ("$iothub/commands", QoS::AtLeastOnce),
        ("$iothub/#", QoS::AtMostOnce),
        ("$iothub/+", QoS::AtMostOnce),
        ("$iothub/twin/gett", QoS::AtMostOnce),
    ];
    let mut subscribe = Subscribe::new(Filter::new(filters[0].0, filters[0].1), None);
    subscribe.pkid = 11;
    subscribe.filters = filters.iter().map(|(f, q)| Filter::new(*f, *q)).collect();
    raw.send(Packet::Subscribe(subscribe)).await;
    match raw.recv().await {
        Some(Packet::SubAck(ack)) => {
            assert_eq!(ack.pkid, 11);
            assert_eq!(
                ack.return_codes,
                [
                    ReasonCode::granted(QoS::AtMostOnce),
                    ReasonCode::granted(QoS::AtMostOnce),
                    ReasonCode::granted(QoS::AtLeastOnce),
                    ReasonCode::WildcardSubscriptionsNotSupported,
                    ReasonCode::WildcardSubscriptionsNotSupported,
                    ReasonCode::TopicFilterInvalid,
                ]
            );
        }
        other => panic!("expected SUBACK, got {other:?}"),
    }
    // The cloud side changes d1's desired state (and d2's: d1 never sees that).
    let twins = hub.hub().twins();
    twins
        .patch_desired(
            &DeviceId::new("d2").expect("id"),
            &serde_json::json!({"other": true}),
        )
        .expect("patch");
    let version = twins
        .patch_desired(
            &DeviceId::new("d1").expect("id"),
            &serde_json::json!({"interval": 5}),
        )
        .expect("patch");
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.topic.as_ref(), b"$iothub/twin/patch/desired");
            let props = p.properties.expect("props");
            assert_eq!(
                user(&props.user_properties, "version"),
                Some(version.to_string().as_str())
            );
            let patch: serde_json::Value = serde_json::from_slice(&p.payload).expect("JSON");
            assert_eq!(patch, serde_json::json!({"interval": 5}));
        }
        other => panic!("expected the desired patch, got {other:?}"),
    }
}

#[tokio::test]
async fn correlation_data_over_16_bytes_is_refused_on_telemetry_too() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let long = request(b"0123456789abcdefX", &[]);
    raw.send(publish(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        1,
        long.clone(),
        b"x",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => {
            assert_eq!(ack.reason, ReasonCode::ImplementationSpecificError);
            let props = ack.properties.expect("properties");
            assert_eq!(user(&props.user_properties, "status"), Some("0100"));
        }
        other => panic!("expected PUBACK Bad Request, got {other:?}"),
    }
    // Sixteen bytes are fine.
    let ok = request(b"0123456789abcdef", &[]);
    raw.send(publish("$iothub/telemetry", QoS::AtLeastOnce, 2, ok, b"y"))
        .await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => assert_eq!(ack.reason, ReasonCode::Success),
        other => panic!("expected PUBACK, got {other:?}"),
    }
    // At QoS 0 the refusal is a DISCONNECT.
    raw.send(publish("$iothub/telemetry", QoS::AtMostOnce, 0, long, b"z"))
        .await;
    let disconnect = raw
        .expect_disconnect("QoS 0 with long Correlation Data")
        .await;
    assert_eq!(
        disconnect.reason_code,
        ReasonCode::ImplementationSpecificError
    );
    let bodies: Vec<_> = hub
        .hub()
        .telemetry()
        .read(0, 10)
        .into_iter()
        .map(|e| e.record.body)
        .collect();
    assert_eq!(bodies, [Bytes::from_static(b"y")]);
}
