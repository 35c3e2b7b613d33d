//! Sessions as MQTT 5 has them: with Session Expiry Interval 0 (or none) a
//! session ends with its network connection, so Clean Start 0 afterwards
//! finds none (Session Present 0) and no subscription survives; with an
//! interval the session is kept; a client's DISCONNECT may end it (0) but
//! not keep one that was to end (Protocol Error). Queued commands belong to
//! the device, not the session: they wait for the next subscription. A
//! device removed and created again starts without a session.

use bytes::Bytes;
use iothub_emulator::hub::commands::{Command, CommandState};
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key};
use iothub_emulator::Emulator;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Connect, Disconnect, DisconnectProperties, Filter, Packet, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};

fn d1() -> DeviceId {
    DeviceId::new("d1").expect("id")
}

/// d1's CONNECT (Clean Start 0) with Session Expiry Interval `expiry`.
fn connect_with(expiry: Option<u32>) -> Connect {
    let mut c = connect("d1", &key(0));
    c.properties.as_mut().expect("p").session_expiry_interval = expiry;
    c
}

async fn subscribe_commands(raw: &mut RawPeer) {
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new("$iothub/commands", QoS::AtLeastOnce),
        None,
    )))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
}

/// Sends DISCONNECT (with `expiry` as its Session Expiry Interval, if any)
/// and waits until the hub closed the connection, which it does after the
/// session was released.
async fn disconnect(mut raw: RawPeer, expiry: Option<u32>) {
    let properties = expiry.map(|e| DisconnectProperties {
        session_expiry_interval: Some(e),
        reason_string: None,
        user_properties: Vec::new(),
        server_reference: None,
    });
    raw.send(Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::NORMAL_DISCONNECTION,
        properties,
    }))
    .await;
    assert!(raw.recv().await.is_none(), "closed after DISCONNECT");
}

/// A session that subscribed to commands and then disconnected; a command
/// enqueued after that.
async fn subscribed_then_gone(hub: &Emulator, expiry: Option<u32>) -> u64 {
    let (mut raw, ack) = RawPeer::connect(hub, connect_with(expiry)).await;
    assert!(!ack.session_present);
    subscribe_commands(&mut raw).await;
    disconnect(raw, None).await;
    hub.hub()
        .commands()
        .enqueue(&d1(), Command::new(Bytes::from_static(b"later")))
        .expect("enqueued")
}

/// The next packet is the command `sequence_no`.
async fn expect_command(raw: &mut RawPeer, sequence_no: u64) {
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.topic.as_ref(), b"$iothub/commands");
            let props = p.properties.expect("properties");
            assert_eq!(
                iothub_test_kit::sas::user(&props.user_properties, "sequence-no"),
                Some(sequence_no.to_string().as_str())
            );
        }
        other => panic!("expected command {sequence_no}, got {other:?}"),
    }
}

#[tokio::test]
async fn without_an_expiry_interval_the_session_ends_with_its_connection() {
    for expiry in [None, Some(0)] {
        let hub = emulator(&["d1"]).await;
        let sequence_no = subscribed_then_gone(&hub, expiry).await;
        let (mut raw, ack) = RawPeer::connect(&hub, connect_with(expiry)).await;
        assert!(!ack.session_present, "no session to resume ({expiry:?})");
        // No subscription survived: the command waits, queued.
        raw.assert_quiet().await;
        let queue = hub.hub().commands().list(&d1());
        assert_eq!(
            (queue[0].state, queue[0].delivery_count),
            (CommandState::Queued, 0)
        );
        subscribe_commands(&mut raw).await;
        expect_command(&mut raw, sequence_no).await;
    }
}

#[tokio::test]
async fn with_an_expiry_interval_the_session_is_kept() {
    let hub = emulator(&["d1"]).await;
    let sequence_no = subscribed_then_gone(&hub, Some(3600)).await;
    let (mut raw, ack) = RawPeer::connect(&hub, connect_with(Some(3600))).await;
    assert!(ack.session_present);
    // The subscription survived: the command comes without a SUBSCRIBE.
    expect_command(&mut raw, sequence_no).await;
}

#[tokio::test]
async fn a_disconnect_may_end_a_session_but_not_keep_one() {
    let hub = emulator(&["d1"]).await;
    // Kept by the CONNECT, ended by the DISCONNECT's interval 0.
    let (mut raw, _) = RawPeer::connect(&hub, connect_with(Some(3600))).await;
    subscribe_commands(&mut raw).await;
    disconnect(raw, Some(0)).await;
    let (raw, ack) = RawPeer::connect(&hub, connect_with(Some(3600))).await;
    assert!(!ack.session_present);
    disconnect(raw, None).await;
    // To end with its connection by the CONNECT: a DISCONNECT cannot keep it.
    let (mut raw, _) = RawPeer::connect(&hub, connect_with(None)).await;
    subscribe_commands(&mut raw).await;
    raw.send(Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::NORMAL_DISCONNECTION,
        properties: Some(DisconnectProperties {
            session_expiry_interval: Some(60),
            reason_string: None,
            user_properties: Vec::new(),
            server_reference: None,
        }),
    }))
    .await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::ProtocolError)
        }
        other => panic!("expected DISCONNECT Protocol Error, got {other:?}"),
    }
    assert!(raw.recv().await.is_none());
    let (_raw, ack) = RawPeer::connect(&hub, connect_with(Some(3600))).await;
    assert!(!ack.session_present);
}

fn same_keys() -> Device {
    Device::new(
        d1(),
        Authentication::Sas {
            primary: Key::from_base64(&key(0)).expect("key"),
            secondary: Key::from_base64(&key(100)).expect("key"),
        },
    )
}

#[tokio::test]
async fn a_removed_and_recreated_device_starts_without_a_session() {
    let hub = emulator(&["d1"]).await;
    // Offline when removed.
    subscribed_then_gone(&hub, Some(3600)).await;
    assert!(hub.hub().remove_device(&d1()).is_some());
    hub.hub().registry().put(same_keys());
    let sequence_no = hub
        .hub()
        .commands()
        .enqueue(&d1(), Command::new(Bytes::from_static(b"new")))
        .expect("enqueued");
    let (mut raw, ack) = RawPeer::connect(&hub, connect_with(Some(3600))).await;
    assert!(!ack.session_present, "the old session is gone");
    raw.assert_quiet().await;
    subscribe_commands(&mut raw).await;
    expect_command(&mut raw, sequence_no).await;

    // Online when removed: DISCONNECT 135, and no session afterwards.
    assert!(hub.hub().remove_device(&d1()).is_some());
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::NotAuthorized)
        }
        other => panic!("expected DISCONNECT 135, got {other:?}"),
    }
    assert!(raw.recv().await.is_none());
    hub.hub().registry().put(same_keys());
    let (mut raw, ack) = RawPeer::connect(&hub, connect_with(Some(3600))).await;
    assert!(!ack.session_present);
    raw.assert_quiet().await;
    assert!(hub.hub().connections().is_connected(&d1()));
}
