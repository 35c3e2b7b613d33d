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
//! ```

mod codegen;
mod hub;
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
    };
    println!("{json}");
}
