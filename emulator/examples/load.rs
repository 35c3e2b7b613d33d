//! A load generator for the emulator: D devices connect at once with SAS
//! over plain TCP, then each sends M QoS 1 telemetry messages as fast as
//! the hub acknowledges them (rumqttc's client, Receive Maximum from the
//! CONNACK). Prints the connect and throughput figures, and one JSON line.
//!
//! ```sh
//! cargo run --release -p iothub-emulator --example load -- [DEVICES] [MESSAGES] [PAYLOAD_BYTES]
//! ```
//! (defaults 100, 200, 256). Everything runs on loopback. By default the
//! hub runs in the same process; with `IOTHUB_LOAD_HUB=MQTT_ADDR,HTTP_ADDR`
//! and `IOTHUB_LOAD_SERVICE=` the service connection string it printed
//! (`service-connection-string …`), the devices are registered over HTTP
//! with a running `iothub-emulator` (another process) and connect there, so
//! the two sides do not share a scheduler.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use iothub_client::api::connection::{sas, AuthenticationMethod, Connect};
use iothub_client::api::{self, send_telemetry};
use iothub_client::wire::{MqttProperties, Timestamp};
use iothub_emulator::access::ServiceConnectionString;
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry};
use iothub_emulator::{Config, Emulator};
use rumqttc::v5::mqttbytes::v5::Packet;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, Event, MqttOptions};

const HOST: &str = "load.example.test";

fn arg(index: usize, default: usize) -> usize {
    std::env::args()
        .nth(index)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn now() -> Timestamp {
    Timestamp::from(SystemTime::now())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let devices = arg(1, 100);
    let messages = arg(2, 200);
    let payload = Bytes::from(vec![b'x'; arg(3, 256)]);
    let key = Key::from_bytes(vec![7u8; 32]).expect("a 32-byte key");
    let registry = Registry::new();
    for i in 0..devices {
        let id = DeviceId::new(format!("load-{i}")).expect("id");
        registry.put(Device::new(
            id,
            Authentication::Sas {
                primary: key.clone(),
                secondary: key.clone(),
            },
        ));
    }
    let external = std::env::var("IOTHUB_LOAD_HUB").ok();
    let (hub, mqtt) = match external.as_deref().and_then(|v| v.split_once(',')) {
        Some((mqtt, http)) => {
            let key_b64 = key.expose_base64();
            let service = std::env::var("IOTHUB_LOAD_SERVICE")
                .ok()
                .and_then(|text| ServiceConnectionString::parse(&text).ok())
                .expect("IOTHUB_LOAD_SERVICE: the emulator's service connection string");
            let expiry = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
                + 3600;
            let authorization = service.token(expiry);
            for i in 0..devices {
                register(http, &authorization, &format!("load-{i}"), &key_b64).await;
            }
            (
                None,
                mqtt.parse::<std::net::SocketAddr>()
                    .expect("MQTT_ADDR is host:port"),
            )
        }
        None => {
            let hub = Emulator::start(Config::new().registry(registry))
                .await
                .expect("starts");
            let mqtt = hub.mqtt_addr();
            (Some(hub), mqtt)
        }
    };
    let port = mqtt.port();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..devices {
        let key = key.clone();
        let payload = payload.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("load-{i}");
            let at = now();
            let connect = Connect {
                api_version: api::API_VERSION.to_owned(),
                host: Some(HOST.to_owned()),
                sas_policy: None,
                sas_at: Some(at),
                sas_expiry: Some(Timestamp(at.as_millis() + 3_600_000)),
                client_agent: Some("iothub-emulator load example".to_owned()),
            };
            let signature =
                iothub_emulator::sas::sign(&key, &sas::string_to_sign(HOST, &id, &connect));
            let mut options = MqttOptions::new(id, "127.0.0.1", port);
            options
                .set_keep_alive(Duration::from_secs(60))
                .set_clean_start(false)
                .set_authentication_method(Some(AuthenticationMethod::Sas.name().to_owned()))
                .set_authentication_data(Some(Bytes::from(signature)))
                .set_user_properties(connect.to_properties().user);
            let (client, mut events) = AsyncClient::new(options, 64);
            let begun = Instant::now();
            let mut connected = None;
            let mut acked = 0usize;
            let publisher = {
                let client = client.clone();
                let payload = payload.clone();
                tokio::spawn(async move {
                    for _ in 0..messages {
                        let properties = raw_properties(
                            send_telemetry::Message::default().to_publish_properties(),
                        );
                        if client
                            .publish_with_properties(
                                send_telemetry::TOPIC,
                                QoS::AtLeastOnce,
                                false,
                                payload.clone(),
                                properties,
                            )
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                })
            };
            while acked < messages {
                match events.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => connected = Some(begun.elapsed()),
                    Ok(Event::Incoming(Packet::PubAck(_))) => acked += 1,
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("connection error: {e}");
                        break;
                    }
                }
            }
            publisher.abort();
            let _ = client.disconnect().await;
            (connected, acked)
        }));
    }
    let mut connects = Vec::new();
    let mut acked = 0;
    for task in tasks {
        if let Ok((connected, n)) = task.await {
            connects.extend(connected);
            acked += n;
        }
    }
    let elapsed = started.elapsed();
    connects.sort();
    let rate = acked as f64 / elapsed.as_secs_f64();
    let stored = hub.as_ref().map_or_else(
        || "n/a (another process)".to_owned(),
        |h| h.hub().telemetry().len().to_string(),
    );
    println!("devices connected      {} of {devices}", connects.len());
    println!(
        "connect p50 / p99      {:?} / {:?}",
        percentile(&connects, 0.5),
        percentile(&connects, 0.99)
    );
    println!(
        "telemetry acknowledged {acked} of {} in {elapsed:?}",
        devices * messages
    );
    println!("stored by the hub      {stored}");
    println!("QoS 1 messages/s       {rate:.0}");
    println!(
        "{{\"devices\":{},\"messages\":{acked},\"connect_p50_ms\":{:.1},\"connect_p99_ms\":{:.1},\"msgs_per_s\":{rate:.0}}}",
        connects.len(),
        percentile(&connects, 0.5).as_secs_f64() * 1000.0,
        percentile(&connects, 0.99).as_secs_f64() * 1000.0
    );
    if let Some(hub) = hub {
        hub.shutdown().await;
    }
}

/// `PUT /devices/{id}` on the hub's HTTP API (plain HTTP/1.1).
async fn register(http: &str, authorization: &str, id: &str, key_b64: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = format!(
        r#"{{"authentication":{{"type":"sas","symmetricKey":{{"primaryKey":"{key_b64}","secondaryKey":"{key_b64}"}}}}}}"#
    );
    let mut stream = tokio::net::TcpStream::connect(http)
        .await
        .expect("the hub's HTTP address");
    let request = format!(
        "PUT /devices/{id} HTTP/1.1\r\nhost: load\r\nauthorization: {authorization}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    assert!(
        answer.starts_with(b"HTTP/1.1 20"),
        "registering {id}: {}",
        String::from_utf8_lossy(&answer)
    );
}

/// A message's PUBLISH properties as rumqttc's client takes them (the typed
/// API gives `iothub-mqtt`'s).
fn raw_properties(
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
