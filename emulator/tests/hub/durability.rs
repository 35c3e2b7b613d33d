//! Durable state (`--state DIR`) of the real binary. SIGKILL in the middle
//! of QoS 1 telemetry from several devices and command enqueues over HTTP,
//! then a restart on the same folder: every telemetry message that got a
//! PUBACK and every command that got a 201 is there, sequence numbers go
//! on upward, devices (with their SAS keys) and twins survived. A clean
//! stop keeps everything too, a `--registry` file is written over the
//! stored devices, and a damaged state file is exit 1 naming it. In
//! process: a device's PUBACKs keep their order while its messages in
//! flight wait for their commits together, and a DISCONNECT of the hub
//! comes after the PUBACKs still waiting for theirs.
//!
//! Loopback only; every loop is bounded in count and in time; nothing
//! asserts how fast anything is.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::process::{addresses, run_to_end, signal, spawn, wait_exit, Running};
use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use iothub_client::api::send_telemetry;
use iothub_client::wire::MqttProperties as _;
use iothub_mqtt::frame::{self, Frame};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, Publish};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::sas::{connect, key};
use iothub_test_kit::service::{try_raw, Service};
use iothub_test_kit::WAIT;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Devices sending telemetry (and receiving commands).
const DEVICES: usize = 4;
/// QoS 1 messages each device keeps in flight (within Receive Maximum).
const WINDOW: usize = 8;
/// Most messages one device sends.
const MAX_MESSAGES: usize = 20_000;
/// Most commands one sender enqueues.
const MAX_COMMANDS: usize = 5_000;
/// Acknowledged telemetry messages and commands before the kill.
const KILL_AFTER: (usize, usize) = (400, 40);
/// How long the traffic may take to get there.
const TRAFFIC_WAIT: Duration = Duration::from_secs(60);

/// A fresh state folder and a log file for the emulator's stderr.
fn folder(name: &str) -> (PathBuf, PathBuf) {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = base.join(format!("durability-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    (dir, base.join(format!("durability-{name}.log")))
}

/// Starts the emulator on `dir`, appending its log to `log`.
/// The service API is called with the development policy the emulator
/// printed (kept in the state folder, so the same one after a restart).
fn start(dir: &Path, log: &Path, extra: &[&str]) -> (Running, SocketAddr, Service) {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("a log file");
    let mut args = vec!["--state", dir.to_str().expect("UTF-8 path")];
    args.extend_from_slice(extra);
    let started = spawn(&args, Stdio::from(file));
    let (mqtt, http) = addresses(&started.line);
    let service = started.service.expect("a development connection string");
    (
        started.running,
        mqtt,
        Service::from_connection_string(http, &service),
    )
}

/// One HTTP/1.1 request: status and body, or `None` if the hub is gone.
async fn http(service: &Service, method: &str, path: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nauthorization: {}\r\ncontent-type: application/json",
        service.authorization().unwrap_or("")
    );
    let answer = try_raw(service.addr(), &head, None, body).await?;
    Some((answer.status, answer.body))
}

/// A request that must answer `status` with JSON.
async fn expect(service: &Service, method: &str, path: &str, body: &Value, status: u16) -> Value {
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let (got, answer) = http(service, method, path, &body)
        .await
        .unwrap_or_else(|| panic!("{method} {path}: no answer"));
    let text = String::from_utf8_lossy(&answer);
    assert_eq!(got, status, "{method} {path}: {text}");
    serde_json::from_slice(&answer).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
}

fn device_body(i: usize) -> Value {
    let i = u8::try_from(i).expect("few devices");
    json!({"authentication": {"type": "sas", "symmetricKey": {
        "primaryKey": key(i), "secondaryKey": key(i + 100)}}})
}

/// A device's MQTT connection that never panics on a vanished hub.
struct Device {
    stream: TcpStream,
    buffer: BytesMut,
}

impl Device {
    /// Connects device `d{i}` with its primary key; `None` if refused.
    async fn connect(mqtt: SocketAddr, i: usize) -> Option<Self> {
        let stream = TcpStream::connect(mqtt).await.ok()?;
        let mut device = Self {
            stream,
            buffer: BytesMut::new(),
        };
        let key = key(u8::try_from(i).expect("few devices"));
        let connect = connect(&format!("d{i}"), &key);
        if !device.send(Packet::Connect(connect, None, None)).await {
            return None;
        }
        match device.recv().await {
            Some(Packet::ConnAck(ack)) if ack.code == ReasonCode::Success => Some(device),
            _ => None,
        }
    }

    async fn send(&mut self, packet: Packet) -> bool {
        let mut bytes = BytesMut::new();
        packet.write(&mut bytes, None).expect("encodes");
        self.stream.write_all(&bytes).await.is_ok()
    }

    /// The next packet; `None` when the connection ended (or went quiet).
    async fn recv(&mut self) -> Option<Packet> {
        let read = async {
            loop {
                match frame::read(&mut self.buffer, u32::MAX) {
                    Ok(Some(Frame::Packet(packet))) => return Some(*packet),
                    Ok(None) => {}
                    Ok(Some(Frame::Auth(_))) | Err(_) => return None,
                }
                match self.stream.read_buf(&mut self.buffer).await {
                    Ok(0) | Err(_) => return None,
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(WAIT, read).await.ok().flatten()
    }

    /// Publishes `payload` as QoS 1 telemetry with packet id `pkid`.
    async fn publish(&mut self, pkid: u16, payload: &str) -> bool {
        let properties = send_telemetry::Message::default().to_publish_properties();
        let mut publish = Publish::new(
            send_telemetry::TOPIC,
            QoS::AtLeastOnce,
            Bytes::from(payload.to_owned()),
            Some(properties),
        );
        publish.pkid = pkid;
        self.send(Packet::Publish(publish)).await
    }
}

/// Device `d{i}` sends telemetry, `WINDOW` messages in flight, until the
/// hub goes away; every payload that got a success PUBACK goes to `acked`.
async fn telemetry(mqtt: SocketAddr, i: usize, acked: Arc<Mutex<Vec<String>>>) {
    let Some(mut device) = Device::connect(mqtt, i).await else {
        return;
    };
    let mut in_flight: HashMap<u16, String> = HashMap::new();
    let mut sent = 0;
    loop {
        while in_flight.len() < WINDOW && sent < MAX_MESSAGES {
            let pkid = u16::try_from(sent % 60_000 + 1).expect("fits");
            let payload = format!("t-d{i}-{sent}");
            sent += 1;
            if !device.publish(pkid, &payload).await {
                return;
            }
            in_flight.insert(pkid, payload);
        }
        if in_flight.is_empty() {
            return;
        }
        match device.recv().await {
            Some(Packet::PubAck(ack)) => {
                if let Some(payload) = in_flight.remove(&ack.pkid) {
                    if ack.reason == ReasonCode::Success {
                        acked.lock().expect("lock").push(payload);
                    }
                }
            }
            Some(_) => {}
            None => return,
        }
    }
}

/// Enqueues commands for the devices in turn until the hub goes away;
/// every one that got a 201 goes to `acked` as (device, sequence number).
async fn commands(service: Service, sender: usize, acked: Arc<Mutex<Vec<(usize, u64)>>>) {
    for n in 0..MAX_COMMANDS {
        let device = n % DEVICES;
        let path = format!("/devices/d{device}/messages/deviceBound");
        let body = format!("c-{sender}-{n}");
        let Some((status, answer)) = http(&service, "POST", &path, body.as_bytes()).await else {
            return;
        };
        if status != 201 {
            return;
        }
        let answer: Value = serde_json::from_slice(&answer).expect("JSON");
        let sequence_no = answer["sequenceNo"].as_u64().expect("a sequence number");
        acked.lock().expect("lock").push((device, sequence_no));
    }
}

/// The whole telemetry log: (sequence number, device id, body).
async fn events(service: &Service) -> Vec<(u64, String, Vec<u8>)> {
    let mut all = Vec::new();
    let mut from = 1;
    for _ in 0..1000 {
        let page = expect(
            service,
            "GET",
            &format!("/messages/events?from={from}&limit=1000"),
            &Value::Null,
            200,
        )
        .await;
        let page = page.as_array().expect("an array").clone();
        let Some(last) = page.last() else {
            return all;
        };
        from = last["sequenceNo"].as_u64().expect("a number") + 1;
        for event in page {
            let body = base64::engine::general_purpose::STANDARD
                .decode(event["body"].as_str().expect("base64"))
                .expect("base64");
            all.push((
                event["sequenceNo"].as_u64().expect("a number"),
                event["deviceId"].as_str().expect("an id").to_owned(),
                body,
            ));
        }
    }
    panic!("more pages than expected");
}

/// Device `d{i}`'s command queue: sequence number → state.
async fn queue(service: &Service, i: usize) -> BTreeMap<u64, String> {
    let path = format!("/devices/d{i}/messages/deviceBound");
    let queue = expect(service, "GET", &path, &Value::Null, 200).await;
    queue
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| {
            (
                c["sequenceNo"].as_u64().expect("a number"),
                c["state"].as_str().expect("a state").to_owned(),
            )
        })
        .collect()
}

/// Sends one QoS 1 message as `d{i}` (connecting with its SAS key, which
/// must still be registered) and returns once it is acknowledged.
async fn one_message(mqtt: SocketAddr, i: usize, payload: &str) {
    let mut device = Device::connect(mqtt, i)
        .await
        .expect("the device and its key survived");
    assert!(device.publish(1, payload).await);
    match device.recv().await {
        Some(Packet::PubAck(ack)) => assert_eq!(ack.reason, ReasonCode::Success),
        other => panic!("expected a PUBACK, got {other:?}"),
    }
}

/// What the state keeps of a twin (not the connection state or the
/// registry's entity tag, which belong to this run).
fn twin_kept(twin: &Value) -> Value {
    json!({
        "version": twin["version"],
        "etag": twin["etag"],
        "tags": twin["tags"],
        "properties": twin["properties"],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_traffic_loses_nothing_acknowledged() {
    let (dir, log) = folder("sigkill");
    let (mut running, mqtt, service) = start(&dir, &log, &[]);
    for i in 0..DEVICES {
        expect(
            &service,
            "PUT",
            &format!("/devices/d{i}"),
            &device_body(i),
            200,
        )
        .await;
    }
    let patch = json!({"properties": {"desired": {"mode": "durable"}}});
    let twin = expect(&service, "PATCH", "/twins/d0", &patch, 200).await;

    let acked_telemetry = Arc::new(Mutex::new(Vec::new()));
    let acked_commands = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for i in 0..DEVICES {
        tasks.push(tokio::spawn(telemetry(
            mqtt,
            i,
            Arc::clone(&acked_telemetry),
        )));
    }
    for sender in 0..2 {
        tasks.push(tokio::spawn(commands(
            service.clone(),
            sender,
            Arc::clone(&acked_commands),
        )));
    }
    let deadline = Instant::now() + TRAFFIC_WAIT;
    loop {
        let counts = (
            acked_telemetry.lock().expect("lock").len(),
            acked_commands.lock().expect("lock").len(),
        );
        if counts.0 >= KILL_AFTER.0 && counts.1 >= KILL_AFTER.1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "traffic did not get going: {counts:?} acknowledged; log in {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL (what `Child::kill` sends on Unix), traffic still flowing.
    running.0.kill().expect("killed");
    let status = running.0.wait().expect("reaped");
    assert_eq!(status.code(), None, "it died of the signal: {status:?}");
    for task in tasks {
        tokio::time::timeout(WAIT * 2, task)
            .await
            .expect("traffic stops once the hub is gone")
            .expect("no panic");
    }
    let acked_telemetry = acked_telemetry.lock().expect("lock").clone();
    let acked_commands = acked_commands.lock().expect("lock").clone();

    let (mut running, mqtt, service) = start(&dir, &log, &[]);
    // The log's end, for a failure's message.
    let log_text = || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    };
    let stored = events(&service).await;
    assert!(
        stored.windows(2).all(|w| w[0].0 < w[1].0),
        "sequence numbers increase"
    );
    let bodies: HashSet<&[u8]> = stored.iter().map(|(_, _, b)| b.as_slice()).collect();
    let missing: Vec<&String> = acked_telemetry
        .iter()
        .filter(|p| !bodies.contains(p.as_bytes()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged messages lost, e.g. {:?}; log:\n{}",
        missing.len(),
        acked_telemetry.len(),
        missing.first(),
        log_text()
    );
    for (_, device, body) in &stored {
        let text = String::from_utf8_lossy(body);
        assert!(
            text.starts_with(&format!("t-{device}-")),
            "{device}: {text}"
        );
    }
    let mut last_command = [0u64; DEVICES];
    for (i, last) in last_command.iter_mut().enumerate() {
        let queue = queue(&service, i).await;
        for (device, sequence_no) in acked_commands.iter().filter(|(d, _)| *d == i) {
            assert!(
                queue.contains_key(sequence_no),
                "command {sequence_no} of d{device} lost; log:\n{}",
                log_text()
            );
        }
        *last = queue.keys().last().copied().unwrap_or(0);
    }

    // Numbering goes on upward; devices (their keys) and twins survived.
    let last_event = stored.last().map_or(0, |e| e.0);
    one_message(mqtt, 1, "after the restart").await;
    let after = events(&service).await;
    let (sequence_no, device, body) = after.last().expect("the new message");
    assert_eq!(
        (device.as_str(), body.as_slice()),
        ("d1", &b"after the restart"[..])
    );
    assert!(
        *sequence_no > last_event,
        "{sequence_no} after {last_event}"
    );
    let answer = expect(
        &service,
        "POST",
        "/devices/d2/messages/deviceBound",
        &json!("after"),
        201,
    )
    .await;
    assert!(answer["sequenceNo"].as_u64().expect("a number") > last_command[2]);
    let restored = expect(&service, "GET", "/twins/d0", &Value::Null, 200).await;
    assert_eq!(
        twin_kept(&restored),
        twin_kept(&twin),
        "the twin as it was acknowledged"
    );

    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_stop_keeps_everything() {
    let (dir, log) = folder("sigterm");
    let (mut running, mqtt, service) = start(&dir, &log, &[]);
    expect(&service, "PUT", "/devices/d0", &device_body(0), 200).await;
    expect(&service, "PUT", "/devices/d3", &device_body(3), 200).await;
    let patch = json!({"properties": {"desired": {"a": {"b": 1}}}});
    expect(&service, "PATCH", "/twins/d3", &patch, 200).await;
    for n in 0..3 {
        expect(
            &service,
            "POST",
            "/devices/d0/messages/deviceBound",
            &json!(n),
            201,
        )
        .await;
    }
    for n in 0..5 {
        one_message(mqtt, 3, &format!("m{n}")).await;
    }
    let before = (
        events(&service).await,
        queue(&service, 0).await,
        twin_kept(&expect(&service, "GET", "/twins/d3", &Value::Null, 200).await),
    );
    assert_eq!(before.0.len(), 5);
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));

    let (mut running, mqtt, service) = start(&dir, &log, &[]);
    let after = (
        events(&service).await,
        queue(&service, 0).await,
        twin_kept(&expect(&service, "GET", "/twins/d3", &Value::Null, 200).await),
    );
    assert_eq!(after, before);
    one_message(mqtt, 0, "next").await;
    assert_eq!(events(&service).await.last().map(|e| e.0), Some(6));
    signal(&running.0, "INT");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_file_is_written_over_the_stored_devices() {
    let (dir, log) = folder("registry");
    let registry = dir.with_extension("yaml");
    let file = |i: u8| {
        format!(
            "devices:\n  - id: d0\n    authentication: {{ type: sas, primary-key: {}, secondary-key: {} }}\n",
            key(i),
            key(i)
        )
    };
    std::fs::write(&registry, file(0)).expect("writes");
    let registry_arg = registry.to_str().expect("UTF-8 path");
    let (mut running, mqtt, service) = start(&dir, &log, &["--registry", registry_arg]);
    // d1 comes over HTTP only; d0 from the file.
    expect(&service, "PUT", "/devices/d1", &device_body(1), 200).await;
    one_message(mqtt, 0, "with key 0").await;
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));

    // The file now gives d0 another key (`key(2)`, d2's, in d0's place).
    std::fs::write(&registry, file(2)).expect("writes");
    let (mut running, mqtt, service) = start(&dir, &log, &["--registry", registry_arg]);
    assert!(
        Device::connect(mqtt, 0).await.is_none(),
        "d0's stored key was replaced by the file's"
    );
    one_message(mqtt, 1, "d1 is still there").await;
    expect(&service, "GET", "/devices/d0", &Value::Null, 200).await;
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));

    // Without the file, what it last said stays.
    let (mut running, mqtt, _) = start(&dir, &log, &[]);
    assert!(Device::connect(mqtt, 0).await.is_none());
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&registry);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubacks_keep_their_order_while_their_commits_are_pending() {
    let (dir, _) = folder("order");
    let hub = iothub_test_kit::fixtures::emulator_with(&["d0"], |config| config.state(&dir)).await;
    let mut device = Device::connect(hub.mqtt_addr(), 0).await.expect("connects");
    // Sixteen in flight (the CONNACK's Receive Maximum), sent at once.
    for round in 0..5u16 {
        for n in 1..=16 {
            assert!(device.publish(n, &format!("o-{round}-{n}")).await);
        }
        for n in 1..=16 {
            match device.recv().await {
                Some(Packet::PubAck(ack)) => {
                    assert_eq!((ack.pkid, ack.reason), (n, ReasonCode::Success));
                }
                other => panic!("expected PUBACK {n}, got {other:?}"),
            }
        }
    }
    assert_eq!(hub.hub().telemetry().len(), 80);
    hub.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_disconnect_waits_for_the_pubacks_ahead_of_it() {
    let (dir, _) = folder("disconnect-order");
    let hub = iothub_test_kit::fixtures::emulator_with(&["d0"], |config| config.state(&dir)).await;
    let mut device = Device::connect(hub.mqtt_addr(), 0).await.expect("connects");
    // Sixteen messages and then a packet the hub ends the connection for
    // (PINGREQ with a reserved flag set), in one write: the hub reads them
    // all before the first commit is durable.
    let mut bytes = BytesMut::new();
    for n in 1..=16u16 {
        let mut publish = Publish::new(
            send_telemetry::TOPIC,
            QoS::AtLeastOnce,
            Bytes::from(format!("before-disconnect-{n}")),
            Some(send_telemetry::Message::default().to_publish_properties()),
        );
        publish.pkid = n;
        Packet::Publish(publish)
            .write(&mut bytes, None)
            .expect("encodes");
    }
    bytes.extend_from_slice(&[0xC1, 0x00]);
    device.stream.write_all(&bytes).await.expect("sends");
    for n in 1..=16 {
        match device.recv().await {
            Some(Packet::PubAck(ack)) => {
                assert_eq!((ack.pkid, ack.reason), (n, ReasonCode::Success));
            }
            other => panic!("expected PUBACK {n} before the DISCONNECT, got {other:?}"),
        }
    }
    match device.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::MalformedPacket);
        }
        other => panic!("expected DISCONNECT Malformed Packet, got {other:?}"),
    }
    assert_eq!(hub.hub().telemetry().len(), 16);
    hub.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_state_is_exit_1_naming_it() {
    let (dir, _) = folder("damaged");
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join(iothub_emulator::store::STATE_FILE);
    std::fs::write(&file, vec![0x42u8; 8192]).expect("writes");
    let ports = ["--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0"];
    for (state, named) in [(&dir, &file), (&file, &file)] {
        let state = state.to_str().expect("UTF-8 path");
        let mut args = ports.to_vec();
        args.extend(["--state", state]);
        let (code, stdout, stderr) = run_to_end(&args);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stdout.is_empty(), "no listening line: {stdout}");
        assert!(stderr.contains(named.to_str().expect("UTF-8")), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_is_kept_across_a_restart_and_numbering_goes_on() {
    let (dir, log) = folder("reset");
    let (mut running, mqtt, service) = start(&dir, &log, &[]);
    expect(&service, "PUT", "/devices/d0", &device_body(0), 200).await;
    let patch = json!({"properties": {"desired": {"a": 1}}, "tags": {"t": 1}});
    expect(&service, "PATCH", "/twins/d0", &patch, 200).await;
    one_message(mqtt, 0, "before").await;
    let reset = expect(&service, "POST", "/admin/reset", &Value::Null, 200).await;
    assert_eq!(reset, json!({"devices": 1, "events": 1}));
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));

    let (mut running, mqtt, service) = start(&dir, &log, &[]);
    assert_eq!(
        expect(&service, "GET", "/devices", &Value::Null, 200).await,
        json!([])
    );
    assert!(events(&service).await.is_empty(), "the log stays empty");
    // The device made again starts with a new twin; telemetry numbering
    // goes on after the reset's.
    expect(&service, "PUT", "/devices/d0", &device_body(0), 200).await;
    let twin = expect(&service, "GET", "/twins/d0", &Value::Null, 200).await;
    assert_eq!(
        (twin["version"].clone(), twin["tags"].clone()),
        (json!(1), json!({}))
    );
    one_message(mqtt, 0, "after").await;
    assert_eq!(events(&service).await.first().map(|e| e.0), Some(2));
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
