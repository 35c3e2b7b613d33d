//! Compile tests of the `MqttProperties`, `StatusCode` and `Operation`
//! derives: `ui/pass` cases compile and run (their `main` asserts the
//! generated behaviour); `ui/fail` cases must fail with the locked
//! diagnostics in their `.stderr` files.
//!
//! Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p iothub-client --test derives`, then read
//! every changed one.

use std::io::IsTerminal;

#[test]
fn derives() {
    // trybuild colours its report unless told not to (termcolor's `Auto`
    // looks at `NO_COLOR`, not at whether the output is a terminal): a log
    // gets plain text.
    if !std::io::stderr().is_terminal() {
        std::env::set_var("NO_COLOR", "1");
    }
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
