//! The device client over TLS, its default transport, against the
//! emulator serving TLS with a private CA: a SAS device (the host name in
//! the certificate and the SAS string are the hub's, the socket goes to
//! loopback), an X.509 device authenticated by its client certificate, and
//! a hub whose certificate does not name the host, refused.

use std::time::Duration;

use iothub_client::credentials::{Credentials, SasKey};
use iothub_client::runtime::{ConnectionState, DisconnectCause, ReconnectPolicy};
use iothub_client::transport::Tls;
use iothub_client::{Client, ClientOptions};
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry, Thumbprint};
use iothub_emulator::{Config, Emulator};
use iothub_test_kit::sas::key_bytes;
use iothub_test_kit::{HOST, WAIT};
use sha2::Digest;

struct Identity {
    cert_pem: String,
    key_pem: String,
    der: Vec<u8>,
}

fn identity(names: &[&str]) -> Identity {
    let made = rcgen::generate_simple_self_signed(
        names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
    )
    .expect("a certificate");
    Identity {
        cert_pem: made.cert.pem(),
        key_pem: made.key_pair.serialize_pem(),
        der: made.cert.der().to_vec(),
    }
}

async fn tls_hub(server: &Identity, device: &Identity) -> Emulator {
    let registry = Registry::new();
    registry.put(Device::new(
        DeviceId::new("sas").expect("id"),
        Authentication::Sas {
            primary: Key::from_bytes(key_bytes(0)).expect("key"),
            secondary: Key::from_bytes(key_bytes(100)).expect("key"),
        },
    ));
    let hex: String = sha2::Sha256::digest(&device.der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    registry.put(Device::new(
        DeviceId::new("x509").expect("id"),
        Authentication::SelfSigned {
            primary_thumbprint: Thumbprint::new(&hex).expect("thumbprint"),
            secondary_thumbprint: Thumbprint::new(&"0".repeat(64)).expect("thumbprint"),
        },
    ));
    let tls =
        iothub_emulator::tls::Tls::from_pem(server.cert_pem.as_bytes(), server.key_pem.as_bytes())
            .expect("TLS");
    Emulator::start(Config::new().registry(registry).tls(tls))
        .await
        .expect("starts")
}

fn options(hub: &Emulator, device: &str, credentials: Credentials, tls: Tls) -> ClientOptions {
    let addr = hub.mqtt_addr();
    ClientOptions::new(HOST, device, credentials)
        .tls(tls)
        .connect_to(addr.ip().to_string(), addr.port())
        .reconnect(ReconnectPolicy::new(
            Duration::from_millis(20),
            Duration::from_millis(200),
        ))
        .request_timeout(WAIT)
}

#[tokio::test]
async fn sas_and_x509_devices_work_over_tls() {
    let server = identity(&[HOST]);
    let device = identity(&["x509"]);
    let hub = tls_hub(&server, &device).await;
    let roots = Tls::with_ca_pem(server.cert_pem.as_bytes()).expect("CA");

    let sas = Credentials::sas(SasKey::from_bytes(key_bytes(0)).expect("key"));
    let (client, _receivers) =
        Client::connect(options(&hub, "sas", sas, roots.clone())).expect("starts");
    client
        .wait_connected(WAIT)
        .await
        .expect("SAS over TLS connects");
    assert!(client.get_twin().await.expect("answered").is_success());
    client.disconnect().await;

    let with_certificate = roots
        .client_certificate(device.cert_pem.as_bytes(), device.key_pem.as_bytes())
        .expect("client certificate");
    let (client, _receivers) =
        Client::connect(options(&hub, "x509", Credentials::X509, with_certificate))
            .expect("starts");
    client.wait_connected(WAIT).await.expect("X.509 connects");
    assert!(client.get_twin().await.expect("answered").is_success());
    client.disconnect().await;
}

#[tokio::test]
async fn a_certificate_that_does_not_name_the_hub_is_refused() {
    let server = identity(&["someone-else.example.test"]);
    let device = identity(&["x509"]);
    let hub = tls_hub(&server, &device).await;
    let roots = Tls::with_ca_pem(server.cert_pem.as_bytes()).expect("CA");
    let sas = Credentials::sas(SasKey::from_bytes(key_bytes(0)).expect("key"));
    let (client, _receivers) = Client::connect(options(&hub, "sas", sas, roots)).expect("starts");
    let mut state = client.connection_state();
    let cause = tokio::time::timeout(WAIT, async {
        loop {
            if let ConnectionState::Disconnected { cause, .. } = &*state.borrow_and_update() {
                return cause.clone();
            }
            state.changed().await.expect("open");
        }
    })
    .await
    .expect("refused in time");
    let DisconnectCause::Network(message) = cause else {
        panic!("a TLS failure is a network cause: {cause:?}");
    };
    assert!(message.contains("certificate"), "{message}");
}

#[test]
fn x509_credentials_need_a_client_certificate_on_tls() {
    let plain = ClientOptions::new(HOST, "x509", Credentials::X509).plain_tcp();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let error = Client::connect(plain).expect_err("refused");
        assert!(error.to_string().contains("TLS"), "{error}");
        let no_certificate = ClientOptions::new(HOST, "x509", Credentials::X509);
        let error = Client::connect(no_certificate).expect_err("refused");
        assert!(error.to_string().contains("client certificate"), "{error}");
    });
}
