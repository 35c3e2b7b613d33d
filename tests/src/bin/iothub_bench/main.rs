//! `iothub-bench`: the toolkit's speed beside what users would otherwise
//! run, measured in one process on loopback, each scenario alternating its
//! two sides so that both see the same machine. Each scenario shows a
//! progress bar, prints a table, and ends with one JSON object on its last
//! line.
//!
//! ```sh
//! cargo run --release -p iothub-tests --bin iothub-bench -- codegen [--runs R]
//! cargo run --release -p iothub-tests --bin iothub-bench -- telemetry [--messages N] [--payload BYTES] [--rounds R]
//! cargo run --release -p iothub-tests --bin iothub-bench -- twin-rtt [--requests N] [--rounds R]
//! cargo run --release -p iothub-tests --bin iothub-bench -- hub-throughput [--devices K] [--messages M] [--payload BYTES] [--rounds R] [--state]
//! cargo run --release -p iothub-tests --bin iothub-bench -- connections [--devices D]
//! ```

mod codegen;
mod connections;
mod hub;
mod hub_throughput;
mod mosquitto;
mod plot;
mod process;
mod stats;
mod telemetry;
mod twin_rtt;

use clap::{Parser, Subcommand};

/// Benchmarks of iothub-mqtt5 (ratios measured in the same run).
#[derive(Debug, Parser)]
#[command(name = "iothub-bench", version)]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// The generator: load and validate, every locale and the POT, the
    /// Rust, for the real spec and synthetic specs 10× and 100× larger.
    Codegen {
        /// Runs per size (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// QoS 1 telemetry from one device: iothub-client against raw rumqttc
    /// publishing the same packets, both to the in-process emulator.
    Telemetry {
        /// Messages per run.
        #[arg(long, default_value_t = 50_000)]
        messages: usize,
        /// Payload bytes per message.
        #[arg(long, default_value_t = 256)]
        payload: usize,
        /// Runs of each side, alternating.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// K devices publishing QoS 1 telemetry with raw rumqttc at once, to the
    /// emulator and to mosquitto.
    HubThroughput {
        /// Devices.
        #[arg(long, default_value_t = 100)]
        devices: usize,
        /// Messages per device per run.
        #[arg(long, default_value_t = 500)]
        messages: usize,
        /// Payload bytes per message.
        #[arg(long, default_value_t = 256)]
        payload: usize,
        /// Runs of each hub, alternating.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// The emulator keeps durable state (`--state`, in a fresh
        /// temporary folder): every PUBACK waits for its commit.
        #[arg(long)]
        state: bool,
    },
    /// D devices connecting at once with SAS (iothub-client) to an emulator
    /// process: connect latency and the emulator's memory.
    Connections {
        /// Devices.
        #[arg(long, default_value_t = 2_000)]
        devices: usize,
    },
    /// The SVG figures of BENCHMARKS.md from a file of the scenarios' JSON lines.
    Plot {
        /// The file holding the JSON lines.
        results: std::path::PathBuf,
        /// Where the SVG files go.
        #[arg(long, default_value = "bench")]
        out: std::path::PathBuf,
    },
    /// (internal) An emulator process for the other scenarios.
    #[command(hide = true)]
    ServeEmulator {
        /// Devices `bench-0` … registered.
        #[arg(long)]
        devices: usize,
        /// Keep durable state in this folder.
        #[arg(long)]
        state: Option<std::path::PathBuf>,
    },
    /// Get Twin round trips: iothub-client against raw rumqttc
    /// request–response with Correlation Data.
    TwinRtt {
        /// Round trips per run.
        #[arg(long, default_value_t = 5_000)]
        requests: usize,
        /// Runs of each side, alternating.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let json = match cli.scenario {
        Scenario::Codegen { runs } => codegen::run(runs.max(1)),
        Scenario::Telemetry {
            messages,
            payload,
            rounds,
        } => telemetry::run(messages, payload, rounds.max(1)).await,
        Scenario::TwinRtt { requests, rounds } => twin_rtt::run(requests, rounds.max(1)).await,
        Scenario::HubThroughput {
            devices,
            messages,
            payload,
            rounds,
            state,
        } => {
            hub_throughput::run(
                devices.max(1),
                messages.max(1),
                payload,
                rounds.max(1),
                state,
            )
            .await
        }
        Scenario::Connections { devices } => connections::run(devices.max(1)).await,
        Scenario::Plot { results, out } => {
            match plot::run(&results, &out) {
                Ok(files) => files.iter().for_each(|f| println!("wrote {f}")),
                Err(e) => {
                    eprintln!("error: cannot draw the figures: {e}");
                    std::process::exit(1);
                }
            }
            return;
        }
        Scenario::ServeEmulator { devices, state } => {
            process::serve(devices, state).await;
            return;
        }
    };
    println!("{json}");
}
