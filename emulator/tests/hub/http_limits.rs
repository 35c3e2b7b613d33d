//! The HTTP listener's limits: a client that sends its request head too
//! slowly (or none at all) is dropped after the header-read timeout, one
//! that sends its body too slowly gets 408, at most the connection cap is
//! served at once (the next wait in the backlog), and however many HTTP
//! connections come, devices still connect over MQTT, even when the
//! process has few file descriptors.

use std::net::SocketAddr;
use std::time::Duration;

use iothub_emulator::HttpLimits;
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator_with;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};
use iothub_test_kit::service::{self, Service};
use iothub_test_kit::WAIT;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::{addresses, spawn_with_file_limit, Started};

/// Reads until the peer closes (`true`) or `WAIT` passes (`false`).
async fn closed_by_peer(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(WAIT, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    })
    .await
    .unwrap_or(false)
}

#[tokio::test]
async fn a_slow_head_is_dropped_a_slow_body_is_408_and_devices_connect_meanwhile() {
    let limits = HttpLimits::default()
        .header_read_timeout(Duration::from_millis(300))
        .body_read_timeout(Duration::from_millis(300));
    let hub = emulator_with(&["d1"], |config| config.http_limits(limits)).await;
    let addr = hub.http_addr();
    // Half a request head, then nothing; and a connection that sends
    // nothing at all.
    let mut slow = TcpStream::connect(addr).await.expect("connects");
    slow.write_all(b"GET /devices/d1 HTTP/1.1\r\nhost: e\r\n")
        .await
        .expect("writes");
    let mut silent = TcpStream::connect(addr).await.expect("connects");
    // A device connects while they hang.
    let (_device, ack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert_eq!(ack.code, ReasonCode::Success);
    assert!(
        closed_by_peer(&mut slow).await,
        "the slow head was not dropped"
    );
    assert!(
        closed_by_peer(&mut silent).await,
        "the silent connection was not dropped"
    );
    // A body that never comes in full.
    let mut body = TcpStream::connect(addr).await.expect("connects");
    body.write_all(
        format!(
            "PATCH /twins/d1 HTTP/1.1\r\nhost: e\r\nauthorization: {}\r\n\
             content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"pro",
            service::fixture_token()
        )
        .as_bytes(),
    )
    .await
    .expect("writes");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, body.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // The API still answers.
    Service::new(addr)
        .expect("GET", "/devices/d1", None, 200)
        .await;
}

#[tokio::test]
async fn past_the_connection_cap_the_next_is_served_once_one_ends() {
    // That the next waits (in the backlog, costing no descriptor) is what
    // `http_cannot_take_the_descriptors_devices_need` shows: without the
    // cap the hub runs out of descriptors there.
    let limits = HttpLimits::default().max_connections(2);
    let hub = emulator_with(&["d1"], |config| config.http_limits(limits)).await;
    let addr = hub.http_addr();
    let first = TcpStream::connect(addr).await.expect("connects");
    let _second = TcpStream::connect(addr).await.expect("connects");
    let waiting =
        tokio::spawn(async move { Service::new(addr).request("GET", "/devices/d1", None).await });
    drop(first);
    let answer = tokio::time::timeout(WAIT, waiting)
        .await
        .expect("served once a slot was free")
        .expect("joins");
    assert_eq!(answer.status, 200, "{}", answer.text());
}

/// Connects `n` HTTP clients that send nothing.
async fn idle_http(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut streams = Vec::new();
    for _ in 0..n {
        if let Ok(Ok(stream)) =
            tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(addr)).await
        {
            streams.push(stream);
        }
    }
    streams
}

#[tokio::test]
async fn http_cannot_take_the_descriptors_devices_need() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let registry = dir.join("http-limits-registry.yaml");
    std::fs::write(
        &registry,
        format!(
            "devices:\n  - id: d1\n    authentication: {{ type: sas, primary-key: {}, secondary-key: {} }}\n",
            key(0),
            key(100)
        ),
    )
    .expect("writes");
    let Started { line, running, .. } =
        spawn_with_file_limit(128, &["--registry", registry.to_str().expect("UTF-8")]);
    let (mqtt, http) = addresses(&line);
    // More idle HTTP connections than the process has descriptors.
    let idle = idle_http(http, 200).await;
    assert_eq!(idle.len(), 200, "the backlog takes them");
    let (_device, ack) = RawPeer::connect(mqtt, connect("d1", &key(0))).await;
    assert_eq!(ack.code, ReasonCode::Success, "a device still connects");
    drop(idle);
    drop(running);
}
