//! Command-line interface: argument definitions and dispatch.
//!
//! Exit codes: 0 ok, 1 input problems (spec errors, unreadable files),
//! 2 usage errors (reported by clap).

mod check;
mod paths;
mod rust;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Generate and check everything derived from the IoT Hub MQTT 5 API spec.
#[derive(Debug, Parser)]
#[command(name = "iothub-codegen", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the spec; exit 1 on any problem, printing each with its location.
    Check {
        /// The spec file.
        #[arg(long, default_value = paths::DEFAULT_SPEC)]
        spec: PathBuf,
    },
    /// Print (or write) the generated Rust, formatted.
    Rust {
        /// The spec file.
        #[arg(long, default_value = paths::DEFAULT_SPEC)]
        spec: PathBuf,
        /// Write to this file (only if its content changes) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), iothub_codegen::Error> {
    match cli.command {
        Command::Check { spec } => check::run(&paths::resolve_default(&spec)),
        Command::Rust { spec, out } => rust::run(&paths::resolve_default(&spec), out.as_deref()),
    }
}
