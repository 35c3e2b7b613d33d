//! The `iothub-emulator` binary: the `listening` line, one HTTP request,
//! a clean stop on SIGTERM and SIGINT, TLS from `--tls-cert/--tls-key`, and
//! exit codes 1 (a bad registry file, named with its line; a bad PEM file,
//! named) and 2 (usage). Every wait is bounded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use crate::process::{
    addresses, run_to_end, signal, start, wait_exit, Started, PROCESS_WAIT as WAIT,
};
use iothub_test_kit::service::{connection_string_token, now_s, token};

/// `GET path` with `authorization` (none when empty).
fn http_get(addr: SocketAddr, path: &str, authorization: &str) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).expect("connects");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    let header = if authorization.is_empty() {
        String::new()
    } else {
        format!("authorization: {authorization}\r\n")
    };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: e\r\n{header}connection: close\r\n\r\n"
    )
    .expect("writes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reads");
    answer
}

#[test]
fn prints_listening_and_a_development_connection_string_serves_http_and_stops_on_sigterm() {
    let Started {
        mut running,
        line,
        service,
    } = start(&[]);
    let (mqtt, http) = addresses(&line);
    assert!(mqtt.ip().is_loopback() && http.ip().is_loopback());
    assert_ne!(mqtt.port(), 0, "the real port is printed");
    assert_ne!(http.port(), 0, "the real port is printed");
    TcpStream::connect_timeout(&mqtt, WAIT).expect("MQTT listens");
    let service = service.expect("a service-connection-string line");
    assert!(
        service.starts_with(&format!(
            "HostName=localhost:{};SharedAccessKeyName=iothubowner;SharedAccessKey=",
            http.port()
        )),
        "{service}"
    );
    let anonymous = http_get(http, "/devices/nobody", "");
    assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
    let answer = http_get(http, "/devices/nobody", &connection_string_token(&service));
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(answer.contains("deviceNotFound"), "{answer}");
    signal(&running.0, "TERM");
    let status = wait_exit(&mut running.0);
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn stops_on_sigint_and_loads_a_registry() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("binary-good.yaml");
    std::fs::write(
        &path,
        "devices:\n  - id: dev1\n    authentication: { type: sas, primary-key: c2VjcmV0MQ==, secondary-key: c2VjcmV0Mg== }\n\
         policies:\n  - { name: reader, primary-key: c2VjcmV0Mw==, secondary-key: c2VjcmV0NA==, permissions: [RegistryRead] }\n",
    )
    .expect("writes");
    let path = path.to_str().expect("UTF-8 path").to_owned();
    let Started {
        mut running,
        line,
        service,
    } = start(&["--registry", &path, "--hostname", "hub.example.test"]);
    assert_eq!(service, None, "the file's policy, no development policy");
    let (_, http) = addresses(&line);
    let reader = token(
        "hub.example.test:443",
        "reader",
        "c2VjcmV0Mw==",
        now_s() + 60,
    );
    let answer = http_get(http, "/devices/dev1", &reader);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let other_hub = token("other.example.test", "reader", "c2VjcmV0Mw==", now_s() + 60);
    let refused = http_get(http, "/devices/dev1", &other_hub);
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    // The device's keys, to a registry reader, as the service shows them;
    // never the policies' keys.
    assert!(answer.contains("c2VjcmV0MQ=="), "{answer}");
    assert!(
        !answer.contains("c2VjcmV0Mw==") && !answer.contains("c2VjcmV0NA=="),
        "{answer}"
    );
    signal(&running.0, "INT");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
}

#[test]
fn a_bad_registry_file_exits_1_naming_file_and_line() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("binary-bad.yaml");
    std::fs::write(
        &path,
        "devices:\n  - id: dev1\n    authentication: { type: sas, primary-key: not*base64secret, secondary-key: c2VjcmV0Mg== }\n",
    )
    .expect("writes");
    let path = path.to_str().expect("UTF-8 path").to_owned();
    let (code, stdout, stderr) = run_to_end(&[
        "--mqtt",
        "127.0.0.1:0",
        "--http",
        "127.0.0.1:0",
        "--registry",
        &path,
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "no listening line: {stdout}");
    assert!(stderr.contains(&format!("{path}:3:")), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");

    let missing = format!("{path}.missing");
    let (code, _, stderr) = run_to_end(&["--registry", &missing]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&missing), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--bogus"][..],
        &["--mqtt", "not-an-address"],
        &["--tls-cert", "cert.pem"],
        &["--tls-key", "key.pem"],
        &["--state"],
    ] {
        let (code, stdout, stderr) = run_to_end(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(!stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn a_busy_port_exits_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = taken.local_addr().expect("address").to_string();
    let (code, stdout, stderr) = run_to_end(&["--mqtt", "127.0.0.1:0", "--http", &port]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("HTTP") && stderr.contains(&port),
        "{stderr}"
    );
}

/// A self-signed server identity written to `CARGO_TARGET_TMPDIR`.
fn pem_files(name: &str) -> (String, String) {
    let identity =
        rcgen::generate_simple_self_signed(vec!["hub.example.test".to_owned()]).expect("a cert");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let cert = dir.join(format!("{name}-cert.pem"));
    let key = dir.join(format!("{name}-key.pem"));
    std::fs::write(&cert, identity.cert.pem()).expect("writes");
    std::fs::write(&key, identity.key_pair.serialize_pem()).expect("writes");
    (
        cert.to_str().expect("UTF-8 path").to_owned(),
        key.to_str().expect("UTF-8 path").to_owned(),
    )
}

#[test]
fn serves_tls_with_tls_cert_and_key() {
    let (cert, key) = pem_files("binary-tls");
    let Started {
        mut running, line, ..
    } = start(&["--tls-cert", &cert, "--tls-key", &key]);
    let (mqtt, _) = addresses(&line);
    // A TLS ClientHello gets a TLS record back (a handshake, 0x16).
    let mut stream = TcpStream::connect_timeout(&mqtt, WAIT).expect("MQTT listens");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    config.enable_sni = true;
    let mut client = rustls::ClientConnection::new(
        std::sync::Arc::new(config),
        "hub.example.test".try_into().expect("a name"),
    )
    .expect("a client");
    client.write_tls(&mut stream).expect("sends a ClientHello");
    let mut first = [0_u8; 1];
    stream.read_exact(&mut first).expect("an answer");
    assert_eq!(first[0], 0x16, "a TLS handshake record");
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
}

#[test]
fn a_bad_pem_file_exits_1_naming_it() {
    let (cert, key) = pem_files("binary-bad-pem");
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nnot-a-key-secret\n-----END PRIVATE KEY-----\n",
    )
    .expect("writes");
    let (code, stdout, stderr) = run_to_end(&[
        "--mqtt",
        "127.0.0.1:0",
        "--http",
        "127.0.0.1:0",
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&key), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");

    let missing = format!("{cert}.missing");
    let (code, _, stderr) = run_to_end(&["--tls-cert", &missing, "--tls-key", &key]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&missing), "{stderr}");
}

/// A request with a body, answered on a fresh connection (what
/// [`http_get`] does for GET).
fn http_post(addr: SocketAddr, path: &str, authorization: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nhost: x\r\nauthorization: {authorization}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("writes");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn a_config_file_sets_what_flags_do_and_flags_win() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("binary-config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    std::fs::write(
        dir.join("devices.yaml"),
        "devices:\n  - id: dev1\n    authentication: { type: sas, primary-key: c2VjcmV0MQ==, secondary-key: c2VjcmV0Mg== }\n",
    )
    .expect("writes");
    // The file's addresses lose to the flags `start` gives (free ports);
    // its registry is found beside it.
    std::fs::write(
        dir.join("emulator.yaml"),
        "mqtt: 127.0.0.1:1\nhttp: 127.0.0.1:1\nregistry: devices.yaml\ncommand-queue-depth: 1\n",
    )
    .expect("writes");
    let config = dir.join("emulator.yaml");
    let Started {
        mut running,
        line,
        service,
    } = start(&["--config", config.to_str().expect("UTF-8")]);
    let (_, http) = addresses(&line);
    let authorization = connection_string_token(&service.expect("a development policy"));
    let path = "/devices/dev1/messages/deviceBound";
    let first = http_post(http, path, &authorization, "one");
    assert!(first.starts_with("HTTP/1.1 201"), "{first}");
    let second = http_post(http, path, &authorization, "two");
    assert!(second.starts_with("HTTP/1.1 403"), "a queue of 1: {second}");
    signal(&running.0, "TERM");
    assert_eq!(wait_exit(&mut running.0).code(), Some(0));
}

#[test]
fn a_bad_config_file_exits_1_naming_file_line_and_column() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("binary-bad-config.yaml");
    std::fs::write(&path, "mqtt: 127.0.0.1:0\ncommand-queue-dept: 5\n").expect("writes");
    let path = path.to_str().expect("UTF-8 path").to_owned();
    let (code, stdout, stderr) = run_to_end(&["--config", &path]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&format!("{path}:2:")), "{stderr}");
    assert!(stderr.contains("command-queue-dept"), "{stderr}");
}
