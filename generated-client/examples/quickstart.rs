//! Quickstart: a device on the local hub emulator, every operation of the
//! API once. It starts the emulator in-process, creates a device over the
//! emulator's HTTP service API (as a cloud application would), connects
//! with a connection string, and drives the cloud side over HTTP.
//!
//! ```sh
//! cargo run --release -p iothub-client --example quickstart
//! ```

use std::time::Duration;

use iothub_client::api::{patch_twin_reported, receive_direct_methods, send_telemetry};
use iothub_client::operation::Outcome;
use iothub_client::wire::ApplicationProperties;
use iothub_client::{Client, ClientOptions};
use iothub_emulator::{Config, Emulator};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(10);
/// The device's key (base64 of 32 bytes), as the cloud side registers it.
const KEY: &str = "cXVpY2tzdGFydC1kZXZpY2Uta2V5LTMyLWJ5dGVzISE=";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The hub, in-process: MQTT and HTTP on free loopback ports.
    // Given no shared access policy, it makes a development one; its
    // service connection string signs the cloud side's requests.
    let hub = Emulator::start(Config::new()).await?;
    let service = hub
        .development_connection_string()
        .ok_or("the emulator made no development policy")?;
    let expiry = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        + 3600;
    let http = Http {
        addr: hub.http_addr(),
        authorization: service.token(expiry),
    };
    println!(
        "emulator: mqtt={} http={}",
        hub.mqtt_addr(),
        hub.http_addr()
    );

    // Cloud side: register the device.
    let (status, _) = http
        .call(
            "PUT",
            "/devices/quickstart",
            &json!({"authentication": {"type": "sas", "symmetricKey": {"primaryKey": KEY, "secondaryKey": KEY}}}),
        )
        .await?;
    println!("PUT /devices/quickstart -> {status}");

    // Device side: connect with a connection string (plain TCP to the local emulator).
    let connection_string = format!("HostName=localhost;DeviceId=quickstart;SharedAccessKey={KEY}");
    let options = ClientOptions::from_connection_string(&connection_string)?
        .plain_tcp()
        .connect_to(hub.mqtt_addr().ip().to_string(), hub.mqtt_addr().port());
    let (client, mut receivers) = Client::connect(options)?;
    client.wait_connected(WAIT).await?;
    println!("connected as {}", client.options().client_id());

    // The desired state arrives first as a snapshot.
    if let Some(Ok(snapshot)) = receivers.receive_twin_desired_state_changes.recv().await {
        println!(
            "desired snapshot: version {} {}",
            snapshot.message.version,
            String::from_utf8_lossy(&snapshot.payload)
        );
    }

    // Get Twin and Patch Twin Reported.
    if let Outcome::Success(twin) = client.get_twin().await? {
        println!("get_twin: {}", twin.json::<Value>()?);
    }
    match client
        .patch_twin_reported(
            patch_twin_reported::Request::default(),
            &json!({"firmware": "1.0.0"}),
        )
        .await?
    {
        Outcome::Success(response) => {
            println!("patch_twin_reported: reported version {}", response.version)
        }
        Outcome::Alternative { status, .. } => println!("patch_twin_reported: {status}"),
    }

    // Send Telemetry (QoS 1: resolves at the hub's PUBACK).
    let mut application = ApplicationProperties::new();
    application.insert("@sensor", "thermometer");
    let message = send_telemetry::Message {
        content_type: Some("application/json".into()),
        application,
        ..send_telemetry::Message::default()
    };
    let outcome = client
        .send_telemetry(message, r#"{"temperature":21.5}"#)
        .await?;
    println!("send_telemetry: success={}", outcome.is_success());
    let (_, events) = http
        .call("GET", "/messages/events?from=1&limit=10", &Value::Null)
        .await?;
    println!("GET /messages/events -> {events}");

    // A desired change from the cloud.
    http.call(
        "PATCH",
        "/twins/quickstart",
        &json!({"properties": {"desired": {"interval": 5}}}),
    )
    .await?;
    if let Some(Ok(update)) = receivers.receive_twin_desired_state_changes.recv().await {
        println!(
            "desired change: version {} {}",
            update.message.version,
            String::from_utf8_lossy(&update.payload)
        );
    }

    // A command from the cloud, completed by the device.
    http.call_bytes(
        "POST",
        "/devices/quickstart/messages/deviceBound",
        b"reboot at noon",
    )
    .await?;
    if let Some(Ok(command)) = receivers.receive_commands.recv().await {
        println!(
            "command {}: {:?} (delivery {})",
            command.message.sequence_no,
            String::from_utf8_lossy(&command.payload),
            command.message.delivery_count
        );
        command.complete();
    }

    // A direct method call from the cloud, answered by the device.
    let cloud = http.clone();
    let caller = tokio::spawn(async move {
        cloud.call(
            "POST",
            "/twins/quickstart/methods",
            &json!({"methodName": "blink", "payload": {"times": 3}, "responseTimeoutInSeconds": 10}),
        )
        .await
    });
    if let Some(Ok(call)) = receivers.receive_direct_methods.recv().await {
        println!(
            "method {:?}: {}",
            call.params().map(|p| p.name),
            String::from_utf8_lossy(&call.payload)
        );
        call.respond(
            receive_direct_methods::Response { response_code: 200 },
            r#"{"blinked":3}"#,
        )
        .await?;
    }
    let (status, answer) = caller.await??;
    println!("POST /twins/quickstart/methods -> {status} {answer}");

    client.disconnect().await;
    let (_, commands) = http
        .call(
            "GET",
            "/devices/quickstart/messages/deviceBound",
            &Value::Null,
        )
        .await?;
    println!("GET /devices/quickstart/messages/deviceBound -> {commands}");
    hub.shutdown().await;
    println!("done");
    Ok(())
}

/// A minimal HTTP/1.1 client for the emulator's service API, sending one
/// `SharedAccessSignature` token.
#[derive(Clone)]
struct Http {
    addr: std::net::SocketAddr,
    authorization: String,
}

impl Http {
    async fn call(&self, method: &str, path: &str, body: &Value) -> std::io::Result<(u16, Value)> {
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        self.request(method, path, "application/json", &body).await
    }

    async fn call_bytes(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> std::io::Result<(u16, Value)> {
        self.request(method, path, "application/octet-stream", body)
            .await
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> std::io::Result<(u16, Value)> {
        let mut stream = TcpStream::connect(self.addr).await?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.authorization,
            body.len()
        );
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut response = Vec::new();
        tokio::time::timeout(WAIT, stream.read_to_end(&mut response)).await??;
        let text = String::from_utf8_lossy(&response);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
        Ok((status, serde_json::from_str(body).unwrap_or(Value::Null)))
    }
}
