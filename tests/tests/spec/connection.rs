//! The generated `api::connection` module and the connection constants
//! against the spec's `connection:` section (read through `iothub_codegen`)
//! and the overview's rules: the CONNECT user properties decode strictly,
//! the SAS string to sign is the overview's, the authentication methods and
//! DISCONNECT reasons round-trip their names and codes.

use std::path::PathBuf;

use iothub_client::api::connection::{sas, AuthenticationMethod, Connect, DisconnectReason};
use iothub_client::api::{self, limits, topics};
use iothub_client::status::StatusCode;
use iothub_client::wire::{MqttProperties, Properties, Timestamp};
use iothub_client::Error;
use iothub_codegen::ir::AuthenticationData;

fn spec() -> iothub_codegen::ir::Api {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml");
    iothub_codegen::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The overview's example CONNECT, as it prints it (the user properties
/// after the first-class ones).
const OVERVIEW_CONNECT: &str = "
    Client_Id: D1
    Authentication_Method: SAS
    api-version: 2020-10-10
    host: abc.azure-devices.net
    sas-at: 1600987795320
    sas-expiry: 1600987195320
    client-agent: artisan;Linux
";

/// The dash-case lines of [`OVERVIEW_CONNECT`] as user properties (the
/// overview: "properties in dash case are user properties").
fn overview_user_properties() -> Properties {
    let user = OVERVIEW_CONNECT
        .lines()
        .filter_map(|l| l.trim().split_once(": "))
        .filter(|(name, _)| name.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Properties {
        user,
        ..Properties::default()
    }
}

fn minimal_connect() -> Connect {
    Connect {
        api_version: api::API_VERSION.to_owned(),
        host: None,
        sas_policy: None,
        sas_at: None,
        sas_expiry: None,
        client_agent: None,
    }
}

#[test]
fn limits_and_topic_rules_are_the_specs() {
    let spec = spec();
    let c = &spec.connection;
    assert_eq!(limits::CONNECT_TIMEOUT_SECONDS, c.connect_timeout_seconds);
    assert_eq!(
        limits::SUBSCRIPTION_QUOTA_EXCEEDED_REASON_CODE,
        c.subscription_quota_exceeded_reason_code
    );
    assert_eq!(limits::RETAIN_AVAILABLE, c.connack.retain_available);
    assert_eq!(
        limits::WILDCARD_SUBSCRIPTION_AVAILABLE,
        c.connack.wildcard_subscription_available
    );
    assert_eq!(
        limits::SUBSCRIPTION_IDENTIFIERS_AVAILABLE,
        c.connack.subscription_identifiers_available
    );
    assert_eq!(
        limits::SHARED_SUBSCRIPTIONS_AVAILABLE,
        c.connack.shared_subscriptions_available
    );
    assert_eq!(
        topics::UNKNOWN_TOPIC_SUBSCRIBE_REASON_CODE,
        c.unknown_topic_subscribe_reason_code
    );
    assert_eq!(
        topics::WILDCARD_SUBSCRIBE_REASON_CODE,
        c.wildcard_subscribe_reason_code
    );
    let named = spec
        .response(&c.unknown_topic_publish)
        .expect("unknown-topic-publish names a response");
    assert_eq!(topics::UNKNOWN_TOPIC_PUBLISH.code(), named.status.code);
    assert_eq!(topics::UNKNOWN_TOPIC_PUBLISH.name(), named.title);
    // Not the catch-all variant: a real named response.
    assert_eq!(
        topics::UNKNOWN_TOPIC_PUBLISH,
        api::Status::from_code(named.status.code)
    );
    assert!(!matches!(
        topics::UNKNOWN_TOPIC_PUBLISH,
        api::Status::Unknown(_)
    ));
}

#[test]
fn sas_constants_are_the_specs() {
    let spec = spec();
    let s = &spec.connection.sas;
    assert_eq!(sas::ALGORITHM, s.algorithm);
    assert_eq!(sas::KEY_ENCODING, s.key_encoding);
    assert_eq!(
        sas::REAUTHENTICATION_REASON_CODE,
        s.reauthentication_reason_code
    );
    assert_eq!(sas::STRING_TO_SIGN_FIELDS, s.string_to_sign.as_slice());
}

#[test]
fn connect_has_the_specs_properties() {
    let spec = spec();
    let expected: Vec<(&str, &str, bool)> = spec
        .connection
        .connect_properties
        .iter()
        .map(|p| (p.name.as_str(), p.type_name.as_str(), p.required))
        .collect();
    let actual: Vec<(&str, &str, bool)> = Connect::PROPERTIES
        .iter()
        .map(|p| (p.name, p.type_name, p.required))
        .collect();
    assert_eq!(actual, expected);
    // Strict: the hub reads it, and keeps nothing it does not define.
    const { assert!(!Connect::KEEPS_OTHER) };
}

#[test]
fn connect_decodes_the_overviews_example() {
    let connect = Connect::from_properties(&overview_user_properties()).expect("decodes");
    assert_eq!(
        connect,
        Connect {
            api_version: "2020-10-10".to_owned(),
            host: Some("abc.azure-devices.net".to_owned()),
            sas_policy: None,
            sas_at: Some(Timestamp(1_600_987_795_320)),
            sas_expiry: Some(Timestamp(1_600_987_195_320)),
            client_agent: Some("artisan;Linux".to_owned()),
        }
    );
    // And encodes back to the same user properties.
    let mut back = connect.to_properties().user;
    let mut original = overview_user_properties().user;
    back.sort();
    original.sort();
    assert_eq!(back, original);
}

#[test]
fn connect_refuses_what_the_spec_does_not_allow() {
    let mut unknown = overview_user_properties();
    unknown.user.push(("sas-token".to_owned(), "x".to_owned()));
    assert_eq!(
        Connect::from_properties(&unknown),
        Err(Error::UnknownProperty {
            name: "sas-token".to_owned()
        })
    );
    // User property names are case-sensitive.
    let mut cased = overview_user_properties();
    cased.user.push(("Host".to_owned(), "x".to_owned()));
    assert!(matches!(
        Connect::from_properties(&cased),
        Err(Error::UnknownProperty { name }) if name == "Host"
    ));
    let mut missing = overview_user_properties();
    missing.user.retain(|(n, _)| n != "api-version");
    assert_eq!(
        Connect::from_properties(&missing),
        Err(Error::MissingProperty {
            name: "api-version"
        })
    );
    let mut bad_time = overview_user_properties();
    for (name, value) in &mut bad_time.user {
        if name == "sas-expiry" {
            *value = "2020-09-24T22:49:55Z".to_owned();
        }
    }
    assert!(matches!(
        Connect::from_properties(&bad_time),
        Err(Error::InvalidProperty {
            name: "sas-expiry",
            expected: "time",
            ..
        })
    ));
}

#[test]
fn string_to_sign_is_the_overviews_for_a_full_connect() {
    let connect = Connect {
        api_version: api::API_VERSION.to_owned(),
        // The host argument (SNI or this property, as the hub decided) is signed.
        host: Some("ignored.example".to_owned()),
        sas_policy: Some("device".to_owned()),
        sas_at: Some(Timestamp(1_600_987_795_320)),
        sas_expiry: Some(Timestamp(1_600_987_195_320)),
        client_agent: Some("artisan;Linux".to_owned()),
    };
    // The overview: `{host name}\n{Client Id}\n{sas-policy}\n{sas-at}\n{sas-expiry}\n`,
    // times as milliseconds since the Unix epoch in decimal.
    let expected = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        "abc.azure-devices.net", "D1", "device", "1600987795320", "1600987195320"
    );
    assert_eq!(
        sas::string_to_sign("abc.azure-devices.net", "D1", &connect),
        expected
    );
}

#[test]
fn string_to_sign_uses_empty_strings_for_absent_fields() {
    // The overview: "For optional parameters, if omitted, empty string MUST
    // be used instead in string to sign."
    let expected = format!("{}\n{}\n{}\n{}\n{}\n", "hub.example", "D1", "", "", "");
    assert_eq!(
        sas::string_to_sign("hub.example", "D1", &minimal_connect()),
        expected
    );
    // Only sas-at present: the policy and expiry fields stay empty.
    let at_only = Connect {
        sas_at: Some(Timestamp(7)),
        ..minimal_connect()
    };
    assert_eq!(sas::string_to_sign("h", "c", &at_only), "h\nc\n\n7\n\n");
}

#[test]
fn authentication_methods_are_the_specs_and_round_trip() {
    let spec = spec();
    let methods = &spec.connection.authentication_methods;
    assert_eq!(AuthenticationMethod::ALL.len(), methods.len());
    for (method, expected) in AuthenticationMethod::ALL.iter().zip(methods) {
        assert_eq!(method.name(), expected.name);
        assert_eq!(
            method.requires_data(),
            expected.data == AuthenticationData::Required,
            "{}",
            expected.name
        );
        assert_eq!(
            AuthenticationMethod::from_name(&expected.name),
            Some(*method)
        );
        let lower = expected.name.to_lowercase();
        if lower != expected.name {
            assert_eq!(
                AuthenticationMethod::from_name(&lower),
                None,
                "case-sensitive"
            );
        }
    }
    // The overview's two methods, by their Rust names.
    assert_eq!(AuthenticationMethod::Sas.name(), "SAS");
    assert!(AuthenticationMethod::Sas.requires_data());
    assert_eq!(AuthenticationMethod::X509.name(), "X509");
    assert!(!AuthenticationMethod::X509.requires_data());
    assert_eq!(AuthenticationMethod::from_name(""), None);
    assert_eq!(AuthenticationMethod::from_name("password"), None);
}

#[test]
fn disconnect_reasons_are_the_specs_and_round_trip() {
    let spec = spec();
    let reasons = &spec.connection.disconnect_reasons;
    assert_eq!(DisconnectReason::ALL.len(), reasons.len());
    for (reason, expected) in DisconnectReason::ALL.iter().zip(reasons) {
        assert_eq!(reason.reason_code(), expected.reason_code);
        assert_eq!(reason.name(), expected.name);
    }
    for code in 0..=u8::MAX {
        let listed = reasons.iter().any(|r| r.reason_code == code);
        match DisconnectReason::from_reason_code(code) {
            Some(reason) => {
                assert!(listed, "{code}");
                assert_eq!(reason.reason_code(), code);
            }
            None => assert!(!listed, "{code}"),
        }
    }
    // Variant names are the MQTT 5 names.
    assert_eq!(DisconnectReason::SessionTakenOver.reason_code(), 142);
    assert_eq!(DisconnectReason::NotAuthorized.reason_code(), 135);
    assert_eq!(
        DisconnectReason::from_reason_code(144),
        Some(DisconnectReason::TopicNameInvalid)
    );
}
