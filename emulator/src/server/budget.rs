//! The file descriptors the two listeners may use, so that neither starves
//! the other: at start the process's soft limit is raised to its hard
//! limit, a reserve is kept for everything else (the state file, the
//! runtime, logs), HTTP gets at most a quarter of the rest (its connection
//! cap) and MQTT what remains. A listener at its share stops accepting
//! until one of its connections ends: the next ones wait in the kernel's
//! backlog, costing no descriptor.

/// Descriptors kept for everything but connections.
pub const RESERVE: usize = 64;

/// The shares of the two listeners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// HTTP connections at once.
    pub http: usize,
    /// MQTT connections at once (`None`: as many as the system allows,
    /// when the limit is unknown).
    pub mqtt: Option<usize>,
}

/// The shares for a soft limit of `limit` descriptors (`None`: unknown)
/// and an HTTP cap of `http_cap`.
pub fn split(limit: Option<u64>, http_cap: usize) -> Budget {
    let Some(limit) = limit else {
        return Budget {
            http: http_cap,
            mqtt: None,
        };
    };
    let available = usize::try_from(limit)
        .unwrap_or(usize::MAX)
        .saturating_sub(RESERVE)
        .max(8);
    let http = http_cap.min(available / 4).max(1);
    Budget {
        http,
        mqtt: Some(available - http),
    }
}

/// The soft limit on open files, after raising it to the hard limit where
/// the system lets us (`None` where it cannot be known).
pub fn descriptor_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            let raised = rustix::process::Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                limit = raised;
            }
        }
        limit.current
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_gets_at_most_a_quarter_and_mqtt_the_rest() {
        assert_eq!(
            split(Some(20_000), 256),
            Budget {
                http: 256,
                mqtt: Some(20_000 - RESERVE - 256)
            }
        );
        let small = split(Some(128), 256);
        assert_eq!(small.http, 16);
        assert_eq!(small.mqtt, Some(128 - RESERVE - 16));
        assert_eq!(
            split(None, 256),
            Budget {
                http: 256,
                mqtt: None
            }
        );
        let tiny = split(Some(10), 256);
        assert!(tiny.http >= 1 && tiny.mqtt.is_some_and(|m| m >= 1));
    }

    #[test]
    fn the_limit_is_known_here() {
        #[cfg(unix)]
        assert!(descriptor_limit().is_some_and(|n| n > 0));
    }
}
