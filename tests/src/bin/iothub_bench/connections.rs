//! The `connections` scenario: D devices connecting at once with SAS
//! (`iothub-client` over loopback TCP) to an emulator in a process of its
//! own; the time each takes to be connected (CONNACK), and the emulator's
//! resident memory before and with all of them connected. Then, in the same
//! run, mosquitto (the reference broker) holding D bare MQTT 5 connections
//! (CONNECT, CONNACK, idle): its resident memory per connection, the
//! baseline the emulator's is compared with.

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
    drop(clients);
    drop(emulator);
    let mosquitto_kb = match mosquitto_per_connection(devices).await {
        Ok((before, after)) => {
            let per = after.saturating_sub(before) as f64 / devices.max(1) as f64;
            println!(
                "{:<34} {:>12}",
                "mosquitto RSS before / with all",
                format!(
                    "{:.1} / {:.1} MB",
                    before as f64 / 1024.0,
                    after as f64 / 1024.0
                )
            );
            println!(
                "{:<34} {:>12}",
                "mosquitto per connection",
                format!("{per:.1} KB")
            );
            println!(
                "{:<34} {:>12}",
                "emulator / mosquitto",
                format!("{:.1} x", per_connection_kb / per.max(0.001))
            );
            format!("{per:.2}")
        }
        Err(why) => {
            eprintln!("mosquitto left out: {why}");
            "null".to_owned()
        }
    };
    format!(
        "{{\"scenario\":\"connections\",\"devices\":{devices},\"connect_p50_ms\":{p50:.1},\"connect_p99_ms\":{p99:.1},\"emulator_rss_mb\":{rss_mb:.1},\"per_connection_kb\":{per_connection_kb:.1},\"mosquitto_per_connection_kb\":{mosquitto_kb}}}"
    )
}

/// Mosquitto's resident memory (KiB) before and with `devices` bare MQTT 5
/// connections open.
async fn mosquitto_per_connection(devices: usize) -> Result<(u64, u64), String> {
    let mosquitto = crate::mosquitto::Mosquitto::start()?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = mosquitto.rss_kib();
    let streams = bare_connections(mosquitto.addr, devices).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = mosquitto.rss_kib();
    drop(streams);
    Ok((before, after))
}

/// `devices` MQTT 5 connections to `addr`, each CONNECTed and CONNACKed,
/// at most 256 connecting at a time; the open streams.
async fn bare_connections(
    addr: std::net::SocketAddr,
    devices: usize,
) -> Result<Vec<tokio::net::TcpStream>, String> {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(256));
    let tasks: Vec<_> = (0..devices)
        .map(|i| {
            let slots = std::sync::Arc::clone(&slots);
            tokio::spawn(async move {
                let _slot = slots.acquire_owned().await.map_err(|e| e.to_string())?;
                bare_connection(addr, i).await
            })
        })
        .collect();
    let mut streams = Vec::with_capacity(devices);
    for task in tasks {
        streams.push(task.await.map_err(|e| e.to_string())??);
    }
    Ok(streams)
}

async fn bare_connection(
    addr: std::net::SocketAddr,
    i: usize,
) -> Result<tokio::net::TcpStream, String> {
    use iothub_mqtt::frame::{self, Frame};
    use iothub_mqtt::packet::{Connect, ConnectProperties, Packet};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connection {i}: {e}"))?;
    let connect = Connect {
        keep_alive: 600,
        client_id: format!("bare-{i}"),
        clean_start: true,
        properties: Some(ConnectProperties::new()),
    };
    let mut bytes = bytes::BytesMut::new();
    frame::write(
        &Frame::Packet(Box::new(Packet::Connect(connect, None, None))),
        &mut bytes,
    )
    .map_err(|e| e.to_string())?;
    stream
        .write_all(&bytes)
        .await
        .map_err(|e| format!("connection {i}: {e}"))?;
    let mut answer = bytes::BytesMut::new();
    loop {
        if let Some(frame) = frame::read(&mut answer, 1 << 20).map_err(|e| e.to_string())? {
            return match frame {
                Frame::Packet(packet) if matches!(*packet, Packet::ConnAck(_)) => Ok(stream),
                other => Err(format!("connection {i}: not a CONNACK: {other:?}")),
            };
        }
        if stream
            .read_buf(&mut answer)
            .await
            .map_err(|e| format!("connection {i}: {e}"))?
            == 0
        {
            return Err(format!("connection {i}: closed before its CONNACK"));
        }
    }
}
