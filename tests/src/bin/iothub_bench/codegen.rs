//! The `codegen` scenario: loading and validating the spec, rendering the
//! reference in every locale plus the POT template, and emitting the Rust,
//! for the real spec and for synthetic specs 10× and 100× larger (its
//! operations repeated under new names and topics; the named responses are
//! shared, as each has its own status code). The
//! figure that matters is how the time grows with the spec: at 100× the
//! size it should take under 100× the time.

use std::path::Path;
use std::time::{Duration, Instant};

use iothub_codegen::docs::{self, publish, Catalog};
use iothub_codegen::ir::Api;

use crate::stats::bar;

/// The workspace root (the bench reads its spec and catalogs).
fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The spec with its operations repeated `factor` times.
pub fn scaled_spec(text: &str, factor: usize) -> String {
    let (Some(ops), Some(responses)) = (text.find("\noperations:\n"), text.find("\nresponses:\n"))
    else {
        return text.to_owned();
    };
    let (ops_start, resp_start) = (ops + 1, responses + 1);
    let head = &text[..ops_start];
    let ops = &text[ops_start + "operations:\n".len()..resp_start];
    let responses = &text[resp_start + "responses:\n".len()..];
    let mut out = String::from(head);
    out.push_str("operations:\n");
    for k in 0..factor {
        out.push_str(&copy(ops, k));
    }
    out.push_str("responses:\n");
    out.push_str(responses);
    out
}

/// Copy `k` of a block of operations: names suffixed, topics moved.
fn copy(block: &str, k: usize) -> String {
    if k == 0 {
        return block.to_owned();
    }
    block
        .lines()
        .map(|line| {
            if let Some(name) = line.strip_prefix("  - name: ") {
                format!("  - name: {name}-k{k}\n")
            } else if let Some(topic) = line.strip_prefix("    topic: ") {
                format!("    topic: \"{}/k{k}\"\n", topic.trim_matches('"'))
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// One pass: load and validate, every locale and the POT, the Rust.
fn pass(spec: &str, catalogs: &[Catalog]) -> (Duration, Duration, Duration, Api) {
    let started = Instant::now();
    let api =
        iothub_codegen::parse(spec, Path::new("scaled.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let load = started.elapsed();
    let started = Instant::now();
    let rendered = publish::render_all(&api, catalogs, &[]).expect("renders");
    std::hint::black_box((rendered, docs::pot(&api).expect("the template renders")));
    let render = started.elapsed();
    let started = Instant::now();
    std::hint::black_box(iothub_codegen::rust::generate(&api).expect("emits"));
    let emit = started.elapsed();
    (load, render, emit, api)
}

/// Runs the scenario; returns its JSON line.
pub fn run(runs: usize) -> String {
    let text = std::fs::read_to_string(root().join("spec/iothub-mqtt5.yaml")).expect("the spec");
    let catalogs = publish::load_catalogs(&root().join("spec/locales")).expect("the catalogs");
    let factors = [1usize, 10, 100];
    let progress = bar((factors.len() * runs) as u64, "codegen");
    let mut figures = Vec::new();
    for factor in factors {
        let spec = scaled_spec(&text, factor);
        let mut totals = Vec::new();
        let mut last = None;
        for _ in 0..runs {
            let (load, render, emit, api) = pass(&spec, &catalogs);
            totals.push((load + render + emit, load, render, emit));
            last = Some(api);
            progress.inc(1);
        }
        totals.sort();
        let (total, load, render, emit) = totals[totals.len() / 2];
        let operations = last.map_or(0, |a| a.operations.len());
        figures.push((factor, operations, total, load, render, emit));
    }
    progress.finish_and_clear();
    println!(
        "codegen: load + validate, {} locales + POT, Rust; median of {runs} runs",
        catalogs.len() + 1
    );
    println!(
        "{:>6} {:>10} {:>12} {:>12} {:>12} {:>12} {:>10}",
        "spec", "operations", "total ms", "load ms", "docs ms", "rust ms", "× 1x"
    );
    let base = figures[0].2.as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for (factor, operations, total, load, render, emit) in &figures {
        println!(
            "{:>5}x {operations:>10} {:>12.2} {:>12.2} {:>12.2} {:>12.2} {:>10.1}",
            factor,
            ms(*total),
            ms(*load),
            ms(*render),
            ms(*emit),
            total.as_secs_f64() / base
        );
    }
    let fields: Vec<String> = figures
        .iter()
        .map(|(factor, _, total, ..)| format!("\"{factor}x\":{:.3}", ms(*total)))
        .collect();
    format!(
        "{{\"scenario\":\"codegen\",\"runs\":{runs},\"ms\":{{{}}}}}",
        fields.join(",")
    )
}
