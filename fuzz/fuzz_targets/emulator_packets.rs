//! The emulator's real connection (`iothub_emulator::mqtt::connection::Machine`,
//! the state machine every socket's task drives) on any bytes a peer may
//! send, in pieces, with an explicit clock: framing, the protocol sniffed
//! from a first CONNECT,
//! CONNECT acceptance, re-authentication, SUBSCRIBE rules, PUBLISH by
//! operation, command delivery and settlement; it never panics, ends once
//! the bytes end, and everything it sends reads back as whole packets. The
//! harness is the one the emulator's `frame_bytes` property tests use.
//!
//! The first byte chooses whether the harness signs each CONNECT and AUTH
//! itself (so that input gets past the signature check); the rest is the
//! byte stream.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../emulator/tests/hub/connection_harness/mod.rs"]
mod connection_harness;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    connection_harness::feed(bytes, mode & 1 == 1);
});
