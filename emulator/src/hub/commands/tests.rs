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
    assert_eq!(
        commands
            .enqueue(&id(), Command::new("a"))
            .expect("enqueued"),
        1
    );
    assert_eq!(
        commands
            .enqueue(&id(), Command::new("b"))
            .expect("enqueued"),
        2
    );
    assert_eq!(
        commands
            .enqueue(&DeviceId::new("dev2").unwrap(), Command::new("x"))
            .expect("enqueued"),
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
        commands
            .enqueue(&id(), Command::new(payload))
            .expect("enqueued");
    }
    for _ in 0..3 {
        commands.deliver_next(&id()).unwrap();
    }
    assert!(commands.deliver_next(&id()).is_none());
    commands.complete(&id(), 1).unwrap();
    let now = Timestamp::now();
    assert_eq!(
        commands.abandon_at(&id(), 2, now),
        Ok(CommandState::Abandoned)
    );
    commands.reject(&id(), 3).unwrap();
    assert_eq!(
        states(&commands),
        [
            (1, CommandState::Completed, 1),
            (2, CommandState::Abandoned, 1),
            (3, CommandState::Rejected, 1)
        ]
    );
    assert!(
        commands.deliver_next_at(&id(), now).is_none(),
        "not again at once"
    );
    let delay = commands.quotas().redelivery_delay;
    let again = commands.deliver_next_at(&id(), after(now, delay)).unwrap();
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
    commands
        .enqueue(&id(), Command::new("a"))
        .expect("enqueued");
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
    commands
        .enqueue(&id(), Command::new("a"))
        .expect("enqueued");
    commands
        .enqueue(&id(), Command::new("b"))
        .expect("enqueued");
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
        commands
            .enqueue(&id(), Command::new(format!("{n}")))
            .expect("enqueued");
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
    commands.enqueue(&id(), command.clone()).expect("enqueued");
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
    let quotas = CommandQuotas::default().queue_depth(2000);
    let commands = Arc::new(Commands::with_quotas(DEFAULT_RETAINED_FINISHED, quotas));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let commands = Arc::clone(&commands);
            std::thread::spawn(move || {
                (0..200)
                    .map(|_| {
                        commands
                            .enqueue(&id(), Command::new("x"))
                            .expect("enqueued")
                    })
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
    producer
        .enqueue(&id(), Command::new("a"))
        .expect("enqueued");
    tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .unwrap();
    // A permit is kept when nobody waits yet.
    commands
        .enqueue(&id(), Command::new("b"))
        .expect("enqueued");
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

fn quotas() -> CommandQuotas {
    CommandQuotas::default()
}

#[test]
fn the_services_quotas_are_the_defaults() {
    let quotas = quotas();
    assert_eq!(quotas.queue_depth, 50);
    assert_eq!(quotas.ttl, Duration::from_secs(3600));
    assert_eq!(quotas.max_delivery_count, 10);
    assert_eq!(quotas.max_payload, 65_536);
}

#[test]
fn a_51st_unfinished_command_is_refused_and_room_comes_back_when_one_finishes() {
    let commands = Commands::default();
    let now = Timestamp(1_000_000);
    for n in 1..=50 {
        assert_eq!(
            commands
                .enqueue_at(&id(), Command::new("x"), now)
                .map(|(s, _)| s),
            Ok(n)
        );
    }
    assert_eq!(
        commands
            .enqueue_at(&id(), Command::new("x"), now)
            .map(|(s, _)| s),
        Err(CommandError::QueueFull {
            device_id: id(),
            depth: 50
        })
    );
    // A refusal takes no number and changes nothing.
    assert_eq!(commands.list_at(&id(), now).len(), 50);
    let first = commands.deliver_next_at(&id(), now).unwrap();
    commands.complete(&id(), first.sequence_no).unwrap();
    assert_eq!(
        commands
            .enqueue_at(&id(), Command::new("x"), now)
            .map(|(s, _)| s),
        Ok(51)
    );
}

#[test]
fn a_payload_over_the_quota_is_refused() {
    let commands = Commands::default();
    let big = Command::new(vec![0u8; 65_537]);
    assert_eq!(
        commands.enqueue(&id(), big),
        Err(CommandError::TooLarge {
            size: 65_537,
            max: 65_536
        })
    );
    assert_eq!(
        commands.enqueue(&id(), Command::new(vec![0u8; 65_536])),
        Ok(1)
    );
}

#[test]
fn a_command_naked_forever_is_dead_lettered_after_the_maximum_deliveries() {
    let commands = Commands::default();
    let mut now = Timestamp(1_000_000);
    let _ = commands.enqueue_at(&id(), Command::new("x"), now).unwrap();
    let delay = quotas().redelivery_delay;
    let mut deliveries = 0;
    loop {
        let Some(command) = commands.deliver_next_at(&id(), now) else {
            break;
        };
        deliveries += 1;
        assert_eq!(command.delivery_count, deliveries);
        let state = commands.abandon_at(&id(), 1, now).unwrap();
        // Not at once: only after the redelivery delay.
        assert!(commands.deliver_next_at(&id(), now).is_none());
        assert_eq!(
            commands.next_redelivery(&id(), now),
            (state == CommandState::Abandoned).then(|| after(now, delay))
        );
        now = after(now, delay);
        assert!(deliveries <= 10, "delivered past the maximum");
    }
    assert_eq!(deliveries, 10);
    assert_eq!(states(&commands), [(1, CommandState::DeadLettered, 10)]);
}

#[test]
fn a_connection_that_ends_unsettled_counts_as_a_delivery() {
    let quotas = quotas().max_delivery_count(2);
    let commands = Commands::with_quotas(DEFAULT_RETAINED_FINISHED, quotas);
    commands.enqueue(&id(), Command::new("x")).unwrap();
    commands.deliver_next(&id()).unwrap();
    assert_eq!(commands.release_delivered(&id()), 1);
    assert_eq!(states(&commands), [(1, CommandState::Queued, 1)]);
    commands.deliver_next(&id()).unwrap();
    assert!(commands.release(&id(), 1));
    assert_eq!(states(&commands), [(1, CommandState::DeadLettered, 2)]);
}

#[test]
fn a_command_past_its_expiry_is_expired_and_never_delivered() {
    let commands = Commands::default();
    let now = Timestamp(1_000_000);
    let ttl = quotas().ttl;
    let _ = commands
        .enqueue_at(&id(), Command::new("ttl"), now)
        .unwrap();
    let sender = Command::new("own").expiry_time(Timestamp(1_000_010));
    let _ = commands.enqueue_at(&id(), sender, now).unwrap();
    let listed = commands.list_at(&id(), now);
    assert_eq!(listed[0].expiry_time, after(now, ttl));
    assert_eq!(listed[1].expiry_time, Timestamp(1_000_010));
    // The sender's expiry passes first: the second is expired, the first
    // still goes.
    let later = Timestamp(1_000_010);
    assert_eq!(
        commands.deliver_next_at(&id(), later).unwrap().sequence_no,
        1
    );
    assert_eq!(
        commands
            .list_at(&id(), later)
            .iter()
            .map(|c| c.state)
            .collect::<Vec<_>>(),
        [CommandState::Delivered, CommandState::Expired]
    );
    // An abandoned command expires too; a delivered one waits for its
    // settlement.
    commands.abandon_at(&id(), 1, later).unwrap();
    let past = after(now, ttl);
    assert!(commands.deliver_next_at(&id(), past).is_none());
    assert_eq!(
        commands.list_at(&id(), past)[0].state,
        CommandState::Expired
    );
}

/// A command is neither listed nor delivered before its commit, and one
/// whose commit fails is taken out: a crash between enqueueing and the
/// commit cannot have shown its number to anyone.
#[tokio::test]
async fn a_command_is_seen_only_once_durable_and_a_failed_write_leaves_nothing() {
    use crate::store::testing::{journal, Control};
    let control = Arc::new(Control::default());
    let commands = Commands::with_journal(DEFAULT_RETAINED_FINISHED, quotas(), journal(&control));
    let now = Timestamp::now();
    // Written: seen once its commit is done.
    control.hold_sync();
    let (first, commit) = commands.enqueue_at(&id(), Command::new("a"), now).unwrap();
    control.wait_until_held();
    assert!(
        commands.list_at(&id(), now).is_empty(),
        "listed before durable"
    );
    assert!(
        commands.deliver_next_at(&id(), now).is_none(),
        "delivered before durable"
    );
    control.release_sync();
    commit.wait().await.unwrap();
    assert_eq!(states(&commands), [(first, CommandState::Queued, 0)]);
    // Not written (the disk fails in the commit): never seen, and the
    // queue is as it was.
    control.hold_sync();
    let (second, commit) = commands.enqueue_at(&id(), Command::new("b"), now).unwrap();
    assert_eq!(second, first + 1);
    control.wait_until_held();
    control.fail_from(control.syncs());
    assert_eq!(commands.list_at(&id(), now).len(), 1);
    control.release_sync();
    assert!(commit.wait().await.is_err());
    assert_eq!(states(&commands), [(first, CommandState::Queued, 0)]);
    let delivered = commands.deliver_next_at(&id(), now).unwrap();
    assert_eq!(delivered.sequence_no, first);
    assert!(commands.deliver_next_at(&id(), now).is_none(), "b is gone");
}
