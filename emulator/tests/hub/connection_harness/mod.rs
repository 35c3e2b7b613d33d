//! The hub's real connection (`iothub_emulator::mqtt::connection::Machine`,
//! the state machine every accepted socket's task drives) fed a byte
//! stream in pieces, with an explicit clock (its deadlines are run once
//! the input ends) and the hub's events (commands, a method call) handed
//! to it as its driver would: for the packet property tests
//! (`frame_bytes.rs`) and the `emulator_packets` fuzz target (which
//! includes this file by path). The properties: the connection never
//! panics, it ends once the peer's bytes end, and every byte it sends
//! reads back as whole MQTT 5 packets (but for the refusal of another
//! protocol version, which is that version's).
//!
//! With `resign`, each CONNECT and AUTH of the stream is signed again (over
//! its own properties, with the device's key) before it is sent, so that
//! random input gets past the signature check and into what follows it.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use iothub_client::api::connection::{sas, Connect as ConnectProperties};
use iothub_client::api::limits;
use iothub_client::wire::{MqttProperties, Properties};
use iothub_emulator::hub::{Command, Hub};
use iothub_emulator::methods::MethodCall;
use iothub_emulator::mqtt::connection::{Clock, Event, Machine, Shared, Sources, Transport};
use iothub_emulator::mqtt::frame::{self, Frame};
use iothub_emulator::mqtt::outbox::Outgoing;
use iothub_emulator::mqtt::version::{self, Requested};
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_mqtt::packet::{Connect, Packet};

/// The registered device.
pub const DEVICE: &str = "fuzz";
/// The host name it signs for.
pub const HOST: &str = "hub.example.test";
/// Bytes of one input fed at most.
const MAX_INPUT: usize = 64 * 1024;
/// Time a connection may take to end after its input did.
const END_WITHIN: Duration = Duration::from_secs(3600);
/// Time between two pieces of input.
const STEP: Duration = Duration::from_millis(250);

/// The device's primary key.
fn key() -> Key {
    Key::from_bytes(vec![7; 32]).expect("a 32-byte key")
}

/// A hub with one SAS device and a command queued for it.
fn hub() -> Hub {
    let registry = Registry::new();
    let device = DeviceId::new(DEVICE).expect("a valid id");
    registry.put(Device::new(
        device.clone(),
        Authentication::Sas {
            primary: key(),
            secondary: Key::from_bytes(vec![8; 32]).expect("a 32-byte key"),
        },
    ));
    let hub = Hub::new(registry);
    hub.commands()
        .enqueue(
            &device,
            Command::new(&b"{}"[..]).application_property("@kind", "test"),
        )
        .expect("enqueued");
    hub
}

/// Feeds `input` to a fresh connection; `resign`: see the module. Panics
/// if a property does not hold; returns the packets the hub sent (none
/// when it refused another protocol version).
pub fn feed(input: &[u8], resign: bool) -> Vec<Packet> {
    let input = &input[..input.len().min(MAX_INPUT)];
    let bytes = if resign {
        resigned(input)
    } else {
        input.to_vec()
    };
    let shared = Arc::new(Shared {
        hub: hub(),
        sessions: Default::default(),
        hostname: None,
    });
    let mut clock = Clock::now();
    let mut machine = Machine::new(shared, Transport::default(), clock);
    let mut driver = Driver::default();
    let mut buffer = BytesMut::new();
    // In pieces of varying size, so that packets also arrive split.
    let mut rest = bytes.as_slice();
    let mut piece = 1;
    while !rest.is_empty() {
        let (now, later) = rest.split_at(piece.min(rest.len()));
        buffer.extend_from_slice(now);
        rest = later;
        piece = piece % 97 + 13;
        driver.run(&mut machine, &mut buffer, clock);
        clock = clock.advanced(STEP);
        if machine.poll_timeout().is_some_and(|at| at <= clock.instant) {
            machine.handle_timeout(clock);
        }
    }
    machine.handle_eof(clock);
    driver.run(&mut machine, &mut buffer, clock);
    // The machine's timers, as far as they go, within END_WITHIN.
    let until = clock.instant + END_WITHIN;
    while !machine.is_ended() {
        let at = machine
            .poll_timeout()
            .expect("a connection whose input ended neither ends nor waits for a time");
        assert!(at <= until, "the connection did not end after its input");
        clock = clock.advanced(at.saturating_duration_since(clock.instant));
        machine.handle_timeout(clock);
        driver.run(&mut machine, &mut buffer, clock);
    }
    packets_of(&bytes, &driver.output)
}

/// What the async driver does for a machine, done at once: its bytes
/// handed over while it takes them, its packets encoded, its commits and
/// room (none in memory mode) and the hub's events (commands, method
/// calls) handed back.
#[derive(Default)]
struct Driver {
    output: Vec<u8>,
    sources: Option<Sources>,
    called: bool,
}

impl Driver {
    fn run(&mut self, machine: &mut Machine, buffer: &mut BytesMut, clock: Clock) {
        loop {
            let before = (buffer.len(), self.output.len());
            if machine.wants_bytes() {
                machine.handle_bytes(buffer, clock);
            }
            if let Some(sources) = machine.take_sources() {
                self.sources = Some(sources);
            }
            assert!(
                machine.poll_commit().is_none() && machine.poll_reservation().is_none(),
                "nothing waits for the disk in memory mode"
            );
            if let Some(sources) = &mut self.sources {
                if machine.wants_events() {
                    machine.handle_event(Event::CommandsReady, clock);
                    while let Some(mail) = sources.mailbox.take() {
                        machine.handle_event(mail.into(), clock);
                    }
                }
            }
            if !self.called && self.sources.is_some() {
                self.called = true;
                call_method(machine, clock);
            }
            while let Some(outgoing) = machine.poll_transmit() {
                let mut encoded = BytesMut::new();
                match outgoing {
                    Outgoing::Frame(frame) => {
                        frame::write(&frame, &mut encoded).expect("what the hub sends encodes");
                    }
                    Outgoing::Bytes(bytes) => encoded.extend_from_slice(&bytes),
                }
                self.output.extend_from_slice(&encoded);
            }
            if (buffer.len(), self.output.len()) == before {
                return;
            }
        }
    }
}

/// A direct method call for the device, waiting in its connection's
/// queue (answered, or not, by what the input says).
fn call_method(machine: &mut Machine, clock: Clock) {
    let (reply, _answer) = tokio::sync::oneshot::channel();
    let call = MethodCall {
        name: "reboot".to_owned(),
        payload: bytes::Bytes::from_static(b"{}"),
        reply,
    };
    machine.handle_event(Event::Call(Box::new(call)), clock);
}

/// Everything the hub sent, which must read back as whole packets.
fn packets_of(input: &[u8], output: &[u8]) -> Vec<Packet> {
    if !matches!(
        version::of_first_packet(input),
        Some(Requested::Mqtt5) | None
    ) {
        // Refused in the CONNACK of the version the peer spoke.
        return Vec::new();
    }
    let mut buffer = BytesMut::from(output);
    let mut packets = Vec::new();
    while !buffer.is_empty() {
        match frame::read(&mut buffer, u32::MAX) {
            Ok(Some(Frame::Packet(packet))) => packets.push(*packet),
            Ok(Some(Frame::Auth(_))) => {}
            other => panic!("the hub sent bytes that are no packet ({other:?}): {output:?}"),
        }
    }
    packets
}

/// `input` with each CONNECT and AUTH signed again, as far as it frames;
/// the rest as it is.
fn resigned(input: &[u8]) -> Vec<u8> {
    let mut buffer = BytesMut::from(input);
    let mut out = Vec::with_capacity(input.len());
    let mut connect: Option<ConnectProperties> = None;
    loop {
        let before = buffer.len();
        let start = input.len() - before;
        let frame = match frame::read(&mut buffer, limits::MAXIMUM_PACKET_SIZE) {
            Ok(Some(frame)) => frame,
            Ok(None) | Err(_) => {
                out.extend_from_slice(&input[start..]);
                return out;
            }
        };
        let original = &input[start..input.len() - buffer.len()];
        let frame = match frame {
            Frame::Packet(packet) => match *packet {
                Packet::Connect(mut c, will, login) => {
                    connect = sign_connect(&mut c);
                    Frame::Packet(Box::new(Packet::Connect(c, will, login)))
                }
                other => Frame::Packet(Box::new(other)),
            },
            Frame::Auth(mut auth) => {
                if let Some(properties) = &connect {
                    let mut kept = properties.clone();
                    kept.sas_policy = None;
                    kept.sas_at = None;
                    kept.sas_expiry = None;
                    let mut user = kept.to_properties().user;
                    user.extend(auth.user_properties.iter().cloned());
                    if let Ok(signed) = ConnectProperties::from_properties(&Properties {
                        user,
                        ..Properties::default()
                    }) {
                        let text = sas::string_to_sign(HOST, DEVICE, &signed);
                        auth.data = Some(iothub_emulator::sas::sign(&key(), &text).into());
                    }
                }
                Frame::Auth(auth)
            }
        };
        let mut encoded = BytesMut::new();
        match frame::write(&frame, &mut encoded) {
            Ok(()) => out.extend_from_slice(&encoded),
            Err(_) => out.extend_from_slice(original),
        }
    }
}

/// Signs `connect` with the device's key over its own properties (if they
/// read); returns them.
fn sign_connect(connect: &mut Connect) -> Option<ConnectProperties> {
    let props = connect.properties.as_mut()?;
    let properties = ConnectProperties::from_properties(&Properties {
        user: props.user_properties.clone(),
        ..Properties::default()
    })
    .ok()?;
    let host = properties.host.as_deref().unwrap_or(HOST);
    let signed = sas::string_to_sign(host, &connect.client_id, &properties);
    props.authentication_data = Some(iothub_emulator::sas::sign(&key(), &signed).into());
    Some(properties)
}
