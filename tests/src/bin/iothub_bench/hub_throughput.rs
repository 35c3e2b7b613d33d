//! The `hub-throughput` scenario: K devices publishing QoS 1 telemetry with
//! raw rumqttc, all at once, to the emulator (a process of its own, SAS)
//! and the same load to mosquitto (anonymous, the same payloads and window
//! of 16 messages in flight); runs alternate. The figure: acknowledged
//! messages per second over the whole load.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use indicatif::ProgressBar;
use iothub_client::api::send_telemetry;
use iothub_client::wire::MqttProperties;
use rumqttc::v5::mqttbytes::v5::Packet;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, Event, EventLoop, MqttOptions};

use crate::hub;
use crate::mosquitto::Mosquitto;
use crate::process::EmulatorProcess;
use crate::stats::bar;

/// One device of the load: its connection, and the topic it publishes to.
type Device = (AsyncClient, EventLoop, String);

/// K devices' connections to the emulator (SAS, the API's topic).
fn emulator_devices(addr: SocketAddr, devices: usize) -> Vec<Device> {
    (0..devices)
        .map(|i| {
            let (client, events) = hub::raw(addr, &format!("bench-{i}"));
            (client, events, send_telemetry::TOPIC.to_owned())
        })
        .collect()
}

/// K devices' connections to mosquitto (anonymous, a topic each).
fn mosquitto_devices(addr: SocketAddr, devices: usize) -> Vec<Device> {
    (0..devices)
        .map(|i| {
            let mut options =
                MqttOptions::new(format!("bench-{i}"), addr.ip().to_string(), addr.port());
            options
                .set_keep_alive(Duration::from_secs(60))
                .set_clean_start(false);
            let (client, events) = AsyncClient::new(options, 256);
            (client, events, format!("telemetry/bench-{i}"))
        })
        .collect()
}

/// Every device sends `messages` QoS 1 messages; returns messages per second
/// from the first publish to the last PUBACK.
async fn load(
    devices: Vec<Device>,
    messages: usize,
    payload: &Bytes,
    progress: &ProgressBar,
) -> f64 {
    let count = devices.len();
    // Connect everyone first: the measure is the publishing.
    let mut connected = Vec::with_capacity(count);
    for (client, mut events, topic) in devices {
        hub::wait_connack(&mut events).await;
        connected.push((client, events, topic));
    }
    let started = Instant::now();
    let tasks: Vec<_> = connected
        .into_iter()
        .map(|(client, mut events, topic)| {
            let payload = payload.clone();
            let progress = progress.clone();
            tokio::spawn(async move {
                let publisher = {
                    let client = client.clone();
                    tokio::spawn(async move {
                        for _ in 0..messages {
                            let properties = crate::hub::raw_properties(
                                send_telemetry::Message::default().to_publish_properties(),
                            );
                            if client
                                .publish_with_properties(
                                    topic.clone(),
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
                let mut acknowledged = 0;
                while acknowledged < messages {
                    match events.poll().await {
                        Ok(Event::Incoming(Packet::PubAck(_))) => {
                            acknowledged += 1;
                            progress.inc(1);
                        }
                        Ok(_) => {}
                        Err(e) => panic!("a device lost its connection: {e}"),
                    }
                }
                let _ = publisher.await;
                let _ = client.disconnect().await;
                let _ = tokio::time::timeout(Duration::from_secs(1), events.poll()).await;
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a device task");
    }
    (count * messages) as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs the scenario; returns its JSON line.
pub async fn run(
    devices: usize,
    messages: usize,
    payload: usize,
    rounds: usize,
    state: bool,
) -> String {
    let payload = Bytes::from(vec![b'x'; payload]);
    // With `--state`, a fresh folder (removed afterwards).
    let folder = state.then(|| {
        let dir = std::env::temp_dir().join(format!("iothub-bench-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    });
    let emulator = EmulatorProcess::start_with_state(devices, folder.as_deref());
    let mosquitto = match Mosquitto::start() {
        Ok(m) => Some(m),
        Err(why) => {
            eprintln!(
                "hub-throughput: mosquitto cannot be had ({why}); measuring the emulator alone"
            );
            None
        }
    };
    let sides = if mosquitto.is_some() { 2 } else { 1 };
    let progress = bar(
        (sides * rounds * devices * messages) as u64,
        "hub-throughput",
    );
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours.push(
            load(
                emulator_devices(emulator.mqtt, devices),
                messages,
                &payload,
                &progress,
            )
            .await,
        );
        if let Some(m) = &mosquitto {
            theirs.push(
                load(
                    mosquitto_devices(m.addr, devices),
                    messages,
                    &payload,
                    &progress,
                )
                .await,
            );
        }
    }
    progress.finish_and_clear();
    let emulator_rate = median(ours.clone());
    println!(
        "hub-throughput: {devices} devices × {messages} QoS 1 messages of {} bytes, raw rumqttc, {rounds} rounds (median){}",
        payload.len(),
        if state { ", emulator with --state" } else { "" }
    );
    println!(
        "{:<24} {:>14} {:>12} {:>30}",
        "hub", "msgs/s", "RSS MB", "runs"
    );
    println!(
        "{:<24} {:>14.0} {:>12.1} {:>30}",
        "iothub-emulator",
        emulator_rate,
        emulator.rss_kib() as f64 / 1024.0,
        format!("{ours:.0?}")
    );
    let mode = if state { "state" } else { "memory" };
    let json = match &mosquitto {
        Some(m) => {
            let mosquitto_rate = median(theirs.clone());
            println!(
                "{:<24} {:>14.0} {:>12.1} {:>30}",
                "mosquitto",
                mosquitto_rate,
                m.rss_kib() as f64 / 1024.0,
                format!("{theirs:.0?}")
            );
            println!("{:<24} {:>14.3}", "ratio (emulator / mosquitto)", emulator_rate / mosquitto_rate);
            format!(
                "{{\"scenario\":\"hub-throughput\",\"mode\":\"{mode}\",\"devices\":{devices},\"messages\":{messages},\"emulator_msgs_per_s\":{emulator_rate:.1},\"mosquitto_msgs_per_s\":{mosquitto_rate:.1},\"ratio\":{:.4}}}",
                emulator_rate / mosquitto_rate
            )
        }
        None => format!(
            "{{\"scenario\":\"hub-throughput\",\"mode\":\"{mode}\",\"devices\":{devices},\"messages\":{messages},\"emulator_msgs_per_s\":{emulator_rate:.1},\"mosquitto_msgs_per_s\":null,\"ratio\":null}}"
        ),
    };
    drop(emulator);
    if let Some(dir) = folder {
        let _ = std::fs::remove_dir_all(dir);
    }
    json
}
