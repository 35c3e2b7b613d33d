//! CONNECT as the overview defines it, driven with raw MQTT 5 packets:
//! the CONNACK of a good SAS connection carries the hub's limits; every
//! refusal carries the reason code and `status` the overview gives; a
//! second connection of a device takes the session over; Clean Start 0
//! resumes a session.

use bytes::Bytes;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key, sign, user};
use iothub_test_kit::HOST;

#[tokio::test]
async fn a_good_sas_connection_gets_the_hubs_limits() {
    let hub = emulator(&["d1"]).await;
    let mut c = connect("d1", &key(0));
    c.keep_alive = 0;
    let (_raw, ack) = RawPeer::connect(&hub, c).await;
    assert_eq!(ack.code, ReasonCode::Success);
    assert!(!ack.session_present);
    let p = ack.properties.expect("CONNACK properties");
    // The overview's "Level of support and limitations".
    assert_eq!(p.receive_max, Some(16));
    assert_eq!(p.max_qos, Some(1));
    assert_eq!(p.retain_available, Some(0));
    assert_eq!(p.max_packet_size, Some(262_144));
    assert_eq!(p.topic_alias_max, Some(10));
    assert_eq!(p.subscription_identifiers_available, Some(0));
    assert_eq!(p.shared_subscription_available, Some(0));
    // Keep Alive 0 asked: the hub says its own, 19 minutes.
    assert_eq!(p.server_keep_alive, Some(1140));
    assert_eq!(p.session_expiry_interval, None);
    hub.shutdown().await;
}

#[tokio::test]
async fn the_secondary_key_works_too_and_a_short_keep_alive_is_kept() {
    let hub = emulator(&["d1"]).await;
    let (_raw, ack) = RawPeer::connect(&hub, connect("d1", &key(100))).await;
    assert_eq!(ack.code, ReasonCode::Success);
    assert_eq!(ack.properties.expect("properties").server_keep_alive, None);
}

/// Connects with `edit` applied to a good CONNECT; the refusal's code and status.
async fn refused(
    edit: impl FnOnce(&mut iothub_mqtt::packet::Connect),
) -> (ReasonCode, Option<String>, Option<String>) {
    let hub = emulator(&["d1"]).await;
    let mut c = connect("d1", &key(0));
    edit(&mut c);
    let (mut raw, ack) = RawPeer::connect(&hub, c).await;
    assert!(
        raw.recv().await.is_none(),
        "the hub closes a refused connection"
    );
    let user_properties = ack
        .properties
        .map(|p| p.user_properties)
        .unwrap_or_default();
    (
        ack.code,
        user(&user_properties, "status").map(str::to_owned),
        user(&user_properties, "reason").map(str::to_owned),
    )
}

fn set_user(c: &mut iothub_mqtt::packet::Connect, name: &str, value: Option<&str>) {
    let p = c.properties.as_mut().expect("properties");
    p.user_properties.retain(|(n, _)| n != name);
    if let Some(value) = value {
        p.user_properties.push((name.to_owned(), value.to_owned()));
    }
}

#[tokio::test]
async fn a_missing_authentication_method_is_bad_request() {
    let (code, status, reason) = refused(|c| {
        c.properties.as_mut().expect("p").authentication_method = None;
    })
    .await;
    assert_eq!(
        (code, status.as_deref()),
        (ReasonCode::ImplementationSpecificError, Some("0100"))
    );
    assert!(reason.expect("a reason").contains("Authentication Method"));
}

#[tokio::test]
async fn an_unknown_authentication_method_is_bad_authentication_method() {
    let (code, status, _) = refused(|c| {
        c.properties.as_mut().expect("p").authentication_method = Some("TOKEN".into());
    })
    .await;
    assert_eq!((code, status), (ReasonCode::BadAuthenticationMethod, None));
}

#[tokio::test]
async fn a_wrong_api_version_or_an_unknown_property_is_bad_request() {
    let (code, status, reason) = refused(|c| set_user(c, "api-version", Some("2020-10-10"))).await;
    assert_eq!(
        (code, status.as_deref()),
        (ReasonCode::ImplementationSpecificError, Some("0100"))
    );
    assert!(reason.expect("reason").contains("2020-10-10"));
    let (code, status, _) = refused(|c| set_user(c, "api-version", None)).await;
    assert_eq!(
        (code, status.as_deref()),
        (ReasonCode::ImplementationSpecificError, Some("0100"))
    );
    let (code, status, reason) = refused(|c| set_user(c, "colour", Some("red"))).await;
    assert_eq!(
        (code, status.as_deref()),
        (ReasonCode::ImplementationSpecificError, Some("0100"))
    );
    assert!(reason.expect("reason").contains("colour"));
}

#[tokio::test]
async fn a_bad_signature_an_unknown_device_or_an_expired_token_is_not_authorized() {
    let not_authorized = (ReasonCode::NotAuthorized, Some("0101".to_owned()));
    let (code, status, _) = refused(|c| {
        c.properties.as_mut().expect("p").authentication_data = Some(Bytes::from_static(b"forged"));
    })
    .await;
    assert_eq!((code, status), not_authorized);
    let (code, status, _) = refused(|c| *c = connect("stranger", &key(0))).await;
    assert_eq!((code, status), not_authorized);
    let (code, status, _) = refused(|c| {
        // Signed correctly, but expired a second ago.
        let at = iothub_test_kit::sas::now_ms() - 10_000;
        let expiry = at + 9_000;
        set_user(c, "sas-at", Some(&at.to_string()));
        set_user(c, "sas-expiry", Some(&expiry.to_string()));
        c.properties.as_mut().expect("p").authentication_data =
            Some(sign(&key(0), HOST, "d1", at, expiry));
    })
    .await;
    assert_eq!((code, status), not_authorized);
    // The signature covers the host: another host name does not verify.
    let (code, status, _) = refused(|c| set_user(c, "host", Some("other.example.test"))).await;
    assert_eq!((code, status), not_authorized);
}

#[tokio::test]
async fn sas_needs_its_expiry_and_data() {
    let (code, status, reason) = refused(|c| set_user(c, "sas-expiry", None)).await;
    assert_eq!(
        (code, status.as_deref()),
        (ReasonCode::ImplementationSpecificError, Some("0100"))
    );
    assert!(reason.expect("reason").contains("sas-expiry"));
    let (code, status, _) = refused(|c| {
        c.properties.as_mut().expect("p").authentication_data = None;
    })
    .await;
    assert_eq!(
        (code, status.as_deref()),
        (ReasonCode::ImplementationSpecificError, Some("0100"))
    );
}

#[tokio::test]
async fn a_new_connection_takes_the_session_over_and_resumes_it() {
    let hub = emulator(&["d1"]).await;
    let (mut first, ack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert!(!ack.session_present);
    first
        .send(Packet::Subscribe(Subscribe::new(
            Filter::new("$iothub/commands", QoS::AtLeastOnce),
            None,
        )))
        .await;
    assert!(matches!(first.recv().await, Some(Packet::SubAck(_))));
    let (_second, ack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert!(
        ack.session_present,
        "Clean Start 0 resumes the session with its subscription"
    );
    match first.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::SessionTakenOver)
        }
        other => panic!("expected DISCONNECT 142, got {other:?}"),
    }
    assert!(first.recv().await.is_none());
    // Clean Start 1 starts anew.
    let mut clean = connect("d1", &key(0));
    clean.clean_start = true;
    let (_third, ack) = RawPeer::connect(&hub, clean).await;
    assert!(!ack.session_present);
}

#[tokio::test]
async fn a_zero_length_disconnect_and_garbage_end_only_that_connection() {
    let hub = emulator(&["d1", "d2"]).await;
    let (mut good, _) = RawPeer::connect(&hub, connect("d2", &key(1))).await;
    let (mut polite, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    polite.send_bytes(&[0xE0, 0x00]).await;
    assert!(
        polite.recv().await.is_none(),
        "closed after DISCONNECT without a reason code"
    );
    let (mut rude, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    rude.send_bytes(&[0x30, 0x03, 0xFF, 0xFF, 0xFF]).await;
    match rude.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::MalformedPacket)
        }
        other => panic!("expected DISCONNECT Malformed Packet, got {other:?}"),
    }
    good.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert_eq!(
        good.recv().await,
        Some(Packet::PingResp(iothub_mqtt::packet::PingResp))
    );
}

#[tokio::test]
async fn silence_past_one_and_a_half_keep_alives_disconnects() {
    let hub = emulator(&["d1"]).await;
    let mut c = connect("d1", &key(0));
    c.keep_alive = 1;
    let (mut raw, _) = RawPeer::connect(&hub, c).await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::KeepAliveTimeout)
        }
        other => panic!("expected DISCONNECT Keep Alive timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn re_authentication_succeeds_with_a_fresh_signature_and_fails_with_a_bad_one() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    raw.send_bytes(&iothub_test_kit::sas::reauthentication("d1", &key(100)))
        .await;
    assert_eq!(raw.recv_auth().await, 0x00, "AUTH Success");
    raw.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert!(matches!(raw.recv().await, Some(Packet::PingResp(_))));
    raw.send_bytes(&iothub_test_kit::sas::reauthentication("d1", &key(7)))
        .await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::NotAuthorized)
        }
        other => panic!("expected DISCONNECT 135, got {other:?}"),
    }
}

#[tokio::test]
async fn an_expired_sas_token_disconnects_with_not_authorized() {
    let hub = emulator(&["d1"]).await;
    let (mut raw, ack) = RawPeer::connect(
        &hub,
        iothub_test_kit::sas::connect_expiring("d1", &key(0), 3_000),
    )
    .await;
    assert_eq!(ack.code, ReasonCode::Success);
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::NotAuthorized)
        }
        other => panic!("expected DISCONNECT 135, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hubs_own_traffic_does_not_keep_a_silent_client_alive() {
    let hub = emulator(&["d1"]).await;
    let mut c = connect("d1", &key(0));
    c.keep_alive = 1;
    let (mut raw, _) = RawPeer::connect(&hub, c).await;
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new("$iothub/twin/patch/desired", QoS::AtMostOnce),
        None,
    )))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    // The cloud side patches desired every 200 ms, without end, while the
    // device says nothing: 1.5 × keep alive is over long before 30 arrive.
    let cloud = hub.hub().clone();
    let patcher = tokio::spawn(async move {
        let id = iothub_emulator::registry::DeviceId::new("d1").expect("id");
        for i in 0u64.. {
            let _ = cloud
                .twins()
                .patch_desired(&id, &serde_json::json!({ "n": i }));
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    });
    let mut notifications = 0;
    loop {
        match raw.recv().await {
            Some(Packet::Publish(_)) if notifications < 30 => notifications += 1,
            Some(Packet::Disconnect(d)) => {
                assert_eq!(d.reason_code, ReasonCode::KeepAliveTimeout);
                break;
            }
            other => panic!(
                "expected notifications then DISCONNECT, got {other:?} after {notifications}"
            ),
        }
    }
    patcher.abort();
}

#[tokio::test]
async fn new_credentials_or_removal_end_a_connection_with_not_authorized() {
    use iothub_emulator::registry::{Authentication, Device, DeviceId, Key};
    let hub = emulator(&["d1", "d2"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let sas = |a: u8, b: u8| Authentication::Sas {
        primary: Key::from_base64(&key(a)).expect("key"),
        secondary: Key::from_base64(&key(b)).expect("key"),
    };
    // The same keys again: nothing changes.
    hub.hub()
        .registry()
        .put(Device::new(DeviceId::new("d1").expect("id"), sas(0, 100)));
    raw.assert_quiet().await;
    // New keys: the connection's signature no longer holds.
    hub.hub()
        .registry()
        .put(Device::new(DeviceId::new("d1").expect("id"), sas(5, 6)));
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::NotAuthorized)
        }
        other => panic!("expected DISCONNECT 135, got {other:?}"),
    }
    let (mut other, _) = RawPeer::connect(&hub, connect("d2", &key(1))).await;
    hub.hub()
        .registry()
        .remove(&DeviceId::new("d2").expect("id"));
    match other.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(d.reason_code, ReasonCode::NotAuthorized)
        }
        other => panic!("expected DISCONNECT 135 after removal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_disabled_device_is_refused_and_disabling_ends_its_connection() {
    use iothub_emulator::registry::{Authentication, Device, DeviceId, DeviceStatus, Key};
    let hub = emulator(&["d1"]).await;
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let same_keys = Authentication::Sas {
        primary: Key::from_base64(&key(0)).expect("key"),
        secondary: Key::from_base64(&key(100)).expect("key"),
    };
    let d1 = Device::new(DeviceId::new("d1").expect("id"), same_keys);
    // Disabled with its keys unchanged: the connection ends.
    hub.hub()
        .registry()
        .put(d1.clone().with_status(DeviceStatus::Disabled, None));
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => assert_eq!(d.reason_code, ReasonCode::NotAuthorized),
        other => panic!("expected DISCONNECT 135, got {other:?}"),
    }
    // A correctly signed CONNECT of a disabled device is refused.
    let (mut refused, ack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert_eq!(ack.code, ReasonCode::NotAuthorized);
    assert!(refused.recv().await.is_none(), "closed");
    hub.hub().registry().put(d1);
    let (_again, ack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert_eq!(ack.code, ReasonCode::Success, "enabled again");
}

/// An emulator whose device d1 may also be signed for with the policies
/// `device` (DeviceConnect, key 60) and `service` (ServiceConnect, key 61).
async fn with_device_policies() -> iothub_emulator::Emulator {
    use iothub_emulator::access::{Permission, Policies, SharedAccessPolicy};
    use iothub_emulator::registry::Key;
    let policy = |name: &str, i: u8, permission: Permission| {
        let key = Key::from_base64(&key(i)).expect("key");
        SharedAccessPolicy::new(name, key.clone(), key, [permission].into_iter().collect())
            .expect("policy")
    };
    let policies = Policies::new()
        .with(policy("device", 60, Permission::DeviceConnect))
        .with(policy("service", 61, Permission::ServiceConnect));
    let registry = iothub_test_kit::fixtures::registry(&["d1"]).with_policies(policies);
    iothub_emulator::Emulator::start(iothub_emulator::Config::new().registry(registry))
        .await
        .expect("starts")
}

#[tokio::test]
async fn a_device_may_sign_with_a_policy_that_grants_device_connect() {
    use iothub_test_kit::sas::connect_with_policy;
    let hub = with_device_policies().await;
    let (_raw, ack) = RawPeer::connect(&hub, connect_with_policy("d1", "device", &key(60))).await;
    assert_eq!(ack.code, ReasonCode::Success, "a DeviceConnect policy");
    for (policy, i, what) in [
        ("service", 61, "a policy without DeviceConnect"),
        ("nobody", 60, "an unknown policy"),
        ("device", 0, "the device's key under a policy's name"),
    ] {
        let (_raw, ack) = RawPeer::connect(&hub, connect_with_policy("d1", policy, &key(i))).await;
        assert_eq!(ack.code, ReasonCode::NotAuthorized, "{what}");
    }
    // An unregistered device cannot connect with a policy either.
    let (_raw, ack) = RawPeer::connect(&hub, connect_with_policy("d9", "device", &key(60))).await;
    assert_eq!(ack.code, ReasonCode::NotAuthorized);
}

#[tokio::test]
async fn re_authentication_signs_what_it_sends_and_keeps_the_policy() {
    use iothub_test_kit::sas::{connect_with_policy, reauthentication_as, Reauth};
    let hub = with_device_policies().await;
    // Without `sas-at`: signed with it empty, as the overview says.
    let first = connect("d1", &key(0));
    let connect_at = user(
        &first
            .properties
            .as_ref()
            .expect("properties")
            .user_properties,
        "sas-at",
    )
    .expect("sas-at")
    .to_owned();
    let (mut raw, _) = RawPeer::connect(&hub, first).await;
    let no_at = Reauth::default();
    raw.send_bytes(&reauthentication_as("d1", &key(0), no_at).0)
        .await;
    assert_eq!(raw.recv_auth().await, 0x00, "AUTH without sas-at");
    still_up(&mut raw).await;
    // Without `sas-at`, but signed over the CONNECT's: refused (nothing
    // of the CONNECT's is carried over).
    let stale = Reauth {
        signed_at: Some(&connect_at),
        ..Reauth::default()
    };
    raw.send_bytes(&reauthentication_as("d1", &key(0), stale).0)
        .await;
    let disconnect = raw
        .expect_disconnect("a signature over what was not sent")
        .await;
    assert_eq!(disconnect.reason_code, ReasonCode::NotAuthorized);

    // A policy connection re-authenticates with the same policy only.
    let same = Reauth {
        policy: Some("device"),
        send_at: true,
        ..Reauth::default()
    };
    let (mut raw, _) = RawPeer::connect(&hub, connect_with_policy("d1", "device", &key(60))).await;
    raw.send_bytes(&reauthentication_as("d1", &key(60), same).0)
        .await;
    assert_eq!(raw.recv_auth().await, 0x00, "the same policy");
    let device_key = Reauth {
        send_at: true,
        ..Reauth::default()
    };
    raw.send_bytes(&reauthentication_as("d1", &key(0), device_key).0)
        .await;
    let disconnect = raw
        .expect_disconnect("the device's key instead of the policy")
        .await;
    assert_eq!(disconnect.reason_code, ReasonCode::NotAuthorized);
}

/// A ping round trip (the connection is still up).
async fn still_up(raw: &mut RawPeer) {
    raw.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert!(matches!(raw.recv().await, Some(Packet::PingResp(_))));
}

#[tokio::test]
async fn a_devices_packets_advance_its_last_activity_time() {
    use iothub_test_kit::service::Service;
    let hub = emulator(&["d1"]).await;
    let service = Service::new(hub.http_addr());
    let (mut raw, _) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    let time = |answer: serde_json::Value| -> String {
        answer["lastActivityTime"]
            .as_str()
            .expect("a time")
            .to_owned()
    };
    let at_connect = time(service.expect("GET", "/devices/d1", None, 200).await);
    // Until the wall clock has moved past it (no sleep: a bounded wait);
    // the service's ISO 8601 times order as text.
    iothub_test_kit::fixtures::eventually("the clock ticks", || {
        iothub_emulator::time::iso8601(iothub_client::wire::Timestamp::now().as_millis())
            > at_connect
    })
    .await;
    still_up(&mut raw).await;
    let later = time(service.expect("GET", "/devices/d1", None, 200).await);
    assert!(later > at_connect, "{later} after {at_connect}");
}

#[tokio::test]
async fn a_module_identity_connects_with_its_own_keys() {
    use iothub_emulator::registry::{Authentication, Device, DeviceId, Key};
    let hub = emulator(&["d1"]).await;
    let module = DeviceId::module(&DeviceId::new("d1").expect("id"), "sensor").expect("module id");
    hub.hub().registry().put(Device::new(
        module.clone(),
        Authentication::Sas {
            primary: Key::from_base64(&key(70)).expect("key"),
            secondary: Key::from_base64(&key(71)).expect("key"),
        },
    ));
    let (mut raw, ack) = RawPeer::connect(&hub, connect("d1/sensor", &key(70))).await;
    assert_eq!(ack.code, ReasonCode::Success, "the module's key");
    still_up(&mut raw).await;
    assert!(hub.hub().connections().is_connected(&module));
    // Its device's key is not its key, and an unknown module is unknown.
    for (client, i) in [("d1/sensor", 0), ("d1/other", 70), ("d1/a/b", 70)] {
        let (_raw, ack) = RawPeer::connect(&hub, connect(client, &key(i))).await;
        assert_ne!(ack.code, ReasonCode::Success, "{client} with key {i}");
    }
    // The device and its module are two connections, side by side.
    let (_device, ack) = RawPeer::connect(&hub, connect("d1", &key(0))).await;
    assert_eq!(ack.code, ReasonCode::Success);
    still_up(&mut raw).await;
    // Removing the device removes its modules.
    hub.hub().remove_device(&DeviceId::new("d1").expect("id"));
    assert!(hub.hub().registry().get(&module).is_none());
}
