//! The live telemetry stream (`GET /messages/events/stream`, Server-Sent
//! Events): every acknowledged message reaches every reader once, in
//! order; a reader for one device gets only that device's.

use std::net::SocketAddr;

use bytes::Bytes;
use iothub_client::api::send_telemetry;
use iothub_client::Client;
use iothub_test_kit::fixtures::{emulator, options};
use iothub_test_kit::service;
use iothub_test_kit::WAIT;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A reader of the stream at `path`.
struct Reader {
    stream: TcpStream,
    text: String,
}

impl Reader {
    /// Opens the stream (HTTP/1.0: the body comes as it is, unchunked) and
    /// reads its head.
    async fn open(addr: SocketAddr, path: &str) -> Self {
        let mut stream = TcpStream::connect(addr).await.expect("connects");
        let request = format!(
            "GET {path} HTTP/1.0\r\nhost: localhost\r\nauthorization: {}\r\n\r\n",
            service::fixture_token()
        );
        stream.write_all(request.as_bytes()).await.expect("writes");
        let mut reader = Self {
            stream,
            text: String::new(),
        };
        let head = reader.until("\r\n\r\n").await;
        assert!(
            head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        reader
    }

    /// Everything up to and including `end`, read as it comes (bounded by
    /// the test kit's wait).
    async fn until(&mut self, end: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(at) = self.text.find(end) {
                let taken: String = self.text.drain(..at + end.len()).collect();
                return taken;
            }
            let mut buffer = [0u8; 4096];
            let read = tokio::time::timeout_at(deadline, self.stream.read(&mut buffer))
                .await
                .expect("the stream went quiet")
                .expect("reads");
            assert!(read > 0, "the stream ended");
            self.text
                .push_str(&String::from_utf8_lossy(&buffer[..read]));
        }
    }

    /// The next `telemetry` event: its id and data (keep-alive comments
    /// skipped).
    async fn next(&mut self) -> (u64, Value) {
        loop {
            let block = self.until("\n\n").await;
            let mut id = None;
            let mut data = None;
            let mut kind = None;
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = value.trim().parse::<u64>().ok();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data = serde_json::from_str::<Value>(value.trim()).ok();
                } else if let Some(value) = line.strip_prefix("event:") {
                    kind = Some(value.trim().to_owned());
                }
            }
            if let (Some(id), Some(data), Some("telemetry")) = (id, data, kind.as_deref()) {
                return (id, data);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_message_reaches_every_reader_once_in_order() {
    let hub = emulator(&["d1", "d2"]).await;
    let addr = hub.http_addr();
    let mut first = Reader::open(addr, "/messages/events/stream").await;
    let mut second = Reader::open(addr, "/messages/events/stream?api-version=2021-04-12").await;
    let mut only_d2 = Reader::open(addr, "/messages/events/stream?deviceId=d2").await;
    let (d1, _r1) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    let (d2, _r2) = Client::connect(options(&hub, "d2", 1)).expect("starts");
    for n in 0..6u8 {
        let client = if n % 3 == 2 { &d2 } else { &d1 };
        let outcome = client
            .send_telemetry(
                send_telemetry::Message::default(),
                Bytes::from(vec![b'0' + n]),
            )
            .await
            .expect("acknowledged");
        assert!(outcome.is_success(), "{outcome:?}");
    }
    for reader in [&mut first, &mut second] {
        let mut seen = Vec::new();
        for _ in 0..6 {
            let (id, data) = reader.next().await;
            assert_eq!(data["sequenceNo"], id);
            seen.push((id, data["deviceId"].as_str().unwrap_or_default().to_owned()));
        }
        let ids: Vec<u64> = seen.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5, 6], "each once, in order");
        let devices: Vec<&str> = seen.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(devices, ["d1", "d1", "d2", "d1", "d1", "d2"]);
    }
    let (a, _) = only_d2.next().await;
    let (b, data) = only_d2.next().await;
    assert_eq!((a, b), (3, 6));
    assert_eq!(data["deviceId"], "d2");
    // From a number: the log's kept events from there on.
    let mut replay = Reader::open(addr, "/messages/events/stream?from=5").await;
    assert_eq!(replay.next().await.0, 5);
    assert_eq!(replay.next().await.0, 6);
    hub.shutdown().await;
}
