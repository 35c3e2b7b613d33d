//! Everything `diff` prints, gathered once for every output format.

use std::path::PathBuf;

use iothub_codegen::diff::{Change, Class, CrateBump, LocaleEffect};

/// The result of comparing two specs.
pub struct Report {
    /// The old spec's name.
    pub old: PathBuf,
    /// The new spec's name.
    pub new: PathBuf,
    /// Every change, in spec order.
    pub changes: Vec<Change>,
    /// The bump of each crate.
    pub bumps: Vec<CrateBump>,
    /// The workspace's crate version, when known (for the next versions).
    pub version: Option<String>,
    /// The effect on each catalog (empty without catalogs).
    pub catalogs: Vec<LocaleEffect>,
    /// Whether to list the places of each catalog.
    pub verbose: bool,
}

impl Report {
    /// How many changes have `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes
            .iter()
            .filter(|c| c.classes.contains(&class))
            .count()
    }

    /// `3 changes: 1 breaking for devices, …`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no change".to_owned();
        }
        let n = self.changes.len();
        format!(
            "{n} change{}: {} breaking for devices, {} breaking for hubs, {} compatible, {} docs-only",
            if n == 1 { "" } else { "s" },
            self.count(Class::BreakingForDevices),
            self.count(Class::BreakingForHubs),
            self.count(Class::Compatible),
            self.count(Class::DocsOnly),
        )
    }

    /// `major (0.1.0 → 0.2.0)`.
    pub fn bump_text(&self, bump: &CrateBump) -> String {
        match self
            .version
            .as_deref()
            .and_then(|v| Some((v, bump.bump.next(v)?)))
        {
            Some((from, to)) if from != to => format!("{} ({from} → {to})", bump.bump),
            _ => bump.bump.to_string(),
        }
    }
}
