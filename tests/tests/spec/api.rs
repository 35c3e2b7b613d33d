//! The generated API types against the spec and the overview's rules:
//! statuses and their bits, message encode/decode (with proptest over
//! property values), decode errors, topics and descriptors.

use std::path::PathBuf;

use iothub_client::api::{self, responses};
use iothub_client::operation::{Direction, Interaction, Operation};
use iothub_client::status::{StatusCode, StatusKind, StatusProblem};
use iothub_client::wire::{
    ApplicationProperties, MqttProperties, Properties, PropertyKind, Timestamp,
};
use iothub_client::Error;
use proptest::prelude::*;

fn spec() -> iothub_codegen::ir::Api {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml");
    iothub_codegen::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The overview's bit layout (the ground truth the spec must state),
/// written here from the overview, independently of the spec and the runtime.
fn expected_kind(code: u16) -> Option<StatusKind> {
    match (code >> 8) & 0b11 {
        0b00 => Some(StatusKind::Success),
        0b01 => Some(StatusKind::ClientError),
        0b10 => Some(StatusKind::ServerError),
        _ => None,
    }
}

#[test]
fn every_code_round_trips_through_its_text_form_with_the_overviews_bits() {
    for code in 0..=u16::MAX {
        let status = api::Status::from_code(code);
        assert_eq!(status.code(), code);
        let text = status.to_text();
        assert_eq!(text.len(), 4);
        if code & 0xF800 != 0 {
            // Bits 3–7 of the first byte are reserved: such a status is
            // invalid, and says so (not "not hex digits").
            assert_eq!(
                text.parse::<api::Status>(),
                Err(Error::InvalidStatus {
                    text: text.clone(),
                    problem: StatusProblem::Reserved(code & 0xF800),
                }),
                "{text}"
            );
            continue;
        }
        assert_eq!(text.parse::<api::Status>(), Ok(status), "{text}");
        assert_eq!(text.to_lowercase().parse::<api::Status>(), Ok(status));
        assert_eq!(status.kind(), expected_kind(code), "{text}");
        assert_eq!(status.retryable(), (code >> 8) & 0b100 != 0, "{text}");
    }
    for bad in ["", "501", "00501", "05O1", "+501", " 501"] {
        assert_eq!(
            bad.parse::<api::Status>(),
            Err(Error::InvalidStatus {
                text: bad.to_owned(),
                problem: StatusProblem::NotHex,
            }),
            "{bad:?}"
        );
    }
    let reserved = "0A01".parse::<api::Status>().unwrap_err();
    assert!(reserved.to_string().contains("reserved bits"), "{reserved}");
}

#[test]
fn overview_examples() {
    let throttled = api::Status::Throttled;
    assert_eq!(
        (throttled.code(), throttled.kind(), throttled.retryable()),
        (0x0501, Some(StatusKind::ClientError), true)
    );
    let busy = api::Status::ServerBusy;
    assert_eq!(
        (busy.code(), busy.kind(), busy.retryable()),
        (0x0603, Some(StatusKind::ServerError), true)
    );
    let bad = api::Status::BadRequest;
    assert_eq!(
        (bad.code(), bad.kind(), bad.retryable()),
        (0x0100, Some(StatusKind::ClientError), false)
    );
    assert_eq!(api::Status::NotModified.kind(), Some(StatusKind::Success));
    assert_eq!(bad.to_string(), "Bad Request");
    assert_eq!(
        api::Status::from_code(0x0777).to_string(),
        "unknown status 0777"
    );
    // Commands' own names for shared codes.
    assert_eq!(api::receive_commands::Alternative::Abandon.code(), 0x0603);
    assert_eq!(api::receive_commands::Alternative::Reject.code(), 0x0100);
    assert_eq!(
        api::receive_commands::Alternative::from_code(0x0603).to_string(),
        "Abandon"
    );
}

#[test]
fn statuses_and_outcomes_are_the_specs() {
    let spec = spec();
    for r in &spec.responses {
        let s = api::Status::from_code(r.status.code);
        assert!(s.is_known(), "{}", r.name);
        assert_eq!(
            (s.name(), s.reason_code()),
            (r.title.as_str(), r.reason_code),
            "{}",
            r.name
        );
    }
    let known = (0..=u16::MAX)
        .filter(|c| api::Status::from_code(*c).is_known())
        .count();
    assert_eq!(known, spec.responses.len());
    // Unknown codes get a reason code by kind.
    assert_eq!(api::Status::from_code(0x0777).reason_code(), 131);
    assert_eq!(api::Status::from_code(0x0077).reason_code(), 0);
}

/// A descriptor against its spec operation.
fn check_descriptor<O: Operation>(spec: &iothub_codegen::ir::Api) -> &'static str {
    let op = spec
        .operation(O::NAME)
        .unwrap_or_else(|| panic!("{} not in spec", O::NAME));
    assert_eq!(O::TOPIC, op.topic.text);
    assert_eq!(O::QOS, op.qos);
    let interaction = match op.interaction {
        iothub_codegen::ir::Interaction::RequestResponse => Interaction::RequestResponse,
        iothub_codegen::ir::Interaction::MessageAck => Interaction::MessageAck,
        iothub_codegen::ir::Interaction::Message => Interaction::Message,
    };
    assert_eq!(O::INTERACTION, interaction);
    let direction = match op.direction {
        iothub_codegen::ir::Direction::C2s => Direction::ClientToServer,
        iothub_codegen::ir::Direction::S2c => Direction::ServerToClient,
    };
    assert_eq!(O::DIRECTION, direction);
    let statuses: Vec<u16> = op.alternatives.iter().map(|a| a.status.code).collect();
    assert_eq!(O::STATUSES, statuses.as_slice());
    O::NAME
}

#[test]
fn descriptors_are_the_specs() {
    let spec = spec();
    let checked = [
        check_descriptor::<api::GetTwin>(&spec),
        check_descriptor::<api::PatchTwinReported>(&spec),
        check_descriptor::<api::ReceiveCommands>(&spec),
        check_descriptor::<api::ReceiveDirectMethods>(&spec),
        check_descriptor::<api::ReceiveTwinDesiredStateChanges>(&spec),
        check_descriptor::<api::SendTelemetry>(&spec),
    ];
    // Every operation of the spec has its line above.
    let mut names: Vec<&str> = checked.to_vec();
    names.sort_unstable();
    let mut expected: Vec<&str> = spec.operations.iter().map(|o| o.name.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(names, expected, "a new operation needs a line above");
}

#[test]
fn the_runtime_uses_the_specs_application_property_prefix() {
    assert_eq!(
        iothub_client::wire::APPLICATION_PROPERTY_PREFIX,
        api::limits::APPLICATION_PROPERTY_PREFIX
    );
}

#[test]
fn topics_build_and_match() {
    use api::receive_direct_methods as methods;
    assert_eq!(
        methods::topic("reboot").as_deref(),
        Ok("$iothub/methods/reboot")
    );
    assert_eq!(
        methods::match_topic("$iothub/methods/reboot").map(|p| p.name),
        Some("reboot")
    );
    for bad in ["", "a/b", "+", "#", "a\0"] {
        assert!(
            matches!(
                methods::topic(bad),
                Err(Error::InvalidTopicParameter { name: "name", .. })
            ),
            "{bad:?}"
        );
    }
    for other in [
        "$iothub/methods",
        "$iothub/methods/",
        "$iothub/methods/a/b",
        "$iothub/method/a",
        "iothub/methods/a",
    ] {
        assert_eq!(methods::match_topic(other), None, "{other}");
    }
    assert_eq!(methods::TOPIC_FILTER, "$iothub/methods/+");
    assert!(api::send_telemetry::is_topic("$iothub/telemetry"));
    assert!(!api::send_telemetry::is_topic("$iothub/telemetry/"));
    assert!(!api::send_telemetry::is_topic("$IOTHUB/telemetry"));
}

fn props(user: &[(&str, &str)]) -> Properties {
    Properties {
        user: user
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        ..Properties::default()
    }
}

#[test]
fn decoding_hand_built_property_lists() {
    use api::receive_commands::Message as Command;
    let full = [
        ("sequence-no", "7"),
        ("enqueued-time", "1600987195320"),
        ("delivery-count", "1"),
    ];
    let command = Command::from_properties(&props(&full)).expect("decodes");
    assert_eq!(command.sequence_no, 7);
    assert_eq!(command.enqueued_time, Timestamp(1_600_987_195_320));
    assert_eq!(command.message_id, None);

    let missing = &full[1..];
    assert_eq!(
        Command::from_properties(&props(missing)),
        Err(Error::MissingProperty {
            name: "sequence-no"
        })
    );

    let bad = [("sequence-no", "12a"), full[1], full[2]];
    assert_eq!(
        Command::from_properties(&props(&bad)),
        Err(Error::InvalidProperty {
            name: "sequence-no",
            value: "12a".into(),
            expected: "u64"
        })
    );

    // The hub sends commands: a property this spec does not list is kept.
    let unknown = [full[0], ("colour", "red"), full[1], full[2]];
    let command = Command::from_properties(&props(&unknown)).expect("tolerant");
    assert_eq!(
        command.other_properties,
        [("colour".to_owned(), "red".to_owned())]
    );
    // A client sends telemetry: the hub rejects what the spec does not list.
    assert_eq!(
        api::send_telemetry::Message::from_properties(&props(&[("colour", "red")])),
        Err(Error::UnknownProperty {
            name: "colour".into()
        })
    );

    let twice = [full[0], full[0], full[1], full[2]];
    assert_eq!(
        Command::from_properties(&props(&twice)),
        Err(Error::DuplicateProperty {
            name: "sequence-no"
        })
    );

    // Application properties where the spec allows them…
    let with_app = [("@custom", "value"), ("creation-time", "1600987195320")];
    let telemetry =
        api::send_telemetry::Message::from_properties(&props(&with_app)).expect("decodes");
    assert_eq!(telemetry.application.get("custom"), Some("value"));
    assert_eq!(telemetry.creation_time, Some(Timestamp(1_600_987_195_320)));
    // …and nowhere else.
    assert_eq!(
        api::get_twin::Request::from_properties(&props(&[("@custom", "value")])),
        Err(Error::UnknownProperty {
            name: "@custom".into()
        })
    );
    // First-class Content Type.
    let mut p = props(&[]);
    p.content_type = Some("application/json".into());
    let telemetry = api::send_telemetry::Message::from_properties(&p).expect("decodes");
    assert_eq!(telemetry.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        telemetry.to_publish_properties().content_type.as_deref(),
        Some("application/json")
    );

    // Error responses carry their status.
    let bad_request =
        responses::BadRequest::from_properties(&props(&[("status", "0100"), ("reason", "no")]))
            .expect("decodes");
    assert_eq!(
        (bad_request.status, bad_request.reason.as_deref()),
        (api::Status::BadRequest, Some("no"))
    );
    assert!(matches!(
        responses::BadRequest::from_properties(&props(&[("status", "01")])),
        Err(Error::InvalidProperty { name: "status", .. })
    ));
    // A named response is only itself.
    assert_eq!(
        responses::BadRequest::from_properties(&props(&[("status", "0501")])),
        Err(Error::UnexpectedStatus {
            expected: "0100".into(),
            found: "0501".into()
        })
    );
    // Every named response takes the hub's outcome properties.
    let throttled = responses::Throttled::from_properties(&props(&[
        ("status", "0501"),
        ("trace-id", "t-1"),
        ("reason", "slow down"),
    ]))
    .expect("decodes");
    assert_eq!(
        (throttled.trace_id.as_deref(), throttled.reason.as_deref()),
        (Some("t-1"), Some("slow down"))
    );
}

#[test]
fn success_responses_take_the_hubs_outcome_properties() {
    // `trace-id` on a Get Twin response was an error; now it is exposed.
    let response =
        api::get_twin::Response::from_properties(&props(&[("trace-id", "abc")])).expect("decodes");
    assert_eq!(response.trace_id.as_deref(), Some("abc"));
    assert_eq!(response.status, None);
    let patched = api::patch_twin_reported::Response::from_properties(&props(&[
        ("version", "4"),
        ("reason", "fine"),
        ("added-later", "x"),
    ]))
    .expect("decodes");
    assert_eq!(
        (patched.version, patched.reason.as_deref()),
        (4, Some("fine"))
    );
    assert_eq!(
        patched.other_properties,
        [("added-later".to_owned(), "x".to_owned())]
    );
    // The acknowledgement the hub sends for telemetry too.
    let ack =
        api::send_telemetry::Ack::from_properties(&props(&[("trace-id", "t")])).expect("decodes");
    assert_eq!(ack.trace_id.as_deref(), Some("t"));
}

#[test]
fn responses_and_pubacks_become_the_operations_typed_outcome() {
    use api::get_twin::Alternative as TwinAlternative;
    use iothub_client::operation::Outcome;

    // No status: the success response.
    let success = api::get_twin::outcome(&props(&[("trace-id", "t")])).expect("decodes");
    assert!(success.is_success() && !success.is_retryable());
    // A status: the alternative, with reason and trace ID; retryable from its bits.
    let throttled = api::get_twin::outcome(&props(&[
        ("status", "0501"),
        ("reason", "slow down"),
        ("trace-id", "t-2"),
    ]))
    .expect("decodes");
    assert_eq!(
        throttled,
        Outcome::Alternative {
            status: TwinAlternative::Throttled,
            reason_code: 151,
            reason: Some("slow down".into()),
            trace_id: Some("t-2".into()),
            other_properties: Vec::new(),
        }
    );
    assert!(throttled.is_retryable());
    // From the hub, what the spec does not define is kept.
    let newer = api::get_twin::outcome(&props(&[("status", "0603"), ("retry-after", "5")]))
        .expect("decodes");
    assert!(matches!(
        newer,
        Outcome::Alternative { ref other_properties, .. }
            if other_properties == &[("retry-after".to_owned(), "5".to_owned())]
    ));
    let bad = api::get_twin::outcome(&props(&[("status", "0100")])).expect("decodes");
    assert_eq!(bad.status(), Some(TwinAlternative::BadRequest));
    assert!(!bad.is_retryable());
    // A code the operation does not list is kept, not an error.
    assert_eq!(
        api::get_twin::outcome(&props(&[("status", "0777")]))
            .expect("decodes")
            .status(),
        Some(TwinAlternative::Unknown(0x0777))
    );
    // A malformed status is an error that says what is wrong.
    assert_eq!(
        api::get_twin::outcome(&props(&[("status", "0A01")])),
        Err(Error::InvalidStatus {
            text: "0A01".into(),
            problem: StatusProblem::Reserved(0x0800)
        })
    );

    // PUBACKs: success by reason code; otherwise the status names the alternative.
    let posted = api::send_telemetry::outcome(0, &props(&[])).expect("decodes");
    assert!(posted.is_success());
    let refused =
        api::send_telemetry::outcome(135, &props(&[("status", "0101")])).expect("decodes");
    assert_eq!(
        refused,
        Outcome::Alternative {
            status: api::send_telemetry::Alternative::NotAuthorized,
            reason_code: 135,
            reason: None,
            trace_id: None,
            other_properties: Vec::new(),
        }
    );
    // The overview lets the hub leave `status` out of a non-success PUBACK:
    // the reason code alone is the outcome, the one alternative that goes
    // with it, or `Unknown` where none or several do (131 is three's, 151
    // Throttled's and Quota Exceeded's).
    use api::send_telemetry::Alternative as TelemetryAck;
    let no_status = |code| api::send_telemetry::outcome(code, &props(&[])).expect("decodes");
    assert_eq!(no_status(135).status(), Some(TelemetryAck::NotAuthorized));
    for (code, why) in [(131, "several"), (151, "two"), (0x99, "none")] {
        let outcome = no_status(code);
        let status = outcome.status().expect("an alternative");
        assert_eq!(status, TelemetryAck::Unknown(0xFBFF), "{why}");
        assert_eq!(status.kind(), None, "{why}");
        assert!(matches!(outcome, Outcome::Alternative { reason_code, .. } if reason_code == code));
        assert!(!outcome.is_retryable(), "an unknown kind is not retryable");
    }
    // A `status` with reserved bits set: the reason code, too.
    assert_eq!(
        api::send_telemetry::outcome(135, &props(&[("status", "FF01")]))
            .expect("decodes")
            .status(),
        Some(TelemetryAck::NotAuthorized)
    );
    assert_eq!(
        no_status(135).into_result(),
        Err(Error::Rejected {
            status: "0101".into(),
            reason: None
        })
    );
    assert_eq!(
        posted.into_result(),
        Ok(api::send_telemetry::Ack::default())
    );
    // The hub reading a device's command PUBACK: abandon and reject.
    use api::receive_commands::Alternative as CommandAck;
    let abandon =
        api::receive_commands::outcome(131, &props(&[("status", "0603")])).expect("decodes");
    assert_eq!(abandon.status(), Some(CommandAck::Abandon));
    assert!(abandon.is_retryable());
    let reject =
        api::receive_commands::outcome(131, &props(&[("status", "0100")])).expect("decodes");
    assert_eq!(reject.status(), Some(CommandAck::Reject));
    // A device's acknowledgement is read strictly, alternatives too.
    assert_eq!(
        api::receive_commands::outcome(0, &props(&[("colour", "red")])),
        Err(Error::UnknownProperty {
            name: "colour".into()
        })
    );
    for extra in [("colour", "red"), ("reason", "busy")] {
        assert_eq!(
            api::receive_commands::outcome(131, &props(&[("status", "0603"), extra])),
            Err(Error::UnknownProperty {
                name: extra.0.into()
            }),
            "{extra:?}"
        );
    }
    // A device's direct-method response: no status, or a success-kind one,
    // is the success response (which defines no status field of its own).
    use api::receive_direct_methods as methods;
    for p in [
        props(&[("response-code", "200")]),
        props(&[("response-code", "200"), ("status", "0000")]),
    ] {
        match methods::outcome(&p).expect("decodes") {
            Outcome::Success(response) => assert_eq!(response.response_code, 200),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        methods::outcome(&props(&[("status", "06A0")]))
            .expect("decodes")
            .status(),
        Some(methods::Alternative::TargetUnavailable)
    );
}

/// Random properties that are valid for a message type `M`; `status` fixes
/// the value of a `status` typed property (a named response has its own).
fn valid_properties<M: MqttProperties>(
    status: Option<String>,
) -> impl Strategy<Value = Properties> {
    let fields: Vec<BoxedStrategy<Option<(PropertyKind, String, String)>>> = M::PROPERTIES
        .iter()
        .map(|info| {
            let value: BoxedStrategy<String> = match info.type_name {
                "u32" => any::<u32>().prop_map(|v| v.to_string()).boxed(),
                "u64" | "time" => any::<u64>().prop_map(|v| v.to_string()).boxed(),
                "i32" => any::<i32>().prop_map(|v| v.to_string()).boxed(),
                "status" => match &status {
                    Some(fixed) => Just(fixed.clone()).boxed(),
                    None => (0u16..=0x07FF).prop_map(|v| format!("{v:04X}")).boxed(),
                },
                _ => "\\PC{0,24}".boxed(),
            };
            let name = info.name.to_owned();
            let kind = info.kind;
            let entry = value.prop_map(move |v| Some((kind, name.clone(), v)));
            if info.required {
                entry.boxed()
            } else {
                prop_oneof![Just(None), entry].boxed()
            }
        })
        .collect();
    let app = if M::APPLICATION_PROPERTIES {
        proptest::collection::vec(("[A-Za-z][A-Za-z0-9_-]{0,8}", "\\PC{0,12}"), 0..4).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (fields, app).prop_map(|(fields, app)| {
        let mut p = Properties::default();
        for (kind, name, value) in fields.into_iter().flatten() {
            match kind {
                PropertyKind::User => p.user.push((name, value)),
                PropertyKind::ContentType => p.content_type = Some(value),
                PropertyKind::CorrelationData => {
                    p.correlation_data = Some(value.into_bytes().into());
                }
            }
        }
        ApplicationProperties::from_iter(app).write_to(&mut p.user);
        p
    })
}

/// Decoding valid properties and encoding the message gives them back, also
/// through rumqttc's PUBLISH properties.
fn round_trip<M: MqttProperties + std::fmt::Debug + PartialEq>(
    p: &Properties,
) -> Result<(), TestCaseError> {
    let message = M::from_properties(p).map_err(|e| TestCaseError::fail(format!("{e}: {p:?}")))?;
    prop_assert_eq!(&message.to_properties(), p);
    let publish = message.to_publish_properties();
    let again = M::from_publish_properties(Some(&publish))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&again, &message);
    Ok(())
}

macro_rules! round_trips {
    ($($name:ident: $ty:ty,)* ; $($response:ident: $rty:ty,)*) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
            $(
                #[test]
                fn $name(p in valid_properties::<$ty>(None)) {
                    round_trip::<$ty>(&p)?;
                }
            )*
            $(
                #[test]
                fn $response(p in valid_properties::<$rty>(Some(<$rty>::STATUS.to_text()))) {
                    round_trip::<$rty>(&p)?;
                }
            )*
        }

        #[test]
        fn every_message_type_has_a_round_trip_test() {
            let spec = spec();
            let snake = |name: &str| name.replace('-', "_");
            let mut expected: Vec<String> = Vec::new();
            for o in &spec.operations {
                let rr = o.interaction == iothub_codegen::ir::Interaction::RequestResponse;
                let (first, second) = if rr { ("request", "response") } else { ("message", "ack") };
                expected.push(format!("{}_{first}", snake(&o.name)));
                if o.success.is_some() {
                    expected.push(format!("{}_{second}", snake(&o.name)));
                }
            }
            expected.extend(spec.responses.iter().map(|r| snake(&r.name)));
            expected.sort();
            let mut listed: Vec<String> = [$(stringify!($name),)* $(stringify!($response)),*]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
            listed.sort();
            assert_eq!(listed, expected, "list every generated message type");
        }
    };
}

round_trips! {
    get_twin_request: api::get_twin::Request,
    get_twin_response: api::get_twin::Response,
    patch_twin_reported_request: api::patch_twin_reported::Request,
    patch_twin_reported_response: api::patch_twin_reported::Response,
    receive_commands_message: api::receive_commands::Message,
    receive_commands_ack: api::receive_commands::Ack,
    receive_direct_methods_request: api::receive_direct_methods::Request,
    receive_direct_methods_response: api::receive_direct_methods::Response,
    receive_twin_desired_state_changes_message: api::receive_twin_desired_state_changes::Message,
    send_telemetry_message: api::send_telemetry::Message,
    send_telemetry_ack: api::send_telemetry::Ack,
    ;
    bad_request: responses::BadRequest,
    conflict: responses::Conflict,
    not_allowed: responses::NotAllowed,
    not_authorized: responses::NotAuthorized,
    not_found: responses::NotFound,
    not_modified: responses::NotModified,
    precondition_failed: responses::PreconditionFailed,
    quota_exceeded: responses::QuotaExceeded,
    resource_exhausted: responses::ResourceExhausted,
    server_busy: responses::ServerBusy,
    server_error: responses::ServerError,
    target_failed: responses::TargetFailed,
    target_timeout: responses::TargetTimeout,
    target_unavailable: responses::TargetUnavailable,
    throttled: responses::Throttled,
    timeout: responses::Timeout,
}
