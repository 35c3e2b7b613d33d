//! Chaos: the device client and the emulator with a proxy between them that
//! drops the TCP connection at random points (a seeded sequence, printed)
//! while telemetry, twin requests, commands, desired changes and direct
//! method calls all run, for a bounded time. Afterwards: every telemetry
//! message the hub acknowledged is in its log, every command was handled at
//! least once and ends completed, no request hung (each ended within its
//! timeout with an answer or `ConnectionLost`), and no task of the client
//! outlives it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use iothub_client::api::{patch_twin_reported, receive_direct_methods, send_telemetry};
use iothub_client::{Client, Error};
use iothub_emulator::hub::{Command, CommandState};
use iothub_test_kit::fixtures::{emulator, eventually, id, options_to};
use iothub_test_kit::proxy::Proxy;
use iothub_test_kit::WAIT;
use serde_json::json;

/// How long the faults go on.
const CHAOS: Duration = Duration::from_secs(4);
const SEED: u64 = 0x5EED_C4A0_5000_0001;

/// A small seeded generator (xorshift64*): the cut points are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }
}

/// A request may end in an answer or in `ConnectionLost`; anything else
/// (a timeout above all) fails the test.
fn allowed<T>(result: Result<T, Error>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(Error::ConnectionLost { .. }) => None,
        Err(other) => panic!("a request ended with {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_connection_cuts_lose_nothing_acknowledged_and_hang_nothing() {
    println!("chaos seed {SEED:#x}");
    let tasks_before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let hub = emulator(&["d1"]).await;
    let proxy = Arc::new(Proxy::start(hub.mqtt_addr()).await);
    let options = options_to(proxy.addr(), "d1", 0).request_timeout(Duration::from_secs(20));
    let (client, receivers) = Client::connect(options).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    let stop = Arc::new(AtomicBool::new(false));

    // The faults.
    let cutter = {
        let (proxy, stop) = (Arc::clone(&proxy), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut rng = Rng(SEED);
            let mut cuts = 0;
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(rng.between(20, 250))).await;
                cuts += proxy.cut();
            }
            cuts
        })
    };

    // Device side: telemetry (acknowledged ids kept), twin requests.
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let mut device_tasks = Vec::new();
    for sender in 0..4 {
        let (client, stop, acknowledged) =
            (client.clone(), Arc::clone(&stop), Arc::clone(&acknowledged));
        device_tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let message_id = format!("{sender}-{n}");
                n += 1;
                let message = send_telemetry::Message {
                    message_id: Some(message_id.clone()),
                    ..send_telemetry::Message::default()
                };
                let outcome = client
                    .send_telemetry(message, "chaos")
                    .await
                    .expect("acknowledged in the end");
                assert!(outcome.is_success(), "{outcome:?}");
                acknowledged.lock().expect("lock").insert(message_id);
            }
        }));
    }
    {
        let (client, stop) = (client.clone(), Arc::clone(&stop));
        device_tasks.push(tokio::spawn(async move {
            let mut version = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if let Some(outcome) = allowed(client.get_twin().await) {
                    assert!(outcome.is_success(), "{outcome:?}");
                }
                version += 1;
                if let Some(outcome) = allowed(
                    client
                        .patch_twin_reported(
                            patch_twin_reported::Request::default(),
                            &json!({"n": version}),
                        )
                        .await,
                ) {
                    assert!(outcome.is_success(), "{outcome:?}");
                }
            }
        }));
    }

    // Device side: handlers for commands (completed), methods (answered),
    // desired changes (read).
    let iothub_client::Receivers {
        mut receive_commands,
        mut receive_direct_methods,
        mut receive_twin_desired_state_changes,
    } = receivers;
    let handled = Arc::new(Mutex::new(HashSet::new()));
    let command_handler = {
        let handled = Arc::clone(&handled);
        tokio::spawn(async move {
            while let Some(command) = receive_commands.recv().await {
                let command = command.expect("decodes");
                handled
                    .lock()
                    .expect("lock")
                    .insert(command.message.sequence_no);
                command.complete();
            }
        })
    };
    let method_handler = tokio::spawn(async move {
        while let Some(call) = receive_direct_methods.recv().await {
            let call = call.expect("decodes");
            let _ = call
                .respond(
                    receive_direct_methods::Response { response_code: 200 },
                    Bytes::from_static(b"{}"),
                )
                .await;
        }
    });
    let desired_reader = tokio::spawn(async move {
        let mut seen = 0usize;
        while let Some(update) = receive_twin_desired_state_changes.recv().await {
            update.expect("decodes");
            seen += 1;
        }
        seen
    });

    // Cloud side: commands, desired changes, method calls.
    let mut enqueued = Vec::new();
    let mut method_answers = 0;
    let started = tokio::time::Instant::now();
    let mut round = 0u64;
    while started.elapsed() < CHAOS {
        round += 1;
        enqueued.push(
            hub.hub()
                .commands()
                .enqueue(&id("d1"), Command::new(format!("c{round}")))
                .expect("enqueued"),
        );
        hub.hub()
            .twins()
            .patch_desired(&id("d1"), &json!({"round": round}))
            .expect("patched");
        if hub
            .hub()
            .methods()
            .invoke(&id("d1"), "ping", Bytes::new(), Duration::from_millis(200))
            .await
            .is_ok()
        {
            method_answers += 1;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let cuts = cutter.await.expect("joins");
    for task in device_tasks {
        tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .expect("no device task hangs")
            .expect("no device task fails");
    }

    // Every acknowledged telemetry message is in the hub's log.
    let logged: HashSet<String> = hub
        .hub()
        .telemetry()
        .read(1, usize::MAX)
        .into_iter()
        .filter_map(|e| e.record.properties.message_id)
        .collect();
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let missing: Vec<_> = acknowledged.difference(&logged).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not in the log: {missing:?}"
    );
    // Every command was handled at least once and ends completed.
    eventually("every command completed", || {
        let states = hub.hub().commands().list(&id("d1"));
        enqueued.iter().all(|seq| {
            states
                .iter()
                .any(|c| c.sequence_no == *seq && c.state == CommandState::Completed)
        })
    })
    .await;
    let handled = handled.lock().expect("lock").clone();
    assert!(enqueued.iter().all(|seq| handled.contains(seq)));

    client.disconnect().await;
    drop(client);
    for handler in [command_handler, method_handler] {
        tokio::time::timeout(WAIT, handler)
            .await
            .expect("handlers end with the client")
            .expect("joins");
    }
    let desired = tokio::time::timeout(WAIT, desired_reader)
        .await
        .expect("ends")
        .expect("joins");
    assert!(cuts >= 3, "the run saw cuts ({cuts})");
    println!(
        "{cuts} cuts; {} telemetry acknowledged ({} logged); {} commands; {method_answers} method answers; {desired} desired updates",
        acknowledged.len(),
        logged.len(),
        enqueued.len()
    );
    // No task of the client outlives it (the emulator's own tasks are counted before).
    hub.shutdown().await;
    drop(proxy);
    eventually("the client's tasks ended", || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
            <= tasks_before
    })
    .await;
}
