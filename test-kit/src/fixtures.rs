//! An in-process emulator with SAS devices, and client options for a
//! device of it over loopback TCP. Device number `i` of a fixture has the
//! keys [`key_bytes`]`(i)` and [`key_bytes`]`(i + 100)`.

use std::net::SocketAddr;
use std::time::Duration;

use iothub_client::credentials::{Credentials, SasKey};
use iothub_client::runtime::{ConnectionState, ReconnectPolicy, Session};
use iothub_client::ClientOptions;
use iothub_emulator::access::{Permissions, Policies, SharedAccessPolicy};
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_emulator::{Config, Emulator};

use crate::sas::key_bytes;
use crate::service;
use crate::{HOST, WAIT};

/// An emulator with SAS devices `names`.
pub async fn emulator(names: &[&str]) -> Emulator {
    emulator_with(names, |config| config).await
}

/// [`emulator`], its configuration changed by `configure`.
pub async fn emulator_with(names: &[&str], configure: impl FnOnce(Config) -> Config) -> Emulator {
    Emulator::start(configure(Config::new().registry(registry(names))))
        .await
        .expect("the emulator starts")
}

/// A registry of SAS devices `names`, and the shared access policy
/// [`service::POLICY`] (every permission, key [`service::policy_key`]).
pub fn registry(names: &[&str]) -> Registry {
    let policy = SharedAccessPolicy::new(
        service::POLICY,
        Key::from_base64(&service::policy_key()).expect("key"),
        Key::from_base64(&service::policy_key()).expect("key"),
        Permissions::ALL,
    )
    .expect("a policy");
    let registry = Registry::new().with_policies(Policies::new().with(policy));
    for (i, name) in names.iter().enumerate() {
        let i = u8::try_from(i).expect("few devices");
        registry.put(Device::new(
            id(name),
            Authentication::Sas {
                primary: Key::from_bytes(key_bytes(i)).expect("key"),
                secondary: Key::from_bytes(key_bytes(i.wrapping_add(100))).expect("key"),
            },
        ));
    }
    registry
}

/// The device id `name`.
pub fn id(name: &str) -> DeviceId {
    DeviceId::new(name).expect("a valid device id")
}

/// Options for device `name` (number `i` of [`emulator`]) over plain TCP to
/// `emulator`, reconnecting quickly.
pub fn options(emulator: &Emulator, name: &str, i: u8) -> ClientOptions {
    options_to(emulator.mqtt_addr(), name, i)
}

/// The same, connecting to `addr` (a proxy in front of the emulator, or a
/// scripted hub).
pub fn options_to(addr: SocketAddr, name: &str, i: u8) -> ClientOptions {
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

/// Waits (bounded by [`WAIT`]) until the client's connection state passes
/// `check`, watching every change; returns that state.
pub async fn wait_for_state(
    session: &Session,
    what: &str,
    check: impl Fn(&ConnectionState) -> bool,
) -> ConnectionState {
    let mut state = session.connection_state();
    tokio::time::timeout(WAIT, async {
        loop {
            let current = state.borrow_and_update().clone();
            if check(&current) {
                return current;
            }
            state.changed().await.expect("the client is open");
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting: {what}"))
}

/// Waits (bounded by [`WAIT`]) until `check` holds, polling.
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
pub async fn nowhere() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    listener.local_addr().expect("addr")
}
