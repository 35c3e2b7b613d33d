//! The client's session against a scripted hub: when it subscribes (until
//! the hub granted it, whatever Session Present says), packet identifiers
//! shared by SUBSCRIBE and PUBLISH, the hub's DISCONNECT reason surfaced,
//! keep alive, receivers dropped before the connection, what MQTT 5
//! cannot carry refused before it is sent, and a Receive Maximum lowered
//! across a reconnect kept while sending again.

use std::time::Duration;

use iothub_client::api::send_telemetry;
use iothub_client::runtime::{ConnectionState, DisconnectCause};
use iothub_client::wire::ApplicationProperties;
use iothub_client::{Client, Error};
use iothub_mqtt::packet::{ConnAck, ConnAckProperties, Packet, PubAck};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::{options_to, wait_for_state};
use iothub_test_kit::hub::ScriptedHub;
use iothub_test_kit::WAIT;

#[tokio::test]
async fn subscribes_until_granted_then_trusts_session_present() {
    let fake = ScriptedHub::start().await;
    let (_client, mut receivers) =
        Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");

    // 1st connection: Session Present 1 from an older session, but this
    // process never had a SUBACK: it subscribes anyway. The connection drops
    // before the SUBACK.
    let mut hub = fake.accept().await;
    hub.accept_connect(true).await;
    assert!(
        matches!(hub.recv_packet().await, Packet::Subscribe(_)),
        "subscribes despite Session Present 1"
    );
    drop(hub);

    // 2nd connection: still no SUBACK seen, so again; granted this time.
    let mut hub = fake.accept().await;
    hub.accept_connect(true).await;
    hub.answer_subscribe(|f| ReasonCode::granted(f.qos)).await;
    hub.answer_twin_request().await;
    // The SUBACK was read before the answer: once the snapshot is here, the
    // client knows its subscriptions were granted.
    let snapshot = tokio::time::timeout(WAIT, receivers.receive_twin_desired_state_changes.recv())
        .await
        .expect("in time")
        .expect("open")
        .expect("decodes");
    assert!(snapshot.snapshot);
    drop(hub);

    // 3rd connection: granted and the session kept: no SUBSCRIBE, straight
    // to the snapshot's Get Twin.
    let mut hub = fake.accept().await;
    hub.accept_connect(true).await;
    match hub.recv_packet().await {
        Packet::Publish(p) => assert_eq!(p.topic, iothub_client::api::get_twin::TOPIC.as_bytes()),
        other => panic!("expected no SUBSCRIBE, got {other:?}"),
    }
}

#[tokio::test]
async fn subscribe_and_publish_never_share_a_packet_identifier() {
    let fake = ScriptedHub::start().await;
    let (client, _receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    let Packet::Subscribe(subscribe) = hub.recv_packet().await else {
        panic!("SUBSCRIBE");
    };
    // No SUBACK yet: a QoS 1 message goes out meanwhile.
    let sender = tokio::spawn(async move {
        client
            .send_telemetry(send_telemetry::Message::default(), "x")
            .await
    });
    loop {
        match hub.recv_packet().await {
            Packet::Publish(publish) if publish.topic == send_telemetry::TOPIC.as_bytes() => {
                assert_ne!(publish.pkid, subscribe.pkid, "one identifier space");
                break;
            }
            Packet::Publish(_) => {} // the snapshot's Get Twin
            other => panic!("unexpected {other:?}"),
        }
    }
    sender.abort();
}

#[tokio::test]
async fn the_hubs_disconnect_reason_is_surfaced_even_in_its_shortest_form() {
    let fake = ScriptedHub::start().await;
    let (client, _receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    wait_for_state(&client, "connected", ConnectionState::is_connected).await;
    // DISCONNECT 142 (Session taken over) with no properties: E0 01 8E.
    hub.send_raw(&[0xE0, 0x01, 0x8E]).await;
    let state = wait_for_state(&client, "disconnected", |s| {
        matches!(s, ConnectionState::Disconnected { .. })
    })
    .await;
    let ConnectionState::Disconnected { cause, .. } = state else {
        unreachable!()
    };
    assert_eq!(
        cause,
        DisconnectCause::Hub {
            reason_code: 142,
            status: None,
            reason: None
        }
    );
}

// On tokio's paused clock: the keep alive's second passes in no real time.
#[tokio::test(start_paused = true)]
async fn a_silent_hub_gets_a_pingreq_then_the_client_reconnects() {
    let fake = ScriptedHub::start().await;
    let options = options_to(fake.addr(), "d", 0).keep_alive(Duration::from_secs(1));
    let (client, _receivers) = Client::connect(options).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    // Nothing more from the hub: after a keep alive of silence, a PINGREQ.
    let started = tokio::time::Instant::now();
    assert!(matches!(hub.recv_packet().await, Packet::PingReq(_)));
    assert!(started.elapsed() >= Duration::from_millis(500));
    // No PINGRESP: the connection is given up and made again.
    let state = wait_for_state(&client, "keep alive timeout", |s| {
        matches!(s, ConnectionState::Disconnected { .. })
    })
    .await;
    assert!(
        matches!(
            state,
            ConnectionState::Disconnected {
                cause: DisconnectCause::KeepAliveTimeout,
                ..
            }
        ),
        "{state:?}"
    );
    let _again = fake.accept().await;
}

#[tokio::test]
async fn receivers_dropped_before_the_connection_are_not_subscribed() {
    let fake = ScriptedHub::start().await;
    let (client, receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    drop(receivers.receive_commands);
    drop(receivers.receive_direct_methods);
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    let Packet::Subscribe(subscribe) = hub.recv_packet().await else {
        panic!("SUBSCRIBE");
    };
    let filters: Vec<&str> = subscribe.filters.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        filters,
        [iothub_client::api::receive_twin_desired_state_changes::TOPIC]
    );
    drop(client);
}

#[tokio::test]
async fn what_mqtt_5_cannot_carry_is_refused_before_it_is_sent() {
    let fake = ScriptedHub::start().await;
    let (client, _receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    let mut application = ApplicationProperties::new();
    application.insert("@note", "x".repeat(70_000));
    let message = send_telemetry::Message {
        application,
        ..send_telemetry::Message::default()
    };
    match client.send_telemetry(message, "x").await {
        Err(Error::PropertyTooLong { name, len }) => {
            assert_eq!(name, "@note");
            assert_eq!(len, 70_000);
        }
        other => panic!("expected PropertyTooLong, got {other:?}"),
    }
    // Nothing went out, and the connection carries on.
    let follow = tokio::spawn(async move {
        client
            .send_telemetry(send_telemetry::Message::default(), "ok")
            .await
    });
    match hub.recv_packet().await {
        Packet::Publish(publish) => assert_eq!(&publish.payload[..], b"ok"),
        other => panic!("unexpected {other:?}"),
    }
    follow.abort();
}

/// The next packet, which must be a PUBLISH of telemetry: its identifier
/// and DUP flag.
async fn telemetry(hub: &mut iothub_test_kit::hub::HubConnection) -> (u16, bool) {
    match hub.recv_packet().await {
        Packet::Publish(p) if p.topic == send_telemetry::TOPIC.as_bytes() => (p.pkid, p.dup),
        other => panic!("expected telemetry, got {other:?}"),
    }
}

fn puback(pkid: u16) -> Packet {
    Packet::PubAck(PubAck {
        pkid,
        reason: ReasonCode::Success,
        properties: None,
    })
}

#[tokio::test]
async fn a_receive_maximum_lowered_across_a_reconnect_is_kept_while_sending_again() {
    let fake = ScriptedHub::start().await;
    let (client, receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    // No receiver: no SUBSCRIBE and no snapshot request on the wire.
    drop(receivers);
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .send_telemetry(send_telemetry::Message::default(), "x")
                    .await
            })
        })
        .collect();
    let mut in_flight = Vec::new();
    for _ in 0..4 {
        in_flight.push(telemetry(&mut hub).await.0);
    }
    in_flight.sort_unstable();
    drop(hub);

    // The hub keeps the session but now takes two unacknowledged at a time.
    let mut hub = fake.accept().await;
    assert!(matches!(hub.recv_packet().await, Packet::Connect(..)));
    hub.send(Packet::ConnAck(ConnAck {
        session_present: true,
        code: ReasonCode::Success,
        properties: Some(ConnAckProperties {
            receive_max: Some(2),
            ..ConnAckProperties::default()
        }),
    }))
    .await;
    assert_eq!(telemetry(&mut hub).await, (in_flight[0], true));
    assert_eq!(telemetry(&mut hub).await, (in_flight[1], true));
    // A request is not held by the Receive Maximum (QoS 0): the next
    // packet is it, not a third telemetry message.
    wait_for_state(&client, "the second connection", |s| {
        matches!(s, ConnectionState::Connected { connection: 2, .. })
    })
    .await;
    let twin = {
        let client = client.clone();
        tokio::spawn(async move { client.get_twin().await })
    };
    hub.answer_twin_request().await;
    assert!(twin.await.expect("joins").expect("answered").is_success());
    // Each PUBACK lets one more go.
    hub.send(puback(in_flight[0])).await;
    assert_eq!(telemetry(&mut hub).await, (in_flight[2], true));
    hub.send(puback(in_flight[1])).await;
    assert_eq!(telemetry(&mut hub).await, (in_flight[3], true));
    hub.send(puback(in_flight[2])).await;
    hub.send(puback(in_flight[3])).await;
    for sender in senders {
        let outcome = tokio::time::timeout(WAIT, sender)
            .await
            .expect("acknowledged in time")
            .expect("joins")
            .expect("sent");
        assert!(outcome.is_success());
    }
}
