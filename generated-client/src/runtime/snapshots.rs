//! Snapshots: for a server-to-client message operation whose spec names a
//! snapshot (the desired state of the twin: changes made while a device is
//! offline are never sent to it), the client fetches the whole state after
//! every (re)connection, and after a message of the operation was dropped
//! because the application was behind, and delivers it on the operation's
//! receiver, marked as a snapshot. Items carry their version: a snapshot
//! and a change may arrive in either order, so apply an item only if its
//! version is newer than the last one applied. The generated `Client::connect` starts this task with the
//! fetch the spec names; here is only the generic part: when, and where to.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::{mpsc, watch, Notify};

use super::backoff::jitter;
use super::handle::{Session, WeakSession};
use super::routes::Incoming;
use super::state::ConnectionState;
use super::typed::to_json;
use crate::wire::Properties;
use crate::Error;

/// The first wait between failed fetches; it doubles to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);

/// Starts the task that delivers a snapshot after every connection, and
/// again whenever `overflow` says a message of the operation was dropped
/// (the receiver was behind): `fetch` gets it (its message properties and
/// payload), `sender` takes it, as a message on `topic`. A failed fetch is
/// tried again, with backoff, while the connection lasts. The task ends
/// with the session, or when the operation's receiver is dropped (nothing
/// is fetched for nobody).
pub fn spawn_snapshots<F, Fut>(
    session: &Session,
    sender: mpsc::Sender<Incoming>,
    overflow: Option<Arc<Notify>>,
    topic: &'static str,
    fetch: F,
) where
    F: Fn(Session) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(Properties, Bytes), Error>> + Send,
{
    let weak = session.downgrade();
    let mut state = session.connection_state();
    let overflow = overflow.unwrap_or_default();
    tokio::spawn(async move {
        let mut delivered_for = 0u64;
        let mut stale = false;
        loop {
            if sender.is_closed() {
                // Nobody reads the operation: no fetch for nobody.
                return;
            }
            let connection = match &*state.borrow_and_update() {
                ConnectionState::Connected { connection, .. } => Some(*connection),
                ConnectionState::Closed { .. } => return,
                _ => None,
            };
            if let Some(connection) = connection.filter(|c| *c != delivered_for || stale) {
                match deliver(&weak, &sender, &mut state, topic, &fetch, connection).await {
                    Delivered::Yes | Delivered::Refused => {
                        delivered_for = connection;
                        stale = false;
                    }
                    Delivered::ConnectionChanged => continue,
                    Delivered::Never => return,
                }
            }
            tokio::select! {
                changed = state.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
                () = overflow.notified() => stale = true,
                () = sender.closed() => return,
            }
        }
    });
}

enum Delivered {
    Yes,
    /// The hub refused it for a reason asking again cannot fix.
    Refused,
    /// The connection changed before a fetch succeeded.
    ConnectionChanged,
    /// Nobody can take it any more (the session or the receiver is gone).
    Never,
}

/// One connection's snapshot, fetched until it succeeds or the connection
/// changes.
async fn deliver<F, Fut>(
    weak: &WeakSession,
    sender: &mpsc::Sender<Incoming>,
    state: &mut watch::Receiver<ConnectionState>,
    topic: &'static str,
    fetch: &F,
    connection: u64,
) -> Delivered
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = Result<(Properties, Bytes), Error>>,
{
    let mut wait = FIRST_RETRY;
    loop {
        let Some(session) = weak.upgrade().filter(|_| !sender.is_closed()) else {
            return Delivered::Never;
        };
        match fetch(session).await {
            Ok((properties, payload)) => {
                let incoming = Incoming {
                    topic: topic.to_owned(),
                    properties,
                    payload,
                    delivery: None,
                    connection,
                    snapshot: true,
                };
                return if sender.send(incoming).await.is_ok() {
                    Delivered::Yes
                } else {
                    Delivered::Never
                };
            }
            Err(error) if !worth_retrying(&error) => {
                // Not Allowed, Not Authorized…: asking again on this
                // connection gets the same answer. The next connection asks.
                tracing::warn!(%error, "the snapshot of {topic} was refused; not asking again on this connection");
                return Delivered::Refused;
            }
            Err(error) => {
                // Half the wait to the whole of it, at random, so that a
                // fleet the hub throttled does not ask again at once.
                let wait_now = wait / 2 + jitter(wait / 2, u32::try_from(connection).unwrap_or(0));
                tracing::warn!(%error, wait = ?wait_now, "could not fetch the snapshot of {topic}");
                tokio::select! {
                    () = tokio::time::sleep(wait_now) => {}
                    changed = state.changed() => {
                        if changed.is_err() {
                            return Delivered::Never;
                        }
                    }
                }
                let current = matches!(
                    &*state.borrow(),
                    ConnectionState::Connected { connection: c, .. } if *c == connection
                );
                if !current {
                    return Delivered::ConnectionChanged;
                }
                wait = (wait * 2).min(MAX_RETRY);
            }
        }
    }
}

/// Whether a failed fetch is worth trying again on the same connection: not
/// when the hub answered with a status whose retryable bit is clear (Not
/// Allowed, Not Authorized, Bad Request).
fn worth_retrying(error: &Error) -> bool {
    match error {
        Error::Rejected { status, .. } => crate::api::STATUS_LAYOUT
            .parse_code(status)
            .map_or(true, |code| crate::api::STATUS_LAYOUT.retryable(code)),
        _ => true,
    }
}

/// The state under `member` of a JSON document, as a snapshot: its message
/// properties (each `(property, member of the state)` as text) and the state
/// as the payload.
pub fn snapshot_of(
    document: &[u8],
    member: &str,
    properties: &[(&str, &str)],
) -> Result<(Properties, Bytes), Error> {
    let invalid = |problem: String| Error::InvalidPayload { problem };
    let document: Value = serde_json::from_slice(document)
        .map_err(|e| invalid(format!("the snapshot is not JSON: {e}")))?;
    let state = document
        .get(member)
        .ok_or_else(|| invalid(format!("the snapshot has no member `{member}`")))?;
    let mut user = Vec::with_capacity(properties.len());
    for (property, source) in properties {
        let value = match state.get(*source) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(Value::Bool(flag)) => flag.to_string(),
            _ => {
                return Err(invalid(format!(
                    "the snapshot's `{member}` has no scalar member `{source}` for property `{property}`"
                )))
            }
        };
        user.push(((*property).to_owned(), value));
    }
    let properties = Properties {
        user,
        ..Properties::default()
    };
    Ok((properties, to_json(state)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_that_retrying_cannot_fix_are_not_retried() {
        use crate::api::Status;
        use crate::status::StatusCode;
        let rejected = |status: Status| Error::Rejected {
            status: status.to_text(),
            reason: None,
        };
        assert!(!worth_retrying(&rejected(Status::NotAllowed)));
        assert!(!worth_retrying(&rejected(Status::NotAuthorized)));
        assert!(worth_retrying(&rejected(Status::Throttled)));
        assert!(worth_retrying(&rejected(Status::ServerError)));
        assert!(worth_retrying(&Error::Timeout(Duration::from_secs(1))));
    }

    #[test]
    fn takes_the_member_and_its_properties() {
        let (properties, payload) = snapshot_of(
            br#"{"desired":{"a":1,"$version":7},"reported":{"$version":2}}"#,
            "desired",
            &[("version", "$version")],
        )
        .expect("snapshot");
        assert_eq!(
            properties.user,
            vec![("version".to_owned(), "7".to_owned())]
        );
        let state: Value = serde_json::from_slice(&payload).expect("JSON");
        assert_eq!(state["a"], 1);
        assert!(snapshot_of(b"{}", "desired", &[]).is_err());
        assert!(snapshot_of(br#"{"desired":{}}"#, "desired", &[("version", "$version")]).is_err());
        assert!(snapshot_of(b"not json", "desired", &[]).is_err());
    }
}
