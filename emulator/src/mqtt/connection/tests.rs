//! A real connection over an in-memory stream, with a durable hub whose
//! commits a test holds (the testing backend): what only shows while
//! acknowledgements wait for the disk.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use iothub_client::api::{self, limits};
use iothub_mqtt::packet::{Packet, Publish, PublishProperties, QoS};
use iothub_mqtt::ReasonCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

use super::test_support::registry;
use super::{serve, Clock, Shared, Transport};
use crate::hub::Hub;
use crate::mqtt::admission::Admission;
use crate::mqtt::frame::{self, Frame};
use crate::registry::DeviceId;
use crate::store::testing::{journal, Control};

/// A durable hub on the testing backend with device `d1`.
fn hub(control: &Arc<Control>) -> Hub {
    Hub::builder()
        .registry(registry())
        .build_on(journal(control))
}

/// A CONNECT of d1, signed now, keep alive 60 s.
fn connect() -> Packet {
    super::test_support::connect(Clock::now(), 60, Duration::from_secs(3600))
}

async fn send(stream: &mut DuplexStream, packets: &[Packet]) {
    let mut bytes = BytesMut::new();
    for packet in packets {
        frame::write(&Frame::Packet(Box::new(packet.clone())), &mut bytes).expect("encodes");
    }
    stream.write_all(&bytes).await.expect("writes");
}

async fn recv(stream: &mut DuplexStream, buffer: &mut BytesMut) -> Option<Packet> {
    loop {
        if let Some(Frame::Packet(packet)) = frame::read(buffer, u32::MAX).expect("frames") {
            return Some(*packet);
        }
        if stream.read_buf(buffer).await.expect("reads") == 0 {
            return None;
        }
    }
}

/// With every commit held, QoS 1 PUBLISHes wait for their PUBACKs; the one
/// past the hub's Receive Maximum ends the connection with DISCONNECT
/// 0x93, which goes out after the PUBACKs of those before it.
#[tokio::test(start_paused = true)]
async fn a_qos_1_publish_past_the_receive_maximum_is_disconnect_0x93() {
    let control = Arc::new(Control::default());
    let hub = hub(&control);
    let shared = Arc::new(Shared {
        hub: hub.clone(),
        sessions: Default::default(),
        hostname: None,
    });
    let (mut client, server) = tokio::io::duplex(1 << 20);
    let admission = Admission::new(1);
    let admitted = admission.admit().expect("a slot");
    let served = tokio::spawn(serve(server, shared, Transport::default(), admitted));
    let mut buffer = BytesMut::new();
    send(&mut client, &[connect()]).await;
    match recv(&mut client, &mut buffer).await {
        Some(Packet::ConnAck(ack)) => assert_eq!(ack.code, ReasonCode::Success),
        other => panic!("expected CONNACK, got {other:?}"),
    }
    control.hold_sync();
    let allowed = usize::from(limits::RECEIVE_MAXIMUM);
    let publishes: Vec<Packet> = (1..=allowed + 1)
        .map(|n| {
            let mut publish = Publish::new(
                api::send_telemetry::TOPIC,
                QoS::AtLeastOnce,
                Bytes::from(vec![b'x'; 8]),
                Some(PublishProperties::default()),
            );
            publish.pkid = u16::try_from(n).expect("few");
            Packet::Publish(publish)
        })
        .collect();
    send(&mut client, &publishes).await;
    // The hub read them all while the first commit is held, and ended the
    // connection (its DISCONNECT waits behind the PUBACKs).
    let device = DeviceId::new("d1").expect("id");
    // The connection's task runs whenever this one yields (one thread):
    // no timer involved.
    for _ in 0..10_000 {
        if !hub.connections().is_connected(&device) {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(
        !hub.connections().is_connected(&device),
        "the connection ended"
    );
    assert_eq!(
        hub.telemetry().len(),
        allowed,
        "the one past the maximum was not taken"
    );
    control.release_sync();
    for n in 1..=allowed {
        match recv(&mut client, &mut buffer).await {
            Some(Packet::PubAck(ack)) => {
                assert_eq!(
                    (ack.pkid, ack.reason),
                    (u16::try_from(n).expect("few"), ReasonCode::Success)
                );
            }
            other => panic!("expected PUBACK {n}, got {other:?}"),
        }
    }
    match recv(&mut client, &mut buffer).await {
        Some(Packet::Disconnect(disconnect)) => {
            assert_eq!(disconnect.reason_code, ReasonCode::ReceiveMaximumExceeded);
        }
        other => panic!("expected DISCONNECT 0x93, got {other:?}"),
    }
    served.await.expect("the connection ends");
}
