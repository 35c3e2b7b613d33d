//! The device client against the in-process emulator: every operation of
//! the spec through its generated method, stream or handler, with the
//! alternative outcomes the emulator produces.

use std::time::Duration;

use bytes::Bytes;
use iothub_client::api::{
    patch_twin_reported, receive_commands, receive_direct_methods, send_telemetry,
};
use iothub_client::operation::Outcome;
use iothub_client::status::StatusCode;
use iothub_client::wire::ApplicationProperties;
use iothub_client::Client;
use iothub_emulator::hub::{Command, CommandState};
use iothub_test_kit::fixtures::{emulator, eventually, id, options};
use iothub_test_kit::WAIT;
use serde_json::{json, Value};

#[tokio::test]
async fn twin_get_patch_and_a_stale_if_version() {
    let hub = emulator(&["d1"]).await;
    let (client, _receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");

    let Outcome::Success(twin) = client.get_twin().await.expect("answered") else {
        panic!("get_twin failed");
    };
    let twin: Value = twin.json().expect("JSON");
    assert_eq!(twin["reported"]["$version"], 1);

    let patched = client
        .patch_twin_reported(
            patch_twin_reported::Request::default(),
            &json!({"fw": "1.0"}),
        )
        .await
        .expect("answered");
    let Outcome::Success(response) = patched else {
        panic!("patch failed: {patched:?}");
    };
    assert_eq!(response.version, 2);
    assert_eq!(
        hub.hub().twins().get(&id("d1")).reported.properties["fw"],
        "1.0"
    );

    let stale = client
        .patch_twin_reported(
            patch_twin_reported::Request {
                if_version: Some(1),
            },
            &json!({"fw": "2.0"}),
        )
        .await
        .expect("answered");
    match stale {
        Outcome::Alternative { status, .. } => {
            assert_eq!(status, patch_twin_reported::Alternative::PreconditionFailed);
            assert_eq!(status.to_text(), "0104");
            assert!(!status.retryable());
        }
        Outcome::Success(_) => panic!("a stale if-version must fail"),
    }
    client.disconnect().await;
}

#[tokio::test]
async fn telemetry_is_acknowledged_and_stored_with_its_properties() {
    let hub = emulator(&["d1"]).await;
    let (client, _receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    let mut application = ApplicationProperties::new();
    application.insert("@kind", "temperature");
    let message = send_telemetry::Message {
        content_type: Some("application/json".into()),
        message_id: Some("m-1".into()),
        application,
        ..send_telemetry::Message::default()
    };
    let outcome = client
        .send_telemetry(message, Bytes::from_static(b"{\"t\":21}"))
        .await
        .expect("acknowledged");
    assert!(outcome.is_success(), "{outcome:?}");
    client
        .send_telemetry_unacknowledged(send_telemetry::Message::default(), "qos0")
        .await
        .expect("written");
    eventually("both messages stored", || hub.hub().telemetry().len() == 2).await;
    let events = hub.hub().telemetry().read(1, 10);
    assert_eq!(events[0].record.body, Bytes::from_static(b"{\"t\":21}"));
    assert_eq!(
        events[0].record.properties.message_id.as_deref(),
        Some("m-1")
    );
    assert_eq!(
        events[0].record.properties.application.get("kind"),
        Some("temperature")
    );
    assert_eq!(events[1].record.body, Bytes::from_static(b"qos0"));
}

#[tokio::test]
async fn commands_complete_abandon_with_redelivery_and_reject() {
    let hub = emulator(&["d1"]).await;
    let (client, mut receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    let commands = hub.hub().commands();
    let first = commands
        .enqueue(&id("d1"), Command::new("one"))
        .expect("enqueued");
    let second = commands
        .enqueue(&id("d1"), Command::new("two"))
        .expect("enqueued");

    async fn next(receiver: &mut receive_commands::Receiver) -> receive_commands::Received {
        tokio::time::timeout(WAIT, receiver.recv())
            .await
            .expect("a command in time")
            .expect("open")
            .expect("decodes")
    }
    let one = next(&mut receivers.receive_commands).await;
    assert_eq!(one.message.sequence_no, first);
    assert_eq!(one.message.delivery_count, 1);
    assert_eq!(one.payload, Bytes::from_static(b"one"));
    one.abandon();
    let two = next(&mut receivers.receive_commands).await;
    assert_eq!(two.message.sequence_no, second);
    two.complete();

    let again = next(&mut receivers.receive_commands).await;
    assert_eq!(again.message.sequence_no, first, "abandoned → redelivered");
    assert_eq!(again.message.delivery_count, 2);
    again.reject();

    let state = |seq: u64| {
        commands
            .list(&id("d1"))
            .into_iter()
            .find(|c| c.sequence_no == seq)
            .map(|c| c.state)
    };
    eventually("reject and complete recorded", || {
        state(first) == Some(CommandState::Rejected)
            && state(second) == Some(CommandState::Completed)
    })
    .await;
    // Rejected is gone for good: nothing else arrives.
    assert!(tokio::time::timeout(
        Duration::from_millis(300),
        receivers.receive_commands.recv()
    )
    .await
    .is_err());
}

#[tokio::test]
async fn direct_methods_are_answered_and_a_dropped_call_is_unavailable() {
    let hub = emulator(&["d1"]).await;
    let (client, mut receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    // The SUBSCRIBE goes out right after CONNACK; wait until calls can land.
    let methods = hub.hub().methods().clone();
    let device = id("d1");
    let call = {
        let methods = methods.clone();
        let device = device.clone();
        tokio::spawn(async move {
            let mut answer = None;
            for _ in 0..100 {
                match methods
                    .invoke(
                        &device,
                        "reboot",
                        Bytes::from_static(b"{\"delay\":1}"),
                        WAIT,
                    )
                    .await
                {
                    Ok(response) => {
                        answer = Some(response);
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            answer
        })
    };
    let request = tokio::time::timeout(WAIT, receivers.receive_direct_methods.recv())
        .await
        .expect("a call in time")
        .expect("open")
        .expect("decodes");
    assert_eq!(request.params().map(|p| p.name), Some("reboot"));
    let body: Value = request.json().expect("JSON");
    assert_eq!(body["delay"], 1);
    request
        .respond(
            receive_direct_methods::Response { response_code: 200 },
            Bytes::from_static(b"{\"ok\":true}"),
        )
        .await
        .expect("sent");
    let answer = call.await.expect("joins").expect("answered");
    assert_eq!(answer.response_code, 200);
    assert_eq!(answer.payload, Bytes::from_static(b"{\"ok\":true}"));

    // A call the application drops unanswered is answered as Unavailable.
    let dropped =
        tokio::spawn(async move { methods.invoke(&device, "noop", Bytes::new(), WAIT).await });
    drop(
        tokio::time::timeout(WAIT, receivers.receive_direct_methods.recv())
            .await
            .expect("a call in time"),
    );
    let outcome = dropped.await.expect("joins");
    let error = outcome.expect_err("no success answer");
    assert_eq!(error.status().to_text(), "06A0", "{error:?}");
}

#[tokio::test]
async fn desired_state_arrives_as_a_snapshot_then_as_changes_with_their_version() {
    let hub = emulator(&["d1"]).await;
    hub.hub()
        .twins()
        .patch_desired(&id("d1"), &json!({"interval": 1, "mode": "eco"}))
        .expect("patched");
    let (client, mut receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    // After connecting, the whole desired state (the client fetched it).
    let snapshot = tokio::time::timeout(WAIT, receivers.receive_twin_desired_state_changes.recv())
        .await
        .expect("in time")
        .expect("open")
        .expect("decodes");
    assert!(snapshot.snapshot);
    assert_eq!(snapshot.message.version, 2);
    let state: Value = snapshot.json().expect("JSON");
    assert_eq!(state["mode"], "eco");
    let version = hub
        .hub()
        .twins()
        .patch_desired(&id("d1"), &json!({"interval": 5}))
        .expect("patched");
    let update = tokio::time::timeout(WAIT, receivers.receive_twin_desired_state_changes.recv())
        .await
        .expect("in time")
        .expect("open")
        .expect("decodes");
    assert!(!update.snapshot, "a change the hub sent");
    assert_eq!(update.message.version, version);
    let patch: Value = update.json().expect("JSON");
    assert_eq!(patch["interval"], 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_get_twin_calls_on_one_connection_are_all_answered() {
    let hub = emulator(&["d1"]).await;
    hub.hub()
        .twins()
        .patch_desired(&id("d1"), &json!({"mode": "eco"}))
        .expect("patched");
    let (client, _receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_twin().await })
        })
        .collect();
    for call in calls {
        let outcome = call.await.expect("joins").expect("answered");
        let Outcome::Success(reply) = outcome else {
            panic!("get_twin failed: {outcome:?}");
        };
        let twin: Value = reply.json().expect("JSON");
        assert_eq!(twin["desired"]["mode"], "eco");
    }
    let mut state = client.connection_state();
    assert!(
        matches!(
            *state.borrow_and_update(),
            iothub_client::runtime::ConnectionState::Connected { connection: 1, .. }
        ),
        "one connection throughout"
    );
}

#[tokio::test]
async fn a_method_answered_too_late_times_out_at_the_hub_and_the_late_answer_harms_nothing() {
    let hub = emulator(&["d1"]).await;
    let (client, mut receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    let methods = hub.hub().methods().clone();
    let caller = tokio::spawn(async move {
        for _ in 0..100 {
            match methods
                .invoke(&id("d1"), "slow", Bytes::new(), Duration::from_millis(300))
                .await
            {
                Err(iothub_emulator::methods::MethodError::Unreachable(_)) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                other => return other,
            }
        }
        panic!("the device never subscribed");
    });
    let call = tokio::time::timeout(WAIT, receivers.receive_direct_methods.recv())
        .await
        .expect("a call in time")
        .expect("open")
        .expect("decodes");
    let error = caller.await.expect("joins").expect_err("too late");
    assert_eq!(error.status().to_text(), "06A1", "{error:?}");
    // The answer after the hub gave up goes out and is ignored.
    call.respond(
        receive_direct_methods::Response { response_code: 200 },
        Bytes::new(),
    )
    .await
    .expect("sent");
    assert!(client.get_twin().await.expect("answered").is_success());
}

#[tokio::test]
async fn a_module_identity_connects_and_has_a_twin_of_its_own() {
    use iothub_emulator::registry::{Authentication, Device, DeviceId, Key};
    use iothub_test_kit::sas::key_bytes;
    let hub = emulator(&["d1"]).await;
    let module = DeviceId::module(&id("d1"), "sensor").expect("module id");
    hub.hub().registry().put(Device::new(
        module.clone(),
        Authentication::Sas {
            primary: Key::from_bytes(key_bytes(9)).expect("key"),
            secondary: Key::from_bytes(key_bytes(10)).expect("key"),
        },
    ));
    // The module's key, as its connection string would carry it.
    let (client, _receivers) =
        Client::connect(options(&hub, "d1", 9).module_id("sensor")).expect("starts");
    client
        .wait_connected(WAIT)
        .await
        .expect("the module connects");
    let patched = client
        .patch_twin_reported(
            patch_twin_reported::Request::default(),
            &json!({"role": "sensor"}),
        )
        .await
        .expect("answered");
    assert!(matches!(patched, Outcome::Success(_)), "{patched:?}");
    assert_eq!(
        hub.hub().twins().get(&module).reported.properties["role"],
        "sensor"
    );
    assert!(
        hub.hub()
            .twins()
            .get(&id("d1"))
            .reported
            .properties
            .is_empty(),
        "the device's twin is its own"
    );
    client.disconnect().await;
}
