//! The spec loader on any text: `Ok`, or located diagnostics inside the
//! text; never a panic. A spec it accepts also goes through both
//! generators (the Rust emitter and the English reference document), which
//! must not panic on anything the loader lets through.
#![no_main]

use std::path::Path;

use iothub_codegen::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("fuzz.yaml");
    match iothub_codegen::parse(text, file) {
        Ok(api) => {
            let _ = iothub_codegen::rust::generate(&api);
            let _ = iothub_codegen::docs::render(&api, None);
        }
        Err(Error::InvalidSpec(diagnostics)) => {
            assert!(!diagnostics.is_empty(), "an error without diagnostics");
            // The line after the last (the end of the text), as YAML counts
            // lines: LF, CRLF or a lone CR ends one.
            let lone_cr = text.matches('\r').count() - text.matches("\r\n").count();
            let lines = text.matches('\n').count() + lone_cr + 2;
            for d in diagnostics.iter() {
                assert_eq!(d.location.file, file);
                assert!(
                    (1..=lines).contains(&d.location.line),
                    "line {} of {lines}",
                    d.location.line
                );
                assert!(d.location.column >= 1, "column 0");
                assert!(!d.message.is_empty(), "an empty message");
            }
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
});
