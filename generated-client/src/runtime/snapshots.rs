//! Snapshots: for a server-to-client message operation whose spec names a
//! snapshot (the desired state of the twin: changes made while a device is
//! offline are never sent to it), the client fetches the whole state after
//! every (re)connection and delivers it on the operation's receiver, marked
//! as a snapshot. The generated `Client::connect` starts this task with the
//! fetch the spec names; here is only the generic part: when, and where to.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;

use super::handle::{Session, WeakSession};
use super::routes::Incoming;
use super::state::ConnectionState;
use super::typed::to_json;
use crate::wire::Properties;
use crate::Error;

/// Attempts per connection, a second apart.
const ATTEMPTS: u32 = 3;

/// Starts the task that delivers a snapshot after every connection: `fetch`
/// gets it (its message properties and payload), `sender` takes it, as a
/// message on `topic`. The task ends with the session.
pub fn spawn_snapshots<F, Fut>(
    session: &Session,
    sender: mpsc::Sender<Incoming>,
    topic: &'static str,
    fetch: F,
) where
    F: Fn(Session) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(Properties, Bytes), Error>> + Send,
{
    let weak = session.downgrade();
    let mut state = session.connection_state();
    tokio::spawn(async move {
        let mut delivered_for = 0u64;
        loop {
            let connection = match &*state.borrow_and_update() {
                ConnectionState::Connected { connection, .. } => Some(*connection),
                ConnectionState::Closed { .. } => return,
                _ => None,
            };
            if let Some(connection) = connection.filter(|c| *c != delivered_for) {
                delivered_for = connection;
                if !deliver(&weak, &sender, topic, &fetch, connection).await {
                    return;
                }
            }
            if state.changed().await.is_err() {
                return;
            }
        }
    });
}

/// One connection's snapshot; false once nobody can take it any more.
async fn deliver<F, Fut>(
    weak: &WeakSession,
    sender: &mpsc::Sender<Incoming>,
    topic: &'static str,
    fetch: &F,
    connection: u64,
) -> bool
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = Result<(Properties, Bytes), Error>>,
{
    for attempt in 1..=ATTEMPTS {
        let Some(session) = weak.upgrade() else {
            return false;
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
                return sender.send(incoming).await.is_ok();
            }
            Err(error) => {
                tracing::warn!(attempt, %error, "could not fetch the snapshot of {topic}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    true
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
