//! The `twin-rtt` scenario: sequential Get Twin round trips, through
//! `iothub-client` (`get_twin`) and through raw rumqttc (a QoS 0 request
//! with Correlation Data, the response matched on `$iothub/responses` by
//! the event loop's task); runs alternate. Figures: p50 and p99 per side.
//!
//! The emulator runs in this process on a runtime and a thread of its own,
//! as a hub never shares a device's runtime: on one shared runtime, whether
//! the hub's connection task lands on the requester's worker or the other
//! decides a round trip's time (two modes, about 12 and 18 µs here), and
//! the ratio measured that more than either side.
//!
//! Each side's request loop runs in a task of the runtime, where a tokio
//! program's work runs. The same loops run once more from the main future
//! (`#[tokio::main]`'s `block_on` thread, outside the runtime's workers),
//! reported apart: there every wake-up of the requester, and every request
//! it queues, crosses threads.

use std::collections::HashMap;
use std::future::Future;
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

/// Where a request loop runs.
#[derive(Clone, Copy)]
enum Placement {
    /// In a task spawned on the runtime.
    Task,
    /// In the main future, on the thread that called `block_on`.
    MainThread,
}

async fn place<F>(placement: Placement, run: F) -> Vec<Duration>
where
    F: Future<Output = Vec<Duration>> + Send + 'static,
{
    match placement {
        Placement::Task => tokio::spawn(run).await.expect("the request loop ends"),
        Placement::MainThread => run.await,
    }
}

/// Sorted round-trip times per side.
#[derive(Default)]
struct Sides {
    client: Vec<Duration>,
    raw: Vec<Duration>,
}

impl Sides {
    fn us(&self) -> [f64; 4] {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        [
            us(percentile(&self.client, 0.5)),
            us(percentile(&self.client, 0.99)),
            us(percentile(&self.raw, 0.5)),
            us(percentile(&self.raw, 0.99)),
        ]
    }
}

/// The table rows of one placement: each side's p50 and p99, and their ratios.
fn print_sides(indent: &str, [c50, c99, r50, r99]: [f64; 4]) {
    let rows = [
        ("iothub-client", c50, c99, 1),
        ("raw rumqttc", r50, r99, 1),
        ("ratio (client / raw)", c50 / r50, c99 / r99, 3),
    ];
    for (side, p50, p99, decimals) in rows {
        println!(
            "{:<36} {:>10.decimals$} {:>10.decimals$}",
            format!("{indent}{side}"),
            p50,
            p99
        );
    }
}

/// Runs the scenario; returns its JSON line.
pub async fn run(requests: usize, rounds: usize) -> String {
    let emulator = hub::EmulatorThread::start(4 * rounds);
    let addr = emulator.mqtt_addr();
    let progress = bar((4 * rounds * requests) as u64, "twin-rtt");
    let (mut task, mut main) = (Sides::default(), Sides::default());
    let mut device = 0;
    let mut next_device = || {
        device += 1;
        format!("bench-{}", device - 1)
    };
    for _ in 0..rounds {
        for (placement, sides) in [
            (Placement::Task, &mut task),
            (Placement::MainThread, &mut main),
        ] {
            let (device, bar) = (next_device(), progress.clone());
            sides.client.extend(
                place(placement, async move {
                    through_client(addr, &device, requests, &bar).await
                })
                .await,
            );
            let (device, bar) = (next_device(), progress.clone());
            sides.raw.extend(
                place(placement, async move {
                    through_raw(addr, &device, requests, &bar).await
                })
                .await,
            );
        }
    }
    progress.finish_and_clear();
    for sides in [&mut task, &mut main] {
        sides.client.sort();
        sides.raw.sort();
    }
    let [c50, c99, r50, r99] = task.us();
    let [m_c50, m_c99, m_r50, m_r99] = main.us();
    println!("twin-rtt: {requests} sequential Get Twin round trips, {rounds} rounds each");
    println!("{:<36} {:>10} {:>10}", "side", "p50 µs", "p99 µs");
    print_sides("", [c50, c99, r50, r99]);
    println!("from the main future (block_on thread):");
    print_sides("  ", [m_c50, m_c99, m_r50, m_r99]);
    drop(emulator);
    format!(
        "{{\"scenario\":\"twin-rtt\",\"requests\":{requests},\"rounds\":{rounds},\"client_p50_us\":{c50:.1},\"client_p99_us\":{c99:.1},\"raw_p50_us\":{r50:.1},\"raw_p99_us\":{r99:.1},\"ratio_p50\":{:.4},\"main_thread\":{{\"client_p50_us\":{m_c50:.1},\"client_p99_us\":{m_c99:.1},\"raw_p50_us\":{m_r50:.1},\"raw_p99_us\":{m_r99:.1},\"ratio_p50\":{:.4}}}}}",
        c50 / r50,
        m_c50 / m_r50
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
