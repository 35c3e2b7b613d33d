//! Generates the API-specific code of this crate from the spec: the file
//! named by `IOTHUB_SPEC`; else, inside the iothub-mqtt5 workspace, its
//! `spec/iothub-mqtt5.yaml`; else the copy this crate ships in `spec/`
//! (kept identical to the workspace's by `iothub-codegen check`). An invalid
//! spec fails the build with every located problem.

use std::path::PathBuf;
use std::process::ExitCode;

const SPEC: &str = "spec/iothub-mqtt5.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed=IOTHUB_SPEC");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let workspace = manifest.join("..").join(SPEC);
    let spec = std::env::var_os("IOTHUB_SPEC")
        .map(PathBuf::from)
        .or_else(|| workspace.is_file().then_some(workspace))
        .unwrap_or_else(|| manifest.join(SPEC));
    println!("cargo:rerun-if-changed={}", spec.display());
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set (run through cargo)");
        return ExitCode::FAILURE;
    };
    // Without the `device` feature, the typed API alone (what a hub needs):
    // no operation layer over the runtime.
    let device = std::env::var_os("CARGO_FEATURE_DEVICE").is_some();
    let config = iothub_codegen::rust::Config::new().device_client(device);
    let result = iothub_codegen::load(&spec)
        .and_then(|api| config.generate(&api))
        .and_then(|code| {
            iothub_codegen::output::write_if_changed(&out_dir.join("iothub_api.rs"), &code)
        });
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Cargo shows a failing build script's stderr: one located problem per line.
            eprintln!(
                "error: the spec {} cannot be used:\n{error}",
                spec.display()
            );
            ExitCode::FAILURE
        }
    }
}
