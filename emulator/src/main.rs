//! `iothub-emulator`: a local IoT Hub (MQTT 5 server and HTTP service API).
//!
//! `iothub-emulator [--config FILE.yaml] [--mqtt 127.0.0.1:1883] [--http 127.0.0.1:8080]
//! [--hostname NAME] [--registry FILE.yaml] [--tls-cert PEM --tls-key PEM]
//! [--state DIR]` (and every other setting of
//! [`Settings`](iothub_emulator::settings::Settings), as a flag or in the
//! `--config` file; the effective settings are logged at `debug`) prints one line
//! `listening mqtt=HOST:PORT http=HOST:PORT` on stdout once both sockets
//! are bound (and, when the registry file has no `policies`, a second line
//! `service-connection-string HostName=…;SharedAccessKeyName=iothubowner;SharedAccessKey=…`:
//! the development policy the service API's tokens are signed with; kept in
//! the state folder with `--state`), logs to stderr (`RUST_LOG`, default `info`) and stops on
//! SIGINT or SIGTERM. With `--tls-cert` and `--tls-key` (both or neither)
//! MQTT is served over TLS and the service API over HTTPS (as the service
//! SDKs call the service: `https://` + the connection string's
//! `HostName`). With `--state DIR` (created if missing) the
//! state is durable there: written before anything is acknowledged, back
//! after a restart, even after `kill -9`; a `--registry` file's devices are
//! written over the stored ones. Exit codes: 0 stopped cleanly, 1 an error
//! (a bad registry or PEM file, a busy port, a state folder that cannot be
//! used), 2 bad usage.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use iothub_emulator::settings::Settings;
use iothub_emulator::Emulator;
use tracing_subscriber::EnvFilter;

/// A local IoT Hub for the data-plane MQTT 5 API.
#[derive(Debug, Parser)]
#[command(name = "iothub-emulator", version, about)]
struct Args {
    /// Read settings from this YAML file (the flags' names as keys; a flag
    /// wins over the file).
    #[arg(long, value_name = "FILE.yaml")]
    config: Option<PathBuf>,
    /// The MQTT listening address (port 0 picks a free one) [default:
    /// 127.0.0.1:1883].
    #[arg(long, value_name = "HOST:PORT")]
    mqtt: Option<SocketAddr>,
    /// The HTTP service API's listening address (port 0 picks a free one)
    /// [default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT")]
    http: Option<SocketAddr>,
    /// Accept only this hub host name in SAS tokens (default: any).
    #[arg(long, value_name = "NAME")]
    hostname: Option<String>,
    /// Load device identities from this YAML file.
    #[arg(long, value_name = "FILE.yaml")]
    registry: Option<PathBuf>,
    /// Serve MQTT over TLS and the service API over HTTPS with this
    /// certificate chain (PEM, leaf first).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Keep the state durable in this folder (created if missing); a
    /// `--registry` file's devices are written over the stored ones.
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// Connections that may wait for their CONNECT at once [default: 4096].
    #[arg(long, value_name = "N")]
    pending_connections: Option<usize>,
    /// HTTP connections served at once [default: 256].
    #[arg(long, value_name = "N")]
    http_max_connections: Option<usize>,
    /// How long an HTTP request head may take, in ms [default: 10000].
    #[arg(long, value_name = "MS")]
    http_header_timeout_ms: Option<u64>,
    /// How long an HTTP request body may take, in ms [default: 30000].
    #[arg(long, value_name = "MS")]
    http_body_timeout_ms: Option<u64>,
    /// Telemetry events the log keeps [default: 100000].
    #[arg(long, value_name = "N")]
    telemetry_events: Option<usize>,
    /// Telemetry bytes the log keeps [default: 4194304].
    #[arg(long, value_name = "BYTES")]
    telemetry_bytes: Option<usize>,
    /// Unfinished commands per device [default: 50].
    #[arg(long, value_name = "N")]
    command_queue_depth: Option<usize>,
    /// A command's time to live, in seconds [default: 3600].
    #[arg(long, value_name = "S")]
    command_ttl_seconds: Option<u64>,
    /// Deliveries before a command is dead-lettered [default: 10].
    #[arg(long, value_name = "N")]
    command_max_deliveries: Option<u32>,
    /// A command payload's largest size, in bytes [default: 65536].
    #[arg(long, value_name = "BYTES")]
    command_max_payload: Option<usize>,
    /// The wait between an abandoned delivery and the next, in ms
    /// [default: 1000].
    #[arg(long, value_name = "MS")]
    command_redelivery_delay_ms: Option<u64>,
}

impl Args {
    /// The settings the flags give (the file's, if any, under them).
    fn settings(self) -> Result<Settings, String> {
        let defaults = Settings {
            mqtt: Some(SocketAddr::from(([127, 0, 0, 1], 1883))),
            http: Some(SocketAddr::from(([127, 0, 0, 1], 8080))),
            ..Settings::default()
        };
        let file = match &self.config {
            Some(path) => Settings::from_yaml_file(path).map_err(|e| format!("error: {e}"))?,
            None => Settings::default(),
        };
        let flags = Settings {
            mqtt: self.mqtt,
            http: self.http,
            hostname: self.hostname,
            registry: self.registry,
            tls_cert: self.tls_cert,
            tls_key: self.tls_key,
            state: self.state,
            pending_connections: self.pending_connections,
            http_max_connections: self.http_max_connections,
            http_header_timeout_ms: self.http_header_timeout_ms,
            http_body_timeout_ms: self.http_body_timeout_ms,
            telemetry_events: self.telemetry_events,
            telemetry_bytes: self.telemetry_bytes,
            command_queue_depth: self.command_queue_depth,
            command_ttl_seconds: self.command_ttl_seconds,
            command_max_deliveries: self.command_max_deliveries,
            command_max_payload: self.command_max_payload,
            command_redelivery_delay_ms: self.command_redelivery_delay_ms,
        };
        Ok(defaults.overridden_by(file).overridden_by(flags))
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let settings = args.settings()?;
    let (config, effective) = settings.into_config().map_err(|e| format!("error: {e}"))?;
    for line in effective.lines() {
        tracing::debug!("setting {line}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("error: cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let emulator = Emulator::start(config)
            .await
            .map_err(|e| format!("error: {e}"))?;
        // The handlers are in place before the line that says the emulator
        // is up: a signal sent right after it stops the emulator cleanly.
        let stop = stop_signal();
        // One write, so a reader of the first line finds the second with it.
        let mut lines = format!(
            "listening mqtt={} http={}\n",
            emulator.mqtt_addr(),
            emulator.http_addr()
        );
        if let Some(service) = emulator.development_connection_string() {
            lines.push_str(&format!("service-connection-string {}\n", service.expose()));
        }
        {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(lines.as_bytes());
            let _ = stdout.flush();
        }
        let signal = stop.await;
        tracing::info!(signal, "stopping");
        emulator.shutdown().await;
        Ok(())
    })
}

/// Installs the SIGINT and SIGTERM handlers at once; the future waits for
/// either and gives its name.
fn stop_signal() -> impl std::future::Future<Output = &'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => tokio::select! {
                    _ = interrupt.recv() => "SIGINT",
                    _ = terminate.recv() => "SIGTERM",
                },
                (interrupt, terminate) => {
                    let error = interrupt.err().or(terminate.err());
                    tracing::warn!(error = ?error, "cannot watch SIGINT and SIGTERM; stopping on Ctrl-C only");
                    let _ = tokio::signal::ctrl_c().await;
                    "SIGINT"
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async move {
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}
