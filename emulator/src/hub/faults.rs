//! Faults a test injects into the hub (the emulator's own extra, over
//! `POST /admin/faults`): the next `count` device operations (one
//! device's or every device's; one operation or any) answered with a
//! status of the spec instead of being carried out, or answered only
//! after an added latency. (Disconnecting a device with a reason code is
//! not a stored fault: it happens at once, through the device's mailbox.)
//! Each fault that fires is logged.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use iothub_client::api::Status;

use crate::registry::DeviceId;

/// What a fault does to the operation it catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// The operation is not carried out; its answer has this status
    /// (a PUBACK's reason code and `status`, a response's `status`).
    Status(Status),
    /// The operation is carried out; its answer waits this long first.
    Latency(Duration),
}

/// A fault waiting for the operations it catches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The device whose operations it catches; every device's if `None`.
    pub device: Option<DeviceId>,
    /// The operation it catches (an operation's stable name, such as
    /// `send-telemetry`); any client-to-server operation if `None`.
    pub operation: Option<String>,
    /// How many operations it catches yet.
    pub remaining: u32,
    /// What it does to them.
    pub action: FaultAction,
}

/// The faults waiting, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    waiting: Arc<Mutex<Vec<Fault>>>,
    /// How many wait: every device operation asks, and without a fault
    /// it takes no lock.
    count: Arc<AtomicUsize>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `fault` (behind the ones waiting).
    pub fn add(&self, fault: Fault) {
        if fault.remaining > 0 {
            let mut waiting = self.lock();
            waiting.push(fault);
            self.count.store(waiting.len(), Ordering::Release);
        }
    }

    /// The faults waiting.
    pub fn list(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    /// Forgets every fault waiting.
    pub fn clear(&self) {
        let mut waiting = self.lock();
        waiting.clear();
        self.count.store(0, Ordering::Release);
    }

    /// What happens to `device`'s operation `operation` now: the oldest
    /// fault that catches it fires (one fewer to catch), if any.
    pub fn take(&self, device: &DeviceId, operation: &str) -> Option<FaultAction> {
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut waiting = self.lock();
        let index = waiting.iter().position(|f| {
            f.device.as_ref().is_none_or(|d| d == device)
                && f.operation.as_deref().is_none_or(|o| o == operation)
        })?;
        let fault = &mut waiting[index];
        fault.remaining -= 1;
        let action = fault.action;
        if fault.remaining == 0 {
            waiting.remove(index);
            self.count.store(waiting.len(), Ordering::Release);
        }
        tracing::info!(device = %device.as_str(), operation, ?action, "injected fault");
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fire_oldest_first_for_what_they_catch() {
        let faults = Faults::default();
        let d1 = DeviceId::new("d1").expect("id");
        let d2 = DeviceId::new("d2").expect("id");
        faults.add(Fault {
            device: Some(d1.clone()),
            operation: Some("send-telemetry".to_owned()),
            remaining: 2,
            action: FaultAction::Status(Status::Throttled),
        });
        faults.add(Fault {
            device: None,
            operation: None,
            remaining: 1,
            action: FaultAction::Latency(Duration::from_millis(5)),
        });
        assert_eq!(
            faults.take(&d1, "send-telemetry"),
            Some(FaultAction::Status(Status::Throttled))
        );
        assert_eq!(
            faults.take(&d2, "send-telemetry"),
            Some(FaultAction::Latency(Duration::from_millis(5))),
            "d1's fault does not catch d2"
        );
        assert_eq!(faults.take(&d2, "get-twin"), None, "the latency is spent");
        assert_eq!(
            faults.take(&d1, "send-telemetry"),
            Some(FaultAction::Status(Status::Throttled))
        );
        assert_eq!(faults.take(&d1, "send-telemetry"), None, "twice, then gone");
        assert!(faults.list().is_empty());
    }
}
