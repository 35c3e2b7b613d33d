//! What the client's end-to-end tests share: an in-process emulator with
//! SAS devices, and client options for a device of it over loopback TCP.
#![allow(dead_code)]

pub mod fake_hub;
pub mod proxy;

use std::time::Duration;

use iothub_client::credentials::{Credentials, SasKey};
use iothub_client::runtime::ReconnectPolicy;
use iothub_client::ClientOptions;
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_emulator::{Config, Emulator};

/// Every wait of a test is bounded by this.
pub const WAIT: Duration = Duration::from_secs(10);

/// The host name the devices sign for.
pub const HOST: &str = "hub.example.test";

/// The key of device number `i` (32 bytes of `i + 1`).
pub fn key_bytes(i: u8) -> Vec<u8> {
    vec![i + 1; 32]
}

/// An emulator with SAS devices `names`.
pub async fn emulator(names: &[&str]) -> Emulator {
    Emulator::start(Config::new().registry(registry(names)))
        .await
        .expect("emulator starts")
}

/// A registry of SAS devices `names` (device `i` has keys `key_bytes(i)`
/// and `key_bytes(i + 100)`).
pub fn registry(names: &[&str]) -> Registry {
    let registry = Registry::new();
    for (i, name) in names.iter().enumerate() {
        let i = u8::try_from(i).expect("few devices");
        registry.put(Device::new(
            DeviceId::new(*name).expect("id"),
            Authentication::Sas {
                primary: Key::from_bytes(key_bytes(i)).expect("key"),
                secondary: Key::from_bytes(key_bytes(i + 100)).expect("key"),
            },
        ));
    }
    registry
}

/// Options for device `name` (number `i` of `emulator(..)`) over plain TCP
/// to `emulator`, reconnecting quickly.
pub fn options(emulator: &Emulator, name: &str, i: u8) -> ClientOptions {
    options_to(emulator.mqtt_addr(), name, i)
}

/// The same, connecting to `addr` (a proxy in front of the emulator).
pub fn options_to(addr: std::net::SocketAddr, name: &str, i: u8) -> ClientOptions {
    ClientOptions::new(
        HOST,
        name,
        Credentials::sas(SasKey::from_bytes(key_bytes(i)).expect("key")),
    )
    .plain_tcp()
    .connect_to(addr.ip().to_string(), addr.port())
    .reconnect(ReconnectPolicy::new(
        Duration::from_millis(20),
        Duration::from_millis(200),
    ))
    .request_timeout(WAIT)
}

/// The device id `name`.
pub fn id(name: &str) -> DeviceId {
    DeviceId::new(name).expect("id")
}

/// Waits (bounded) until `check` holds, polling.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A loopback address nobody listens on (a hub that is down).
pub async fn nowhere() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    listener.local_addr().expect("addr")
}
