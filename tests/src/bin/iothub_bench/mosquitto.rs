//! Mosquitto, the reference MQTT broker, for the `hub-throughput` scenario:
//! found on the PATH (or installed by `scripts/install-bench-tools.sh` when
//! missing and this runs as root), started on a free loopback port with a
//! configuration of its own, stopped when dropped.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running mosquitto.
pub struct Mosquitto {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    _dir: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn binary() -> Option<PathBuf> {
    [
        "/usr/sbin/mosquitto",
        "/usr/bin/mosquitto",
        "/usr/local/sbin/mosquitto",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Mosquitto's binary, installing it with the project's script if it is
/// missing; `Err` says why it cannot be had.
fn find_or_install() -> Result<PathBuf, String> {
    if let Some(path) = binary() {
        return Ok(path);
    }
    let script = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/install-bench-tools.sh"
    ));
    eprintln!("mosquitto is missing: running {}", script.display());
    let status = Command::new("bash")
        .arg(&script)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", script.display()));
    }
    binary().ok_or_else(|| "mosquitto is still missing after the install script".to_owned())
}

impl Mosquitto {
    /// Starts mosquitto on a free loopback port, accepting anyone, with the
    /// emulator's Receive Maximum (16) so both take the same QoS 1 window.
    pub fn start() -> Result<Self, String> {
        let binary = find_or_install()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let dir = TempDir(
            std::env::temp_dir().join(format!("iothub-bench-mosquitto-{}", std::process::id())),
        );
        std::fs::create_dir_all(&dir.0).map_err(|e| e.to_string())?;
        let config = dir.0.join("mosquitto.conf");
        std::fs::write(
            &config,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 16\nmax_queued_messages 100000\nlog_type error\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        let child = Command::new(&binary)
            .arg("-c")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        for _ in 0..100 {
            if std::net::TcpStream::connect(addr).is_ok() {
                return Ok(Self {
                    child,
                    addr,
                    _dir: dir,
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("mosquitto did not listen within 5 s".to_owned())
    }

    /// Its resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        crate::process::rss_kib(self.child.id())
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
