//! The device client with every log line on (TRACE), through a connection,
//! a SAS renewal with AUTH and a request, plus the `Debug` output of its
//! options and connection strings and the errors of bad ones: no key and no
//! signature appears (base64, hex or `Debug` bytes).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use iothub_client::credentials::{ConnectionString, TokenPolicy};
use iothub_client::{Client, ClientOptions};
use iothub_mqtt::auth::AuthPacket;
use iothub_mqtt::frame::Frame;
use iothub_mqtt::packet::Packet;
use iothub_test_kit::fixtures::options_to;
use iothub_test_kit::hub::ScriptedHub;
use iothub_test_kit::sas::key_bytes;

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The forms a secret could be printed in.
fn forms(secret: &[u8]) -> Vec<String> {
    vec![
        base64::engine::general_purpose::STANDARD.encode(secret),
        secret.iter().map(|b| format!("{b:02x}")).collect(),
        format!("{:?}", Bytes::copy_from_slice(secret)),
        format!("{secret:?}"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traced_session_and_every_debug_and_error_show_no_secret() {
    let log = Log::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let key = key_bytes(0);
    let key_b64 = base64::engine::general_purpose::STANDARD.encode(&key);
    let mut printed = String::new();

    let fake = ScriptedHub::start().await;
    let options = options_to(fake.addr(), "d1", 0)
        .token_policy(TokenPolicy::new(Duration::from_secs(2), 0.5));
    printed.push_str(&format!("{options:?}\n"));
    let (client, _receivers) = Client::connect(options).expect("starts");
    let mut hub = fake.accept().await;
    let (connect, _) = hub.handshake().await;
    let Packet::Connect(connect, ..) = connect else {
        panic!("CONNECT");
    };
    let connect_signature = connect
        .properties
        .and_then(|p| p.authentication_data)
        .expect("a signature");
    // The renewal: AUTH 0x19 with a new signature, answered with success.
    let renewal = match hub.recv().await {
        Frame::Auth(auth) => auth,
        Frame::Packet(other) => panic!("expected AUTH, got {other:?}"),
    };
    assert_eq!(renewal.reason_code, 0x19);
    let renewal_signature = renewal.data.clone().expect("a signature");
    printed.push_str(&format!("{renewal:?}\n"));
    let mut out = bytes::BytesMut::new();
    AuthPacket::default().write(&mut out).expect("encodes");
    hub.send_raw(&out).await;
    printed.push_str(&format!(
        "{:?}\n",
        client.connection_state().borrow().clone()
    ));

    // Connection strings: parsed, printed, and wrong in every way.
    let good = format!("HostName=h;DeviceId=d;SharedAccessKey={key_b64}");
    let parsed: ConnectionString = good.parse().expect("parses");
    printed.push_str(&format!("{parsed:?}\n"));
    for bad in [
        format!("HostName=h;DeviceId=d;SharedAccesKey={key_b64}"),
        format!("HostName=h;SharedAccessKey={key_b64}"),
        format!("HostName=h;DeviceId=d;SharedAccessKey={key_b64};x509=true"),
        format!("HostName=h;DeviceId=d;SharedAccessKey={key_b64}!"),
        format!("{key_b64};HostName=h"),
    ] {
        let error = ClientOptions::from_connection_string(&bad).expect_err("refused");
        printed.push_str(&format!("{error}\n{error:?}\n"));
    }
    client.disconnect().await;

    let logged = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(logged.contains("connected"), "the session was traced");
    let everything = format!("{logged}\n{printed}");
    for secret in [&key[..], &connect_signature[..], &renewal_signature[..]] {
        for form in forms(secret) {
            assert!(!everything.contains(&form), "a secret was printed: {form}");
        }
    }
}
