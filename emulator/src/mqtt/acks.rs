//! Acknowledgements that wait for durability. With durable state each
//! connection sends the replies to its PUBLISHes through one task of its
//! own, in the order the PUBLISHes came, each once the change it
//! acknowledges is durable ([`Reply::settle`]). The connection reads on
//! meanwhile, so its messages in flight share a commit, and its PUBACKs
//! still go out in order (MQTT 5 §4.6). A DISCONNECT of the hub queues
//! behind them ([`Acks::finish`]): what was acknowledged durable is
//! acknowledged before the connection ends. In memory mode there is no
//! such task: nothing waits, and replies are sent at once.

use std::time::Duration;

use iothub_mqtt::packet::Packet;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::outbox::Outbox;
use super::publish::Reply;

/// Replies waiting for their changes, per connection (beyond the client's
/// in-flight window, the reader waits).
const WAITING: usize = 64;

/// How long a DISCONNECT of the hub waits for the replies ahead of it
/// (their commits) before the connection ends without them.
const DRAIN: Duration = Duration::from_secs(5);

/// A connection's reply task: where its replies queue, in order.
#[derive(Debug)]
pub struct Acks {
    replies: mpsc::Sender<Reply>,
    task: JoinHandle<()>,
}

impl Acks {
    /// Starts the task that sends `out` the replies queued here, in order,
    /// each once it is settled.
    pub fn spawn(out: Outbox) -> Self {
        let (replies, queue) = mpsc::channel(WAITING);
        let task = tokio::spawn(forward(queue, out));
        Self { replies, task }
    }

    /// Queues `disconnect` behind the replies still waiting and lets them
    /// all go out, for at most 5 s (`DRAIN`); then the task ends.
    pub async fn finish(self, disconnect: Packet) {
        let Self { replies, task } = self;
        let _ = replies.send(Reply::send(disconnect)).await;
        drop(replies);
        if tokio::time::timeout(DRAIN, task).await.is_err() {
            tracing::warn!("replies still waiting for their commit after {DRAIN:?}; not sent");
        }
    }
}

async fn forward(mut queue: mpsc::Receiver<Reply>, out: Outbox) {
    while let Some(reply) = queue.recv().await {
        if !send_now(&out, reply).await {
            return;
        }
    }
}

/// Sends `reply`'s packets once it is settled (each cut to the client's
/// Maximum Packet Size by the outbox); `false` if the connection is gone.
async fn send_now(out: &Outbox, reply: Reply) -> bool {
    for packet in reply.settle().await {
        if !out.send(packet).await.goes_on() {
            return false;
        }
    }
    true
}

/// What a connection does with a reply: hands it to its task, or sends it
/// at once when it has none (memory mode).
pub async fn send(acks: Option<&Acks>, out: &Outbox, reply: Reply) -> bool {
    match acks {
        Some(acks) => acks.replies.send(reply).await.is_ok(),
        None => send_now(out, reply).await,
    }
}
