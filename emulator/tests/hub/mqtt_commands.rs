//! Receive Commands, driven with raw MQTT 5 packets: commands wait while a
//! device is offline or unsubscribed, arrive as QoS 1 PUBLISHes with their
//! system properties, within the client's Receive Maximum, and are settled
//! by the device's PUBACK: success completes, Abandon (131 + `0603`)
//! redelivers with the delivery count raised, Reject (131 + `0100`) drops
//! it; unsettled ones come again after a reconnect. A device that
//! subscribed at QoS 0 gets them at QoS 0, each completed when sent.
//! Another device never sees them.

use bytes::Bytes;
use std::time::Duration;

use iothub_emulator::hub::commands::{Command, CommandQuotas, CommandState};
use iothub_emulator::registry::DeviceId;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, PubAck, PubAckProperties, Publish, SubAck, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::{emulator, emulator_with};
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key, user};
use iothub_test_kit::service::Service;

fn id(name: &str) -> DeviceId {
    DeviceId::new(name).expect("id")
}

async fn subscribe_commands(raw: &mut RawPeer) {
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new("$iothub/commands", QoS::AtLeastOnce),
        None,
    )))
    .await;
}

/// The next packet, which must be a command PUBLISH.
async fn command(raw: &mut RawPeer) -> Publish {
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.topic.as_ref(), b"$iothub/commands");
            assert_eq!(p.qos, QoS::AtLeastOnce);
            p
        }
        other => panic!("expected a command, got {other:?}"),
    }
}

fn prop<'a>(p: &'a Publish, name: &str) -> Option<&'a str> {
    user(
        &p.properties.as_ref().expect("properties").user_properties,
        name,
    )
}

fn ack(pkid: u16, status: Option<&str>) -> Packet {
    let mut ack = PubAck::new(pkid, None);
    if let Some(status) = status {
        ack.reason = ReasonCode::ImplementationSpecificError;
        ack.properties = Some(PubAckProperties {
            reason_string: None,
            user_properties: vec![("status".into(), status.into())],
        });
    }
    Packet::PubAck(ack)
}

#[tokio::test]
async fn commands_wait_then_arrive_with_their_properties_and_complete() {
    let hub = emulator(&["d1", "d2"]).await;
    let commands = hub.hub().commands();
    let seq = commands
        .enqueue(
            &id("d1"),
            Command::new(Bytes::from_static(b"reboot"))
                .message_id("m-1")
                .content_type("text/plain")
                .application_property("urgency", "high"),
        )
        .expect("enqueued");
    // d2 subscribes too: it never sees d1's command.
    let (mut other, _) = RawPeer::connect(&hub, connect("d2", &key(1))).await;
    subscribe_commands(&mut other).await;
    assert!(matches!(other.recv().await, Some(Packet::SubAck(_))));

    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    subscribe_commands(&mut raw).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    let p = command(&mut raw).await;
    assert_eq!(p.payload.as_ref(), b"reboot");
    assert_eq!(prop(&p, "sequence-no"), Some(seq.to_string().as_str()));
    assert_eq!(prop(&p, "delivery-count"), Some("1"));
    assert_eq!(prop(&p, "message-id"), Some("m-1"));
    assert_eq!(prop(&p, "@urgency"), Some("high"));
    assert!(prop(&p, "enqueued-time")
        .expect("enqueued-time")
        .parse::<u64>()
        .is_ok());
    assert_eq!(
        p.properties
            .as_ref()
            .and_then(|x| x.content_type.as_deref()),
        Some("text/plain")
    );
    raw.send(ack(p.pkid, None)).await;
    // Settled: a ping round trip later, the queue says so.
    raw.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert!(matches!(raw.recv().await, Some(Packet::PingResp(_))));
    assert_eq!(commands.list(&id("d1"))[0].state, CommandState::Completed);
    // d2 got nothing but its PINGRESPs.
    other.assert_quiet().await;
}

/// An emulator whose abandoned commands come back at once.
async fn without_redelivery_delay(names: &[&str]) -> iothub_emulator::Emulator {
    emulator_with(names, |config| {
        config.command_quotas(CommandQuotas::default().redelivery_delay(Duration::ZERO))
    })
    .await
}

#[tokio::test]
async fn abandon_redelivers_and_reject_drops() {
    let hub = without_redelivery_delay(&["d1"]).await;
    let commands = hub.hub().commands();
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    subscribe_commands(&mut raw).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    let first = commands
        .enqueue(&id("d1"), Command::new(Bytes::from_static(b"a")))
        .expect("enqueued");
    let p = command(&mut raw).await;
    assert_eq!(prop(&p, "sequence-no"), Some(first.to_string().as_str()));
    raw.send(ack(p.pkid, Some("0603"))).await;
    let again = command(&mut raw).await;
    assert_eq!(
        prop(&again, "sequence-no"),
        Some(first.to_string().as_str())
    );
    assert_eq!(prop(&again, "delivery-count"), Some("2"));
    raw.send(ack(again.pkid, Some("0100"))).await;
    // No third delivery.
    raw.assert_quiet().await;
    assert_eq!(commands.list(&id("d1"))[0].state, CommandState::Rejected);
}

#[tokio::test]
async fn the_receive_maximum_is_kept_and_unsettled_commands_come_again_after_a_reconnect() {
    let hub = emulator(&["d1"]).await;
    let commands = hub.hub().commands();
    for payload in [&b"1"[..], b"2", b"3"] {
        commands
            .enqueue(&id("d1"), Command::new(Bytes::copy_from_slice(payload)))
            .expect("enqueued");
    }
    let mut c = connect("d1", &key(0));
    c.properties.as_mut().expect("p").receive_maximum = Some(2);
    // A session that outlives its connection (the default, 0, ends with it).
    c.properties.as_mut().expect("p").session_expiry_interval = Some(3600);
    let (mut raw, _) = RawPeer::connect(&hub, c.clone()).await;
    subscribe_commands(&mut raw).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    let one = command(&mut raw).await;
    let two = command(&mut raw).await;
    assert_eq!(
        (one.payload.as_ref(), two.payload.as_ref()),
        (&b"1"[..], &b"2"[..])
    );
    // The third waits for a PUBACK.
    raw.assert_quiet().await;
    raw.send(ack(one.pkid, None)).await;
    let three = command(&mut raw).await;
    assert_eq!(three.payload.as_ref(), b"3");
    // Gone without settling 2 and 3: both come again, on the resumed session.
    drop(raw);
    let (mut raw, ack_packet) = RawPeer::connect(&hub, c).await;
    assert!(ack_packet.session_present);
    let mut again = [command(&mut raw).await, command(&mut raw).await];
    again.sort_by(|a, b| a.payload.cmp(&b.payload));
    assert_eq!(again[0].payload.as_ref(), b"2");
    assert_eq!(prop(&again[0], "delivery-count"), Some("2"));
    assert_eq!(again[1].payload.as_ref(), b"3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takeover_hands_unsettled_commands_to_the_new_connection() {
    let hub = emulator(&["d1"]).await;
    let commands = hub.hub().commands();
    let (mut old, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    subscribe_commands(&mut old).await;
    assert!(matches!(old.recv().await, Some(Packet::SubAck(_))));
    commands
        .enqueue(&id("d1"), Command::new(Bytes::from_static(b"once")))
        .expect("enqueued");
    let first = command(&mut old).await;
    assert_eq!(prop(&first, "delivery-count"), Some("1"));
    // Never acknowledged: a second connection takes over the session.
    let (mut new, connack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert!(connack.session_present);
    let again = command(&mut new).await;
    assert_eq!(again.payload.as_ref(), b"once");
    assert_eq!(prop(&again, "delivery-count"), Some("2"));
    new.send(ack(again.pkid, None)).await;
    new.assert_quiet().await;
    assert_eq!(commands.list(&id("d1"))[0].state, CommandState::Completed);
}

#[tokio::test]
async fn a_qos_0_subscription_gets_commands_at_qos_0_completed_on_send() {
    let hub = emulator(&["d1"]).await;
    let commands = hub.hub().commands();
    for payload in [&b"1"[..], b"2", b"3"] {
        commands
            .enqueue(&id("d1"), Command::new(Bytes::copy_from_slice(payload)))
            .expect("enqueued");
    }
    // A Receive Maximum of 1 does not hold QoS 0 back (it counts QoS 1 only).
    let mut c = connect("d1", &key(0));
    c.properties.as_mut().expect("p").receive_maximum = Some(1);
    let (mut raw, _) = RawPeer::connect(&hub, c).await;
    let mut subscribe = Subscribe::new(Filter::new("$iothub/commands", QoS::AtMostOnce), None);
    subscribe.pkid = 3;
    raw.send(Packet::Subscribe(subscribe)).await;
    assert_eq!(
        raw.recv().await,
        Some(Packet::SubAck(SubAck {
            pkid: 3,
            return_codes: vec![ReasonCode::granted(QoS::AtMostOnce)],
            properties: None,
        }))
    );
    for (i, payload) in [&b"1"[..], b"2", b"3"].into_iter().enumerate() {
        let p = match raw.recv().await {
            Some(Packet::Publish(p)) => p,
            other => panic!("expected a command, got {other:?}"),
        };
        assert_eq!(
            (p.topic.as_ref(), p.qos, p.pkid, p.payload.as_ref()),
            (&b"$iothub/commands"[..], QoS::AtMostOnce, 0, payload)
        );
        assert_eq!(prop(&p, "sequence-no"), Some((i + 1).to_string().as_str()));
        assert_eq!(prop(&p, "delivery-count"), Some("1"));
    }
    // No PUBACK is sent or awaited: each is completed.
    raw.assert_quiet().await;
    let states: Vec<_> = commands.list(&id("d1")).iter().map(|c| c.state).collect();
    assert_eq!(states, [CommandState::Completed; 3]);

    // Subscribing again at QoS 1 replaces the subscription: QoS 1 again.
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new("$iothub/commands", QoS::AtLeastOnce),
        None,
    )))
    .await;
    assert!(matches!(
        raw.recv().await,
        Some(Packet::SubAck(SubAck { ref return_codes, .. }))
            if return_codes == &[ReasonCode::granted(QoS::AtLeastOnce)]
    ));
    commands
        .enqueue(&id("d1"), Command::new(Bytes::from_static(b"4")))
        .expect("enqueued");
    let p = command(&mut raw).await;
    assert_ne!(p.pkid, 0);
    assert_eq!(commands.list(&id("d1"))[3].state, CommandState::Delivered);
    raw.send(ack(p.pkid, None)).await;
    raw.assert_quiet().await;
    assert_eq!(commands.list(&id("d1"))[3].state, CommandState::Completed);
}

/// A failure PUBACK with `user` properties.
fn nak(pkid: u16, reason: ReasonCode, user: &[(&str, &str)]) -> Packet {
    let mut ack = PubAck::new(pkid, None);
    ack.reason = reason;
    ack.properties = Some(PubAckProperties {
        reason_string: None,
        user_properties: user
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
    });
    Packet::PubAck(ack)
}

#[tokio::test]
async fn a_reject_with_a_reason_is_a_reject_and_a_nak_without_status_counts_toward_dead_lettering()
{
    let hub = without_redelivery_delay(&["d1"]).await;
    let commands = hub.hub().commands();
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    subscribe_commands(&mut raw).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    // Reject, with a `reason` and a property the spec does not name.
    let rejected = commands
        .enqueue(&id("d1"), Command::new(Bytes::from_static(b"r")))
        .expect("enqueued");
    let p = command(&mut raw).await;
    raw.send(nak(
        p.pkid,
        ReasonCode::ImplementationSpecificError,
        &[
            ("status", "0100"),
            ("reason", "not for me"),
            ("x-extra", "1"),
        ],
    ))
    .await;
    raw.assert_quiet().await;
    assert_eq!(commands.list(&id("d1"))[0].state, CommandState::Rejected);
    // NAKed forever: by reason code only, by an unknown status, by a
    // status that is not one: ten deliveries, then dead-lettered.
    let naked = commands
        .enqueue(&id("d1"), Command::new(Bytes::from_static(b"n")))
        .expect("enqueued");
    let ways: [&[(&str, &str)]; 3] = [&[], &[("status", "0999")], &[("status", "nope")]];
    for delivery in 1..=10u32 {
        let p = command(&mut raw).await;
        assert_eq!(prop(&p, "sequence-no"), Some(naked.to_string().as_str()));
        assert_eq!(
            prop(&p, "delivery-count"),
            Some(delivery.to_string().as_str())
        );
        let reason = if delivery % 2 == 0 {
            ReasonCode::UnspecifiedError
        } else {
            ReasonCode::ImplementationSpecificError
        };
        raw.send(nak(p.pkid, reason, ways[delivery as usize % 3]))
            .await;
    }
    raw.assert_quiet().await;
    let queue = commands.list(&id("d1"));
    assert_eq!(queue[0].sequence_no, rejected);
    assert_eq!(
        (
            queue[1].sequence_no,
            queue[1].state,
            queue[1].delivery_count
        ),
        (naked, CommandState::DeadLettered, 10)
    );
    // The service side sees it so.
    let listed = Service::new(hub.http_addr())
        .expect("GET", "/devices/d1/messages/deviceBound", None, 200)
        .await;
    assert_eq!(listed[1]["state"], "deadLettered", "{listed}");
}

/// An emulator with redelivery delay `delay`, d1 connected and subscribed
/// to commands, one command delivered to it and abandoned.
async fn abandoned_once(delay: Duration) -> (iothub_emulator::Emulator, RawPeer) {
    let hub = emulator_with(&["d1"], |config| {
        config.command_quotas(CommandQuotas::default().redelivery_delay(delay))
    })
    .await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    subscribe_commands(&mut raw).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    hub.hub()
        .commands()
        .enqueue(&id("d1"), Command::new(Bytes::from_static(b"a")))
        .expect("enqueued");
    let p = command(&mut raw).await;
    raw.send(ack(p.pkid, Some("0603"))).await;
    (hub, raw)
}

#[tokio::test]
async fn an_abandoned_command_is_not_delivered_again_at_once() {
    // A delay no test run reaches: nothing comes back meanwhile.
    let (hub, mut raw) = abandoned_once(Duration::from_secs(3600)).await;
    raw.assert_quiet().await;
    let queue = hub.hub().commands().list(&id("d1"));
    assert_eq!(
        (queue[0].state, queue[0].delivery_count),
        (CommandState::Abandoned, 1)
    );
    assert!(queue[0].not_before.is_some(), "waiting out its delay");
}

#[tokio::test]
async fn an_abandoned_command_comes_back_when_its_delay_has_passed() {
    // The connection's own timer brings it back (no other wake-up comes).
    let (_hub, mut raw) = abandoned_once(Duration::from_millis(50)).await;
    let again = command(&mut raw).await;
    assert_eq!(prop(&again, "delivery-count"), Some("2"));
}

#[tokio::test]
async fn the_queue_holds_fifty_and_an_expired_command_is_never_delivered() {
    let hub = emulator(&["d1"]).await;
    let service = Service::new(hub.http_addr());
    let path = "/devices/d1/messages/deviceBound";
    // Already past its expiry when it arrives.
    let expired = service
        .send(
            "POST",
            path,
            Some("text/plain"),
            "iothub-expiry-time-utc: 1",
            b"late",
        )
        .await;
    assert_eq!(expired.status, 201, "{}", expired.text());
    for n in 2..=50 {
        let answer = service
            .send("POST", path, Some("text/plain"), "", b"x")
            .await;
        assert_eq!(answer.status, 201, "command {n}: {}", answer.text());
    }
    // The expired one does not count: one more fits, then the queue is full.
    let fiftieth = service
        .send("POST", path, Some("text/plain"), "", b"x")
        .await;
    assert_eq!(fiftieth.status, 201, "{}", fiftieth.text());
    let refused = service
        .send("POST", path, Some("text/plain"), "", b"x")
        .await;
    refused.assert_error(403, "queueFull");
    assert_eq!(
        refused.header("iothub-errorcode"),
        Some("DeviceMaximumQueueDepthExceeded")
    );
    let big = service
        .send(
            "POST",
            path,
            Some("application/octet-stream"),
            "",
            &vec![0u8; 65_537],
        )
        .await;
    big.assert_error(413, "payloadTooLarge");
    let listed = service.expect("GET", path, None, 200).await;
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 51);
    assert_eq!(listed[0]["state"], "expired");
    // The device gets command 2 first: 1 expired.
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    subscribe_commands(&mut raw).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    let p = command(&mut raw).await;
    assert_eq!(prop(&p, "sequence-no"), Some("2"));
}
