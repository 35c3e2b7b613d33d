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

/// What `cargo tree` prints for `package`'s normal dependencies with their
/// features, one per line.
fn tree(package: &str) -> String {
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(common::root())
        .args(["tree", "--locked", "--offline", "-p", package])
        .args(["-e", "normal,features", "--prefix", "none"])
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The emulator depends on the typed API alone: no device runtime, no TLS
/// roots a device trusts, no device credentials (the `device` feature of
/// `iothub-client` stays off); a device application gets all of them.
#[test]
fn the_emulator_depends_on_the_typed_api_without_the_device_client() {
    let emulator = tree("iothub-emulator");
    assert!(emulator.contains("iothub-client v"), "{emulator}");
    for absent in ["webpki-roots", "iothub-client feature \"device\""] {
        assert!(
            !emulator.lines().any(|line| line.contains(absent)),
            "the emulator's tree has {absent}:\n{emulator}"
        );
    }
    // With its default features (a device's), the client has them.
    let client = tree("iothub-client");
    assert!(client.contains("webpki-roots v"), "{client}");
}
