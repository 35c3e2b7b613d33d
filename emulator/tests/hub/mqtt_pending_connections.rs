//! The bound on connections waiting for their CONNECT: past it a new
//! socket is closed at once (not after the 30 s CONNECT deadline), and a
//! slot is free again as soon as a waiting connection sends its CONNECT.

use std::time::{Duration, Instant};

use iothub_mqtt::packet::Packet;
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator_with;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};
use iothub_test_kit::WAIT;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Whether the hub closes `stream` within a second, sending nothing.
async fn closed_at_once(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte)).await {
        Ok(Ok(0)) | Ok(Err(_)) => true,
        Ok(Ok(_)) | Err(_) => false,
    }
}

#[tokio::test]
async fn sockets_past_the_bound_are_closed_at_once() {
    let hub = emulator_with(&["d1"], |config| config.pending_connections(2)).await;
    // Two sockets that say nothing hold both slots.
    let mut first = RawPeer::open(&hub).await;
    let _second = TcpStream::connect(hub.mqtt_addr()).await.expect("connects");
    let started = Instant::now();
    let mut third = TcpStream::connect(hub.mqtt_addr()).await.expect("connects");
    assert!(closed_at_once(&mut third).await, "past the bound");
    assert!(started.elapsed() < WAIT);

    // The first sends its CONNECT: served, and its slot is free again.
    first
        .send(Packet::Connect(connect("d1", &key(0)), None, None))
        .await;
    match first.recv().await {
        Some(Packet::ConnAck(ack)) => assert_eq!(ack.code, ReasonCode::Success),
        other => panic!("expected CONNACK, got {other:?}"),
    }
    let mut fourth = RawPeer::open(&hub).await;
    fourth
        .send(Packet::Connect(connect("d1", &key(0)), None, None))
        .await;
    match fourth.recv().await {
        Some(Packet::ConnAck(ack)) => assert_eq!(ack.code, ReasonCode::Success),
        other => panic!("expected CONNACK on a free slot, got {other:?}"),
    }
}
