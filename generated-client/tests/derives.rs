//! Compile tests of the `MqttProperties`, `StatusCode` and `Operation`
//! derives: `ui/pass` cases compile and run (their `main` asserts the
//! generated behaviour); `ui/fail` cases must fail with the locked
//! diagnostics in their `.stderr` files.
//!
//! Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p iothub-client --test derives`, then read
//! every changed one.

#[test]
fn derives() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
