//! The hub's packet handling without a socket, for the packet property
//! tests (`frame_bytes.rs`) and the `emulator_packets` fuzz target (which
//! includes this file by path): bytes are framed as the hub frames every
//! peer, and each packet goes to the same functions a connection hands it
//! to (CONNECT acceptance, re-authentication, SUBSCRIBE rules and the
//! session's subscriptions, PUBLISH by operation, command delivery and
//! settlement). The properties: none of it panics, a packet read consumed
//! its bytes (and a wait consumed none), and every packet the hub would
//! answer with encodes to a packet that reads back whole.
//!
//! With `resign`, the harness signs each CONNECT and AUTH itself (over
//! their own properties, with the device's key), so that random input gets
//! past the signature check and into what follows it.
#![allow(dead_code)]

use bytes::BytesMut;
use iothub_client::api::connection::{sas, Connect as ConnectProperties};
use iothub_client::api::{self, limits};
use iothub_client::wire::{MqttProperties, Properties, Timestamp};
use iothub_emulator::hub::{Command, Hub};
use iothub_emulator::mqtt::auth::AuthPacket;
use iothub_emulator::mqtt::commands::Delivery;
use iothub_emulator::mqtt::connect::{self, Accepted, ConnectContext};
use iothub_emulator::mqtt::frame::{self, Frame};
use iothub_emulator::mqtt::packet_size::PacketLimit;
use iothub_emulator::mqtt::publish::{self, Peer};
use iothub_emulator::mqtt::subscribe::{self, Target};
use iothub_emulator::mqtt::subscriptions::Subscriptions;
use iothub_emulator::mqtt::version;
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Connect, Packet};

/// The registered device.
pub const DEVICE: &str = "fuzz";
/// The host name it signs for.
pub const HOST: &str = "hub.example.test";
/// "Now" for every decision (so that a run does not depend on the clock).
pub const NOW_MS: u64 = 1_700_000_000_000;
/// Packets read from one input at most.
const PACKETS: usize = 64;

/// The device's primary key.
fn key() -> Key {
    Key::from_bytes(vec![7; 32]).expect("a 32-byte key")
}

/// A hub with one SAS device and a command queued for it, and a connection
/// of that device, as far as the hub's packet handling sees one.
#[derive(Debug)]
pub struct Harness {
    hub: Hub,
    accepted: Accepted,
    subscriptions: Subscriptions,
    delivery: Delivery,
    resign: bool,
}

impl Harness {
    /// A fresh hub; `resign`: sign each CONNECT and AUTH (see the module).
    pub fn new(resign: bool) -> Self {
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
        let properties = ConnectProperties {
            api_version: api::API_VERSION.to_owned(),
            host: Some(HOST.to_owned()),
            sas_policy: None,
            sas_at: Some(Timestamp(NOW_MS)),
            sas_expiry: Some(Timestamp(NOW_MS + 3_600_000)),
            client_agent: None,
        };
        let generation = hub.registry().generation(&device).unwrap_or(0);
        let accepted = Accepted {
            device,
            generation,
            keep_alive: 60,
            clean_start: true,
            session_expiry: 0,
            expiry_ms: Some(NOW_MS + 3_600_000),
            problem_information: true,
            client_max_packet_size: None,
            client_receive_maximum: None,
            properties,
            host: Some(HOST.to_owned()),
        };
        Self {
            hub,
            accepted,
            subscriptions: Subscriptions::default(),
            delivery: Delivery::new(None),
            resign,
        }
    }

    /// Frames `bytes` and handles each packet, as a connection would
    /// (a connection ends at the first error; so does this).
    pub fn feed(&mut self, bytes: &[u8]) {
        let _ = version::of_first_packet(bytes);
        let mut buffer = BytesMut::from(bytes);
        for _ in 0..PACKETS {
            let before = buffer.len();
            match frame::read(&mut buffer, limits::MAXIMUM_PACKET_SIZE) {
                Ok(Some(frame)) => {
                    assert!(buffer.len() < before, "a packet of no bytes");
                    self.on_frame(frame);
                }
                Ok(None) => {
                    assert_eq!(buffer.len(), before, "a wait consumed bytes");
                    break;
                }
                Err(_) => break,
            }
        }
    }

    fn ctx(&self) -> ConnectContext<'_> {
        ConnectContext {
            registry: self.hub.registry(),
            hostname: None,
            sni: None,
            thumbprint: None,
            now_ms: NOW_MS,
        }
    }

    fn limit(&self) -> PacketLimit {
        PacketLimit::new(self.accepted.client_max_packet_size)
    }

    fn on_frame(&mut self, frame: Frame) {
        let packet = match frame {
            Frame::Auth(mut auth) => {
                if self.resign {
                    self.sign_auth(&mut auth);
                }
                if let Ok(expiry) = connect::reauthenticate(&self.accepted, &auth, &self.ctx()) {
                    assert!(expiry > NOW_MS, "re-authenticated with an expired SAS");
                    self.accepted.expiry_ms = Some(expiry);
                }
                return;
            }
            Frame::Packet(packet) => *packet,
        };
        match packet {
            Packet::Connect(mut connect, _, _) => {
                if self.resign {
                    sign_connect(&mut connect);
                }
                self.on_connect(&connect);
            }
            Packet::Subscribe(subscribe) if subscribe::check(&subscribe).is_ok() => {
                let ack = self.subscriptions.subscribe(&subscribe);
                assert_eq!(ack.return_codes.len(), subscribe.filters.len());
                let most = limits::MAX_SUBSCRIPTIONS as usize;
                assert!(self.subscriptions.list().len() <= most);
                self.reply(Packet::SubAck(ack));
                self.deliver();
            }
            Packet::Unsubscribe(unsubscribe)
                if subscribe::check_unsubscribe(&unsubscribe).is_ok() =>
            {
                let ack = self.subscriptions.unsubscribe(&unsubscribe);
                assert_eq!(ack.reasons.len(), unsubscribe.filters.len());
                self.reply(Packet::UnsubAck(ack));
            }
            Packet::Publish(publish) => {
                let Ok(topic) = std::str::from_utf8(&publish.topic) else {
                    return;
                };
                let peer = Peer {
                    device: &self.accepted.device,
                    problem_information: self.accepted.problem_information,
                    limit: self.limit(),
                };
                let reply = publish::handle(&publish, topic, peer, &self.hub, None);
                for packet in reply.packets {
                    self.reply(packet);
                }
            }
            Packet::PubAck(ack) => {
                let _ = self.delivery.settle(&self.hub, &self.accepted.device, &ack);
                self.deliver();
            }
            _ => {}
        }
    }

    fn on_connect(&mut self, connect: &Connect) {
        match connect::accept(connect, &self.ctx()) {
            Ok(accepted) => {
                assert_eq!(accepted.device.as_str(), DEVICE);
                assert!(
                    accepted.keep_alive >= 1
                        && accepted.keep_alive <= limits::MAX_KEEP_ALIVE_SECONDS
                );
                self.reply(Packet::ConnAck(connect::connack(connect, false)));
                self.delivery = Delivery::new(accepted.client_receive_maximum);
                self.accepted = accepted;
            }
            Err(refusal) => {
                assert!(
                    refusal.reason_code.is_error(),
                    "a refusal with a success code"
                );
                let ack = refusal.connack(connect::problem_information(connect));
                self.reply(Packet::ConnAck(ack));
            }
        }
    }

    /// The commands that may go out now, as a connection sends them.
    fn deliver(&mut self) {
        let Some(qos) = self
            .subscriptions
            .delivery_qos(Target::Commands, QoS::AtLeastOnce)
        else {
            return;
        };
        let limit = self.limit();
        while let Some(packet) = self
            .delivery
            .next(&self.hub, &self.accepted.device, qos, limit)
        {
            self.reply(packet);
        }
    }

    /// What the hub's outbox does with `packet`: cut it to the client's
    /// limit, encode it; it must read back as one whole packet.
    fn reply(&self, packet: Packet) {
        let Ok(packet) = self.limit().fit(packet) else {
            return;
        };
        let mut buffer = BytesMut::new();
        if let Err(e) = frame::write(&Frame::Packet(Box::new(packet.clone())), &mut buffer) {
            panic!("the hub's {packet:?} does not encode: {e}");
        }
        let size = buffer.len();
        if let Some(max) = self.limit().max() {
            assert!(size <= max as usize, "{size} bytes past the client's {max}");
        }
        match frame::read(&mut buffer, u32::MAX) {
            Ok(Some(_)) => assert!(buffer.is_empty(), "bytes left after {packet:?}"),
            other => panic!("the hub's {packet:?} reads back as {other:?}"),
        }
    }

    fn sign_auth(&self, auth: &mut AuthPacket) {
        let mut user = self.accepted.properties.to_properties().user;
        for (name, value) in &auth.user_properties {
            match user.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1.clone_from(value),
                None => user.push((name.clone(), value.clone())),
            }
        }
        let Ok(properties) = ConnectProperties::from_properties(&Properties {
            user,
            ..Properties::default()
        }) else {
            return;
        };
        let signed = sas::string_to_sign(HOST, DEVICE, &properties);
        auth.data = Some(iothub_emulator::sas::sign(&key(), &signed).into());
    }
}

/// `connect` signed with the device's key over its own properties (if
/// they read), as the device would have signed it.
fn sign_connect(connect: &mut Connect) {
    let Some(props) = connect.properties.as_mut() else {
        return;
    };
    let Ok(properties) = ConnectProperties::from_properties(&Properties {
        user: props.user_properties.clone(),
        ..Properties::default()
    }) else {
        return;
    };
    let host = properties.host.as_deref().unwrap_or(HOST);
    let signed = sas::string_to_sign(host, &connect.client_id, &properties);
    props.authentication_data = Some(iothub_emulator::sas::sign(&key(), &signed).into());
}
