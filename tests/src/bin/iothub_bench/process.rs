//! The emulator as a process of its own (this binary with the hidden
//! `serve-emulator` subcommand), so that its memory can be read from
//! `/proc` and it shares no scheduler with the load; and reading a
//! process's resident memory.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use crate::hub;

/// A running emulator process; killed when dropped.
pub struct EmulatorProcess {
    child: Child,
    /// Its MQTT address.
    pub mqtt: SocketAddr,
}

impl EmulatorProcess {
    /// Starts one with devices `bench-0` … `bench-{devices-1}`.
    pub fn start(devices: usize) -> Self {
        Self::start_with_state(devices, None)
    }

    /// [`start`](Self::start), keeping durable state in `state` if given.
    pub fn start_with_state(devices: usize, state: Option<&std::path::Path>) -> Self {
        let exe = std::env::current_exe().expect("this binary's path");
        let mut command = Command::new(exe);
        command.args(["serve-emulator", "--devices", &devices.to_string()]);
        if let Some(state) = state {
            command.arg("--state").arg(state);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the emulator process starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the listening line");
        let mqtt = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("mqtt="))
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no MQTT address in {line:?}"));
        Self { child, mqtt }
    }

    /// Its resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The resident memory of process `pid`, in KiB (0 if unknown).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// The `serve-emulator` subcommand: an emulator with `devices` devices,
/// one `listening mqtt=… http=…` line, until its standard input closes.
pub async fn serve(devices: usize, state: Option<std::path::PathBuf>) {
    let emulator = hub::emulator_with_state(devices, state).await;
    println!(
        "listening mqtt={} http={}",
        emulator.mqtt_addr(),
        emulator.http_addr()
    );
    // Ends when the parent closes our standard input (or dies).
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
    })
    .await;
    emulator.shutdown().await;
}
