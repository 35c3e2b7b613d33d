//! Hostile and broken peers on the MQTT port: random and truncated byte
//! streams, an oversized packet, reserved fixed-header flags set wrong, a half-open connection and a client that
//! never reads. The hub answers or disconnects that one peer, stays up,
//! and ten other connected devices keep working (each asserted by a full
//! telemetry round trip).

use bytes::Bytes;
use iothub_emulator::registry::DeviceId;
use iothub_emulator::Emulator;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, Publish, PublishProperties, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};

const GOOD: usize = 10;

fn names() -> Vec<String> {
    (0..=GOOD).map(|i| format!("dev{i}")).collect()
}

/// Devices dev1..=dev10 connected (dev0 is the troublemaker).
async fn good_devices(hub: &Emulator) -> Vec<RawPeer> {
    let mut devices = Vec::new();
    for i in 1..=GOOD {
        let (raw, _) = RawPeer::connect(
            hub,
            connect(&format!("dev{i}"), &key(u8::try_from(i).expect("small"))),
        )
        .await;
        devices.push(raw);
    }
    devices
}

/// Every good device sends one QoS 1 telemetry message and gets its PUBACK.
async fn all_work(devices: &mut [RawPeer], round: u16) {
    for raw in devices.iter_mut() {
        let mut p = Publish::new(
            "$iothub/telemetry",
            QoS::AtLeastOnce,
            Bytes::from_static(b"ok"),
            Some(PublishProperties::default()),
        );
        p.pkid = round;
        raw.send(Packet::Publish(p)).await;
        match raw.recv().await {
            Some(Packet::PubAck(ack)) => {
                assert_eq!((ack.pkid, ack.reason), (round, ReasonCode::Success))
            }
            other => panic!("a good device got {other:?}"),
        }
    }
}

async fn hub() -> Emulator {
    let names = names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    emulator(&refs).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_and_truncated_bytes_end_only_that_connection() {
    let hub = hub().await;
    let mut devices = good_devices(&hub).await;
    // A deterministic stream of byte soups: before and after a CONNECT.
    let mut seed = 0x2545_F491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for round in 0..20u16 {
        let len = usize::try_from(next() % 200).expect("small");
        let soup: Vec<u8> = (0..len)
            .map(|_| u8::try_from(next() & 0xFF).expect("byte"))
            .collect();
        let mut raw = if round % 2 == 0 {
            RawPeer::open(&hub).await
        } else {
            RawPeer::connect(&hub, connect("dev0", &key(0))).await.0
        };
        // The hub may close the connection at the first bad byte, so a
        // send may find it closed.
        raw.try_send_bytes(&soup).await;
        // A truncated CONNECT then silence: the connection is closed later
        // by the connect deadline; here it just must not disturb others.
        if round % 5 == 0 {
            raw.try_send_bytes(&[0x10, 0x20, 0x00]).await;
        }
        drop(raw);
        all_work(&mut devices, round + 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_packet_is_packet_too_large() {
    let hub = hub().await;
    let mut devices = good_devices(&hub).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("dev0", &key(0))).await;
    // A PUBLISH announcing 300 KiB: refused on its header, before the body.
    let remaining: u32 = 300 * 1024;
    let mut header = vec![0x30];
    let mut value = remaining;
    loop {
        let mut byte = u8::try_from(value % 128).expect("7 bits");
        value /= 128;
        if value > 0 {
            byte |= 0x80;
        }
        header.push(byte);
        if value == 0 {
            break;
        }
    }
    raw.send_bytes(&header).await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::PacketTooLarge)
        }
        other => panic!("expected DISCONNECT Packet too large, got {other:?}"),
    }
    all_work(&mut devices, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_holds_up_only_itself() {
    let hub = hub().await;
    let mut devices = good_devices(&hub).await;
    let (mut deaf, _) = RawPeer::connect(&hub, connect("dev0", &key(0))).await;
    deaf.send(Packet::Subscribe(Subscribe::new(
        Filter::new("$iothub/twin/patch/desired", QoS::AtMostOnce),
        None,
    )))
    .await;
    assert!(
        matches!(deaf.recv().await, Some(Packet::SubAck(_))),
        "subscribed"
    );
    // It never reads again; the hub writes desired patches of 30 KiB (a
    // twin side holds at most 32 KB) to it (6 MB in all, far past
    // loopback's socket buffers) until its socket and queue are full.
    // Pauses let the hub forward them as they come.
    let big = serde_json::json!({ "blob": "x".repeat(30 * 1024) });
    let id = DeviceId::new("dev0").expect("id");
    for i in 0..200 {
        hub.hub().twins().patch_desired(&id, &big).expect("patch");
        if i % 8 == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }
    all_work(&mut devices, 1).await;
    // A half-open connection (CONNECT sent, then nothing, socket kept) is
    // no trouble either.
    let mut half = RawPeer::open(&hub).await;
    half.send_bytes(&[0x10]).await;
    all_work(&mut devices, 2).await;
    drop(deaf);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retain_and_qos_2_are_refused_as_the_connack_said() {
    let hub = hub().await;
    let mut devices = good_devices(&hub).await;
    for (retain, qos, code) in [
        (true, QoS::AtLeastOnce, ReasonCode::RetainNotSupported),
        (false, QoS::ExactlyOnce, ReasonCode::QosNotSupported),
    ] {
        let (mut raw, _) = RawPeer::connect(&hub, connect("dev0", &key(0))).await;
        let mut p = Publish::new(
            "$iothub/telemetry",
            qos,
            Bytes::from_static(b"x"),
            Some(PublishProperties::default()),
        );
        p.retain = retain;
        p.pkid = 1;
        raw.send(Packet::Publish(p)).await;
        match raw.recv().await {
            Some(Packet::Disconnect(d)) => assert_eq!(d.reason_code, code),
            other => panic!("expected DISCONNECT {code:?}, got {other:?}"),
        }
    }
    all_work(&mut devices, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reserved_flags_set_wrong_are_a_malformed_packet() {
    let hub = hub().await;
    let mut devices = good_devices(&hub).await;
    // Well-formed packets but for the flags of their first byte (MQTT 5
    // §2.1.3): SUBSCRIBE and UNSUBSCRIBE need 0010, PINGREQ 0000; a
    // PUBLISH may not have both QoS bits set.
    let cases: [&[u8]; 4] = [
        b"\x80\x16\x00\x01\x00\x00\x10$iothub/methods/#\x01",
        b"\xA0\x03\x00\x01\x00",
        b"\xC1\x00",
        b"\x36\x14\x00\x10$iothub/telemetry\x00\x01\x00",
    ];
    for (round, bytes) in (1u16..).zip(cases) {
        let (mut raw, _) = RawPeer::connect(&hub, connect("dev0", &key(0))).await;
        raw.send_bytes(bytes).await;
        match raw.recv().await {
            Some(Packet::Disconnect(d)) => assert_eq!(
                d.reason_code,
                ReasonCode::MalformedPacket,
                "for {bytes:02X?}"
            ),
            other => panic!("{bytes:02X?}: expected DISCONNECT Malformed Packet, got {other:?}"),
        }
        all_work(&mut devices, round).await;
    }
}
