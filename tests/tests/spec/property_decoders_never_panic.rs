//! The typed property decoders on properties a peer may send: valid ones
//! of each message type, mutated (a property dropped, repeated, renamed,
//! its value changed to one of another type, an unknown or application
//! property added), and lists made of the spec's names and odd values.
//! Every decoder and outcome runs without a panic, and what decodes
//! re-encodes to itself (`decoder_checks`, shared with the
//! `property_decoders` fuzz target). Fixed seed: the same cases every run.

use crate::decoder_checks;

use std::path::PathBuf;

use decoder_checks::{check, MESSAGE_TYPES, NAMES, VALUES};
use iothub_client::api::{self, responses};
use iothub_client::wire::{MqttProperties, Properties, PropertyInfo, PropertyKind};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// The properties each message type states, in the order of `MESSAGE_TYPES`.
fn layouts() -> Vec<&'static [PropertyInfo]> {
    vec![
        api::connection::Connect::PROPERTIES,
        api::get_twin::Request::PROPERTIES,
        api::get_twin::Response::PROPERTIES,
        api::patch_twin_reported::Request::PROPERTIES,
        api::patch_twin_reported::Response::PROPERTIES,
        api::receive_commands::Message::PROPERTIES,
        api::receive_commands::Ack::PROPERTIES,
        api::receive_direct_methods::Request::PROPERTIES,
        api::receive_direct_methods::Response::PROPERTIES,
        api::receive_twin_desired_state_changes::Message::PROPERTIES,
        api::send_telemetry::Message::PROPERTIES,
        api::send_telemetry::Ack::PROPERTIES,
        responses::BadRequest::PROPERTIES,
        responses::Conflict::PROPERTIES,
        responses::NotAllowed::PROPERTIES,
        responses::NotAuthorized::PROPERTIES,
        responses::NotFound::PROPERTIES,
        responses::NotModified::PROPERTIES,
        responses::PreconditionFailed::PROPERTIES,
        responses::QuotaExceeded::PROPERTIES,
        responses::ResourceExhausted::PROPERTIES,
        responses::ServerBusy::PROPERTIES,
        responses::ServerError::PROPERTIES,
        responses::TargetFailed::PROPERTIES,
        responses::TargetTimeout::PROPERTIES,
        responses::TargetUnavailable::PROPERTIES,
        responses::Throttled::PROPERTIES,
        responses::Timeout::PROPERTIES,
    ]
}

/// A valid value of API type `type_name`.
fn valid_value(type_name: &'static str) -> BoxedStrategy<String> {
    match type_name {
        "u32" => any::<u32>().prop_map(|v| v.to_string()).boxed(),
        "u64" | "time" => any::<u64>().prop_map(|v| v.to_string()).boxed(),
        "i32" => any::<i32>().prop_map(|v| v.to_string()).boxed(),
        "status" => prop_oneof![
            Just("0000".to_owned()),
            Just("0100".to_owned()),
            Just("0501".to_owned()),
            Just("06A0".to_owned()),
            (0u16..=0x07FF).prop_map(|v| format!("{v:04X}")),
        ]
        .boxed(),
        _ => "\\PC{0,12}".boxed(),
    }
}

/// Properties that are valid (or nearly: a status may not be the one a
/// named response has) for the message type whose properties are `layout`.
fn valid_for(layout: &'static [PropertyInfo]) -> impl Strategy<Value = Properties> {
    let fields: Vec<_> = layout
        .iter()
        .map(|info| {
            let present = if info.required {
                Just(true).boxed()
            } else {
                any::<bool>().boxed()
            };
            (present, valid_value(info.type_name))
                .prop_map(move |(present, value)| present.then_some((info.kind, info.name, value)))
        })
        .collect();
    fields.prop_map(|fields| {
        let mut p = Properties::default();
        for (kind, name, value) in fields.into_iter().flatten() {
            match kind {
                PropertyKind::User => p.user.push((name.to_owned(), value)),
                PropertyKind::ContentType => p.content_type = Some(value),
                PropertyKind::CorrelationData => p.correlation_data = Some(value.into()),
            }
        }
        p
    })
}

/// A name of the spec's, a near miss, or any text.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "@?[a-zA-Z-]{0,10}",
    ]
}

/// An odd value or a valid one of any type, or any text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(VALUES).prop_map(str::to_owned),
        1 => "\\PC{0,16}",
    ]
}

/// A change to a property list.
#[derive(Debug, Clone)]
enum Mutation {
    Drop(usize),
    Repeat(usize),
    Rename(usize, String),
    Revalue(usize, String),
    Add(String, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Repeat),
        (any::<usize>(), name()).prop_map(|(i, n)| Mutation::Rename(i, n)),
        (any::<usize>(), value()).prop_map(|(i, v)| Mutation::Revalue(i, v)),
        (name(), value()).prop_map(|(n, v)| Mutation::Add(n, v)),
    ]
}

fn apply(p: &mut Properties, m: Mutation) {
    let len = p.user.len();
    match m {
        Mutation::Add(name, value) => p.user.push((name, value)),
        _ if len == 0 => {}
        Mutation::Drop(i) => {
            p.user.remove(i % len);
        }
        Mutation::Repeat(i) => {
            let entry = p.user[i % len].clone();
            p.user.push(entry);
        }
        Mutation::Rename(i, name) => p.user[i % len].0 = name,
        Mutation::Revalue(i, value) => p.user[i % len].1 = value,
    }
}

/// Valid properties of one message type, mutated.
fn near_valid() -> impl Strategy<Value = Properties> {
    let layouts = layouts();
    (0..layouts.len())
        .prop_flat_map(move |i| valid_for(layouts[i]))
        .prop_flat_map(|p| (Just(p), proptest::collection::vec(mutation(), 0..4)))
        .prop_map(|(mut p, mutations)| {
            for m in mutations {
                apply(&mut p, m);
            }
            p
        })
}

/// A list of names and values of the spec's and others, with or without
/// Content Type and Correlation Data.
fn arbitrary_properties() -> impl Strategy<Value = Properties> {
    (
        proptest::collection::vec((name(), value()), 0..10),
        proptest::option::of("\\PC{0,8}"),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..24)),
    )
        .prop_map(|(user, content_type, correlation)| Properties {
            content_type,
            correlation_data: correlation.map(Into::into),
            user,
        })
}

/// A PUBACK reason code: success, the API's error codes, or any.
fn reason_code() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(0u8),
        Just(0x10),
        Just(0x83),
        Just(0x87),
        Just(0x97),
        any::<u8>()
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        rng_seed: RngSeed::Fixed(0xdec0_de45),
        ..ProptestConfig::default()
    })]

    #[test]
    fn near_valid_properties_decode_or_fail_cleanly(p in near_valid(), code in reason_code()) {
        check(&p, code);
    }

    #[test]
    fn arbitrary_properties_decode_or_fail_cleanly(p in arbitrary_properties(), code in reason_code()) {
        check(&p, code);
    }
}

#[test]
fn every_message_type_is_checked() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml");
    let spec = iothub_codegen::load(path).unwrap_or_else(|e| panic!("{e}"));
    let per_operation: usize = spec
        .operations
        .iter()
        .map(|o| 1 + usize::from(o.success.is_some()))
        .sum();
    // The CONNECT properties, each operation's messages, the named responses.
    let expected = 1 + per_operation + spec.responses.len();
    assert_eq!(MESSAGE_TYPES.len(), expected, "list every message type");
    assert_eq!(layouts().len(), MESSAGE_TYPES.len());
}
