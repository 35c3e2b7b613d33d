//! Hub-level shared access policies, as the service has them: a name, two
//! keys and a set of [`Permission`]s. The service API takes a
//! `SharedAccessSignature` token signed with one of them ([`token`]); a
//! device may sign its CONNECT with a policy that grants
//! [`Permission::DeviceConnect`].
//!
//! The default policies of a real hub are `iothubowner` (every permission),
//! `service` (`ServiceConnect`), `device` (`DeviceConnect`), `registryRead`
//! and `registryReadWrite`. An emulator started without any makes a
//! development policy ([`development`]) and prints its service connection
//! string.

pub mod connection_string;
pub mod development;
mod permission;
mod policy;
pub mod token;

pub use connection_string::{ConnectionStringError, ServiceConnectionString};
pub use permission::{Permission, Permissions};
pub use policy::{Policies, PolicyError, SharedAccessPolicy};
pub use token::{Grant, TokenError};
