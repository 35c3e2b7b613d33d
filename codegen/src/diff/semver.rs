//! The version bump each published crate needs for a set of changes.

use std::fmt;

use super::change::{Change, Class, RustApi};

/// A semver bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Docs only.
    Patch,
    /// Compatible additions or changes.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// The stable name used in every output format.
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        }
    }

    /// The version after this bump of `version` (`major.minor.patch`), as
    /// Cargo reads semver: below 1.0.0 a breaking change bumps the minor
    /// number and anything else the patch number. `None` if `version` is
    /// not three numbers.
    pub fn next(self, version: &str) -> Option<String> {
        let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let next = match (self, major) {
            (Self::None, _) => (major, minor, patch),
            (Self::Major, 0) => (0, minor + 1, 0),
            (Self::Minor | Self::Patch, 0) => (0, minor, patch + 1),
            (Self::Major, _) => (major + 1, 0, 0),
            (Self::Minor, _) => (major, minor + 1, 0),
            (Self::Patch, _) => (major, minor, patch + 1),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One crate's bump and the reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateBump {
    /// The crate.
    pub krate: &'static str,
    /// The bump it needs.
    pub bump: Bump,
    /// Why, in a few words.
    pub reason: String,
}

/// The device client, whose typed layer is generated from the spec.
pub const CLIENT_CRATE: &str = "iothub-client";
/// The hub emulator, which implements the spec.
pub const EMULATOR_CRATE: &str = "iothub-emulator";

fn count(changes: &[Change], test: impl Fn(&Change) -> bool) -> usize {
    changes.iter().filter(|c| test(c)).count()
}

/// The bump of a crate: major for `breaking` changes, minor for any other
/// change that is not docs-only, patch for docs.
fn bump(
    krate: &'static str,
    changes: &[Change],
    breaking: impl Fn(&Change) -> bool,
    what: &str,
) -> CrateBump {
    let breaking = count(changes, breaking);
    let other = count(changes, |c| !c.classes.contains(&Class::DocsOnly));
    let docs = changes.len();
    let (bump, reason) = if breaking > 0 {
        (Bump::Major, format!("{breaking} {what}"))
    } else if other > 0 {
        (Bump::Minor, format!("{other} beyond docs, none {what}"))
    } else if docs > 0 {
        (Bump::Patch, format!("{docs} docs-only"))
    } else {
        (Bump::None, "no change".to_owned())
    };
    CrateBump {
        krate,
        bump,
        reason,
    }
}

/// The bumps of `iothub-client` (breaking for devices, or for the code
/// using its generated Rust API) and `iothub-emulator` (breaking for hubs).
pub fn bumps(changes: &[Change]) -> Vec<CrateBump> {
    vec![
        bump(
            CLIENT_CRATE,
            changes,
            |c| c.breaks(Class::BreakingForDevices) || c.rust_api == RustApi::Breaking,
            "breaking for devices or the generated Rust API",
        ),
        bump(
            EMULATOR_CRATE,
            changes,
            |c| c.breaks(Class::BreakingForHubs),
            "breaking for hubs",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::Bump;

    #[test]
    fn next_versions_follow_cargo() {
        assert_eq!(Bump::Major.next("0.1.0").as_deref(), Some("0.2.0"));
        assert_eq!(Bump::Minor.next("0.1.0").as_deref(), Some("0.1.1"));
        assert_eq!(Bump::Major.next("1.4.2").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.next("1.4.2").as_deref(), Some("1.5.0"));
        assert_eq!(Bump::Patch.next("1.4.2").as_deref(), Some("1.4.3"));
        assert_eq!(Bump::None.next("1.4.2").as_deref(), Some("1.4.2"));
        assert_eq!(Bump::Major.next("1.4"), None);
        assert_eq!(Bump::Major.next("1.x.0"), None);
    }
}
