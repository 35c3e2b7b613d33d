//! The emulator's packet handling on any bytes a peer may send: framing
//! (`iothub_emulator::mqtt::frame`, the device client's own), the protocol
//! sniffed from a first CONNECT, CONNECT acceptance, re-authentication,
//! SUBSCRIBE rules, PUBLISH by operation, command settlement; none panics
//! and every answer the hub would send encodes whole. The harness is the
//! one the emulator's `frame_bytes` property tests use (no socket: a byte
//! stream fed to a running emulator is the hostile-peer test's job).
//!
//! The first byte chooses whether the harness signs each CONNECT and AUTH
//! itself (so that input gets past the signature check); the rest is the
//! byte stream.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../emulator/tests/hub/packet_harness/mod.rs"]
mod packet_harness;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    packet_harness::Harness::new(mode & 1 == 1).feed(bytes);
});
