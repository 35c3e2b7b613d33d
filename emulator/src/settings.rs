//! Every setting of the emulator in one place, as a YAML file gives them
//! (`iothub-emulator --config FILE`) and as the command line does (the
//! same names as flags; a flag wins over the file): where it listens, its
//! host name, registry, certificate and state folder, and the limits and
//! quotas [`Config`] takes. Every key is optional; an unknown one, or a
//! value of the wrong kind, is an error naming the file, line and column.
//! Paths in a file are relative to the file's folder.
//!
//! ```yaml
//! mqtt: 0.0.0.0:8883
//! http: 0.0.0.0:443
//! hostname: hub.example.test
//! registry: devices.yaml
//! tls-cert: cert.pem
//! tls-key: key.pem
//! state: state
//! pending-connections: 4096
//! http-max-connections: 256
//! http-header-timeout-ms: 10000
//! http-body-timeout-ms: 30000
//! telemetry-events: 100000
//! telemetry-bytes: 4194304
//! command-queue-depth: 50
//! command-ttl-seconds: 3600
//! command-max-deliveries: 10
//! command-max-payload: 65536
//! command-redelivery-delay-ms: 1000
//! ```

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use marked_yaml::LoaderOptions;
use serde::Deserialize;

use crate::hub::{CommandQuotas, TelemetryRetention};
use crate::redact::scrub;
use crate::registry::Registry;
use crate::tls::Tls;
use crate::{Config, HttpLimits};

/// The emulator's settings (see the module); `None` is "as by default".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// The MQTT listener's address.
    pub mqtt: Option<SocketAddr>,
    /// The service API's address.
    pub http: Option<SocketAddr>,
    /// The only host name SAS tokens may name.
    pub hostname: Option<String>,
    /// The registry file (devices, modules, policies).
    pub registry: Option<PathBuf>,
    /// The certificate chain (PEM) of both listeners' TLS.
    pub tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// The folder of the durable state.
    pub state: Option<PathBuf>,
    /// Connections that may wait for their CONNECT at once.
    pub pending_connections: Option<usize>,
    /// HTTP connections served at once.
    pub http_max_connections: Option<usize>,
    /// How long a request head (and an idle keep-alive connection) may take.
    pub http_header_timeout_ms: Option<u64>,
    /// How long a request body may take.
    pub http_body_timeout_ms: Option<u64>,
    /// Telemetry events the log keeps.
    pub telemetry_events: Option<usize>,
    /// Telemetry bytes the log keeps.
    pub telemetry_bytes: Option<usize>,
    /// Unfinished commands per device.
    pub command_queue_depth: Option<usize>,
    /// A command's time to live.
    pub command_ttl_seconds: Option<u64>,
    /// Deliveries before a command is dead-lettered.
    pub command_max_deliveries: Option<u32>,
    /// A command payload's largest size, in bytes.
    pub command_max_payload: Option<usize>,
    /// The wait between an abandoned delivery and the next.
    pub command_redelivery_delay_ms: Option<u64>,
}

impl Settings {
    /// The settings of the YAML file at `path` (relative paths in it made
    /// relative to its folder); an error names the file, line and column.
    pub fn from_yaml_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the settings: {e}", path.display()))?;
        let options = LoaderOptions::default()
            .error_on_duplicate_keys(true)
            .toplevel_mapping();
        let node = marked_yaml::parse_yaml_with_options(0, &text, options)
            .map_err(|e| format!("{}: {}", path.display(), scrub(&e.to_string())))?;
        let mut settings: Self = marked_yaml::from_node(&node).map_err(|error| {
            let at = error
                .start_mark()
                .map_or_else(String::new, |m| format!(":{}:{}", m.line(), m.column()));
            format!("{}{at}: {}", path.display(), scrub(&error.to_string()))
        })?;
        let folder = path.parent().unwrap_or(Path::new("."));
        for file in [
            &mut settings.registry,
            &mut settings.tls_cert,
            &mut settings.tls_key,
            &mut settings.state,
        ]
        .into_iter()
        .flatten()
        {
            if file.is_relative() {
                *file = folder.join(&*file);
            }
        }
        Ok(settings)
    }

    /// These settings, with `over`'s where it has them.
    pub fn overridden_by(self, over: Self) -> Self {
        Self {
            mqtt: over.mqtt.or(self.mqtt),
            http: over.http.or(self.http),
            hostname: over.hostname.or(self.hostname),
            registry: over.registry.or(self.registry),
            tls_cert: over.tls_cert.or(self.tls_cert),
            tls_key: over.tls_key.or(self.tls_key),
            state: over.state.or(self.state),
            pending_connections: over.pending_connections.or(self.pending_connections),
            http_max_connections: over.http_max_connections.or(self.http_max_connections),
            http_header_timeout_ms: over.http_header_timeout_ms.or(self.http_header_timeout_ms),
            http_body_timeout_ms: over.http_body_timeout_ms.or(self.http_body_timeout_ms),
            telemetry_events: over.telemetry_events.or(self.telemetry_events),
            telemetry_bytes: over.telemetry_bytes.or(self.telemetry_bytes),
            command_queue_depth: over.command_queue_depth.or(self.command_queue_depth),
            command_ttl_seconds: over.command_ttl_seconds.or(self.command_ttl_seconds),
            command_max_deliveries: over.command_max_deliveries.or(self.command_max_deliveries),
            command_max_payload: over.command_max_payload.or(self.command_max_payload),
            command_redelivery_delay_ms: over
                .command_redelivery_delay_ms
                .or(self.command_redelivery_delay_ms),
        }
    }

    /// The [`Config`] of these settings (reading the registry and the
    /// certificate), and the effective settings as lines `name: value`
    /// (paths, never a key), the defaults included.
    pub fn into_config(self) -> Result<(Config, String), String> {
        let mut config = Config::new();
        let mut effective = String::new();
        let mut show = |name: &str, value: &dyn std::fmt::Display| {
            let _ = writeln!(effective, "{name}: {value}");
        };
        if let Some(address) = self.mqtt {
            config = config.mqtt(address);
        }
        if let Some(address) = self.http {
            config = config.http(address);
        }
        show("mqtt", &config.mqtt);
        show("http", &config.http);
        if let Some(name) = self.hostname {
            show("hostname", &name);
            config = config.hostname(name);
        }
        if let Some(path) = &self.registry {
            show("registry", &path.display());
            let registry = Registry::load_yaml(path).map_err(|e| e.to_string())?;
            config = config.registry(registry);
        }
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                show("tls-cert", &cert.display());
                show("tls-key", &key.display());
                config = config.tls(Tls::from_pem_files(cert, key).map_err(|e| e.to_string())?);
            }
            (None, None) => {}
            _ => return Err("`tls-cert` and `tls-key` go together".to_owned()),
        }
        if let Some(dir) = self.state {
            show("state", &dir.display());
            config = config.state(dir);
        }
        let pending = self
            .pending_connections
            .unwrap_or(crate::mqtt::admission::DEFAULT_PENDING_CONNECTIONS);
        show("pending-connections", &pending);
        config = config.pending_connections(pending);
        let mut http = HttpLimits::default();
        if let Some(n) = self.http_max_connections {
            http = http.max_connections(n);
        }
        if let Some(ms) = self.http_header_timeout_ms {
            http = http.header_read_timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = self.http_body_timeout_ms {
            http = http.body_read_timeout(Duration::from_millis(ms));
        }
        show("http-max-connections", &http.max_connections);
        show(
            "http-header-timeout-ms",
            &http.header_read_timeout.as_millis(),
        );
        show("http-body-timeout-ms", &http.body_read_timeout.as_millis());
        config = config.http_limits(http);
        let mut retention = TelemetryRetention::default();
        if let Some(n) = self.telemetry_events {
            retention = retention.events(n);
        }
        if let Some(n) = self.telemetry_bytes {
            retention = retention.bytes(n);
        }
        show("telemetry-events", &retention.events);
        show("telemetry-bytes", &retention.bytes);
        config = config.telemetry_retention(retention);
        let mut quotas = CommandQuotas::default();
        if let Some(n) = self.command_queue_depth {
            quotas = quotas.queue_depth(n);
        }
        if let Some(s) = self.command_ttl_seconds {
            quotas = quotas.ttl(Duration::from_secs(s));
        }
        if let Some(n) = self.command_max_deliveries {
            quotas = quotas.max_delivery_count(n);
        }
        if let Some(n) = self.command_max_payload {
            quotas = quotas.max_payload(n);
        }
        if let Some(ms) = self.command_redelivery_delay_ms {
            quotas = quotas.redelivery_delay(Duration::from_millis(ms));
        }
        show("command-queue-depth", &quotas.queue_depth);
        show("command-ttl-seconds", &quotas.ttl.as_secs());
        show("command-max-deliveries", &quotas.max_delivery_count);
        show("command-max-payload", &quotas.max_payload);
        show(
            "command-redelivery-delay-ms",
            &quotas.redelivery_delay.as_millis(),
        );
        config = config.command_quotas(quotas);
        Ok((config, effective))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_every_key_and_flags_win() {
        let dir = std::env::temp_dir().join(format!("iothub-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let path = dir.join("emulator.yaml");
        std::fs::write(
            &path,
            "mqtt: 127.0.0.1:0\nhttp: 127.0.0.1:0\nstate: data\ntelemetry-events: 7\ncommand-ttl-seconds: 60\nhttp-header-timeout-ms: 500\n",
        )
        .expect("writes");
        let file = Settings::from_yaml_file(&path).expect("reads");
        assert_eq!(file.state, Some(dir.join("data")), "relative to the file");
        assert_eq!(file.telemetry_events, Some(7));
        let flags = Settings {
            telemetry_events: Some(9),
            ..Settings::default()
        };
        let merged = file.overridden_by(flags);
        assert_eq!(merged.telemetry_events, Some(9), "a flag wins");
        assert_eq!(merged.command_ttl_seconds, Some(60), "the file's stays");
        let merged = Settings {
            state: None,
            ..merged
        };
        let (_, effective) = merged.into_config().expect("a config");
        for line in [
            "telemetry-events: 9",
            "command-ttl-seconds: 60",
            "http-header-timeout-ms: 500",
            "command-queue-depth: 50",
            "pending-connections: 4096",
        ] {
            assert!(
                effective.lines().any(|l| l == line),
                "{line} in\n{effective}"
            );
        }
        std::fs::write(&path, "tls-cert: a.pem\n").expect("writes");
        let alone = Settings::from_yaml_file(&path).expect("reads");
        assert!(
            alone.into_config().is_err(),
            "a certificate without its key"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
