//! The connection's state machine on its own: bytes and an explicit clock
//! in, packets, commits and deadlines out, with no socket and no task.
//! Every deadline is checked at the instant before it and at it.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use iothub_client::api::connection::DisconnectReason;
use iothub_client::api::limits;
use iothub_client::wire::Timestamp;
use iothub_mqtt::packet::{Packet, PingReq, QoS};
use iothub_mqtt::ReasonCode;

use super::test_support::{connect, registry, telemetry};
use super::{Clock, Machine, Shared, Transport};
use crate::hub::Hub;
use crate::mqtt::frame::{self, Frame};
use crate::mqtt::outbox::Outgoing;
use crate::registry::DeviceId;
use crate::store::testing::{journal, Control};

const MS: Duration = Duration::from_millis(1);

fn machine(hub: Hub, clock: Clock) -> Machine {
    let shared = Arc::new(Shared {
        hub,
        sessions: Default::default(),
        hostname: None,
    });
    Machine::new(shared, Transport::default(), clock)
}

fn feed(machine: &mut Machine, packets: &[Packet], clock: Clock) {
    let mut bytes = BytesMut::new();
    for packet in packets {
        frame::write(&Frame::Packet(Box::new(packet.clone())), &mut bytes).expect("encodes");
    }
    machine.handle_bytes(&mut bytes, clock);
    assert!(bytes.is_empty(), "every byte read");
}

/// Everything the machine has to write now.
fn sent(machine: &mut Machine) -> Vec<Packet> {
    std::iter::from_fn(|| machine.poll_transmit())
        .map(|outgoing| match outgoing {
            Outgoing::Frame(frame) => match *frame {
                Frame::Packet(packet) => *packet,
                Frame::Auth(auth) => panic!("unexpected AUTH {auth:?}"),
            },
            Outgoing::Bytes(bytes) => panic!("unexpected bytes {bytes:?}"),
        })
        .collect()
}

fn disconnect_reason(packets: &[Packet]) -> Option<ReasonCode> {
    match packets {
        [.., Packet::Disconnect(d)] => Some(d.reason_code),
        _ => None,
    }
}

/// A connected machine at `clock`, its CONNACK taken.
fn connected(hub: Hub, clock: Clock, keep_alive: u16, valid: Duration) -> Machine {
    let mut m = machine(hub, clock);
    feed(&mut m, &[connect(clock, keep_alive, valid)], clock);
    match sent(&mut m).as_slice() {
        [Packet::ConnAck(ack)] => assert_eq!(ack.code, ReasonCode::Success),
        other => panic!("expected CONNACK, got {other:?}"),
    }
    m
}

#[test]
fn a_connection_without_connect_ends_at_the_deadline_without_a_word() {
    let start = Clock::now();
    let mut m = machine(Hub::new(registry()), start);
    let deadline = start.instant + Duration::from_secs(u64::from(limits::CONNECT_TIMEOUT_SECONDS));
    assert_eq!(m.poll_timeout(), Some(deadline));
    let late = start.advanced(deadline - start.instant);
    m.handle_timeout(before(late));
    assert!(!m.is_ended(), "not before the deadline");
    m.handle_timeout(late);
    assert!(m.is_ended());
    assert!(sent(&mut m).is_empty());
}

#[test]
fn silence_past_one_and_a_half_keep_alives_is_disconnect_0x8d() {
    let start = Clock::now();
    let mut m = connected(Hub::new(registry()), start, 60, Duration::from_secs(3600));
    assert_eq!(
        m.poll_timeout(),
        Some(start.instant + Duration::from_secs(90))
    );
    // A PINGREQ at 60 s starts the wait again; the hub's own packets do not.
    let ping = start.advanced(Duration::from_secs(60));
    feed(&mut m, &[Packet::PingReq(PingReq)], ping);
    assert!(matches!(sent(&mut m).as_slice(), [Packet::PingResp(_)]));
    let deadline = ping.advanced(Duration::from_secs(90));
    assert_eq!(m.poll_timeout(), Some(deadline.instant));
    m.handle_timeout(before(deadline));
    assert!(
        sent(&mut m).is_empty() && !m.is_ended(),
        "not before 1.5 × 60 s"
    );
    m.handle_timeout(deadline);
    let packets = sent(&mut m);
    assert_eq!(
        disconnect_reason(&packets),
        Some(ReasonCode::KeepAliveTimeout)
    );
    assert!(m.is_ended());
}

#[test]
fn an_expired_token_is_disconnect_not_authorized_at_its_expiry() {
    let start = Clock::now();
    let mut m = connected(Hub::new(registry()), start, 60, Duration::from_secs(30));
    let expiry = start.advanced(Duration::from_secs(30));
    assert_eq!(m.poll_timeout(), Some(expiry.instant));
    m.handle_timeout(before(expiry));
    assert!(sent(&mut m).is_empty() && !m.is_ended());
    m.handle_timeout(expiry);
    let packets = sent(&mut m);
    assert_eq!(
        disconnect_reason(&packets),
        Some(ReasonCode::from(
            DisconnectReason::NotAuthorized.reason_code()
        ))
    );
}

/// With durable state the PUBACKs wait for their commits, one commit out
/// at a time, in order; a DISCONNECT of the hub goes behind them, and the
/// session is released at once.
#[tokio::test]
async fn replies_wait_for_their_commits_in_order_and_the_disconnect_behind_them() {
    let control = Arc::new(Control::default());
    let hub = Hub::builder()
        .registry(registry())
        .build_on(journal(&control));
    let start = Clock::now();
    let mut m = connected(hub.clone(), start, 60, Duration::from_secs(3600));
    control.hold_sync();
    feed(
        &mut m,
        &[
            telemetry(1, QoS::AtLeastOnce),
            telemetry(2, QoS::AtLeastOnce),
            // QoS 2 is above the hub's maximum: DISCONNECT 0x9B.
            telemetry(3, QoS::ExactlyOnce),
        ],
        start.advanced(MS),
    );
    assert!(sent(&mut m).is_empty(), "nothing before the first commit");
    let device = DeviceId::new("d1").expect("id");
    assert!(
        !hub.connections().is_connected(&device),
        "the session is released as the connection ends"
    );
    let first = m.poll_commit().expect("the first reply's commit");
    assert!(m.poll_commit().is_none(), "one commit out at a time");
    control.release_sync();
    m.handle_commit(first.await, start.advanced(2 * MS));
    let mut packets = sent(&mut m);
    if let Some(second) = m.poll_commit() {
        m.handle_commit(second.await, start.advanced(3 * MS));
        packets.extend(sent(&mut m));
    }
    let pkids: Vec<_> = packets
        .iter()
        .filter_map(|p| match p {
            Packet::PubAck(ack) => Some((ack.pkid, ack.reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        pkids,
        vec![(1, ReasonCode::Success), (2, ReasonCode::Success)]
    );
    assert_eq!(
        disconnect_reason(&packets),
        Some(ReasonCode::QosNotSupported)
    );
    assert!(m.is_ended());
}

/// `clock` a millisecond earlier (for "not yet").
fn before(clock: Clock) -> Clock {
    Clock {
        instant: clock.instant - MS,
        wall: Timestamp(clock.wall.as_millis() - 1),
    }
}
