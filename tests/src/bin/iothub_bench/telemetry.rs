//! The `telemetry` scenario: N QoS 1 messages of P bytes from one device,
//! each resolved at its PUBACK, through `iothub-client` (`send_telemetry`
//! from 32 tasks) and through raw rumqttc publishing the same packets (one
//! task queuing them, the event loop counting PUBACKs); runs alternate.
//! Both are held to the hub's Receive Maximum (16 in flight).

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use indicatif::ProgressBar;
use iothub_client::api::send_telemetry;
use iothub_client::wire::MqttProperties;
use rumqttc::v5::mqttbytes::v5::Packet;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::Event;

use crate::hub;
use crate::stats::bar;

/// Tasks sending through the client at once.
const CLIENT_TASKS: usize = 32;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs the scenario; returns its JSON line.
pub async fn run(messages: usize, payload: usize, rounds: usize) -> String {
    let emulator = hub::emulator(2 * rounds).await;
    let addr = emulator.mqtt_addr();
    let payload = Bytes::from(vec![b'x'; payload]);
    let progress = bar((2 * rounds * messages) as u64, "telemetry");
    let (mut client_rates, mut raw_rates) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let device = format!("bench-{}", 2 * round);
        client_rates.push(through_client(addr, &device, messages, &payload, &progress).await);
        let device = format!("bench-{}", 2 * round + 1);
        raw_rates.push(through_raw(addr, &device, messages, &payload, &progress).await);
    }
    progress.finish_and_clear();
    let (client, raw) = (median(client_rates.clone()), median(raw_rates.clone()));
    println!(
        "telemetry: {messages} QoS 1 messages of {} bytes, {rounds} rounds each (median)",
        payload.len()
    );
    println!("{:<24} {:>14} {:>30}", "side", "msgs/s", "runs");
    println!(
        "{:<24} {:>14.0} {:>30}",
        "iothub-client",
        client,
        format!("{client_rates:.0?}")
    );
    println!(
        "{:<24} {:>14.0} {:>30}",
        "raw rumqttc",
        raw,
        format!("{raw_rates:.0?}")
    );
    println!("{:<24} {:>14.3}", "ratio (client / raw)", client / raw);
    emulator.shutdown().await;
    format!(
        "{{\"scenario\":\"telemetry\",\"messages\":{messages},\"payload_bytes\":{},\"rounds\":{rounds},\"client_msgs_per_s\":{client:.1},\"raw_msgs_per_s\":{raw:.1},\"ratio\":{:.4}}}",
        payload.len(),
        client / raw
    )
}

async fn through_client(
    addr: SocketAddr,
    device: &str,
    messages: usize,
    payload: &Bytes,
    progress: &ProgressBar,
) -> f64 {
    let (client, _receivers) = hub::client(addr, device).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENT_TASKS)
        .map(|task| {
            let client = client.clone();
            let payload = payload.clone();
            let progress = progress.clone();
            tokio::spawn(async move {
                for _ in (task..messages).step_by(CLIENT_TASKS) {
                    let outcome = client
                        .send_telemetry(send_telemetry::Message::default(), payload.clone())
                        .await
                        .expect("acknowledged");
                    assert!(outcome.is_success(), "{outcome:?}");
                    progress.inc(1);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a sender task");
    }
    let rate = messages as f64 / started.elapsed().as_secs_f64();
    client.disconnect().await;
    rate
}

async fn through_raw(
    addr: SocketAddr,
    device: &str,
    messages: usize,
    payload: &Bytes,
    progress: &ProgressBar,
) -> f64 {
    let (client, mut events) = hub::raw(addr, device);
    hub::wait_connack(&mut events).await;
    let started = Instant::now();
    let publisher = {
        let client = client.clone();
        let payload = payload.clone();
        tokio::spawn(async move {
            for _ in 0..messages {
                let properties = crate::hub::raw_properties(
                    send_telemetry::Message::default().to_publish_properties(),
                );
                client
                    .publish_with_properties(
                        send_telemetry::TOPIC,
                        QoS::AtLeastOnce,
                        false,
                        payload.clone(),
                        properties,
                    )
                    .await
                    .expect("queued");
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
            Err(e) => panic!("raw rumqttc lost its connection: {e}"),
        }
    }
    let rate = messages as f64 / started.elapsed().as_secs_f64();
    publisher.await.expect("the publisher");
    let _ = client.disconnect().await;
    rate
}
