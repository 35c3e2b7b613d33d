use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::*;

fn id() -> DeviceId {
    DeviceId::new("dev1").unwrap()
}

fn states(commands: &Commands) -> Vec<(u64, CommandState, u32)> {
    commands
        .list(&id())
        .into_iter()
        .map(|c| (c.sequence_no, c.state, c.delivery_count))
        .collect()
}

#[test]
fn fifo_with_increasing_sequence_numbers() {
    let commands = Commands::default();
    let before = Timestamp::now();
    assert_eq!(commands.enqueue(&id(), Command::new("a")), 1);
    assert_eq!(commands.enqueue(&id(), Command::new("b")), 2);
    assert_eq!(
        commands.enqueue(&DeviceId::new("dev2").unwrap(), Command::new("x")),
        1
    );
    let first = commands.next_deliverable(&id()).unwrap();
    assert_eq!((first.sequence_no, first.delivery_count), (1, 0));
    assert!(first.enqueued_time >= before);
    assert_eq!(first.command.payload, "a");
    let delivered = commands.mark_delivered(&id(), 1).unwrap();
    assert_eq!(
        (delivered.state, delivered.delivery_count),
        (CommandState::Delivered, 1)
    );
    assert_eq!(commands.next_deliverable(&id()).unwrap().sequence_no, 2);
}

#[test]
fn complete_abandon_reject() {
    let commands = Commands::default();
    for payload in ["a", "b", "c"] {
        commands.enqueue(&id(), Command::new(payload));
    }
    for _ in 0..3 {
        commands.deliver_next(&id()).unwrap();
    }
    assert!(commands.deliver_next(&id()).is_none());
    commands.complete(&id(), 1).unwrap();
    commands.abandon(&id(), 2).unwrap();
    commands.reject(&id(), 3).unwrap();
    assert_eq!(
        states(&commands),
        [
            (1, CommandState::Completed, 1),
            (2, CommandState::Abandoned, 1),
            (3, CommandState::Rejected, 1)
        ]
    );
    let again = commands.deliver_next(&id()).unwrap();
    assert_eq!(
        (again.sequence_no, again.delivery_count),
        (2, 2),
        "abandoned is redelivered"
    );
    assert!(commands.deliver_next(&id()).is_none());
}

#[test]
fn invalid_transitions_are_errors() {
    let commands = Commands::default();
    commands.enqueue(&id(), Command::new("a"));
    let error = commands.complete(&id(), 1).unwrap_err();
    assert_eq!(
        error,
        CommandError::InvalidState {
            device_id: id(),
            sequence_no: 1,
            state: CommandState::Queued,
            operation: "complete"
        }
    );
    assert_eq!(error.status(), Status::Conflict);
    let missing = commands.abandon(&id(), 9).unwrap_err();
    assert_eq!(missing.status(), Status::NotFound);
    commands.mark_delivered(&id(), 1).unwrap();
    assert!(
        commands.mark_delivered(&id(), 1).is_err(),
        "already delivered"
    );
    commands.reject(&id(), 1).unwrap();
    assert!(commands.abandon(&id(), 1).is_err(), "rejected is final");
    assert!(commands.mark_delivered(&id(), 1).is_err());
}

#[test]
fn release_delivered_requeues_in_flight_commands() {
    let commands = Commands::default();
    commands.enqueue(&id(), Command::new("a"));
    commands.enqueue(&id(), Command::new("b"));
    commands.deliver_next(&id());
    commands.deliver_next(&id());
    commands.complete(&id(), 2).unwrap();
    assert_eq!(commands.release_delivered(&id()), 1);
    let again = commands.deliver_next(&id()).unwrap();
    assert_eq!((again.sequence_no, again.delivery_count), (1, 2));
}

#[test]
fn finished_commands_are_trimmed_oldest_first() {
    let commands = Commands::new(2);
    for n in 0..5 {
        commands.enqueue(&id(), Command::new(format!("{n}")));
    }
    for seq in 1..=4 {
        commands.deliver_next(&id());
        commands.complete(&id(), seq).unwrap();
    }
    let listed: Vec<_> = states(&commands).into_iter().map(|(s, ..)| s).collect();
    assert_eq!(listed, [3, 4, 5]);
}

#[test]
fn message_carries_the_command_properties() {
    let commands = Commands::default();
    let command = Command::new("on")
        .message_id("m1")
        .correlation_id("c1")
        .user_id("u1")
        .content_type("text/plain")
        .content_encoding("utf-8")
        .creation_time(Timestamp(1_600_987_195_320))
        .application_property("@unit", "C")
        .application_property("zone", "2");
    commands.enqueue(&id(), command.clone());
    let delivered = commands.deliver_next(&id()).unwrap();
    let message = delivered.to_message();
    assert_eq!(message.sequence_no, 1);
    assert_eq!(message.delivery_count, 1);
    assert_eq!(message.enqueued_time, delivered.enqueued_time);
    assert_eq!(message.message_id.as_deref(), Some("m1"));
    assert_eq!(message.correlation_id.as_deref(), Some("c1"));
    assert_eq!(message.user_id.as_deref(), Some("u1"));
    assert_eq!(message.content_type.as_deref(), Some("text/plain"));
    assert_eq!(message.content_encoding.as_deref(), Some("utf-8"));
    assert_eq!(message.creation_time, Some(Timestamp(1_600_987_195_320)));
    let application: Vec<_> = message.application.iter().collect();
    assert_eq!(application, [("unit", "C"), ("zone", "2")]);
    assert_eq!(CommandState::Delivered.to_string(), "delivered");
}

#[test]
fn sequence_numbers_are_unique_and_dense_across_threads() {
    let commands = Arc::new(Commands::default());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let commands = Arc::clone(&commands);
            std::thread::spawn(move || {
                (0..200)
                    .map(|_| commands.enqueue(&id(), Command::new("x")))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = HashSet::new();
    for thread in threads {
        let numbers = thread.join().unwrap();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "increasing per thread"
        );
        all.extend(numbers);
    }
    assert_eq!(all, (1..=1600).collect::<HashSet<u64>>());
    let listed: Vec<_> = commands.list(&id()).iter().map(|c| c.sequence_no).collect();
    assert_eq!(
        listed,
        (1..=1600).collect::<Vec<_>>(),
        "queue is in sequence order"
    );
}

#[tokio::test]
async fn notifier_wakes_a_waiting_consumer() {
    let commands = Arc::new(Commands::default());
    let notify = commands.notifier(&id());
    let producer = Arc::clone(&commands);
    let waiter = tokio::spawn(async move {
        notify.notified().await;
    });
    tokio::task::yield_now().await;
    producer.enqueue(&id(), Command::new("a"));
    tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .unwrap();
    // A permit is kept when nobody waits yet.
    commands.enqueue(&id(), Command::new("b"));
    tokio::time::timeout(Duration::from_secs(5), commands.notifier(&id()).notified())
        .await
        .expect("permit kept");
}

#[test]
fn reads_of_unknown_devices_create_nothing() {
    let commands = Commands::default();
    let ghost = DeviceId::new("ghost").unwrap();
    assert!(commands.list(&ghost).is_empty());
    assert!(commands.next_deliverable(&ghost).is_none());
    assert!(commands.deliver_next(&ghost).is_none());
    assert_eq!(commands.release_delivered(&ghost), 0);
    assert_eq!(
        commands.complete(&ghost, 1),
        Err(CommandError::NotFound {
            device_id: ghost.clone(),
            sequence_no: 1
        })
    );
    let devices = commands.devices.lock().unwrap();
    assert!(devices.is_empty());
}
