//! The `iothub-emulator` binary as a child process: started on free
//! loopback ports, its `listening` line read, signalled, waited for. Every
//! wait is bounded by [`PROCESS_WAIT`]; a child still running when its
//! [`Running`] is dropped (a test failed) is killed.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Every wait on a child process is bounded by this.
pub const PROCESS_WAIT: Duration = Duration::from_secs(10);

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_iothub-emulator");

/// Kills the child if a test fails before it exits.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A started binary: the process, its `listening` line and, when it made a
/// development policy, the service connection string it printed.
pub struct Started {
    /// The process.
    pub running: Running,
    /// `listening mqtt=… http=…`.
    pub line: String,
    /// The `service-connection-string` line's connection string.
    pub service: Option<String>,
}

/// Starts the binary on free ports with `extra` arguments, its log (at
/// `info`) going to `stderr`.
pub fn spawn(extra: &[&str], stderr: Stdio) -> Started {
    let child = Command::new(BIN)
        .args(["--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0"])
        .args(extra)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("runs");
    started(Running(child))
}

/// Reads a started binary's first lines.
fn started(mut running: Running) -> Started {
    let stdout = running.0.stdout.take().expect("stdout");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        // Both lines come in one write: the second, if any, is buffered.
        let mut service = String::new();
        if !reader.buffer().is_empty() {
            let _ = reader.read_line(&mut service);
        }
        let _ = sender.send((line, service));
    });
    let (line, service) = receiver
        .recv_timeout(PROCESS_WAIT)
        .expect("a listening line in time");
    let service = service
        .trim_end()
        .strip_prefix("service-connection-string ")
        .map(str::to_owned);
    Started {
        running,
        line,
        service,
    }
}

/// [`spawn`] with the log thrown away.
pub fn start(extra: &[&str]) -> Started {
    spawn(extra, Stdio::null())
}

/// The `mqtt=` and `http=` addresses of a `listening` line.
pub fn addresses(line: &str) -> (SocketAddr, SocketAddr) {
    let rest = line
        .strip_prefix("listening mqtt=")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    let (mqtt, http) = rest
        .trim_end()
        .split_once(" http=")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    (
        mqtt.parse().expect("an MQTT address"),
        http.parse().expect("an HTTP address"),
    )
}

/// Waits for the child to exit.
pub fn wait_exit(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + PROCESS_WAIT;
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        assert!(Instant::now() < deadline, "did not exit in time");
        thread::sleep(Duration::from_millis(20));
    }
}

/// Sends signal `name` (`TERM`, `INT`) to the child.
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Runs the binary with `args` to its end: exit code, stdout, stderr.
pub fn run_to_end(args: &[&str]) -> (Option<i32>, String, String) {
    let child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut running = Running(child);
    let status = wait_exit(&mut running.0);
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = running.0.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = running.0.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    (status.code(), stdout, stderr)
}

/// [`spawn`] with the process's open-file limit set to `limit` first (soft
/// and hard, through the shell's `ulimit -n`), its log thrown away.
pub fn spawn_with_file_limit(limit: u32, extra: &[&str]) -> Started {
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(["--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    started(Running(child))
}
