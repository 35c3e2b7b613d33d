//! A real connection over an in-memory stream, with a durable hub whose
//! commits a test holds (the testing backend): what only shows while
//! acknowledgements wait for the disk.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use iothub_client::api::connection::{sas, Connect as ConnectProperties};
use iothub_client::api::{self, limits};
use iothub_client::wire::{MqttProperties, Timestamp};
use iothub_mqtt::packet::{Connect, Packet, Publish, PublishProperties, QoS};
use iothub_mqtt::ReasonCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

use super::{serve, Shared, Transport};
use crate::hub::Hub;
use crate::mqtt::admission::Admission;
use crate::mqtt::frame::{self, Frame};
use crate::registry::{Authentication, Device, DeviceId, Key, Registry};
use crate::store::testing::{journal, Control};

const HOST: &str = "hub.example.test";

fn key() -> Key {
    Key::from_bytes(vec![7; 32]).expect("a key")
}

/// A durable hub on the testing backend with device `d1`.
fn hub(control: &Arc<Control>) -> Hub {
    let registry = Registry::new();
    registry.put(Device::new(
        DeviceId::new("d1").expect("id"),
        Authentication::Sas {
            primary: key(),
            secondary: key(),
        },
    ));
    Hub::builder().registry(registry).build_on(journal(control))
}

/// A CONNECT of d1, signed.
fn connect() -> Packet {
    let now = Timestamp::now().as_millis();
    let properties = ConnectProperties {
        api_version: api::API_VERSION.to_owned(),
        host: Some(HOST.to_owned()),
        sas_at: Some(Timestamp(now)),
        sas_expiry: Some(Timestamp(now + 3_600_000)),
        sas_policy: None,
        client_agent: None,
    };
    let signature = crate::sas::sign(&key(), &sas::string_to_sign(HOST, "d1", &properties));
    let mut wire = iothub_mqtt::packet::ConnectProperties::new();
    wire.authentication_method = Some("SAS".to_owned());
    wire.authentication_data = Some(Bytes::from(signature));
    wire.user_properties = properties.to_properties().user;
    Packet::Connect(
        Connect {
            keep_alive: 60,
            client_id: "d1".to_owned(),
            clean_start: true,
            properties: Some(wire),
        },
        None,
        None,
    )
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
    while hub.connections().is_connected(&device) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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
