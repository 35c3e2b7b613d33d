//! Loading a registry from YAML, with every problem located (file, line,
//! column) and no key ever echoed in a message.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use marked_yaml::{LoaderOptions, Marker, Span, Spanned};
use serde::Deserialize;

use super::{Authentication, Device, DeviceId, Key, Thumbprint};
use crate::access::{Permission, Permissions, Policies, SharedAccessPolicy};
use crate::redact::scrub;

/// One problem of a registry file, at a place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// A registry file that cannot be used: every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub path: PathBuf,
    /// Its problems (at least one).
    pub problems: Vec<LoadProblem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", self.path.display())?;
            if let Some(line) = problem.line {
                write!(f, ":{line}")?;
                if let Some(column) = problem.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": {}", problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `devices` and, optionally, `policies`"
)]
struct RawFile {
    #[serde(default)]
    devices: Vec<RawDevice>,
    #[serde(default)]
    policies: Vec<Spanned<RawPolicy>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping with `name`, `primary-key`, `secondary-key` and `permissions`"
)]
struct RawPolicy {
    name: Spanned<String>,
    primary_key: Spanned<String>,
    secondary_key: Spanned<String>,
    permissions: Vec<Spanned<String>>,
}

/// What a registry file holds.
pub(super) struct Loaded {
    pub(super) devices: Vec<Device>,
    pub(super) policies: Policies,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `id` and `authentication`"
)]
struct RawDevice {
    id: Spanned<String>,
    authentication: Spanned<RawAuthentication>,
    #[serde(default)]
    modules: Vec<RawModule>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `id` and `authentication`"
)]
struct RawModule {
    id: Spanned<String>,
    authentication: Spanned<RawAuthentication>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a mapping with `type` (`sas` or `self-signed`) and its keys or thumbprints"
)]
struct RawAuthentication {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    primary_key: Option<Spanned<String>>,
    secondary_key: Option<Spanned<String>>,
    primary_thumbprint: Option<Spanned<String>>,
    secondary_thumbprint: Option<Spanned<String>>,
}

const SAS: &str = "sas";
const SELF_SIGNED: &str = "self-signed";

/// Reads and parses the registry file at `path`.
pub(super) fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError {
        path: path.to_owned(),
        problems: vec![LoadProblem {
            line: None,
            column: None,
            message: format!("cannot read the registry file: {error}"),
        }],
    })?;
    parse(path, &text)
}

/// Parses registry YAML; `origin` names it in errors.
pub(super) fn parse(origin: &Path, text: &str) -> Result<Loaded, LoadError> {
    let mut problems = Problems::default();
    let options = LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .toplevel_mapping();
    let raw = marked_yaml::parse_yaml_with_options(0, text, options)
        .map_err(|error| problems.yaml(&error))
        .and_then(|node| {
            marked_yaml::from_node::<RawFile>(&node).map_err(|error| {
                let mark = error.start_mark();
                problems.at(mark.as_ref(), scrub(&error.to_string()));
            })
        });
    let loaded = match raw {
        Ok(raw) => {
            let policies = policies(&raw.policies, &mut problems);
            Loaded {
                devices: build(raw, &mut problems),
                policies,
            }
        }
        Err(()) => Loaded {
            devices: Vec::new(),
            policies: Policies::new(),
        },
    };
    if problems.0.is_empty() {
        Ok(loaded)
    } else {
        Err(LoadError {
            path: origin.to_owned(),
            problems: problems.0,
        })
    }
}

#[derive(Default)]
struct Problems(Vec<LoadProblem>);

impl Problems {
    fn at(&mut self, mark: Option<&Marker>, message: impl Into<String>) {
        self.0.push(LoadProblem {
            line: mark.map(Marker::line),
            column: mark.map(Marker::column),
            message: message.into(),
        });
    }

    fn span(&mut self, span: &Span, message: impl Into<String>) {
        self.at(span.start(), message);
    }

    fn yaml(&mut self, error: &marked_yaml::LoadError) {
        if let marked_yaml::LoadError::DuplicateKey(inner) = error {
            let first = inner
                .prev_key
                .span()
                .start()
                .map_or_else(String::new, |m| format!(" (first on line {})", m.line()));
            self.at(
                inner.key.span().start(),
                format!(
                    "duplicate key `{}`{first}; each key may appear once in a mapping",
                    inner.key.as_str()
                ),
            );
            return;
        }
        // The loader's messages start with `line:column: `; ours put the place after the file name.
        let text = error.to_string();
        if let Some((place, rest)) = text.split_once(": ") {
            let numbers: Vec<usize> = place.split(':').filter_map(|n| n.parse().ok()).collect();
            if let [line, column] = numbers[..] {
                self.0.push(LoadProblem {
                    line: Some(line),
                    column: Some(column),
                    message: format!("not valid YAML: {rest}"),
                });
                return;
            }
        }
        self.at(None, format!("not valid YAML: {text}"));
    }
}

fn build(raw: RawFile, problems: &mut Problems) -> Vec<Device> {
    let mut seen: HashMap<DeviceId, Option<usize>> = HashMap::new();
    let mut devices = Vec::new();
    for raw_device in raw.devices {
        let id = match DeviceId::new(raw_device.id.as_str()) {
            Ok(id) => Some(id),
            Err(error) => {
                problems.span(raw_device.id.span(), format!("bad `id`: {error}"));
                None
            }
        };
        let authentication = parse_authentication(&raw_device.authentication, problems);
        let Some(id) = id else { continue };
        let line = raw_device.id.span().start().map(Marker::line);
        if let Some(first) = seen.get(&id) {
            let first = first.map_or_else(String::new, |line| format!(" (first on line {line})"));
            problems.span(
                raw_device.id.span(),
                format!("duplicate device id `{id}`{first}; each id may appear once"),
            );
            continue;
        }
        seen.insert(id.clone(), line);
        for module in &raw_device.modules {
            let module_authentication = parse_authentication(&module.authentication, problems);
            let module_id = match DeviceId::module(&id, module.id.as_str()) {
                Ok(module_id) => module_id,
                Err(error) => {
                    problems.span(module.id.span(), format!("bad module `id`: {error}"));
                    continue;
                }
            };
            let line = module.id.span().start().map(Marker::line);
            if let Some(first) = seen.get(&module_id) {
                let first =
                    first.map_or_else(String::new, |line| format!(" (first on line {line})"));
                problems.span(
                    module.id.span(),
                    format!("duplicate module `{module_id}`{first}; each module may appear once"),
                );
                continue;
            }
            seen.insert(module_id.clone(), line);
            if let Some(authentication) = module_authentication {
                devices.push(Device::new(module_id, authentication));
            }
        }
        if let Some(authentication) = authentication {
            devices.push(Device::new(id, authentication));
        }
    }
    devices
}

/// The file's shared access policies (names distinct, permissions named
/// as the service names them, keys base64).
fn policies(raw: &[Spanned<RawPolicy>], problems: &mut Problems) -> Policies {
    let mut policies = Policies::new();
    let mut seen = std::collections::HashSet::new();
    for raw_policy in raw {
        let name = raw_policy.name.as_str();
        if !seen.insert(name) {
            problems.span(
                raw_policy.name.span(),
                format!("duplicate policy name `{name}`; each name may appear once"),
            );
            continue;
        }
        let mut permissions = Permissions::NONE;
        for permission in &raw_policy.permissions {
            match Permission::from_name(permission.as_str()) {
                Some(p) => permissions = permissions.with(p),
                None => problems.span(
                    permission.span(),
                    format!(
                        "unknown permission `{}`; expected RegistryRead, RegistryWrite, ServiceConnect or DeviceConnect",
                        permission.as_str()
                    ),
                ),
            }
        }
        let key = |name: &str, value: &Spanned<String>, problems: &mut Problems| {
            Key::from_base64(value.as_str())
                .map_err(|error| problems.span(value.span(), format!("bad `{name}`: {error}")))
                .ok()
        };
        let primary = key("primary-key", &raw_policy.primary_key, problems);
        let secondary = key("secondary-key", &raw_policy.secondary_key, problems);
        let (Some(primary), Some(secondary)) = (primary, secondary) else {
            continue;
        };
        match SharedAccessPolicy::new(name, primary, secondary, permissions) {
            Ok(policy) => policies.insert(policy),
            Err(error) => problems.span(raw_policy.span(), error.to_string()),
        }
    }
    policies
}

fn parse_authentication(
    raw: &Spanned<RawAuthentication>,
    problems: &mut Problems,
) -> Option<Authentication> {
    let kind = raw.kind.as_str();
    let (wanted, unwanted) = match kind {
        SAS => (
            [
                ("primary-key", &raw.primary_key),
                ("secondary-key", &raw.secondary_key),
            ],
            [
                ("primary-thumbprint", &raw.primary_thumbprint),
                ("secondary-thumbprint", &raw.secondary_thumbprint),
            ],
        ),
        SELF_SIGNED => (
            [
                ("primary-thumbprint", &raw.primary_thumbprint),
                ("secondary-thumbprint", &raw.secondary_thumbprint),
            ],
            [
                ("primary-key", &raw.primary_key),
                ("secondary-key", &raw.secondary_key),
            ],
        ),
        other => {
            problems.span(
                raw.kind.span(),
                format!(
                    "unknown authentication `type` `{other}`; expected `{SAS}` or `{SELF_SIGNED}`"
                ),
            );
            return None;
        }
    };
    let mut ok = true;
    for (name, value) in unwanted {
        if let Some(value) = value {
            problems.span(
                value.span(),
                format!("`{name}` does not belong to authentication type `{kind}`; remove it"),
            );
            ok = false;
        }
    }
    let mut values = Vec::with_capacity(2);
    for (name, value) in wanted {
        match value {
            Some(value) => values.push((name, value)),
            None => {
                problems.span(
                    raw.span(),
                    format!("authentication type `{kind}` needs `{name}`"),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    if kind == SAS {
        let mut keys = values.into_iter().filter_map(|(name, value)| {
            Key::from_base64(value.as_str())
                .map_err(|error| problems.span(value.span(), format!("bad `{name}`: {error}")))
                .ok()
        });
        let (primary, secondary) = (keys.next(), keys.next());
        Some(Authentication::Sas {
            primary: primary?,
            secondary: secondary?,
        })
    } else {
        let mut thumbprints = values.into_iter().filter_map(|(name, value)| {
            Thumbprint::new(value.as_str())
                .map_err(|error| problems.span(value.span(), format!("bad `{name}`: {error}")))
                .ok()
        });
        let (primary, secondary) = (thumbprints.next(), thumbprints.next());
        Some(Authentication::SelfSigned {
            primary_thumbprint: primary?,
            secondary_thumbprint: secondary?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Registry;
    use super::*;

    const K1: &str = "c2VjcmV0LWtleS1vbmU="; // "secret-key-one"
    const K2: &str = "c2VjcmV0LWtleS10d28="; // "secret-key-two"

    fn error(text: &str) -> String {
        Registry::from_yaml_str("devices.yaml", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn loads_sas_and_self_signed_devices() {
        let thumb = "ab".repeat(20);
        let text = format!(
            "devices:\n  - id: dev1\n    authentication: {{ type: sas, primary-key: {K1}, secondary-key: {K2} }}\n  - id: dev2\n    authentication: {{ type: self-signed, primary-thumbprint: {thumb}, secondary-thumbprint: {thumb} }}\n"
        );
        let registry = Registry::from_yaml_str("devices.yaml", &text).unwrap();
        let dev1 = registry.get(&DeviceId::new("dev1").unwrap()).unwrap();
        let [primary, secondary] = dev1.device.authentication.keys().unwrap();
        assert_eq!(primary.expose_bytes(), b"secret-key-one");
        assert_eq!(secondary.expose_bytes(), b"secret-key-two");
        let dev2 = registry.get(&DeviceId::new("dev2").unwrap()).unwrap();
        assert!(dev2
            .device
            .authentication
            .accepts_thumbprint(&Thumbprint::new(&thumb).unwrap()));
    }

    #[test]
    fn policies_load_with_their_permissions_and_every_problem_is_located() {
        let text = format!(
            "devices: []\npolicies:\n  - name: service\n    primary-key: {K1}\n    secondary-key: {K2}\n    permissions: [ServiceConnect, RegistryRead]\n"
        );
        let registry = Registry::from_yaml_str("r.yaml", &text).unwrap();
        let policies = registry.policies();
        let service = policies.get("service").unwrap();
        assert!(
            service.grants(Permission::ServiceConnect) && service.grants(Permission::RegistryRead)
        );
        assert!(!service.grants(Permission::RegistryWrite));
        let message = error(&format!(
            "policies:\n  - name: a\n    primary-key: not*base64secret\n    secondary-key: {K2}\n    permissions: [Owner]\n  - {{ name: b, primary-key: {K1}, secondary-key: {K2}, permissions: [] }}\n  - {{ name: b, primary-key: {K1}, secondary-key: {K2}, permissions: [DeviceConnect] }}\n"
        ));
        let lines: Vec<_> = message.lines().collect();
        assert_eq!(lines.len(), 4, "{message}");
        assert!(
            lines[0].starts_with("devices.yaml:5:19: unknown permission `Owner`"),
            "{message}"
        );
        assert!(
            lines[1].starts_with("devices.yaml:3:18: bad `primary-key`"),
            "{message}"
        );
        assert!(
            lines[2].contains("policy `b` grants no permission"),
            "{message}"
        );
        assert!(
            lines[3].starts_with("devices.yaml:7:13: duplicate policy name `b`"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
        assert!(Registry::from_yaml_str("r.yaml", "devices: []\n")
            .unwrap()
            .policies()
            .is_empty());
    }

    #[test]
    fn empty_device_list_is_fine() {
        assert!(Registry::from_yaml_str("r.yaml", "devices: []\n")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn bad_base64_is_located_and_not_echoed() {
        let message = error(&format!(
            "devices:\n  - id: dev1\n    authentication:\n      type: sas\n      primary-key: not*base64secret\n      secondary-key: {K2}\n"
        ));
        assert!(
            message.starts_with("devices.yaml:5:20: bad `primary-key`"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
    }

    #[test]
    fn duplicate_and_bad_ids_are_all_reported() {
        let auth = format!("{{ type: sas, primary-key: {K1}, secondary-key: {K2} }}");
        let message = error(&format!(
            "devices:\n  - id: dev1\n    authentication: {auth}\n  - id: dev1\n    authentication: {auth}\n  - id: a/b\n    authentication: {auth}\n"
        ));
        let lines: Vec<_> = message.lines().collect();
        assert_eq!(lines.len(), 2, "{message}");
        assert!(
            lines[0].starts_with("devices.yaml:4:9: duplicate device id `dev1` (first on line 2)"),
            "{message}"
        );
        assert!(
            lines[1].starts_with("devices.yaml:6:9: bad `id`: device id has '/'"),
            "{message}"
        );
        assert!(!message.contains("c2Vj"), "{message}");
    }

    #[test]
    fn structural_problems_are_located() {
        let message = error("devices:\n  - id: dev1\n    authentication: { type: sas, primary-key: QQ==, bogus: 1 }\n");
        assert!(message.starts_with("devices.yaml:3:"), "{message}");
        assert!(message.contains("bogus"), "{message}");

        let message =
            error("devices:\n  - id: dev1\n    authentication: { type: sas, primary-key: QQ== }\n");
        assert!(message.contains("needs `secondary-key`"), "{message}");

        let message = error("devices:\n  - id: dev1\n    authentication: { type: x509 }\n");
        assert!(
            message.contains("unknown authentication `type` `x509`"),
            "{message}"
        );

        let message = error("devices:\n  - id: dev1\n    authentication: c2VjcmV0LWtleS1vbmU=\n");
        assert!(message.starts_with("devices.yaml:3:"), "{message}");
        assert!(!message.contains("c2Vj"), "{message}");

        let message = error("devices: [\n");
        assert!(message.starts_with("devices.yaml:"), "{message}");
        assert!(message.contains("not valid YAML"), "{message}");

        let message = error("devices: []\ndevices: []\n");
        assert!(
            message.starts_with("devices.yaml:2:1: duplicate key `devices` (first on line 1)"),
            "{message}"
        );

        let message = error("devices:\n  - id: dev1\n    authentication: c2VjcmV0LWtleS1vbmU=\n");
        assert!(
            message.contains("expected a mapping with `type`"),
            "{message}"
        );
    }

    #[test]
    fn missing_file_says_so() {
        let error = Registry::load_yaml("/nonexistent/registry.yaml").unwrap_err();
        assert!(error
            .to_string()
            .starts_with("/nonexistent/registry.yaml: cannot read"));
    }
}
