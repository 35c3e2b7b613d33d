//! `iothub-codegen diff`: what a spec change means, before anyone
//! regenerates (see `iothub_codegen::diff`), in four formats, with
//! `--fail-on` for CI.

mod git;
mod github;
mod json;
mod markdown;
mod report;
mod table;

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use iothub_codegen::diff::{self, Class, SpecFile};
use iothub_codegen::docs::publish;
use iothub_codegen::Error;

use report::Report;

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Column tables for a terminal.
    Table,
    /// Markdown for a changelog or a review comment.
    Markdown,
    /// JSON for tools.
    Json,
    /// GitHub Actions annotations.
    Github,
}

/// Which changes make the command exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Never (the default).
    Never,
    /// Any change breaking for devices or for hubs.
    Breaking,
    /// Changes breaking for devices.
    BreakingForDevices,
    /// Changes breaking for hubs.
    BreakingForHubs,
    /// Any change at all.
    Any,
}

/// Where the two specs come from.
pub enum Sides {
    /// Two files.
    Files(PathBuf, PathBuf),
    /// The spec at a git revision, and the spec file in the working copy.
    Against(String, PathBuf),
}

/// What `diff` is asked to do.
pub struct Request {
    /// The specs.
    pub sides: Sides,
    /// The catalogs folder, and whether the user named it (a default that
    /// does not exist is skipped).
    pub locales: Option<(PathBuf, bool)>,
    /// The workspace root, for the crates' version.
    pub root: Option<PathBuf>,
    /// Output format.
    pub format: Format,
    /// When to exit 1.
    pub fail_on: FailOn,
    /// List the places of each catalog.
    pub verbose: bool,
}

/// The `[workspace.package] version` of the workspace at `root`.
fn workspace_version(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version") {
                let value = value.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_owned());
            }
        }
    }
    None
}

/// Runs the comparison and prints it; `Ok(false)` when `--fail-on` matched.
pub fn run(request: Request) -> Result<bool, Error> {
    let (old, new) = match &request.sides {
        Sides::Files(old, new) => (SpecFile::read(old)?, SpecFile::read(new)?),
        Sides::Against(revision, spec) => {
            let (text, name) = git::spec_at(spec, revision)?;
            (SpecFile::parse(&text, &name)?, SpecFile::read(spec)?)
        }
    };
    let changes = diff::diff(&old, &new);
    let catalogs = match &request.locales {
        Some((dir, named)) if *named || dir.is_dir() => {
            let catalogs = publish::load_catalogs(dir)?;
            diff::effects(&old.api, &new.api, &catalogs)?
        }
        _ => Vec::new(),
    };
    let report = Report {
        old: old.name.clone(),
        new: new.name.clone(),
        bumps: diff::bumps(&changes),
        changes,
        version: request.root.as_deref().and_then(workspace_version),
        catalogs,
        verbose: request.verbose,
    };
    let text = match request.format {
        Format::Table => table::render(&report),
        Format::Markdown => markdown::render(&report),
        Format::Json => json::render(&report),
        Format::Github => github::render(&report),
    };
    print!("{text}");
    let failed = match request.fail_on {
        FailOn::Never => false,
        FailOn::Breaking => report.changes.iter().any(|c| c.is_breaking()),
        FailOn::BreakingForDevices => report.count(Class::BreakingForDevices) > 0,
        FailOn::BreakingForHubs => report.count(Class::BreakingForHubs) > 0,
        FailOn::Any => !report.changes.is_empty(),
    };
    if failed {
        eprintln!(
            "error: --fail-on {}: {}",
            request
                .fail_on
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default(),
            report.summary()
        );
    }
    Ok(!failed)
}
