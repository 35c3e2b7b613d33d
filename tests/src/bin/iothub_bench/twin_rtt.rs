//! The `twin-rtt` scenario: sequential Get Twin round trips, through
//! `iothub-client` (`get_twin`) and through raw rumqttc (a QoS 0 request
//! with Correlation Data, the response matched on `$iothub/responses` by
//! the event loop's task); runs alternate. Figures: p50 and p99 per side.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use indicatif::ProgressBar;
use iothub_client::api::{get_twin, topics};
use rumqttc::v5::mqttbytes::v5::{Packet, PublishProperties};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::Event;
use tokio::sync::oneshot;

use crate::hub;
use crate::stats::{bar, percentile};

type Waiting = Arc<Mutex<HashMap<Bytes, oneshot::Sender<()>>>>;

/// Runs the scenario; returns its JSON line.
pub async fn run(requests: usize, rounds: usize) -> String {
    let emulator = hub::emulator(2 * rounds).await;
    let addr = emulator.mqtt_addr();
    let progress = bar((2 * rounds * requests) as u64, "twin-rtt");
    let (mut client_times, mut raw_times) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let device = format!("bench-{}", 2 * round);
        client_times.extend(through_client(addr, &device, requests, &progress).await);
        let device = format!("bench-{}", 2 * round + 1);
        raw_times.extend(through_raw(addr, &device, requests, &progress).await);
    }
    progress.finish_and_clear();
    client_times.sort();
    raw_times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (c50, c99) = (
        us(percentile(&client_times, 0.5)),
        us(percentile(&client_times, 0.99)),
    );
    let (r50, r99) = (
        us(percentile(&raw_times, 0.5)),
        us(percentile(&raw_times, 0.99)),
    );
    println!("twin-rtt: {requests} sequential Get Twin round trips, {rounds} rounds each");
    println!("{:<24} {:>10} {:>10}", "side", "p50 µs", "p99 µs");
    println!("{:<24} {:>10.1} {:>10.1}", "iothub-client", c50, c99);
    println!("{:<24} {:>10.1} {:>10.1}", "raw rumqttc", r50, r99);
    println!(
        "{:<24} {:>10.3} {:>10.3}",
        "ratio (client / raw)",
        c50 / r50,
        c99 / r99
    );
    emulator.shutdown().await;
    format!(
        "{{\"scenario\":\"twin-rtt\",\"requests\":{requests},\"rounds\":{rounds},\"client_p50_us\":{c50:.1},\"client_p99_us\":{c99:.1},\"raw_p50_us\":{r50:.1},\"raw_p99_us\":{r99:.1},\"ratio_p50\":{:.4}}}",
        c50 / r50
    )
}

async fn through_client(
    addr: SocketAddr,
    device: &str,
    requests: usize,
    progress: &ProgressBar,
) -> Vec<Duration> {
    let (client, mut receivers) = hub::client(addr, device).await;
    // The snapshot made after connecting is not part of the measure.
    let _ = receivers.receive_twin_desired_state_changes.recv().await;
    let mut times = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let outcome = client.get_twin().await.expect("answered");
        times.push(started.elapsed());
        assert!(outcome.is_success());
        progress.inc(1);
    }
    client.disconnect().await;
    times
}

async fn through_raw(
    addr: SocketAddr,
    device: &str,
    requests: usize,
    progress: &ProgressBar,
) -> Vec<Duration> {
    let (client, mut events) = hub::raw(addr, device);
    hub::wait_connack(&mut events).await;
    let waiting: Waiting = Arc::default();
    let poller = {
        let waiting = Arc::clone(&waiting);
        tokio::spawn(async move {
            loop {
                match events.poll().await {
                    Ok(Event::Incoming(Packet::Publish(publish)))
                        if publish.topic == topics::RESPONSES.as_bytes() =>
                    {
                        let key = publish.properties.and_then(|p| p.correlation_data);
                        if let Some(reply) =
                            key.and_then(|k| waiting.lock().expect("lock").remove(&k))
                        {
                            let _ = reply.send(());
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        })
    };
    let mut times = Vec::with_capacity(requests);
    for n in 0..requests as u64 {
        let key = Bytes::copy_from_slice(&n.to_be_bytes());
        let (reply, answered) = oneshot::channel();
        waiting.lock().expect("lock").insert(key.clone(), reply);
        let properties = PublishProperties {
            correlation_data: Some(key),
            ..PublishProperties::default()
        };
        let started = Instant::now();
        client
            .publish_with_properties(
                get_twin::TOPIC,
                QoS::AtMostOnce,
                false,
                Bytes::new(),
                properties,
            )
            .await
            .expect("queued");
        answered.await.expect("answered");
        times.push(started.elapsed());
        progress.inc(1);
    }
    let _ = client.disconnect().await;
    let _ = tokio::time::timeout(Duration::from_secs(2), poller).await;
    times
}
