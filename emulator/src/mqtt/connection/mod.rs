//! One client connection: a state machine with no I/O ([`Machine`]: the
//! CONNECT within the spec's deadline (`handshake`), then packets until
//! either side ends it (`rules`: MQTT 5's rules; `features`: the API's
//! operations; `session`: an accepted connection's state), driven by one
//! task that owns the socket ([`serve`], in `driver`). Writes keep to the
//! client's Maximum Packet Size ([`crate::mqtt::outbox`]); silence past
//! 1.5 × keep alive ends the connection. The stream is plain TCP or TLS;
//! what TLS learnt (SNI, the client certificate's thumbprint) comes in a
//! [`Transport`].

mod context;
mod driver;
mod features;
mod handshake;
mod machine;
mod rules;
mod session;

pub use context::{Clock, Shared, Transport};
pub use driver::serve;
pub use machine::{Event, Machine};
pub use session::Sources;

#[cfg(test)]
mod machine_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
