//! The `connections` scenario: D devices connecting at once with SAS
//! (`iothub-client` over loopback TCP) to an emulator in a process of its
//! own; the time each takes to be connected (CONNACK), and the emulator's
//! resident memory before and with all of them connected.

use std::time::{Duration, Instant};

use iothub_client::runtime::ConnectionState;

use crate::hub;
use crate::process::EmulatorProcess;
use crate::stats::{bar, percentile};

/// Runs the scenario; returns its JSON line.
pub async fn run(devices: usize) -> String {
    let emulator = EmulatorProcess::start(devices);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = emulator.rss_kib();
    let progress = bar(devices as u64, "connections");
    let started = Instant::now();
    let tasks: Vec<_> = (0..devices)
        .map(|i| {
            let addr = emulator.mqtt;
            let progress = progress.clone();
            tokio::spawn(async move {
                let begun = Instant::now();
                let (client, receivers) = hub::client_started(addr, &format!("bench-{i}"));
                let mut state = client.connection_state();
                loop {
                    if let ConnectionState::Connected { .. } = *state.borrow_and_update() {
                        break;
                    }
                    if tokio::time::timeout(Duration::from_secs(60), state.changed())
                        .await
                        .is_err()
                    {
                        panic!("device {i} not connected within 60 s");
                    }
                }
                progress.inc(1);
                (begun.elapsed(), client, receivers)
            })
        })
        .collect();
    let mut times = Vec::with_capacity(devices);
    let mut clients = Vec::with_capacity(devices);
    for task in tasks {
        let (time, client, receivers) = task.await.expect("a device task");
        times.push(time);
        clients.push((client, receivers));
    }
    let all = started.elapsed();
    // Let the subscriptions and snapshots settle before reading memory.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = emulator.rss_kib();
    progress.finish_and_clear();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (p50, p99) = (ms(percentile(&times, 0.5)), ms(percentile(&times, 0.99)));
    let rss_mb = after as f64 / 1024.0;
    let per_connection_kb = after.saturating_sub(before) as f64 / devices.max(1) as f64;
    println!(
        "connections: {devices} devices connecting at once with SAS (iothub-client, loopback TCP)"
    );
    println!(
        "{:<34} {:>12}",
        "all connected after",
        format!("{:.0} ms", ms(all))
    );
    println!(
        "{:<34} {:>12}",
        "connect p50 / p99",
        format!("{p50:.0} / {p99:.0} ms")
    );
    println!(
        "{:<34} {:>12}",
        "emulator RSS before / with all",
        format!("{:.1} / {rss_mb:.1} MB", before as f64 / 1024.0)
    );
    println!(
        "{:<34} {:>12}",
        "per connection",
        format!("{per_connection_kb:.1} KB")
    );
    for (client, _) in &clients {
        client.disconnect().await;
    }
    drop(emulator);
    format!(
        "{{\"scenario\":\"connections\",\"devices\":{devices},\"connect_p50_ms\":{p50:.1},\"connect_p99_ms\":{p99:.1},\"emulator_rss_mb\":{rss_mb:.1},\"per_connection_kb\":{per_connection_kb:.1}}}"
    )
}
