//! Request–response correlation: each request gets Correlation Data unique
//! within the client (8 bytes, within the API's 16-byte limit), registered
//! before its PUBLISH is queued and removed on every exit path: answered,
//! failed with its connection, timed out, or dropped by the caller
//! ([`Waiter`]'s `Drop`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use tokio::sync::oneshot;

use crate::wire::Properties;
use crate::Error;

/// A response PUBLISH: its properties (Correlation Data included) and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The response's properties.
    pub properties: Properties,
    /// The response's payload.
    pub payload: Bytes,
}

#[derive(Debug)]
struct Pending {
    reply: oneshot::Sender<Result<Response, Error>>,
    /// The connection the request went out on, once it has.
    sent_on: Option<u64>,
}

/// The table of requests waiting for their response.
#[derive(Debug)]
pub(crate) struct Correlations {
    next: AtomicU64,
    pending: Mutex<HashMap<Bytes, Pending>>,
}

impl Correlations {
    pub(crate) fn new() -> Self {
        // Start somewhere unpredictable, so that two runs of a program do
        // not reuse each other's Correlation Data.
        let seed = {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
        };
        Self {
            next: AtomicU64::new(seed),
            pending: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Bytes, Pending>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a new request: its Correlation Data and the waiter.
    pub(crate) fn register(self: &Arc<Self>) -> Waiter {
        let (reply, receiver) = oneshot::channel();
        let mut pending = self.lock();
        let key = loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let key = Bytes::copy_from_slice(&n.to_be_bytes());
            if !pending.contains_key(&key) {
                break key;
            }
        };
        pending.insert(
            key.clone(),
            Pending {
                reply,
                sent_on: None,
            },
        );
        Waiter {
            key,
            receiver,
            table: Arc::clone(self),
        }
    }

    /// Notes that the request goes out on connection `connection`; false
    /// if nobody waits for it any more (then it need not go out).
    pub(crate) fn sent(&self, key: &Bytes, connection: u64) -> bool {
        match self.lock().get_mut(key) {
            Some(pending) => {
                pending.sent_on = Some(connection);
                true
            }
            None => false,
        }
    }

    /// Fails one request with `error`.
    pub(crate) fn fail(&self, key: &Bytes, error: Error) {
        // Not under the lock: the wake-up may take a while, and the woken
        // requester takes the lock at once (to drop its `Waiter`).
        let pending = self.lock().remove(key);
        if let Some(pending) = pending {
            let _ = pending.reply.send(Err(error));
        }
    }

    /// Hands `response` to its request; false if none waits for it.
    pub(crate) fn resolve(&self, key: &Bytes, response: Response) -> bool {
        let pending = self.lock().remove(key);
        match pending {
            Some(pending) => pending.reply.send(Ok(response)).is_ok(),
            None => false,
        }
    }

    /// Fails every request that went out on `connection` (its response
    /// cannot come any more): they get [`Error::ConnectionLost`].
    pub(crate) fn fail_sent_on(&self, connection: u64, cause: &str) {
        let lost: Vec<Pending> = self
            .lock()
            .extract_if(|_, p| p.sent_on == Some(connection))
            .map(|(_, p)| p)
            .collect();
        for p in lost {
            let _ = p.reply.send(Err(Error::ConnectionLost {
                cause: cause.to_owned(),
            }));
        }
    }

    /// Fails every request with `error` (the client closed).
    pub(crate) fn fail_all(&self, error: &Error) {
        let all: Vec<Pending> = self.lock().drain().map(|(_, p)| p).collect();
        for p in all {
            let _ = p.reply.send(Err(error.clone()));
        }
    }

    /// How many requests wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

/// A registered request: its Correlation Data, and where its response
/// arrives. Dropping it forgets the request.
#[derive(Debug)]
pub(crate) struct Waiter {
    key: Bytes,
    receiver: oneshot::Receiver<Result<Response, Error>>,
    table: Arc<Correlations>,
}

impl Waiter {
    pub(crate) fn correlation_data(&self) -> &Bytes {
        &self.key
    }

    /// The response, or why there is none.
    pub(crate) async fn response(&mut self) -> Result<Response, Error> {
        (&mut self.receiver).await.unwrap_or(Err(Error::Closed))
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.table.lock().remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response() -> Response {
        Response {
            properties: Properties::default(),
            payload: Bytes::new(),
        }
    }

    #[tokio::test]
    async fn every_exit_path_removes_the_request() {
        let table = Arc::new(Correlations::new());
        let mut answered = table.register();
        let dropped = table.register();
        let lost = table.register();
        assert_ne!(answered.correlation_data(), dropped.correlation_data());
        assert!(answered.correlation_data().len() <= 16);
        assert_eq!(table.len(), 3);

        assert!(table.resolve(&answered.correlation_data().clone(), response()));
        assert!(answered.response().await.is_ok());
        drop(dropped);
        assert!(table.sent(&lost.correlation_data().clone(), 7));
        table.fail_sent_on(6, "other");
        assert_eq!(table.len(), 1, "only requests sent on connection 6 fail");
        table.fail_sent_on(7, "cut");
        assert_eq!(table.len(), 0);
        let mut lost = lost;
        assert!(matches!(
            lost.response().await,
            Err(Error::ConnectionLost { .. })
        ));
        drop(answered);
        assert!(!table.resolve(&Bytes::from_static(b"unknown"), response()));
    }
}
