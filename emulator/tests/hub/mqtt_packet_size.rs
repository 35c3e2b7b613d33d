//! The client's Maximum Packet Size (MQTT 5 §3.1.2.11.4): the hub never
//! sends a larger packet. A PUBACK or DISCONNECT drops its Reason String
//! first, then user properties from the last (the overview); a response
//! drops user properties from the last, and one whose payload cannot fit
//! is answered with status `0102` (Not Allowed); a command too large stays
//! queued while later ones come; a desired-state change too large is not
//! sent; a method request too large is Target Unavailable at once. A
//! Maximum Packet Size or Receive Maximum of 0 is a Protocol Error.

use std::time::{Duration, Instant};

use bytes::Bytes;
use iothub_emulator::hub::commands::{Command, CommandState};
use iothub_emulator::methods::MethodError;
use iothub_emulator::registry::DeviceId;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, PubAck, Publish, PublishProperties, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key, user};

fn d1() -> DeviceId {
    DeviceId::new("d1").expect("id")
}

/// d1's CONNECT with Maximum Packet Size `max`.
fn limited(max: Option<u32>) -> iothub_mqtt::packet::Connect {
    let mut c = connect("d1", &key(0));
    c.properties.as_mut().expect("p").max_packet_size = max;
    c
}

/// Telemetry with a user property the spec does not define (Bad Request).
fn bad_telemetry(qos: QoS) -> Packet {
    let mut p = Publish::new(
        "$iothub/telemetry",
        qos,
        Bytes::from_static(b"t"),
        Some(PublishProperties {
            user_properties: vec![("not-in-the-spec".into(), "x".into())],
            ..PublishProperties::default()
        }),
    );
    p.pkid = u16::from(qos != QoS::AtMostOnce);
    Packet::Publish(p)
}

/// The answer to `packet` on a connection with Maximum Packet Size `max`,
/// and its size on the wire.
async fn answer(max: Option<u32>, packet: Packet) -> (Packet, usize) {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, limited(max)).await;
    raw.send(packet).await;
    raw.recv_sized().await.expect("an answer")
}

fn names(properties: &[(String, String)]) -> Vec<&str> {
    properties.iter().map(|(n, _)| n.as_str()).collect()
}

#[tokio::test]
async fn a_puback_keeps_the_first_user_properties_that_fit() {
    let (Packet::PubAck(full), full_size) = answer(None, bad_telemetry(QoS::AtLeastOnce)).await
    else {
        panic!("expected PUBACK");
    };
    let properties = full.properties.clone().expect("status and reason");
    assert_eq!(names(&properties.user_properties), ["status", "reason"]);

    // One byte short: `reason` (listed last) goes, `status` stays.
    let max = u32::try_from(full_size - 1).expect("small");
    let (packet, size) = answer(Some(max), bad_telemetry(QoS::AtLeastOnce)).await;
    assert!(size < full_size);
    let status_only = PubAck {
        pkid: 1,
        reason: ReasonCode::ImplementationSpecificError,
        properties: Some(iothub_mqtt::packet::PubAckProperties {
            reason_string: None,
            user_properties: vec![("status".into(), "0100".into())],
        }),
    };
    assert_eq!(packet, Packet::PubAck(status_only));

    // (A limit too small for `status` is too small for the CONNACK too,
    // whose properties MQTT 5 does not let go: the unit tests of
    // `packet_size` cover the bare PUBACK.)
}

#[tokio::test]
async fn a_disconnect_keeps_the_first_user_properties_that_fit() {
    let (Packet::Disconnect(full), full_size) = answer(None, bad_telemetry(QoS::AtMostOnce)).await
    else {
        panic!("expected DISCONNECT");
    };
    let properties = full.properties.clone().expect("status and reason");
    assert_eq!(names(&properties.user_properties), ["status", "reason"]);
    let max = u32::try_from(full_size - 1).expect("small");
    let (packet, size) = answer(Some(max), bad_telemetry(QoS::AtMostOnce)).await;
    assert!(size < full_size);
    let Packet::Disconnect(trimmed) = packet else {
        panic!("expected DISCONNECT, got {packet:?}");
    };
    assert_eq!(trimmed.reason_code, full.reason_code);
    assert_eq!(
        trimmed.properties.expect("status").user_properties,
        [("status".to_owned(), "0100".to_owned())]
    );
}

fn get_twin(correlation: &'static [u8]) -> Packet {
    Packet::Publish(Publish::new(
        "$iothub/twin/get",
        QoS::AtMostOnce,
        Bytes::new(),
        Some(PublishProperties {
            correlation_data: Some(Bytes::from_static(correlation)),
            ..PublishProperties::default()
        }),
    ))
}

#[tokio::test]
async fn a_twin_too_large_for_the_client_is_answered_not_allowed() {
    let hub = emulator(&["d1"]).await;
    hub.hub()
        .twins()
        .patch_reported(&d1(), &serde_json::json!({"big": "x".repeat(3000)}), None)
        .expect("patch");
    for (max, with_reason) in [(1024u32, true), (60, false)] {
        let (mut raw, _) = RawPeer::connect(&hub, limited(Some(max))).await;
        raw.send(get_twin(b"\x01\xFA")).await;
        let (packet, size) = raw.recv_sized().await.expect("a response");
        assert!(size <= max as usize, "{size} > {max}");
        let Packet::Publish(response) = packet else {
            panic!("expected a response, got {packet:?}");
        };
        assert_eq!(response.topic.as_ref(), b"$iothub/responses");
        assert_eq!(response.qos, QoS::AtMostOnce);
        assert!(response.payload.is_empty());
        let properties = response.properties.expect("properties");
        assert_eq!(
            properties.correlation_data.as_deref(),
            Some(&b"\x01\xFA"[..])
        );
        assert_eq!(user(&properties.user_properties, "status"), Some("0102"));
        assert_eq!(
            user(&properties.user_properties, "reason").is_some(),
            with_reason,
            "limit {max}"
        );
    }
    // Not Allowed is one of Get Twin's alternative responses in the spec.
    use iothub_client::operation::Operation;
    assert!(iothub_client::api::GetTwin::STATUSES.contains(&0x0102));
    // A client without a limit gets the twin.
    let (mut raw, _) = RawPeer::connect(&hub, limited(None)).await;
    raw.send(get_twin(b"\x02")).await;
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            let props = p.properties.expect("properties");
            assert_eq!(user(&props.user_properties, "status"), None);
            assert!(p.payload.len() > 3000);
        }
        other => panic!("expected the twin, got {other:?}"),
    }
}

async fn subscribe(raw: &mut RawPeer, filter: &str, qos: QoS) {
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new(filter, qos),
        None,
    )))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
}

#[tokio::test]
async fn a_command_too_large_stays_queued_and_later_ones_come() {
    let hub = emulator(&["d1"]).await;
    let commands = hub.hub().commands();
    let big = commands
        .enqueue(&d1(), Command::new(vec![b'b'; 2000]))
        .expect("enqueued");
    let small = commands
        .enqueue(&d1(), Command::new(Bytes::from_static(b"small")))
        .expect("enqueued");
    let (mut raw, _) = RawPeer::connect(&hub, limited(Some(512))).await;
    subscribe(&mut raw, "$iothub/commands", QoS::AtLeastOnce).await;
    let (packet, size) = raw.recv_sized().await.expect("a command");
    assert!(size <= 512);
    let Packet::Publish(p) = packet else {
        panic!("expected the small command, got {packet:?}");
    };
    let props = p.properties.clone().expect("properties");
    assert_eq!(
        user(&props.user_properties, "sequence-no"),
        Some(small.to_string().as_str())
    );
    raw.send(Packet::PubAck(PubAck::new(p.pkid, None))).await;
    raw.assert_quiet().await;
    let queue = commands.list(&d1());
    assert_eq!(
        (
            queue[0].sequence_no,
            queue[0].state,
            queue[0].delivery_count
        ),
        (big, CommandState::Queued, 0),
        "kept, never delivered"
    );
    assert_eq!(queue[1].state, CommandState::Completed);

    // A connection that takes it gets it.
    drop(raw);
    let mut larger = limited(Some(4096));
    larger.clean_start = true;
    let (mut raw, _) = RawPeer::connect(&hub, larger).await;
    subscribe(&mut raw, "$iothub/commands", QoS::AtLeastOnce).await;
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.payload.len(), 2000);
            let props = p.properties.expect("properties");
            assert_eq!(
                user(&props.user_properties, "sequence-no"),
                Some(big.to_string().as_str())
            );
            assert_eq!(user(&props.user_properties, "delivery-count"), Some("1"));
        }
        other => panic!("expected the big command, got {other:?}"),
    }
}

#[tokio::test]
async fn a_desired_change_too_large_is_not_sent() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, limited(Some(512))).await;
    subscribe(&mut raw, "$iothub/twin/patch/desired", QoS::AtMostOnce).await;
    let twins = hub.hub().twins();
    twins
        .patch_desired(&d1(), &serde_json::json!({"big": "x".repeat(1000)}))
        .expect("patch");
    let version = twins
        .patch_desired(&d1(), &serde_json::json!({"small": 1}))
        .expect("patch");
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.topic.as_ref(), b"$iothub/twin/patch/desired");
            let props = p.properties.expect("properties");
            assert_eq!(
                user(&props.user_properties, "version"),
                Some(version.to_string().as_str()),
                "the small change, after a skipped version"
            );
        }
        other => panic!("expected the small change, got {other:?}"),
    }
    raw.assert_quiet().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_request_too_large_is_unavailable_at_once() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, limited(Some(256))).await;
    subscribe(&mut raw, "$iothub/methods/+", QoS::AtMostOnce).await;
    let started = Instant::now();
    let outcome = hub
        .hub()
        .methods()
        .invoke(
            &d1(),
            "reboot",
            Bytes::from(vec![b'p'; 1000]),
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(outcome, Err(MethodError::Unreachable("reboot".into())));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "not at its timeout"
    );
    raw.assert_quiet().await;
}

#[tokio::test]
async fn a_zero_maximum_packet_size_or_receive_maximum_is_a_protocol_error() {
    let hub = emulator(&["d1"]).await;
    let (_raw, ack) = RawPeer::connect(&hub, limited(Some(0))).await;
    assert_eq!(ack.code, ReasonCode::ProtocolError);
    let mut c = connect("d1", &key(0));
    c.properties.as_mut().expect("p").receive_maximum = Some(0);
    let (_raw, ack) = RawPeer::connect(&hub, c).await;
    assert_eq!(ack.code, ReasonCode::ProtocolError);
}
