//! Regenerate on change: the client crate is generated from whatever spec
//! its build sees (`IOTHUB_SPEC`), so a spec that gains an operation gives a
//! crate with that operation's types and a client method for it, a spec that loses a property gives a
//! crate without it, and the docs of every locale gain the new operation
//! with English fallback. Each probe is a small program checked by cargo
//! against `iothub-client` in a target folder of its own (kept between runs,
//! so only the first run compiles the dependencies).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use iothub_codegen::docs::{self, Catalog};

const NEW_OPERATION: &str = r#"operations:
  - name: get-device-info
    title: Get Device Info
    summary: Get the device's information
    interaction: request-response
    direction: c2s
    qos: 0
    topic: $iothub/device-info/get
    request:
      properties:
        - name: detail
          type: string
          required: false
          description: how much to return
      payload: empty
    response:
      properties:
        - name: firmware-version
          type: string
          required: true
          description: version of the firmware
      payload: Twin
    alternatives:
      - response: not-found

"#;

fn real_spec() -> String {
    std::fs::read_to_string(common::root().join("spec/iothub-mqtt5.yaml")).expect("spec")
}

fn spec_with_new_operation() -> String {
    let spec = real_spec();
    assert_eq!(
        spec.matches("\noperations:\n").count(),
        1,
        "spec changed shape"
    );
    spec.replacen("\noperations:\n", &format!("\n{NEW_OPERATION}"), 1)
}

fn spec_without_if_version() -> String {
    let spec = real_spec();
    let property = "    request:\n      properties:\n        - name: if-version\n          type: u64\n          required: false\n      payload: TwinState\n";
    assert_eq!(spec.matches(property).count(), 1, "spec changed shape");
    spec.replacen(property, "    request:\n      payload: TwinState\n", 1)
}

/// A probe crate depending on `iothub-client`, in `target/regenerate-probe`.
struct Probe {
    dir: PathBuf,
}

impl Probe {
    fn new() -> Self {
        let root = common::root().canonicalize().expect("workspace root");
        let dir = root.join("target/regenerate-probe");
        std::fs::create_dir_all(dir.join("src")).expect("probe dir");
        let client = root.join("generated-client");
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"regenerate-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [dependencies]\niothub-client = {{ path = {:?} }}\n\n[workspace]\n",
                client.display().to_string()
            ),
        )
        .expect("probe manifest");
        // The workspace's lock file pins the same versions, so no registry is needed.
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
        Self { dir }
    }

    /// `cargo check` of `main` against the client generated from `spec`;
    /// returns success and the compiler's output.
    fn check(&self, spec: &str, main: &str, label: &str) -> (bool, String) {
        let spec_path = self.dir.join(format!("{label}.yaml"));
        std::fs::write(&spec_path, spec).expect("probe spec");
        std::fs::write(self.dir.join("src/main.rs"), main).expect("probe main");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["check", "--quiet", "--offline", "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
            .env("IOTHUB_SPEC", &spec_path)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

const USES_NEW_OPERATION: &str = r#"
use iothub_client::api::get_device_info::{Request, Response, Alternative, TOPIC};
use iothub_client::operation::Operation;
use iothub_client::wire::{MqttProperties, Properties};

fn main() {
    let request = Request { detail: Some("all".to_owned()) };
    let _ = request.to_properties();
    let wire = Properties {
        user: vec![("firmware-version".to_owned(), "1.2.3".to_owned())],
        ..Properties::default()
    };
    let response = Response::from_properties(&wire).expect("decodes");
    assert_eq!(response.firmware_version, "1.2.3");
    let _ = Alternative::NotFound;
    assert_eq!(TOPIC, "$iothub/device-info/get");
    assert_eq!(iothub_client::api::GetDeviceInfo::NAME, "get-device-info");
}

/// The client gains the operation's method, with its typed outcome.
#[allow(dead_code)]
async fn call(client: &iothub_client::Client) -> Result<(), iothub_client::Error> {
    use iothub_client::operation::Outcome;
    match client.get_device_info(Request { detail: None }).await? {
        Outcome::Success(reply) => {
            let _: &Response = &reply.message;
            let _: &iothub_client::bytes::Bytes = &reply.payload;
        }
        Outcome::Alternative { status, .. } => {
            let _: Alternative = status;
        }
    }
    let _ = client.get_device_info_within(Request::default(), std::time::Duration::from_secs(1)).await?;
    Ok(())
}
"#;

const USES_IF_VERSION: &str = r#"
use iothub_client::api::patch_twin_reported::Request;

fn main() {
    let request = Request { if_version: Some(3) };
    let _ = request;
}
"#;

#[test]
fn the_client_crate_follows_the_spec() {
    let probe = Probe::new();

    // The real spec: the program using `if_version` compiles, the new operation does not exist.
    let (ok, out) = probe.check(&real_spec(), USES_IF_VERSION, "real");
    assert!(ok, "uses if-version with the real spec:\n{out}");
    let (ok, out) = probe.check(&real_spec(), USES_NEW_OPERATION, "real");
    assert!(!ok, "get-device-info must not exist in the real spec");
    // Failing for that reason, not any other.
    assert!(
        out.contains("could not find `get_device_info` in `api`"),
        "the compiler names the missing module:\n{out}"
    );

    // A spec with a new operation: its types exist and compile.
    let (ok, out) = probe.check(&spec_with_new_operation(), USES_NEW_OPERATION, "added");
    assert!(ok, "the new operation's types:\n{out}");

    // A spec without `if-version`: the program using it no longer compiles.
    let (ok, out) = probe.check(&spec_without_if_version(), USES_IF_VERSION, "removed");
    assert!(!ok, "if_version must be gone");
    assert!(
        out.contains("has no field named `if_version`"),
        "the compiler names the field:\n{out}"
    );

    // An invalid spec fails the build with the located problem.
    let broken = real_spec().replacen("status: \"0100\"", "status: \"0900\"", 1);
    let (ok, out) = probe.check(&broken, USES_IF_VERSION, "broken");
    assert!(!ok);
    assert!(
        out.contains("broken.yaml:") && out.contains("error[reserved-status-bits]"),
        "{out}"
    );
}

#[test]
fn docs_of_every_locale_gain_a_new_operation_in_english() {
    let root = common::root();
    let api = iothub_codegen::parse(&spec_with_new_operation(), Path::new("added.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let locales = docs::publish::load_catalogs(&root.join("spec/locales")).expect("catalogs");
    assert_eq!(locales.len(), common::catalog_count());
    assert!(!locales.is_empty());
    for catalog in &locales {
        let (text, coverage) = docs::render(&api, Some(catalog)).expect("renders");
        assert!(
            text.contains("### <a name=\"get-device-info\"></a>Get Device Info"),
            "{}",
            catalog.locale
        );
        assert!(
            text.contains("| firmware-version | string |"),
            "{}",
            catalog.locale
        );
        assert!(
            coverage
                .missing
                .iter()
                .any(|p| p == "operation.get-device-info.title"),
            "{}",
            catalog.locale
        );
        assert!(coverage
            .missing
            .iter()
            .any(|p| p == "operation.get-device-info.summary"));
        // Shared labels of the new operation are already translated.
        assert!(!coverage
            .missing
            .iter()
            .any(|p| p == "operation.get-device-info.request.heading"));
        let _: &Catalog = catalog;
    }
}
