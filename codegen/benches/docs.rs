//! Benchmark: rendering the reference in every locale plus the POT template,
//! for the real spec and for synthetic specs 10× and 100× larger, measured in
//! the same run so the figures are ratios, not absolute promises.
//!
//! Run with `cargo bench -p iothub-codegen --bench docs`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iothub_codegen::docs::{self, publish, Catalog};
use iothub_codegen::ir::Api;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The real spec with its operations and responses repeated `factor` times
/// (renamed, on their own topics).
fn scaled_spec(text: &str, factor: usize) -> String {
    let ops_start = text.find("\noperations:\n").expect("operations section") + 1;
    let resp_start = text.find("\nresponses:\n").expect("responses section") + 1;
    let head = &text[..ops_start];
    let ops = &text[ops_start + "operations:\n".len()..resp_start];
    let responses = &text[resp_start + "responses:\n".len()..];
    let mut out = String::from(head);
    out.push_str("operations:\n");
    for k in 0..factor {
        out.push_str(&copy(ops, k, true));
    }
    out.push_str("responses:\n");
    for k in 0..factor {
        out.push_str(&copy(responses, k, false));
    }
    out
}

fn copy(block: &str, k: usize, topics: bool) -> String {
    if k == 0 {
        return block.to_owned();
    }
    block
        .lines()
        .map(|line| {
            if let Some(name) = line.strip_prefix("  - name: ") {
                format!("  - name: {name}-k{k}\n")
            } else if let (true, Some(topic)) = (topics, line.strip_prefix("    topic: ")) {
                format!("    topic: \"{}/k{k}\"\n", topic.trim_matches('"'))
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

fn render_locales(api: &Api, catalogs: &[Catalog]) -> usize {
    let rendered = publish::render_all(api, catalogs, &[]).expect("renders");
    rendered.iter().map(|r| r.text.len()).sum::<usize>()
}

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut() -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let text = std::fs::read_to_string(root().join("spec/iothub-mqtt5.yaml")).expect("spec");
    let catalogs = publish::load_catalogs(&root().join("spec/locales")).expect("catalogs");
    println!(
        "locales: en-US + {} catalogs; median of repeated runs",
        catalogs.len()
    );
    let mut baseline = None;
    // IOTHUB_BENCH_FACTORS=1,10 and IOTHUB_BENCH_RUNS=1 run a subset once,
    // e.g. under `valgrind --tool=callgrind` to count instructions.
    let factors: Vec<usize> = std::env::var("IOTHUB_BENCH_FACTORS")
        .ok()
        .map(|v| v.split(',').filter_map(|f| f.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 100]);
    let fixed_runs: Option<usize> = std::env::var("IOTHUB_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok());
    for factor in factors {
        let spec = scaled_spec(&text, factor);
        let api = iothub_codegen::parse(&spec, Path::new("scaled.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let runs = fixed_runs.unwrap_or(if factor >= 100 { 5 } else { 30 });
        let load = median(runs, || {
            iothub_codegen::parse(&spec, Path::new("scaled.yaml")).map_or(0, |a| a.operations.len())
        });
        let locales = median(runs, || render_locales(&api, &catalogs));
        let pot = median(runs, || docs::pot(&api).map_or(0, |p| p.len()));
        let render = locales + pot;
        let per_op = render.as_secs_f64() / api.operations.len() as f64;
        let base = *baseline.get_or_insert(per_op);
        println!(
            "{factor:>4}x spec ({:>4} operations, {:>5} responses): load+validate {:>9.3} ms, all locales {:>9.3} ms + POT {:>8.3} ms = {:>9.3} ms, per operation {:>7.1} µs ({:.2}x the 1x cost)",
            api.operations.len(),
            api.responses.len(),
            load.as_secs_f64() * 1e3,
            locales.as_secs_f64() * 1e3,
            pot.as_secs_f64() * 1e3,
            render.as_secs_f64() * 1e3,
            per_op * 1e6,
            per_op / base
        );
    }
}
