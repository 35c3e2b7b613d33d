//! The typed property decoders on any user properties (and Content Type /
//! Correlation Data): every generated message type's `from_properties`,
//! every operation's outcome of a response or PUBACK (any reason code), and
//! the status enums' text form. The checks are the ones the property tests
//! in `tests/tests/property_decoders_never_panic.rs` run (`decoder_checks`).
//!
//! The input is read as a list of properties whose names and values come
//! mostly from the spec's own (so that the decoders get past their first
//! checks) and sometimes from the fuzzer's bytes.
#![no_main]

use iothub_client::wire::Properties;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/tests/spec/decoder_checks.rs"]
mod decoder_checks;

use decoder_checks::{NAMES, VALUES};

fn text(u: &mut Unstructured<'_>, choices: &[&str]) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok((*u.choose(choices)?).to_owned())
    } else {
        u.arbitrary()
    }
}

fn properties(u: &mut Unstructured<'_>) -> Result<Properties> {
    let mut p = Properties::default();
    if u.ratio(1, 4)? {
        p.content_type = Some(u.arbitrary()?);
    }
    if u.ratio(1, 4)? {
        p.correlation_data = Some(u.arbitrary::<Vec<u8>>()?.into());
    }
    let count = u.int_in_range(0..=12)?;
    for _ in 0..count {
        p.user.push((text(u, NAMES)?, text(u, VALUES)?));
    }
    Ok(p)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(p) = properties(&mut u) else {
        return;
    };
    let reason_code: u8 = u.arbitrary().unwrap_or(0);
    decoder_checks::check(&p, reason_code);
});
