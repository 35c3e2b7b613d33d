//! The device client end to end, as one test binary: against the
//! in-process emulator (operations, faults through a cuttable proxy, chaos,
//! TLS, a hostile peer beside good devices) and against a scripted hub (the
//! wire, the session, the edges). Shared helpers come from
//! `iothub-test-kit`.

mod hostile_cases;

mod chaos;
mod client_edges;
mod client_faults;
mod client_operations;
mod client_session;
mod client_tls;
mod client_wire;
mod hostile_peer;
mod injected_faults;
