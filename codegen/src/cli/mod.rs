//! Command-line interface: argument definitions and dispatch.
//!
//! Exit codes: 0 ok, 1 input problems (spec errors, stale docs, bad
//! catalogs, unreadable files), 2 usage errors (reported by clap).

mod check;
mod docs;
mod import;
mod paths;
mod rust;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Generate and check everything derived from the IoT Hub MQTT 5 API spec.
#[derive(Debug, Parser)]
#[command(name = "iothub-codegen", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The spec file option.
#[derive(Debug, Args)]
struct SpecArg {
    /// The spec file [default: spec/iothub-mqtt5.yaml in the workspace].
    #[arg(long)]
    spec: Option<PathBuf>,
}

/// The catalogs folder option.
#[derive(Debug, Args)]
struct LocalesArg {
    /// Folder of the PO catalogs and the POT template [default: spec/locales in the workspace].
    #[arg(long)]
    locales: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the spec, then write the docs of every locale and the POT template.
    Generate {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Output folder of the docs [default: docs in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the reference document of each locale to <OUT>/<TAG>/iot-hub-mqtt-5-reference.md.
    Docs {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Only these locales (repeatable); default every catalog plus en-US.
        #[arg(long = "locale", value_name = "TAG")]
        locale: Vec<String>,
        /// Output folder [default: docs in the workspace].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Recover a catalog from an existing localized reference document.
    Import {
        /// Locale tag of the document, e.g. sv-SE.
        #[arg(long, value_name = "TAG")]
        locale: String,
        /// The localized Markdown document.
        #[arg(long, value_name = "FILE.md")]
        from: PathBuf,
        #[command(flatten)]
        spec: SpecArg,
        /// Catalog to write; default spec/locales/<TAG>.po.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate the spec, the catalogs and the freshness of docs/; print translation coverage.
    Check {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Folder of the generated docs [default: docs in the workspace].
        #[arg(long)]
        docs: Option<PathBuf>,
    },
    /// Print (or write) the generated Rust, formatted.
    Rust {
        #[command(flatten)]
        spec: SpecArg,
        /// Write to this file (only if its content changes) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs a parsed command line; `Ok(false)` means the command ran and found
/// problems it already reported (exit 1).
pub fn run(cli: Cli) -> Result<bool, iothub_codegen::Error> {
    use paths::{or_default as given_or, DEFAULT_DOCS, DEFAULT_LOCALES, DEFAULT_SPEC};
    match cli.command {
        Command::Generate { spec, locales, out } => docs::generate(
            &given_or(spec.spec, DEFAULT_SPEC),
            &given_or(locales.locales, DEFAULT_LOCALES),
            &given_or(out, DEFAULT_DOCS),
        ),
        Command::Docs {
            spec,
            locales,
            locale,
            out,
        } => docs::docs(
            &given_or(spec.spec, DEFAULT_SPEC),
            &given_or(locales.locales, DEFAULT_LOCALES),
            &locale,
            &given_or(out, DEFAULT_DOCS),
        ),
        Command::Import {
            locale,
            from,
            spec,
            out,
        } => {
            let out =
                out.unwrap_or_else(|| given_or(None, DEFAULT_LOCALES).join(format!("{locale}.po")));
            import::run(&given_or(spec.spec, DEFAULT_SPEC), &locale, &from, &out)
        }
        Command::Check {
            spec,
            locales,
            docs,
        } => check::run(
            &given_or(spec.spec, DEFAULT_SPEC),
            &given_or(locales.locales, DEFAULT_LOCALES),
            &given_or(docs, DEFAULT_DOCS),
        ),
        Command::Rust { spec, out } => {
            rust::run(&given_or(spec.spec, DEFAULT_SPEC), out.as_deref()).map(|()| true)
        }
    }
}
