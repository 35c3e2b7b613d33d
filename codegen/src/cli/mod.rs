//! Command-line interface: argument definitions and dispatch.
//!
//! Exit codes: 0 ok, 1 input problems (spec errors, stale docs, bad
//! catalogs, unreadable files), 2 usage errors (reported by clap).

mod asyncapi;
mod check;
mod derived;
mod diff;
mod docs;
mod import;
mod paths;
mod report;
mod rust;
mod site;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use iothub_codegen::docs::{import::MIN_ALIGNED_PERCENT, Options};

pub use report::Failure;

const EXIT_CODES: &str = "Exit codes: 0 ok, 1 input problems (spec errors, stale docs, bad catalogs, unreadable files), 2 usage errors.";

const MAIN_HELP: &str = "\
Examples:
  iothub-codegen generate                 write docs/<TAG>/ and spec/locales/iothub-mqtt5.pot
  iothub-codegen check --strict           fail on stale docs and on any fuzzy or missing translation
  iothub-codegen import --locale el-GR --from el-GR.md
  iothub-codegen rust --out generated.rs
  iothub-codegen diff --against origin/main --fail-on breaking

Default paths are relative to the workspace root (the nearest folder above the
current one whose Cargo.toml has a [workspace] section); paths you give are
relative to the current folder.

Exit codes: 0 ok, 1 input problems (spec errors, stale docs, bad catalogs,
unreadable files), 2 usage errors.";

fn import_help() -> String {
    format!(
        "\
Merging: into an existing catalog, the import is merged: existing translations
are kept, new ones added, and every conflict is reported with both texts (the
catalog's translation wins). --force replaces the catalog with the import.

The document must align with at least {MIN_ALIGNED_PERCENT}% of the places of the spec's
document (the seeds align all of them); anything less (a README, another
API's document) is refused with exit code 1.

Examples:
  iothub-codegen import --locale sv-SE --from sv-SE/iot-hub-mqtt-5-reference.md
  iothub-codegen import --locale sv-FI --from sv-SE.md --out /tmp/sv-FI.po --force

Exit codes: 0 ok (warnings may have been printed), 1 input problems, 2 usage errors."
    )
}

const DIFF_HELP: &str = "\
Classes: breaking-for-devices (a device built from OLD may fail against a hub
implementing NEW), breaking-for-hubs (a hub implementing OLD may fail devices
built from NEW), compatible (additions), docs-only (prose). The Rust API
column says what the change does to the generated typed layer. The catalogs
(--locales, default spec/locales in the workspace) are judged against both
specs: the places that become fuzzy or missing are counted per locale.

Examples:
  iothub-codegen diff old.yaml spec/iothub-mqtt5.yaml
  iothub-codegen diff --against HEAD~1 --format markdown --verbose
  iothub-codegen diff --against origin/main --format github --fail-on breaking

Exit codes: 0 ok, 1 input problems or a change matched --fail-on, 2 usage errors.";

/// Generate and check everything derived from the IoT Hub MQTT 5 API spec.
#[derive(Debug, Parser)]
#[command(name = "iothub-codegen", version, about, after_help = MAIN_HELP)]
pub struct Cli {
    /// Print only warnings and errors (no "wrote …" lines, no coverage).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// The spec file option.
#[derive(Debug, Args)]
struct SpecArg {
    /// The spec file [default: spec/iothub-mqtt5.yaml in the workspace].
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
}

/// The catalogs folder option.
#[derive(Debug, Args)]
struct LocalesArg {
    /// Folder of the PO catalogs and the POT template [default: spec/locales in the workspace].
    #[arg(long, value_name = "DIR")]
    locales: Option<PathBuf>,
}

/// The fuzzy option.
#[derive(Debug, Args)]
struct FuzzyArg {
    /// Show fuzzy (and suggested) translations instead of English, as msgfmt --use-fuzzy.
    #[arg(long)]
    use_fuzzy: bool,
}

impl FuzzyArg {
    fn options(&self) -> Options {
        Options {
            use_fuzzy: self.use_fuzzy,
        }
    }
}

/// A `--locale` value: a BCP 47 tag such as `sv-SE`.
fn locale_tag(tag: &str) -> Result<String, String> {
    iothub_codegen::docs::locale::check(tag).map(|()| tag.to_owned())
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the spec, then write the docs of every locale, the POT template and the spec's AsyncAPI document (and, for the workspace's spec, the client's spec copy and the golden Rust).
    #[command(after_help = format!("Example:\n  iothub-codegen generate\n\n{EXIT_CODES}"))]
    Generate {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Output folder of the docs [default: docs in the workspace].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        fuzzy: FuzzyArg,
    },
    /// Write the reference document of each locale to <OUT>/<TAG>/iot-hub-mqtt-5-reference.md.
    #[command(after_help = format!("Example:\n  iothub-codegen docs --locale sv-SE --out /tmp/docs\n\n{EXIT_CODES}"))]
    Docs {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Only these locales (repeatable); default every catalog plus en-US.
        #[arg(long = "locale", value_name = "TAG", value_parser = locale_tag)]
        locale: Vec<String>,
        /// Output folder [default: docs in the workspace].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        fuzzy: FuzzyArg,
    },
    /// Recover a catalog from an existing localized reference document (merged into an existing catalog).
    #[command(after_help = import_help())]
    Import {
        /// Locale tag of the catalog, e.g. sv-SE (BCP 47; `sv_SE` is refused).
        #[arg(long, value_name = "TAG", value_parser = locale_tag)]
        locale: String,
        /// The localized Markdown document.
        #[arg(long, value_name = "FILE.md")]
        from: PathBuf,
        #[command(flatten)]
        spec: SpecArg,
        /// Catalog to write [default: spec/locales/<TAG>.po in the workspace].
        #[arg(long, value_name = "FILE.po")]
        out: Option<PathBuf>,
        /// Replace the existing catalog with the import instead of merging into it.
        #[arg(long)]
        force: bool,
    },
    /// Validate the spec, the catalogs and the freshness of docs/ and of the AsyncAPI document (and of the client's spec copy and the golden Rust); print translation coverage.
    #[command(after_help = format!("Examples:\n  iothub-codegen check\n  iothub-codegen check --strict --quiet    (publishing pipelines)\n\n{EXIT_CODES}"))]
    Check {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Folder of the generated docs [default: docs in the workspace].
        #[arg(long, value_name = "DIR")]
        docs: Option<PathBuf>,
        /// Judge freshness as for docs generated with --use-fuzzy.
        #[command(flatten)]
        fuzzy: FuzzyArg,
        /// Also exit 1 on any fuzzy or missing translation.
        #[arg(long)]
        strict: bool,
    },
    /// Show what changed between two specs: each change classified (breaking for devices or hubs, compatible, docs-only) and located in both, the semver bump of each crate, and the translations it makes fuzzy or missing.
    #[command(after_help = DIFF_HELP)]
    Diff {
        /// The old spec.
        #[arg(
            value_name = "OLD",
            required_unless_present = "against",
            conflicts_with = "against"
        )]
        old: Option<PathBuf>,
        /// The new spec.
        #[arg(
            value_name = "NEW",
            required_unless_present = "against",
            conflicts_with = "against"
        )]
        new: Option<PathBuf>,
        /// Compare the spec at this git revision (old) with the working copy's (new).
        #[arg(long, value_name = "GIT-REF")]
        against: Option<String>,
        /// With --against: the spec file [default: spec/iothub-mqtt5.yaml in the workspace].
        #[arg(long, value_name = "FILE", requires = "against")]
        spec: Option<PathBuf>,
        #[command(flatten)]
        locales: LocalesArg,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: diff::Format,
        /// Exit 1 when a change of this class is found.
        #[arg(long, value_enum, value_name = "CLASS", default_value = "never")]
        fail_on: diff::FailOn,
        /// List each catalog's fuzzy and missing places.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Write the localized reference as a static site: a page per locale with a language switcher on every section, stale translations shown in English and marked, and coverage pages.
    #[command(after_help = format!("Examples:\n  iothub-codegen site\n  iothub-codegen site --out /tmp/site && python3 -m http.server -d /tmp/site\n\n{EXIT_CODES}"))]
    Site {
        #[command(flatten)]
        spec: SpecArg,
        #[command(flatten)]
        locales: LocalesArg,
        /// Output folder [default: site in the workspace].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        fuzzy: FuzzyArg,
    },
    /// Print (or write) the spec as an AsyncAPI 3.0 document (`generate` writes it beside the spec).
    #[command(after_help = format!("Examples:\n  iothub-codegen asyncapi > iothub.asyncapi.yaml\n  iothub-codegen asyncapi --format json --out iothub.asyncapi.json\n\n{EXIT_CODES}"))]
    Asyncapi {
        #[command(flatten)]
        spec: SpecArg,
        /// Output format.
        #[arg(long, value_enum, default_value = "yaml")]
        format: asyncapi::Format,
        /// Write to this file (only if its content changes) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print (or write) the generated Rust, formatted.
    #[command(after_help = format!("Example:\n  iothub-codegen rust --out generated.rs\n\n{EXIT_CODES}"))]
    Rust {
        #[command(flatten)]
        spec: SpecArg,
        /// Write to this file (only if its content changes) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Runs a parsed command line; `Ok(false)` means the command ran and found
/// problems it already reported (exit 1).
pub fn run(cli: Cli) -> Result<bool, Failure> {
    use paths::{DEFAULT_DOCS, DEFAULT_LOCALES, DEFAULT_SPEC};
    let defaults = paths::Defaults::from_current_dir();
    let say = report::Chatter { quiet: cli.quiet };
    let in_workspace = defaults.root.is_some();
    let spec_of = |s: SpecArg| defaults.or_default(s.spec, DEFAULT_SPEC);
    let locales_of = |l: LocalesArg| defaults.or_default(l.locales, DEFAULT_LOCALES);
    match cli.command {
        Command::Generate {
            spec,
            locales,
            out,
            fuzzy,
        } => {
            let (spec, locales) = (spec_of(spec), locales_of(locales));
            let inputs = report::Inputs::spec_and_locales(&spec, &locales, in_workspace);
            let out = defaults.or_default(out, DEFAULT_DOCS);
            docs::generate(&spec, &locales, &out, fuzzy.options(), say).map_err(|e| inputs.fail(e))
        }
        Command::Docs {
            spec,
            locales,
            locale,
            out,
            fuzzy,
        } => {
            let (spec, locales) = (spec_of(spec), locales_of(locales));
            let inputs = report::Inputs::spec_and_locales(&spec, &locales, in_workspace);
            let out = defaults.or_default(out, DEFAULT_DOCS);
            docs::docs(&spec, &locales, &locale, &out, fuzzy.options(), say)
                .map_err(|e| inputs.fail(e))
        }
        Command::Import {
            locale,
            from,
            spec,
            out,
            force,
        } => {
            let spec = spec_of(spec);
            let out = out.unwrap_or_else(|| {
                defaults
                    .or_default(None, DEFAULT_LOCALES)
                    .join(format!("{locale}.po"))
            });
            let inputs = report::Inputs {
                spec: Some(&spec),
                locales: None,
                from: Some(&from),
                in_workspace,
            };
            import::run(&spec, &locale, &from, &out, force, say).map_err(|e| inputs.fail(e))
        }
        Command::Check {
            spec,
            locales,
            docs,
            fuzzy,
            strict,
        } => {
            let (spec, locales) = (spec_of(spec), locales_of(locales));
            let inputs = report::Inputs::spec_and_locales(&spec, &locales, in_workspace);
            let docs = defaults.or_default(docs, DEFAULT_DOCS);
            let mode = check::Mode {
                options: fuzzy.options(),
                strict,
            };
            check::run(&spec, &locales, &docs, mode, say).map_err(|e| inputs.fail(e))
        }
        Command::Diff {
            old,
            new,
            against,
            spec,
            locales,
            format,
            fail_on,
            verbose,
        } => {
            let named = locales.locales.is_some();
            let sides = match (against, old, new) {
                (Some(revision), _, _) => {
                    diff::Sides::Against(revision, defaults.or_default(spec, DEFAULT_SPEC))
                }
                (None, Some(old), Some(new)) => diff::Sides::Files(old, new),
                // clap requires both without --against; said as clap would.
                _ => <Cli as clap::CommandFactory>::command()
                    .error(
                        clap::error::ErrorKind::MissingRequiredArgument,
                        "diff takes OLD and NEW, or --against GIT-REF",
                    )
                    .exit(),
            };
            let request = diff::Request {
                sides,
                locales: Some((locales_of(locales), named)),
                root: defaults.root.clone(),
                format,
                fail_on,
                verbose,
            };
            diff::run(request).map_err(Failure::from)
        }
        Command::Site {
            spec,
            locales,
            out,
            fuzzy,
        } => {
            let (spec, locales) = (spec_of(spec), locales_of(locales));
            let inputs = report::Inputs::spec_and_locales(&spec, &locales, in_workspace);
            let out = defaults.or_default(out, paths::DEFAULT_SITE);
            site::run(&spec, &locales, &out, fuzzy.options(), say).map_err(|e| inputs.fail(e))
        }
        Command::Asyncapi { spec, format, out } => {
            let spec = spec_of(spec);
            let inputs = report::Inputs {
                spec: Some(&spec),
                in_workspace,
                ..report::Inputs::default()
            };
            asyncapi::run(&spec, format, out.as_deref(), say)
                .map(|()| true)
                .map_err(|e| inputs.fail(e))
        }
        Command::Rust { spec, out } => {
            let spec = spec_of(spec);
            let inputs = report::Inputs {
                spec: Some(&spec),
                in_workspace,
                ..report::Inputs::default()
            };
            rust::run(&spec, out.as_deref())
                .map(|()| true)
                .map_err(|e| inputs.fail(e))
        }
    }
}
