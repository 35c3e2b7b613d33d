//! What the connection's tests share: device `d1` with its key, a
//! registry holding it, and its CONNECT and telemetry PUBLISHes.

use std::time::Duration;

use bytes::Bytes;
use iothub_client::api;
use iothub_client::api::connection::{sas, Connect as ConnectProperties};
use iothub_client::wire::{MqttProperties, Timestamp};
use iothub_mqtt::packet::{Connect, Packet, Publish, PublishProperties, QoS};

use super::Clock;
use crate::registry::{Authentication, Device, DeviceId, Key, Registry};

/// The host name `d1` signs for.
pub(super) const HOST: &str = "hub.example.test";

/// `d1`'s key (both of them).
pub(super) fn key() -> Key {
    Key::from_bytes(vec![7; 32]).expect("a key")
}

/// A registry with device `d1`.
pub(super) fn registry() -> Registry {
    let registry = Registry::new();
    registry.put(Device::new(
        DeviceId::new("d1").expect("id"),
        Authentication::Sas {
            primary: key(),
            secondary: key(),
        },
    ));
    registry
}

/// A CONNECT of d1 with `keep_alive`, signed at `clock` with a token valid
/// for `valid`.
pub(super) fn connect(clock: Clock, keep_alive: u16, valid: Duration) -> Packet {
    let now = clock.wall.as_millis();
    let valid = u64::try_from(valid.as_millis()).expect("short");
    let properties = ConnectProperties {
        api_version: api::API_VERSION.to_owned(),
        host: Some(HOST.to_owned()),
        sas_at: Some(Timestamp(now)),
        sas_expiry: Some(Timestamp(now + valid)),
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
            keep_alive,
            client_id: "d1".to_owned(),
            clean_start: true,
            properties: Some(wire),
        },
        None,
        None,
    )
}

/// A telemetry PUBLISH of `d1` with packet id `pkid`.
pub(super) fn telemetry(pkid: u16, qos: QoS) -> Packet {
    let mut publish = Publish::new(
        api::send_telemetry::TOPIC,
        qos,
        Bytes::from_static(b"{}"),
        Some(PublishProperties::default()),
    );
    publish.pkid = pkid;
    Packet::Publish(publish)
}
