//! The generated Rust for the real spec is committed as
//! `tests/golden/iothub_api.rs`: any change to the generator or the spec
//! shows up as a reviewable diff of that file, and the file is compiled here
//! against the runtime it targets.

use crate::common;

/// The committed golden output, compiled as a module of this test (only
/// part of it is used here).
#[allow(dead_code, unused_imports)]
mod generated {
    include!("../../golden/iothub_api.rs");
}

use iothub_client::operation::Operation;
use iothub_client::status::StatusCode;

#[test]
fn golden_file_is_what_the_generator_prints_now() {
    let root = common::root();
    let api =
        iothub_codegen::load(root.join("spec/iothub-mqtt5.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let generated = iothub_codegen::rust::generate(&api).expect("generates");
    let golden =
        std::fs::read_to_string(root.join("tests/golden/iothub_api.rs")).expect("golden file");
    assert!(
        golden == generated,
        "tests/golden/iothub_api.rs is out of date: review the change, then run \
         `cargo run -p iothub-codegen -- rust --out tests/golden/iothub_api.rs`"
    );
}

#[test]
fn golden_code_is_the_code_the_client_includes() {
    // Same descriptors and statuses in the compiled golden module and in the
    // client crate's build-time output.
    assert_eq!(
        generated::GetTwin::TOPIC,
        iothub_client::api::GetTwin::TOPIC
    );
    assert_eq!(
        generated::SendTelemetry::STATUSES,
        iothub_client::api::SendTelemetry::STATUSES
    );
    assert_eq!(
        generated::ReceiveDirectMethods::TOPIC_FILTER,
        "$iothub/methods/+"
    );
    assert_eq!(
        generated::Status::from_code(0x0501).name(),
        iothub_client::api::Status::Throttled.name()
    );
    assert_eq!(generated::API_VERSION, iothub_client::api::API_VERSION);
}
