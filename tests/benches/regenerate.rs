//! Benchmark: what a spec change costs. The generator alone (load, validate,
//! emit, format), and `cargo build -p iothub-client` after the spec's mtime
//! changes, after a comment-only edit, and after a real change (a new
//! property) — each against a no-op build measured in the same run.
//!
//! Run with `cargo bench -p iothub-tests --bench regenerate`. The builds use
//! a copy of the spec (via `IOTHUB_SPEC`) and their own target folder, so the
//! repository is not touched; the first build of that folder is excluded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn build(spec: &Path, target: &Path) -> Duration {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--offline", "-p", "iothub-client"])
        .current_dir(root())
        .env("IOTHUB_SPEC", spec)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "build failed");
    start.elapsed()
}

fn main() {
    let real = root().join("spec/iothub-mqtt5.yaml");
    let text = std::fs::read_to_string(&real).expect("spec");

    // The generator on its own.
    let runs = 20;
    let generator = median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let api = iothub_codegen::parse(&text, &real).expect("valid spec");
                let code = iothub_codegen::rust::generate(&api).expect("generates");
                std::hint::black_box(code);
                start.elapsed()
            })
            .collect(),
    );
    println!(
        "generator (load + validate + emit + format): {:.2} ms (median of {runs})",
        generator.as_secs_f64() * 1e3
    );

    let work = root().join("target/bench-regenerate");
    std::fs::create_dir_all(&work).expect("bench folder");
    let spec = work.join("iothub-mqtt5.yaml");
    std::fs::write(&spec, &text).expect("spec copy");
    let target = work.join("target");
    let first = build(&spec, &target);
    println!(
        "first build of the bench target folder: {:.1} s (not counted)",
        first.as_secs_f64()
    );

    let n = 5;
    let noop = median((0..n).map(|_| build(&spec, &target)).collect());
    let touched = median(
        (0..n)
            .map(|_| {
                std::fs::File::options()
                    .write(true)
                    .open(&spec)
                    .and_then(|f| f.set_modified(SystemTime::now()))
                    .expect("touch");
                build(&spec, &target)
            })
            .collect(),
    );
    let comment = median(
        (0..n)
            .map(|i| {
                std::fs::write(&spec, format!("{text}\n# edit {i}\n")).expect("edit");
                build(&spec, &target)
            })
            .collect(),
    );
    let changed = median(
        (0..n)
            .map(|i| {
                let with_property = text.replacen(
                    "        - name: if-version\n",
                    &format!("        - name: probe-{i}\n          type: u32\n          required: false\n        - name: if-version\n"),
                    1,
                );
                std::fs::write(&spec, with_property).expect("change");
                build(&spec, &target)
            })
            .collect(),
    );
    std::fs::write(&spec, &text).expect("restore");
    let ratio = |d: Duration| d.as_secs_f64() / noop.as_secs_f64();
    println!("cargo build -p iothub-client, median of {n}:");
    println!("  no-op (baseline)        {:>7.2} s", noop.as_secs_f64());
    println!(
        "  spec touched (mtime)    {:>7.2} s  ({:.1}x baseline)",
        touched.as_secs_f64(),
        ratio(touched)
    );
    println!(
        "  comment-only edit       {:>7.2} s  ({:.1}x baseline)",
        comment.as_secs_f64(),
        ratio(comment)
    );
    println!(
        "  new property            {:>7.2} s  ({:.1}x baseline)",
        changed.as_secs_f64(),
        ratio(changed)
    );
}
