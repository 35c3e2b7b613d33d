//! A hostile peer against the in-process emulator while ten good devices
//! (the project's device client) keep working: the peer sends every
//! malformed or rule-breaking packet of the overview (`hostile_cases`, each
//! answer asserted), then seeded byte soups and truncated packets, before
//! and after a CONNECT. Throughout, every good device's Get Twin and Send
//! Telemetry round trips succeed, and none of them sees a connection state
//! other than its first connection: no reconnect, no error. Bounded: the
//! peer's work is a fixed list, every wait is bounded, the whole run is
//! given a minute and takes a few seconds.

use crate::hostile_cases;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use hostile_cases::Peer;
use iothub_client::api::send_telemetry;
use iothub_client::operation::Outcome;
use iothub_client::runtime::ConnectionState;
use iothub_client::{Client, Receivers};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, Publish, PublishProperties};
use iothub_test_kit::fixtures::{emulator, options};
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::key;
use iothub_test_kit::{HOST, WAIT};

/// Good devices.
const GOOD: u8 = 10;
/// The hostile device's id (registered after the good ones).
const HOSTILE: &str = "hostile";
/// Random byte soups and truncated packets sent.
const SOUPS: u32 = 40;
/// Round trips each good device makes at least.
const MIN_ROUND_TRIPS: usize = 3;

/// Whether `state` is the device's first connection.
fn first_connection(state: &ConnectionState) -> bool {
    matches!(state, ConnectionState::Connected { connection: 1, .. })
}

/// A good device's loop: Get Twin and Send Telemetry until `stop`, each
/// succeeding, on its first connection; returns its round trips.
async fn good_device(client: Client, receivers: Receivers, stop: Arc<AtomicBool>) -> usize {
    let state = client.connection_state();
    let mut round_trips = 0;
    while !stop.load(Ordering::Relaxed) || round_trips < MIN_ROUND_TRIPS {
        match client.get_twin().await {
            Ok(Outcome::Success(_)) => {}
            other => panic!("Get Twin: {other:?}"),
        }
        let message = send_telemetry::Message::default();
        match client.send_telemetry(message, "21.5").await {
            Ok(Outcome::Success(_)) => {}
            other => panic!("Send Telemetry: {other:?}"),
        }
        let now = state.borrow().clone();
        assert!(first_connection(&now), "a good device saw {now:?}");
        round_trips += 1;
    }
    assert!(!state.has_changed().unwrap_or(true), "the state changed");
    client.disconnect().await;
    drop(receivers);
    round_trips
}

/// A deterministic xorshift stream.
fn xorshift(mut seed: u32) -> impl FnMut() -> u32 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    }
}

/// Byte soups and truncated real packets, before and after a CONNECT; the
/// peer closes each connection after sending (a partial packet would
/// otherwise wait for the rest).
async fn soups(peer: Peer<'_>) {
    let mut next = xorshift(0x2545_F491);
    let mut telemetry = BytesMut::new();
    let properties = PublishProperties {
        user_properties: vec![("@kind".into(), "soup".into())],
        ..PublishProperties::default()
    };
    let mut publish = Publish::new("$iothub/telemetry", QoS::AtLeastOnce, "x", Some(properties));
    publish.pkid = 1;
    Packet::Publish(publish)
        .write(&mut telemetry, None)
        .expect("encodes");
    let mut connect = BytesMut::new();
    Packet::Connect(peer.connect(), None, None)
        .write(&mut connect, None)
        .expect("encodes");
    for round in 0..SOUPS {
        let len = usize::try_from(next() % 300).expect("small");
        let bytes: Vec<u8> = match round % 4 {
            // Random bytes.
            0 | 1 => (0..len).map(|_| next().to_le_bytes()[0]).collect(),
            // A real CONNECT or PUBLISH, cut short.
            2 => connect[..len % connect.len()].to_vec(),
            _ => telemetry[..len % telemetry.len()].to_vec(),
        };
        let mut raw = if round % 2 == 0 {
            RawPeer::open(peer.addr).await
        } else {
            peer.session().await
        };
        raw.send_bytes(&bytes).await;
    }
    // The hub still takes the hostile device, and answers it.
    let mut raw = peer.session().await;
    raw.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert!(matches!(raw.recv().await, Some(Packet::PingResp(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_peer_disturbs_no_good_device() {
    let mut names: Vec<String> = (0..GOOD).map(|i| format!("good{i}")).collect();
    names.push(HOSTILE.to_owned());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let hub = emulator(&refs).await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut devices = Vec::new();
    for i in 0..GOOD {
        let name = format!("good{i}");
        let (client, receivers) = Client::connect(options(&hub, &name, i)).expect("starts");
        client.wait_connected(WAIT).await.expect("connects");
        devices.push(tokio::spawn(good_device(client, receivers, stop.clone())));
    }
    let key = key(GOOD);
    let peer = Peer {
        addr: hub.mqtt_addr(),
        id: HOSTILE,
        key: &key,
        host: HOST,
    };
    let started = tokio::time::Instant::now();
    let hostile = async {
        hostile_cases::run_all(peer).await;
        soups(peer).await;
    };
    tokio::time::timeout(Duration::from_secs(60), hostile)
        .await
        .expect("the hostile peer's work ends in time");
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for (i, device) in devices.into_iter().enumerate() {
        let round_trips = tokio::time::timeout(WAIT, device)
            .await
            .expect("a good device stops in time")
            .unwrap_or_else(|e| panic!("good{i}: {e}"));
        assert!(round_trips >= MIN_ROUND_TRIPS, "good{i}: {round_trips}");
    }
    assert!(
        took < Duration::from_secs(30),
        "the hostile peer took {took:?}"
    );
}
