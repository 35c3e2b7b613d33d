//! MQTT over TLS, driven with raw MQTT 5 packets over a tokio-rustls
//! client that trusts the test's self-signed server certificate: SAS with
//! the host name from SNI, X.509 by the client certificate's SHA-256
//! thumbprint, the refusals (wrong thumbprint, no certificate, plain TCP,
//! method mismatch, another host), and a bad handshake that ends only its
//! own connection.

use std::sync::Arc;

use bytes::Bytes;
use iothub_emulator::registry::{Authentication, Device, DeviceId, Key, Registry, Thumbprint};
use iothub_emulator::tls::Tls;
use iothub_emulator::{Config, Emulator};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{ConnAck, Connect, ConnectProperties, Packet, Publish};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{key, now_ms, sign, user};
use iothub_test_kit::{HOST, WAIT};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use sha2::Digest as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// Another name the server certificate is valid for.
const OTHER_HOST: &str = "other.example.test";

/// A certificate and its key.
struct Identity {
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
    pem: (String, String),
}

fn identity(names: &[&str]) -> Identity {
    let made = rcgen::generate_simple_self_signed(
        names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
    )
    .expect("a certificate");
    Identity {
        cert: made.cert.der().clone(),
        key: PrivatePkcs8KeyDer::from(made.key_pair.serialize_der()).into(),
        pem: (made.cert.pem(), made.key_pair.serialize_pem()),
    }
}

/// The SHA-256 thumbprint of `cert`, computed here.
fn thumbprint(cert: &CertificateDer<'_>) -> Thumbprint {
    let hex: String = sha2::Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Thumbprint::new(&hex).expect("a thumbprint")
}

struct Hub {
    emulator: Emulator,
    server: Identity,
    device_cert: Identity,
}

/// A TLS emulator with SAS device `sas` (keys `key(0)`, `key(100)`) and
/// self-signed device `x509` (the primary thumbprint `device_cert`'s).
async fn tls_hub(hostname: Option<&str>) -> Hub {
    let server = identity(&[HOST, OTHER_HOST]);
    let device_cert = identity(&["x509"]);
    let emulator = Emulator::start(config(&server, &device_cert, hostname))
        .await
        .expect("starts");
    Hub {
        emulator,
        server,
        device_cert,
    }
}

fn config(server: &Identity, device_cert: &Identity, hostname: Option<&str>) -> Config {
    let tls = Tls::from_pem(server.pem.0.as_bytes(), server.pem.1.as_bytes()).expect("TLS");
    let mut config = Config::new().registry(registry(device_cert)).tls(tls);
    if let Some(name) = hostname {
        config = config.hostname(name);
    }
    config
}

/// SAS device `sas` and self-signed device `x509` (primary thumbprint
/// `device_cert`'s).
fn registry(device_cert: &Identity) -> Registry {
    let registry = Registry::new();
    registry.put(Device::new(
        DeviceId::new("sas").expect("id"),
        Authentication::Sas {
            primary: Key::from_base64(&key(0)).expect("key"),
            secondary: Key::from_base64(&key(100)).expect("key"),
        },
    ));
    registry.put(Device::new(
        DeviceId::new("x509").expect("id"),
        Authentication::SelfSigned {
            primary_thumbprint: thumbprint(&device_cert.cert),
            secondary_thumbprint: Thumbprint::new(&"0".repeat(64)).expect("a thumbprint"),
        },
    ));
    registry
}

/// A TLS connection to `hub` naming `sni`, with `client` as the client
/// certificate if given.
async fn tls(hub: &Hub, sni: &str, client: Option<&Identity>) -> TlsStream<TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(hub.server.cert.clone()).expect("a root");
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots);
    let config = match client {
        Some(identity) => builder
            .with_client_auth_cert(vec![identity.cert.clone()], identity.key.clone_key())
            .expect("a client certificate"),
        None => builder.with_no_client_auth(),
    };
    let tcp = tokio::time::timeout(WAIT, TcpStream::connect(hub.emulator.mqtt_addr()))
        .await
        .expect("in time")
        .expect("connects");
    let name = ServerName::try_from(sni.to_owned()).expect("a name");
    tokio::time::timeout(
        WAIT,
        TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .expect("handshake in time")
    .expect("handshake")
}

/// A SAS CONNECT signed for `signed_host`, without the `host` property.
fn sas_without_host(client_id: &str, key_b64: &str, signed_host: &str) -> Connect {
    let at = now_ms();
    let expiry = at + 3_600_000;
    let mut properties = ConnectProperties::new();
    properties.authentication_method = Some("SAS".into());
    properties.authentication_data = Some(sign(key_b64, signed_host, client_id, at, expiry));
    properties.user_properties = vec![
        ("api-version".into(), "2020-10-01-preview".into()),
        ("sas-at".into(), at.to_string()),
        ("sas-expiry".into(), expiry.to_string()),
    ];
    Connect {
        keep_alive: 60,
        client_id: client_id.into(),
        clean_start: true,
        properties: Some(properties),
    }
}

/// An X509 CONNECT (no Authentication Data).
fn x509(client_id: &str) -> Connect {
    let mut properties = ConnectProperties::new();
    properties.authentication_method = Some("X509".into());
    properties.user_properties = vec![("api-version".into(), "2020-10-01-preview".into())];
    Connect {
        keep_alive: 60,
        client_id: client_id.into(),
        clean_start: true,
        properties: Some(properties),
    }
}

fn assert_not_authorized(ack: &ConnAck) {
    assert_eq!(ack.code, ReasonCode::NotAuthorized, "{ack:?}");
    let properties = ack.properties.as_ref().expect("properties");
    assert_eq!(user(&properties.user_properties, "status"), Some("0101"));
}

/// Sends QoS 1 telemetry and expects a Success PUBACK.
async fn telemetry_acknowledged(raw: &mut RawPeer, pkid: u16) {
    let mut publish = Publish::new(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        Bytes::from_static(b"{}"),
        None,
    );
    publish.pkid = pkid;
    raw.send(Packet::Publish(publish)).await;
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => {
            assert_eq!((ack.pkid, ack.reason), (pkid, ReasonCode::Success))
        }
        other => panic!("expected PUBACK, got {other:?}"),
    }
}

#[tokio::test]
async fn sas_over_tls_takes_the_host_from_sni() {
    let hub = tls_hub(Some(HOST)).await;
    let stream = tls(&hub, HOST, None).await;
    let (mut raw, ack) =
        RawPeer::connect_over(stream, sas_without_host("sas", &key(0), HOST)).await;
    assert_eq!(ack.code, ReasonCode::Success, "{ack:?}");
    telemetry_acknowledged(&mut raw, 1).await;
}

#[tokio::test]
async fn sas_with_another_sni_host_than_the_hubs_is_not_authorized() {
    let hub = tls_hub(Some(HOST)).await;
    let stream = tls(&hub, OTHER_HOST, None).await;
    let (_, ack) =
        RawPeer::connect_over(stream, sas_without_host("sas", &key(0), OTHER_HOST)).await;
    assert_not_authorized(&ack);
}

#[tokio::test]
async fn x509_with_the_registered_thumbprint_is_accepted() {
    let hub = tls_hub(Some(HOST)).await;
    let stream = tls(&hub, HOST, Some(&hub.device_cert)).await;
    let (mut raw, ack) = RawPeer::connect_over(stream, x509("x509")).await;
    assert_eq!(ack.code, ReasonCode::Success, "{ack:?}");
    telemetry_acknowledged(&mut raw, 7).await;
    let events = hub.emulator.hub().telemetry().read(0, 10);
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn x509_with_a_wrong_or_no_certificate_is_not_authorized() {
    let hub = tls_hub(None).await;
    let stranger = identity(&["x509"]);
    let stream = tls(&hub, HOST, Some(&stranger)).await;
    let (_, ack) = RawPeer::connect_over(stream, x509("x509")).await;
    assert_not_authorized(&ack);

    let stream = tls(&hub, HOST, None).await;
    let (_, ack) = RawPeer::connect_over(stream, x509("x509")).await;
    assert_not_authorized(&ack);

    // A SAS device cannot use X509, whatever certificate it shows.
    let stream = tls(&hub, HOST, Some(&hub.device_cert)).await;
    let (_, ack) = RawPeer::connect_over(stream, x509("sas")).await;
    assert_not_authorized(&ack);
}

#[tokio::test]
async fn a_self_signed_device_with_sas_is_not_authorized() {
    let hub = tls_hub(None).await;
    let stream = tls(&hub, HOST, Some(&hub.device_cert)).await;
    let (_, ack) = RawPeer::connect_over(stream, sas_without_host("x509", &key(0), HOST)).await;
    assert_not_authorized(&ack);
}

#[tokio::test]
async fn x509_over_plain_tcp_is_not_authorized() {
    let device_cert = identity(&["x509"]);
    let emulator = Emulator::start(Config::new().registry(registry(&device_cert)))
        .await
        .expect("starts");
    let (_, ack) = RawPeer::connect(&emulator, x509("x509")).await;
    assert_not_authorized(&ack);
}

#[tokio::test]
async fn a_bad_handshake_ends_only_its_own_connection() {
    let hub = tls_hub(None).await;
    let stream = tls(&hub, HOST, Some(&hub.device_cert)).await;
    let (mut good, ack) = RawPeer::connect_over(stream, x509("x509")).await;
    assert_eq!(ack.code, ReasonCode::Success, "{ack:?}");

    // Plain MQTT bytes to the TLS port: the hub answers with at most a TLS
    // alert and closes.
    let mut bad = TcpStream::connect(hub.emulator.mqtt_addr())
        .await
        .expect("connects");
    let mut bytes = bytes::BytesMut::new();
    Packet::Connect(sas_without_host("sas", &key(0), HOST), None, None)
        .write(&mut bytes, None)
        .expect("encodes");
    bad.write_all(&bytes).await.expect("sends");
    let mut answer = Vec::new();
    // Closed in time (cleanly or with a reset).
    let _ = tokio::time::timeout(WAIT, bad.read_to_end(&mut answer))
        .await
        .expect("closed in time");
    assert!(
        answer.first().is_none_or(|b| *b == 0x15),
        "only a TLS alert: {answer:02X?}"
    );

    telemetry_acknowledged(&mut good, 2).await;
}
