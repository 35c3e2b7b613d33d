//! Acknowledgements that wait for durability. With durable state each
//! connection sends the replies to its PUBLISHes through one task of its
//! own, in the order the PUBLISHes came, each once the change it
//! acknowledges is durable ([`Reply::settle`]). The connection reads on
//! meanwhile, so its messages in flight share a commit, and its PUBACKs
//! still go out in order (MQTT 5 §4.6). In memory mode there is no such
//! task: nothing waits, and replies are sent at once.

use tokio::sync::mpsc;

use super::outbox::Outbox;
use super::publish::Reply;

/// Replies waiting for their changes, per connection (beyond the client's
/// in-flight window, the reader waits).
const WAITING: usize = 64;

/// Starts the task that sends `out` the replies given to the sender it
/// answers, in order, each once it is settled.
pub fn spawn(out: Outbox) -> mpsc::Sender<Reply> {
    let (replies, queue) = mpsc::channel(WAITING);
    tokio::spawn(forward(queue, out));
    replies
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
pub async fn send(acks: Option<&mpsc::Sender<Reply>>, out: &Outbox, reply: Reply) -> bool {
    match acks {
        Some(acks) => acks.send(reply).await.is_ok(),
        None => send_now(out, reply).await,
    }
}
