//! The packet framing the hub reads every peer with (shared with the device
//! client): any byte string is a packet, a wait, or an error, never a panic.

use bytes::BytesMut;
use iothub_emulator::mqtt::frame::read;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2048,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0xF4A3E),
        ..ProptestConfig::default()
    })]

    /// Whatever a peer sends: a packet, a wait, or an error; never a
    /// panic, and never a packet made of bytes that were not consumed.
    #[test]
    fn any_bytes_are_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut buffer = BytesMut::from(&bytes[..]);
        for _ in 0..8 {
            let before = buffer.len();
            match read(&mut buffer, 256) {
                Ok(Some(_)) => prop_assert!(buffer.len() < before),
                Ok(None) | Err(_) => break,
            }
        }
    }
}
