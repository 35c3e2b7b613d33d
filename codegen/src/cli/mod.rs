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
    /// The spec file.
    #[arg(long, default_value = paths::DEFAULT_SPEC)]
    spec: PathBuf,
}

/// The catalogs folder option.
#[derive(Debug, Args)]
struct LocalesArg {
    /// Folder of the PO catalogs and the POT template.
    #[arg(long, default_value = paths::DEFAULT_LOCALES)]
    locales: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the spec, then write the docs of every locale and the POT template.
    Generate {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Output folder of the docs.
        #[arg(long, default_value = paths::DEFAULT_DOCS)]
        out: PathBuf,
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
        /// Output folder.
        #[arg(long, default_value = paths::DEFAULT_DOCS)]
        out: PathBuf,
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
        /// Folder of the generated docs.
        #[arg(long, default_value = paths::DEFAULT_DOCS)]
        docs: PathBuf,
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
    use paths::resolve_default as root;
    match cli.command {
        Command::Generate { spec, locales, out } => {
            docs::generate(&root(&spec.spec), &root(&locales.locales), &root(&out))
        }
        Command::Docs {
            spec,
            locales,
            locale,
            out,
        } => docs::docs(
            &root(&spec.spec),
            &root(&locales.locales),
            &locale,
            &root(&out),
        ),
        Command::Import {
            locale,
            from,
            spec,
            out,
        } => {
            let out = out.unwrap_or_else(|| {
                root(&PathBuf::from(paths::DEFAULT_LOCALES)).join(format!("{locale}.po"))
            });
            import::run(&root(&spec.spec), &locale, &from, &out)
        }
        Command::Check {
            spec,
            locales,
            docs,
        } => check::run(&root(&spec.spec), &root(&locales.locales), &root(&docs)),
        Command::Rust { spec, out } => rust::run(&root(&spec.spec), out.as_deref()).map(|()| true),
    }
}
