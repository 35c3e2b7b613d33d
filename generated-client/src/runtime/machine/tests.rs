//! The state machine driven with an explicit clock: no socket, no runtime,
//! no sleep. Packets the hub sends are encoded with the codec, and what the
//! machine writes is read back with the same framing the hub uses.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, PingResp, PubAck, Publish, PublishProperties, SubAck};
use iothub_mqtt::ReasonCode;

use super::*;
use crate::runtime::settlement::Settlement;
use iothub_mqtt::frame::{self, Frame};

// The machine is generic over the API; its routes here are the spec's.
const COMMANDS: &str = crate::api::receive_commands::TOPIC;
const METHODS: &str = crate::api::receive_direct_methods::TOPIC_FILTER;
const RESPONSES: &str = crate::api::topics::RESPONSES;
const TELEMETRY: &str = crate::api::send_telemetry::TOPIC;

fn config() -> Config {
    Config {
        routes: vec![(COMMANDS, 1), (METHODS, 0)],
        receive_maximum: 4,
        maximum_packet_size: 1 << 20,
        initial_send_maximum: 16,
        auth_answer: Duration::from_secs(30),
        resend_limit: 3,
        responses_topic: RESPONSES,
        status_property: "status",
        reason_property: Some("reason"),
    }
}

fn params(keep_alive: u64) -> LinkParams {
    LinkParams {
        session_present: false,
        receive_maximum: 16,
        maximum_packet_size: 262_144,
        keep_alive: Duration::from_secs(keep_alive),
        renew_in: None,
    }
}

/// A machine connected at `t0`, its SUBSCRIBE granted and taken off.
fn connected(keep_alive: u64, t0: Instant) -> SessionMachine<&'static str> {
    let mut machine = SessionMachine::new(config());
    machine.connected(t0, params(keep_alive));
    let sent = written(&mut machine, t0);
    let Some(Packet::Subscribe(subscribe)) = sent.first() else {
        panic!("a SUBSCRIBE first, got {sent:?}");
    };
    let codes = vec![ReasonCode::granted(QoS::AtLeastOnce); 2];
    hub_sends(
        &mut machine,
        t0,
        Packet::SubAck(SubAck {
            pkid: subscribe.pkid,
            return_codes: codes,
            properties: None,
        }),
    );
    machine
}

fn hub_sends<T>(machine: &mut SessionMachine<T>, now: Instant, packet: Packet) {
    let mut buffer = BytesMut::new();
    packet.write(&mut buffer, None).expect("encodes");
    hub_sends_bytes(machine, now, &buffer);
}

fn hub_sends_bytes<T>(machine: &mut SessionMachine<T>, now: Instant, bytes: &[u8]) {
    let mut buffer = BytesMut::from(bytes);
    machine.handle_bytes(now, &mut buffer);
    assert!(buffer.is_empty(), "the whole packet was read: {bytes:02X?}");
}

/// A DISCONNECT with only a reason code (rumqttc's encoder adds a stray
/// property length to it).
fn disconnect(reason_code: u8) -> [u8; 3] {
    [0xE0, 0x01, reason_code]
}

/// The packets the machine has to write now.
fn written<T>(machine: &mut SessionMachine<T>, now: Instant) -> Vec<Packet> {
    let mut packets = Vec::new();
    while let Some(transmit) = machine.poll_transmit(now) {
        let mut bytes = transmit.bytes;
        while let Some(frame) = frame::read(&mut bytes, 1 << 20).expect("a valid packet") {
            match frame {
                Frame::Packet(packet) => packets.push(*packet),
                Frame::Auth(auth) => panic!("unexpected AUTH {auth:?}"),
            }
        }
    }
    packets
}

fn command(pkid: u16) -> Packet {
    let mut publish = Publish::new(COMMANDS, QoS::AtLeastOnce, "reboot", None);
    publish.pkid = pkid;
    Packet::Publish(publish)
}

fn telemetry() -> Publish {
    Publish::new(TELEMETRY, QoS::AtMostOnce, "21.5", None)
}

/// Runs the machine's clock from `from` to `to` the way a driver does:
/// each deadline handled when it comes, `each` called every `step`.
fn run_clock<T>(
    machine: &mut SessionMachine<T>,
    from: Instant,
    to: Instant,
    step: Duration,
    mut each: impl FnMut(&mut SessionMachine<T>, Instant),
) -> Vec<(Duration, Packet)> {
    let mut out = Vec::new();
    let mut now = from;
    let mut next_step = from + step;
    while now < to && machine.connection().is_some() {
        let deadline = machine.poll_timeout().unwrap_or(to).min(next_step).min(to);
        now = deadline.max(now);
        if machine.poll_timeout().is_some_and(|d| d <= now) {
            machine.handle_timeout(now);
        }
        if now >= next_step {
            each(machine, now);
            next_step += step;
        }
        for packet in written(machine, now) {
            out.push((now - from, packet));
        }
    }
    out
}

#[test]
fn a_silent_hub_is_pinged_and_left_while_the_client_keeps_writing() {
    // The field case: keep alive 1 s, QoS 0 telemetry every 300 ms, a hub
    // that reads but never answers. Writing alone must not keep it alive.
    let t0 = Instant::now();
    let mut machine = connected(1, t0);
    let out = run_clock(
        &mut machine,
        t0,
        t0 + Duration::from_secs(8),
        Duration::from_millis(300),
        |machine, _| machine.publish(telemetry(), None, None),
    );
    let pings: Vec<Duration> = out
        .iter()
        .filter(|(_, p)| matches!(p, Packet::PingReq(_)))
        .map(|(at, _)| *at)
        .collect();
    assert_eq!(
        pings,
        [Duration::from_secs(1)],
        "a PINGREQ once nothing was read for 1 s"
    );
    assert_eq!(
        machine.poll_end(),
        Some(End::Lost(DisconnectCause::KeepAliveTimeout))
    );
    assert!(machine.connection().is_none());
}

#[test]
fn the_dead_path_is_noticed_within_one_and_a_half_keep_alives_of_the_last_read() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    // The hub answers a while, then the path dies after its last PINGRESP.
    let mut now = t0;
    while now < t0 + Duration::from_secs(100) {
        now = machine.poll_timeout().expect("a keep-alive deadline");
        machine.handle_timeout(now);
        assert!(written(&mut machine, now)
            .iter()
            .any(|p| matches!(p, Packet::PingReq(_))));
        hub_sends(&mut machine, now, Packet::PingResp(PingResp));
    }
    let last_read = now;
    let mut ended = None;
    while ended.is_none() {
        now = machine.poll_timeout().expect("a deadline while connected");
        machine.handle_timeout(now);
        let _ = written(&mut machine, now);
        ended = machine.poll_end();
    }
    assert_eq!(ended, Some(End::Lost(DisconnectCause::KeepAliveTimeout)));
    assert!(
        now - last_read <= Duration::from_secs(90),
        "{:?}",
        now - last_read
    );
}

#[test]
fn a_pingresp_or_any_byte_keeps_the_connection() {
    let t0 = Instant::now();
    let mut machine = connected(10, t0);
    let ping_at = machine.poll_timeout().expect("deadline");
    assert_eq!(ping_at, t0 + Duration::from_secs(10));
    machine.handle_timeout(ping_at);
    assert!(matches!(
        written(&mut machine, ping_at)[..],
        [Packet::PingReq(_)]
    ));
    // A message (not the PINGRESP) 4 s later shows the path alive.
    let later = ping_at + Duration::from_secs(4);
    hub_sends(&mut machine, later, command(1));
    assert_eq!(machine.poll_timeout(), Some(later + Duration::from_secs(5)));
    hub_sends(&mut machine, later, Packet::PingResp(PingResp));
    machine.handle_timeout(later + Duration::from_secs(5));
    assert!(machine.poll_end().is_none());
}

#[test]
fn settlements_queued_before_the_shutdown_go_before_the_disconnect() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    hub_sends(&mut machine, t0, command(7));
    hub_sends(&mut machine, t0, command(8));
    let delivered: Vec<u16> = std::iter::from_fn(|| machine.poll_event())
        .filter_map(|e| match e {
            Event::Deliver { message, .. } => message.pkid,
            _ => None,
        })
        .collect();
    assert_eq!(delivered, [7, 8]);
    // Settled out of order, then the shutdown at once.
    machine.settle(1, 8, Settlement::success());
    machine.settle(1, 7, Settlement::success());
    machine.shutdown();
    let sent = written(&mut machine, t0);
    let kinds: Vec<String> = sent
        .iter()
        .map(|p| match p {
            Packet::PubAck(ack) => format!("PUBACK {}", ack.pkid),
            Packet::Disconnect(d) => format!("DISCONNECT {:?}", d.reason_code),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["PUBACK 7", "PUBACK 8", "DISCONNECT Success"]);
    assert_eq!(machine.poll_end(), Some(End::Shutdown));
}

#[test]
fn a_message_the_hub_keeps_disconnecting_over_is_given_up_with_a_clean_session() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    machine.publish_acknowledged(
        Publish::new(TELEMETRY, QoS::AtLeastOnce, "bad", None),
        "bad",
    );
    for connection in 1..=3u64 {
        let sent = written(&mut machine, t0);
        assert!(
            sent.iter()
                .any(|p| matches!(p, Packet::Publish(p) if p.payload == "bad")),
            "sent on connection {connection}"
        );
        hub_sends_bytes(&mut machine, t0, &disconnect(0x81));
        assert!(matches!(
            machine.poll_end(),
            Some(End::Lost(DisconnectCause::Hub {
                reason_code: 0x81,
                ..
            }))
        ));
        if connection < 3 {
            assert!(!machine.clean_start(), "resumed while under the limit");
            machine.connected(
                t0,
                LinkParams {
                    session_present: true,
                    ..params(60)
                },
            );
        }
    }
    let failed: Vec<&str> = std::iter::from_fn(|| machine.poll_event())
        .filter_map(|e| match e {
            Event::Failed(token, Error::Rejected { .. }) => Some(token),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["bad"], "its sender fails after the third end");
    assert!(machine.clean_start(), "a clean session leaves it behind");
    machine.connected(
        t0,
        LinkParams {
            session_present: false,
            ..params(60)
        },
    );
    let sent = written(&mut machine, t0);
    assert!(
        matches!(sent[..], [Packet::Subscribe(_)]),
        "subscribes again, sends nothing: {sent:?}"
    );
}

#[test]
fn a_session_takeover_does_not_count_against_the_messages_in_flight() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    machine.publish_acknowledged(
        Publish::new(TELEMETRY, QoS::AtLeastOnce, "fine", None),
        "fine",
    );
    for _ in 0..5 {
        let _ = written(&mut machine, t0);
        hub_sends_bytes(&mut machine, t0, &disconnect(0x8E));
        let _ = machine.poll_end();
        machine.connected(
            t0,
            LinkParams {
                session_present: true,
                ..params(60)
            },
        );
    }
    assert!(!machine.clean_start());
    let sent = written(&mut machine, t0);
    assert!(
        sent.iter()
            .any(|p| matches!(p, Packet::Publish(p) if p.dup)),
        "still sent again"
    );
}

#[test]
fn pubacks_resolve_their_senders_and_free_room() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    machine.publish_acknowledged(Publish::new("t", QoS::AtLeastOnce, "a", None), "a");
    let Some(Packet::Publish(publish)) = written(&mut machine, t0).pop() else {
        panic!("a PUBLISH");
    };
    let mut ack = PubAck::new(publish.pkid, None);
    ack.reason = ReasonCode::QuotaExceeded;
    hub_sends(&mut machine, t0, Packet::PubAck(ack));
    match machine.poll_event() {
        Some(Event::Acknowledged("a", ack)) => assert_eq!(ack.reason_code, 0x97),
        other => panic!("{other:?}"),
    }
}

#[test]
fn more_unacknowledged_messages_than_the_clients_receive_maximum_end_the_connection() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    for pkid in 1..=5 {
        hub_sends(&mut machine, t0, command(pkid));
    }
    let sent = written(&mut machine, t0);
    assert!(
        matches!(&sent[..], [Packet::Disconnect(d)] if d.reason_code == ReasonCode::ReceiveMaximumExceeded),
        "{sent:?}"
    );
    assert!(matches!(
        machine.poll_end(),
        Some(End::Lost(DisconnectCause::Protocol(_)))
    ));
}

#[test]
fn a_token_is_asked_for_when_due_and_an_unanswered_renewal_ends_the_connection() {
    let t0 = Instant::now();
    let mut machine: SessionMachine<&str> = SessionMachine::new(config());
    machine.connected(
        t0,
        LinkParams {
            renew_in: Some(Duration::from_secs(50)),
            ..params(0)
        },
    );
    let _ = written(&mut machine, t0);
    let due = machine.poll_timeout().expect("the renewal");
    assert_eq!(due, t0 + Duration::from_secs(50));
    machine.handle_timeout(due);
    assert!(matches!(machine.poll_event(), Some(Event::TokenNeeded)));
    let auth = AuthPacket {
        reason_code: 0x19,
        method: Some("SAS".into()),
        data: Some(Bytes::from_static(b"signature")),
        ..AuthPacket::default()
    };
    machine.reauthenticate(due, &auth, Duration::from_secs(50));
    let transmit = machine.poll_transmit(due).expect("the AUTH");
    let mut bytes = transmit.bytes;
    assert!(
        matches!(frame::read(&mut bytes, 1 << 20), Ok(Some(Frame::Auth(a))) if a.reason_code == 0x19)
    );
    assert_eq!(machine.poll_timeout(), Some(due + Duration::from_secs(30)));
    machine.handle_timeout(due + Duration::from_secs(30));
    assert!(
        matches!(machine.poll_end(), Some(End::Lost(DisconnectCause::Protocol(m))) if m.contains("re-authentication"))
    );
}

#[test]
fn answers_for_an_ended_connection_are_not_sent() {
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    machine.connection_lost(DisconnectCause::Network("reset".into()));
    let _ = machine.poll_end();
    machine.connected(
        t0,
        LinkParams {
            session_present: true,
            ..params(60)
        },
    );
    let _ = written(&mut machine, t0);
    let properties = PublishProperties {
        correlation_data: Some(Bytes::from_static(b"1")),
        ..PublishProperties::default()
    };
    machine.publish(
        Publish::new(RESPONSES, QoS::AtMostOnce, "", Some(properties)),
        Some(1),
        Some("answer"),
    );
    assert!(matches!(
        machine.poll_event(),
        Some(Event::Failed("answer", Error::ConnectionLost { .. }))
    ));
    assert!(written(&mut machine, t0).is_empty());
}

#[test]
fn responses_reach_their_requests_and_messages_their_routes() {
    let reboot = crate::api::receive_direct_methods::topic("reboot").expect("a topic");
    let t0 = Instant::now();
    let mut machine = connected(60, t0);
    let properties = PublishProperties {
        correlation_data: Some(Bytes::from_static(b"key")),
        ..PublishProperties::default()
    };
    hub_sends(
        &mut machine,
        t0,
        Packet::Publish(Publish::new(
            RESPONSES,
            QoS::AtMostOnce,
            "{}",
            Some(properties),
        )),
    );
    hub_sends(
        &mut machine,
        t0,
        Packet::Publish(Publish::new(reboot.clone(), QoS::AtMostOnce, "", None)),
    );
    // A topic of the API's prefix that no route subscribes to.
    let elsewhere = format!("{}elsewhere", crate::api::topics::PREFIX);
    hub_sends(
        &mut machine,
        t0,
        Packet::Publish(Publish::new(elsewhere, QoS::AtMostOnce, "", None)),
    );
    let events: Vec<String> = std::iter::from_fn(|| machine.poll_event())
        .map(|e| match e {
            Event::Response { correlation, .. } => format!("response {correlation:?}"),
            Event::Deliver { route, message } => format!("route {route} {}", message.topic),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        events,
        ["response b\"key\"".to_owned(), format!("route 1 {reboot}")]
    );
}
