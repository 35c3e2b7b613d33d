//! The hub both sides of a scenario talk to (the emulator, in-process, one
//! SAS device) and the two ways of talking to it: `iothub-client`, and raw
//! rumqttc with the same CONNECT.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use iothub_client::api::connection::{AuthenticationMethod, Connect};
use iothub_client::api::{self};
use iothub_client::credentials::{Credentials, SasKey, SasToken};
use iothub_client::wire::{MqttProperties, Timestamp};
use iothub_client::{Client, ClientOptions, Receivers};
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_emulator::{Config, Emulator};
use rumqttc::v5::{AsyncClient, EventLoop, MqttOptions};

/// The host name the devices sign for.
pub const HOST: &str = "bench.example.test";

fn key() -> Vec<u8> {
    vec![9u8; 32]
}

/// An emulator with SAS devices `bench-0` … `bench-{count-1}`.
pub async fn emulator(count: usize) -> Emulator {
    emulator_with_state(count, None).await
}

/// [`emulator`], keeping durable state in `state` if given.
pub async fn emulator_with_state(count: usize, state: Option<std::path::PathBuf>) -> Emulator {
    let registry = Registry::new();
    for i in 0..count {
        registry.put(Device::new(
            DeviceId::new(format!("bench-{i}")).expect("id"),
            Authentication::Sas {
                primary: Key::from_bytes(key()).expect("key"),
                secondary: Key::from_bytes(key()).expect("key"),
            },
        ));
    }
    let mut config = Config::new().registry(registry);
    if let Some(state) = state {
        config = config.state(state);
    }
    Emulator::start(config).await.expect("the emulator starts")
}

/// An in-process emulator on a runtime of its own, in a thread of its own:
/// the hub's tasks then never share a worker with the side being measured,
/// so both sides are scheduled alike (on one shared runtime, where the
/// hub's connection task happens to run decides a round trip's time).
pub struct EmulatorThread {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmulatorThread {
    /// Starts it with SAS devices `bench-0` … `bench-{count-1}`.
    pub fn start(count: usize) -> Self {
        let (address, addressed) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the emulator");
            runtime.block_on(async move {
                let hub = emulator(count).await;
                let _ = address.send(hub.mqtt_addr());
                let _ = stopped.await;
                hub.shutdown().await;
            });
        });
        let addr = addressed.recv().expect("the emulator starts");
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Its MQTT address.
    pub fn mqtt_addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for EmulatorThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `iothub-client` for `device`, started (connecting in the background).
pub fn client_started(hub: SocketAddr, device: &str) -> (Client, Receivers) {
    let options = ClientOptions::new(
        HOST,
        device,
        Credentials::sas(SasKey::from_bytes(key()).expect("key")),
    )
    .plain_tcp()
    .connect_to(hub.ip().to_string(), hub.port())
    .connect_timeout(Duration::from_secs(60));
    Client::connect(options).expect("starts")
}

/// `iothub-client` connected as `device`.
pub async fn client(hub: SocketAddr, device: &str) -> (Client, Receivers) {
    let (client, receivers) = client_started(hub, device);
    client
        .wait_connected(Duration::from_secs(10))
        .await
        .expect("connects");
    (client, receivers)
}

/// Raw rumqttc with the CONNECT `iothub-client` sends (SAS signed the same
/// way), not yet polled.
pub fn raw(hub: SocketAddr, device: &str) -> (AsyncClient, EventLoop) {
    let mut connect = Connect {
        api_version: api::API_VERSION.to_owned(),
        host: Some(HOST.to_owned()),
        sas_policy: None,
        sas_at: None,
        sas_expiry: None,
        client_agent: Some("iothub-bench raw rumqttc".to_owned()),
    };
    let token = SasToken::sign(
        &SasKey::from_bytes(key()).expect("key"),
        HOST,
        device,
        &mut connect,
        Timestamp::now(),
        Duration::from_secs(3600),
    );
    let mut options = MqttOptions::new(device, hub.ip().to_string(), hub.port());
    options
        .set_keep_alive(Duration::from_secs(60))
        .set_clean_start(false)
        .set_authentication_method(Some(AuthenticationMethod::Sas.name().to_owned()))
        .set_authentication_data(Some(Bytes::copy_from_slice(token.signature())))
        .set_user_properties(connect.to_properties().user);
    AsyncClient::new(options, 256)
}

/// Polls a raw rumqttc event loop until its CONNACK.
pub async fn wait_connack(events: &mut EventLoop) {
    loop {
        match events.poll().await {
            Ok(rumqttc::v5::Event::Incoming(rumqttc::v5::mqttbytes::v5::Packet::ConnAck(_))) => {
                return
            }
            Ok(_) => {}
            Err(e) => panic!("raw rumqttc could not connect: {e}"),
        }
    }
}

/// A message's PUBLISH properties as rumqttc's client takes them (the
/// raw side's own types; the typed API gives `iothub-mqtt`'s).
pub fn raw_properties(
    properties: iothub_mqtt::packet::PublishProperties,
) -> rumqttc::v5::mqttbytes::v5::PublishProperties {
    rumqttc::v5::mqttbytes::v5::PublishProperties {
        payload_format_indicator: properties.payload_format_indicator,
        message_expiry_interval: properties.message_expiry_interval,
        topic_alias: properties.topic_alias,
        response_topic: properties.response_topic,
        correlation_data: properties.correlation_data,
        user_properties: properties.user_properties,
        subscription_identifiers: properties.subscription_identifiers,
        content_type: properties.content_type,
    }
}
