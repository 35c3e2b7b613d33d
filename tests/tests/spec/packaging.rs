//! What the published crates carry: `iothub-client` generates its API at
//! build time from a spec, so the crate ships a copy of it
//! (`generated-client/spec/iothub-mqtt5.yaml`), which must be the
//! workspace's spec byte for byte (`iothub-codegen generate` refreshes it,
//! `iothub-codegen check` reports it stale).

use crate::common;

#[test]
fn the_client_crate_ships_the_workspace_spec() {
    let root = common::root();
    let spec = std::fs::read(root.join("spec/iothub-mqtt5.yaml")).expect("workspace spec");
    let copy =
        std::fs::read(root.join("generated-client/spec/iothub-mqtt5.yaml")).expect("packaged copy");
    assert!(
        spec == copy,
        "generated-client/spec/iothub-mqtt5.yaml differs from spec/iothub-mqtt5.yaml: run `cargo run -p iothub-codegen -- generate`"
    );
}

#[test]
fn the_client_manifest_packages_the_spec_copy() {
    let manifest = std::fs::read_to_string(common::root().join("generated-client/Cargo.toml"))
        .expect("manifest");
    let include = manifest
        .lines()
        .find(|l| l.starts_with("include"))
        .expect("an include list");
    assert!(include.contains("\"/spec/iothub-mqtt5.yaml\""), "{include}");
    assert!(include.contains("\"/build.rs\""), "{include}");
}
